package dev.terrarium.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrarium.testing.TerrariumTest;
import dev.terrarium.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The local control plane is a real cluster: controller-manager, scheduler and kwok do their parts,
 * and the garbage collector follows owner references.
 */
@TerrariumTest(operator = false)
class LocalControlPlaneIT {

    @Test
    void aDeploymentGetsAReplicaSetAndReadyPods(TestNamespace ns) {
        Deployment deployment =
                ns.client()
                        .resource(
                                new DeploymentBuilder()
                                        .withNewMetadata()
                                        .withName("web")
                                        .endMetadata()
                                        .withNewSpec()
                                        .withReplicas(2)
                                        .withNewSelector()
                                        .addToMatchLabels("app", "web")
                                        .endSelector()
                                        .withNewTemplate()
                                        .withNewMetadata()
                                        .addToLabels("app", "web")
                                        .endMetadata()
                                        .withNewSpec()
                                        .addNewContainer()
                                        .withName("main")
                                        .withImage("nginx:1.27")
                                        .endContainer()
                                        .endSpec()
                                        .endTemplate()
                                        .endSpec()
                                        .build())
                        .create();

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            assertThat(
                                            ns.client()
                                                    .apps()
                                                    .replicaSets()
                                                    .withLabel("app", "web")
                                                    .list()
                                                    .getItems())
                                    .singleElement()
                                    .extracting(ReplicaSet::getMetadata)
                                    .satisfies(
                                            m ->
                                                    assertThat(
                                                                    m.getOwnerReferences()
                                                                            .get(0)
                                                                            .getUid())
                                                            .isEqualTo(
                                                                    deployment
                                                                            .getMetadata()
                                                                            .getUid()));
                            assertThat(ns.client().pods().withLabel("app", "web").list().getItems())
                                    .hasSize(2)
                                    .allSatisfy(
                                            pod -> {
                                                assertThat(pod.getSpec().getNodeName())
                                                        .startsWith("kwok-node-");
                                                assertThat(ready(pod)).isTrue();
                                            });
                            assertThat(
                                            ns.client()
                                                    .apps()
                                                    .deployments()
                                                    .withName("web")
                                                    .get()
                                                    .getStatus()
                                                    .getReadyReplicas())
                                    .isEqualTo(2);
                        });
        assertThat(ns.kubectl().run("rollout", "status", "deployment/web", "--timeout=60s"))
                .contains("successfully rolled out");
    }

    @Test
    void aJobRunsToCompletion(TestNamespace ns) {
        ns.client()
                .resource(
                        new JobBuilder()
                                .withNewMetadata()
                                .withName("once")
                                .endMetadata()
                                .withNewSpec()
                                .withBackoffLimit(0)
                                .withNewTemplate()
                                .withNewSpec()
                                .withRestartPolicy("Never")
                                .addNewContainer()
                                .withName("main")
                                .withImage("busybox:1.36")
                                .withCommand("true")
                                .endContainer()
                                .endSpec()
                                .endTemplate()
                                .endSpec()
                                .build())
                .create();

        assertThat(
                        ns.kubectl()
                                .run(
                                        "wait",
                                        "--for=condition=Complete",
                                        "job/once",
                                        "--timeout=60s"))
                .contains("condition met");
        Job job = ns.client().batch().v1().jobs().withName("once").get();
        assertThat(job.getStatus().getSucceeded()).isEqualTo(1);
    }

    @Test
    void anOwnedObjectIsGarbageCollectedWithItsOwner(TestNamespace ns) {
        ConfigMap owner =
                ns.client()
                        .resource(
                                new ConfigMapBuilder()
                                        .withNewMetadata()
                                        .withName("owner")
                                        .endMetadata()
                                        .addToData("k", "v")
                                        .build())
                        .create();
        ns.client()
                .resource(
                        new ConfigMapBuilder()
                                .withNewMetadata()
                                .withName("owned")
                                .addNewOwnerReference()
                                .withApiVersion("v1")
                                .withKind("ConfigMap")
                                .withName("owner")
                                .withUid(owner.getMetadata().getUid())
                                .endOwnerReference()
                                .endMetadata()
                                .build())
                .create();

        ns.client().configMaps().withName("owner").delete();

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () ->
                                assertThat(ns.client().configMaps().withName("owned").get())
                                        .isNull());
    }

    private static boolean ready(Pod pod) {
        return pod.getStatus() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
