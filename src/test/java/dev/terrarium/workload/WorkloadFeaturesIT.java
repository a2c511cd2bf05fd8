package dev.terrarium.workload;

import static dev.terrarium.testing.Objects.awaitWorkload;
import static dev.terrarium.testing.Objects.uniquePackage;
import static dev.terrarium.testing.Objects.venv;
import static dev.terrarium.testing.Objects.workload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrarium.api.Condition;
import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentOutput;
import dev.terrarium.api.Workload;
import dev.terrarium.api.WorkloadPhase;
import dev.terrarium.api.WorkloadPort;
import dev.terrarium.api.WorkloadProbes;
import dev.terrarium.api.WorkloadSpec;
import dev.terrarium.status.Conditions;
import dev.terrarium.testing.TerrariumTest;
import dev.terrarium.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What services and notebooks need of a Workload beyond docker run: the scale subresource, pull
 * secrets, probes and volumes, on the local control plane.
 */
@TerrariumTest
class WorkloadFeaturesIT {

    private static final Duration CONVERGE = Duration.ofSeconds(120);
    private static final String IMAGE = "registry.test/team/server:1";

    @Test
    void kubectlScaleAndAnAutoscalerTargetTheWorkloadWithoutAFight(TestNamespace ns) {
        Workload web = onImage("scaled");
        web.getSpec().setReplicas(1);
        ns.client().resource(web).create();
        awaitWorkload(
                ns.client(),
                ns.name(),
                "scaled",
                w -> w.getStatus().getPhase() == WorkloadPhase.Running,
                CONVERGE);

        ns.kubectl().run("scale", "workload/scaled", "--replicas=3");

        assertThat(
                        ns.client()
                                .resources(Workload.class)
                                .withName("scaled")
                                .get()
                                .getSpec()
                                .getReplicas())
                .isEqualTo(3);
        Workload scaled =
                awaitWorkload(
                        ns.client(),
                        ns.name(),
                        "scaled",
                        w -> "3/3".equals(w.getStatus().getReady()),
                        CONVERGE);
        assertThat(scaled.getStatus().getReplicas()).isEqualTo(3);
        // The operator keeps the count kubectl scale wrote: no reset to the earlier 1.
        await().during(Duration.ofSeconds(5))
                .atMost(Duration.ofSeconds(20))
                .untilAsserted(
                        () ->
                                assertThat(
                                                ns.client()
                                                        .apps()
                                                        .deployments()
                                                        .withName("scaled")
                                                        .get()
                                                        .getSpec()
                                                        .getReplicas())
                                        .isEqualTo(3));

        String scale =
                ns.kubectl()
                        .run(
                                "get",
                                "--raw",
                                "/apis/terrarium.dev/v1alpha1/namespaces/"
                                        + ns.name()
                                        + "/workloads/scaled/scale");
        assertThat(scale)
                .contains("\"kind\":\"Scale\"")
                .contains("\"replicas\":3")
                .contains("\"selector\":\"terrarium.dev/workload=scaled\"");
        assertThat(
                        ns.client()
                                .pods()
                                .withLabelSelector(scaled.getStatus().getSelector())
                                .list()
                                .getItems())
                .hasSize(3);

        HorizontalPodAutoscaler hpa =
                new HorizontalPodAutoscalerBuilder()
                        .withNewMetadata()
                        .withName("scaled")
                        .endMetadata()
                        .withNewSpec()
                        .withNewScaleTargetRef()
                        .withApiVersion("terrarium.dev/v1alpha1")
                        .withKind("Workload")
                        .withName("scaled")
                        .endScaleTargetRef()
                        .withMinReplicas(1)
                        .withMaxReplicas(5)
                        .addNewMetric()
                        .withType("Resource")
                        .withNewResource()
                        .withName("cpu")
                        .withNewTarget()
                        .withType("Utilization")
                        .withAverageUtilization(80)
                        .endTarget()
                        .endResource()
                        .endMetric()
                        .endSpec()
                        .build();
        ns.client().resource(hpa).create();
        assertThat(
                        ns.client()
                                .autoscaling()
                                .v2()
                                .horizontalPodAutoscalers()
                                .withName("scaled")
                                .get()
                                .getSpec()
                                .getScaleTargetRef()
                                .getKind())
                .isEqualTo("Workload");
    }

    @Test
    void aPrivateImagesPodsCarryItsPullSecretsMergedWithTheEnvironments(TestNamespace ns) {
        Workload plain = onImage("private");
        plain.getSpec().setImage("registry.test/team/private:1");
        plain.getSpec().setImagePullSecrets(List.of("team-registry", "team-registry-2"));
        ns.client().resource(plain).create();

        awaitWorkload(
                ns.client(),
                ns.name(),
                "private",
                w -> w.getStatus().getPhase() == WorkloadPhase.Running,
                CONVERGE);
        assertThat(
                        ns.client()
                                .pods()
                                .withLabel("terrarium.dev/workload", "private")
                                .list()
                                .getItems())
                .isNotEmpty()
                .allSatisfy(
                        pod ->
                                assertThat(pod.getSpec().getImagePullSecrets())
                                        .extracting(LocalObjectReference::getName)
                                        .containsExactly("team-registry", "team-registry-2"));

        Environment env = venv("pulled", uniquePackage());
        EnvironmentOutput output = new EnvironmentOutput();
        output.setPullSecret("registry-pull");
        env.getSpec().setOutput(output);
        ns.client().resource(env).create();
        Workload built = workload("pulled", "pulled");
        built.getSpec().setImagePullSecrets(List.of("registry-pull", "mirror-pull"));
        ns.client().resource(built).create();
        awaitWorkload(
                ns.client(),
                ns.name(),
                "pulled",
                w -> w.getStatus().getPhase() == WorkloadPhase.Running,
                CONVERGE);
        assertThat(
                        ns.client()
                                .apps()
                                .deployments()
                                .withName("pulled")
                                .get()
                                .getSpec()
                                .getTemplate()
                                .getSpec()
                                .getImagePullSecrets())
                .extracting(LocalObjectReference::getName)
                .containsExactly("registry-pull", "mirror-pull");
    }

    @Test
    void theDeploymentCarriesTheProbesAndADefaultReadinessOnTheFirstPort(TestNamespace ns) {
        apply(
                ns,
                """
                        apiVersion: terrarium.dev/v1alpha1
                        kind: Workload
                        metadata: {name: probed}
                        spec:
                          image: registry.test/team/server:1
                          ports: [{name: http, containerPort: 8000}]
                          probes:
                            readiness: {httpGet: {path: /healthz, port: http}, periodSeconds: 2}
                            liveness: {exec: {command: [pgrep, python]}, failureThreshold: 5}
                            startup: {tcpSocket: {port: 8000}, failureThreshold: 60}
                        ---
                        apiVersion: terrarium.dev/v1alpha1
                        kind: Workload
                        metadata: {name: defaulted}
                        spec:
                          image: registry.test/team/server:1
                          ports: [{name: web, containerPort: 8080}]
                        """);

        awaitWorkload(
                ns.client(),
                ns.name(),
                "probed",
                w -> w.getStatus().getPhase() == WorkloadPhase.Running,
                CONVERGE);
        Container probed = container(ns, "probed");
        assertThat(probed.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(probed.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
        assertThat(probed.getReadinessProbe().getPeriodSeconds()).isEqualTo(2);
        assertThat(probed.getLivenessProbe().getExec().getCommand())
                .containsExactly("pgrep", "python");
        assertThat(probed.getLivenessProbe().getFailureThreshold()).isEqualTo(5);
        assertThat(probed.getStartupProbe().getTcpSocket().getPort().getIntVal()).isEqualTo(8000);

        awaitWorkload(
                ns.client(),
                ns.name(),
                "defaulted",
                w -> w.getStatus().getPhase() == WorkloadPhase.Running,
                CONVERGE);
        Container defaulted = container(ns, "defaulted");
        assertThat(defaulted.getReadinessProbe().getTcpSocket().getPort().getStrVal())
                .isEqualTo("web");
        assertThat(defaulted.getLivenessProbe()).isNull();

        ns.client()
                .resources(Workload.class)
                .withName("defaulted")
                .edit(
                        w -> {
                            WorkloadProbes off = new WorkloadProbes();
                            off.setDefaultReadiness(false);
                            w.getSpec().setProbes(off);
                            return w;
                        });
        await().atMost(CONVERGE)
                .untilAsserted(
                        () -> assertThat(container(ns, "defaulted").getReadinessProbe()).isNull());
    }

    /**
     * On kwok nothing probes: the node kwok-unready stands for a server that never answers its
     * readiness probe, its pods running but never ready.
     */
    @Test
    void aWorkloadWhosePodsNeverPassReadinessIsNotReady(TestNamespace ns) {
        Workload deaf = onImage("deaf");
        deaf.getSpec().setReplicas(2);
        deaf.getSpec().setPorts(List.of(new WorkloadPort("http", 8000, null)));
        deaf.getSpec().setNodeSelector(Map.of("terrarium.dev/kwok-fate", "unready"));
        deaf.getSpec()
                .setTolerations(
                        List.of(
                                new TolerationBuilder()
                                        .withKey("terrarium.dev/kwok-fate")
                                        .withOperator("Exists")
                                        .withEffect("NoSchedule")
                                        .build()));
        ns.client().resource(deaf).create();

        await().atMost(CONVERGE)
                .until(
                        () ->
                                ns
                                                .client()
                                                .pods()
                                                .withLabel("terrarium.dev/workload", "deaf")
                                                .list()
                                                .getItems()
                                                .stream()
                                                .filter(
                                                        p ->
                                                                "Running"
                                                                        .equals(
                                                                                p.getStatus()
                                                                                        .getPhase()))
                                                .count()
                                        == 2);
        await().during(Duration.ofSeconds(5))
                .atMost(Duration.ofSeconds(20))
                .untilAsserted(
                        () -> {
                            Workload seen =
                                    ns.client().resources(Workload.class).withName("deaf").get();
                            assertThat(seen.getStatus().getPhase())
                                    .isEqualTo(WorkloadPhase.Progressing);
                            assertThat(seen.getStatus().getReady()).isEqualTo("0/2");
                            assertThat(
                                            Conditions.isTrue(
                                                    seen.getStatus().getConditions(),
                                                    Condition.READY))
                                    .isFalse();
                        });
        assertThat(container(ns, "deaf").getReadinessProbe().getTcpSocket().getPort().getStrVal())
                .isEqualTo("http");
    }

    /** kubectl apply of YAML as a user writes it, so the schema sees the fields as written. */
    static void apply(TestNamespace ns, String yaml) {
        try {
            Path file = Files.createTempFile("workload-", ".yaml");
            try {
                Files.writeString(file, yaml);
                ns.kubectl().run("apply", "-f", file.toString());
            } finally {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Container container(TestNamespace ns, String name) {
        return ns.client()
                .apps()
                .deployments()
                .withName(name)
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
    }

    static Workload onImage(String name) {
        WorkloadSpec spec = new WorkloadSpec();
        spec.setImage(IMAGE);
        Workload workload = new Workload();
        workload.setMetadata(new ObjectMetaBuilder().withName(name).build());
        workload.setSpec(spec);
        return workload;
    }
}
