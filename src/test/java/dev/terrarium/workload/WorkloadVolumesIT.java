package dev.terrarium.workload;

import static dev.terrarium.testing.Objects.awaitWorkload;
import static dev.terrarium.workload.WorkloadFeaturesIT.apply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrarium.api.WorkloadPhase;
import dev.terrarium.testing.TerrariumTest;
import dev.terrarium.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A Workload's volumes on the local control plane: each source in the Deployment's pod template,
 * the claim the operator makes, kept or deleted with the Workload as asked, and the Recreate
 * strategy for claims that attach once. The kwok nodes mount nothing: what is real here is the API
 * server's acceptance of the pod template, the claim object, and the garbage collector.
 */
@TerrariumTest
class WorkloadVolumesIT {

    private static final Duration CONVERGE = Duration.ofSeconds(120);

    private static String workload(String name, String spec) {
        return """
                apiVersion: terrarium.dev/v1alpha1
                kind: Workload
                metadata:
                  name: %s
                spec:
                  image: registry.test/team/server:1
                %s"""
                .formatted(name, spec.indent(2));
    }

    private static Deployment awaitDeployment(
            TestNamespace ns, String name, Predicate<Deployment> until) {
        return await().atMost(CONVERGE)
                .until(
                        () -> ns.client().apps().deployments().withName(name).get(),
                        d -> d != null && until.test(d));
    }

    private static String strategy(Deployment deployment) {
        return deployment.getSpec().getStrategy().getType();
    }

    private static PersistentVolumeClaim existingClaim(String name, String accessMode) {
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withAccessModes(accessMode)
                .withStorageClassName("none")
                .withNewResources()
                .withRequests(Map.of("storage", new Quantity("1Gi")))
                .endResources()
                .endSpec()
                .build();
    }

    @Test
    void eachSourceIsMountedInThePodTemplateAndShmIsMemory(TestNamespace ns) {
        ns.client().resource(existingClaim("shared", "ReadWriteMany")).create();
        apply(
                ns,
                workload(
                        "mounts",
                        """
                        volumes:
                        - {name: config, configMap: {name: app-config, items: [{key: app.toml, path: conf/app.toml, mode: 0440}], optional: true}}
                        - {name: token, secret: {secretName: app-token, defaultMode: 0400, optional: true}}
                        - {name: shm, emptyDir: {medium: Memory, sizeLimit: 2Gi}}
                        - {name: scratch, emptyDir: {sizeLimit: 5Gi}}
                        - {name: shared, persistentVolumeClaim: {claimName: shared, readOnly: true}}
                        volumeMounts:
                        - {name: config, mountPath: /etc/app, readOnly: true}
                        - {name: token, mountPath: /var/run/secrets/app}
                        - {name: shm, mountPath: /dev/shm}
                        - {name: scratch, mountPath: /scratch}
                        - {name: shared, mountPath: /data, subPath: team, readOnly: true}
                        """));

        Deployment deployment = awaitDeployment(ns, "mounts", d -> true);

        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Map<String, Volume> volumes =
                pod.getVolumes().stream()
                        .collect(java.util.stream.Collectors.toMap(Volume::getName, v -> v));
        assertThat(volumes).containsOnlyKeys("config", "token", "shm", "scratch", "shared");
        assertThat(volumes.get("config").getConfigMap().getName()).isEqualTo("app-config");
        assertThat(volumes.get("config").getConfigMap().getItems().get(0).getMode())
                .isEqualTo(0440);
        assertThat(volumes.get("token").getSecret().getSecretName()).isEqualTo("app-token");
        assertThat(volumes.get("token").getSecret().getDefaultMode()).isEqualTo(0400);
        assertThat(volumes.get("shm").getEmptyDir().getMedium()).isEqualTo("Memory");
        assertThat(volumes.get("shm").getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("2Gi"));
        assertThat(volumes.get("scratch").getEmptyDir().getMedium()).isNullOrEmpty();
        assertThat(volumes.get("shared").getPersistentVolumeClaim().getClaimName())
                .isEqualTo("shared");
        assertThat(volumes.get("shared").getPersistentVolumeClaim().getReadOnly()).isTrue();
        assertThat(pod.getContainers().get(0).getVolumeMounts())
                .extracting(VolumeMount::getName, VolumeMount::getMountPath)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("config", "/etc/app"),
                        org.assertj.core.groups.Tuple.tuple("token", "/var/run/secrets/app"),
                        org.assertj.core.groups.Tuple.tuple("shm", "/dev/shm"),
                        org.assertj.core.groups.Tuple.tuple("scratch", "/scratch"),
                        org.assertj.core.groups.Tuple.tuple("shared", "/data"));
        // A ReadWriteMany claim can be attached by the old and the new pod at once.
        assertThat(strategy(deployment)).isEqualTo("RollingUpdate");
    }

    @Test
    void aNamedReadWriteOnceClaimMakesARollingDeploymentRecreateAndBackWithoutIt(TestNamespace ns) {
        ns.client().resource(existingClaim("notebooks", "ReadWriteOnce")).create();
        apply(ns, workload("rolling", "replicas: 1\n"));
        awaitWorkload(
                ns.client(),
                ns.name(),
                "rolling",
                w -> w.getStatus().getPhase() == WorkloadPhase.Running,
                CONVERGE);
        assertThat(strategy(ns.client().apps().deployments().withName("rolling").get()))
                .isEqualTo("RollingUpdate");

        apply(
                ns,
                workload(
                        "rolling",
                        """
                        replicas: 1
                        volumes: [{name: work, persistentVolumeClaim: {claimName: notebooks}}]
                        volumeMounts: [{name: work, mountPath: /home/jovyan/work}]
                        """));

        Deployment recreated = awaitDeployment(ns, "rolling", d -> "Recreate".equals(strategy(d)));
        assertThat(recreated.getSpec().getStrategy().getRollingUpdate()).isNull();
        assertThat(recreated.getSpec().getTemplate().getSpec().getVolumes())
                .extracting(v -> v.getPersistentVolumeClaim().getClaimName())
                .containsExactly("notebooks");

        apply(ns, workload("rolling", "replicas: 1\n"));

        Deployment rollingAgain =
                awaitDeployment(ns, "rolling", d -> "RollingUpdate".equals(strategy(d)));
        assertThat(rollingAgain.getSpec().getTemplate().getSpec().getVolumes()).isNullOrEmpty();
    }

    @Test
    void theOperatorsClaimIsMadeAndOutlivesTheWorkloadByDefault(TestNamespace ns) {
        apply(
                ns,
                workload(
                        "notebook",
                        """
                        volumes: [{name: work, claim: {size: 1Gi, storageClassName: none}}]
                        volumeMounts: [{name: work, mountPath: /home/jovyan/work}]
                        """));

        PersistentVolumeClaim claim =
                await().atMost(CONVERGE)
                        .until(
                                () ->
                                        ns.client()
                                                .persistentVolumeClaims()
                                                .withName("notebook")
                                                .get(),
                                Objects::nonNull);
        assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
        assertThat(claim.getSpec().getStorageClassName()).isEqualTo("none");
        assertThat(claim.getSpec().getResources().getRequests())
                .containsEntry("storage", new Quantity("1Gi"));
        assertThat(claim.getMetadata().getLabels())
                .containsEntry("terrarium.dev/workload", "notebook");
        assertThat(claim.getMetadata().getOwnerReferences()).isEmpty();
        Deployment deployment = awaitDeployment(ns, "notebook", d -> true);
        assertThat(strategy(deployment)).isEqualTo("Recreate");
        assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes())
                .extracting(v -> v.getPersistentVolumeClaim().getClaimName())
                .containsExactly("notebook");

        ns.kubectl().run("delete", "workload/notebook", "--wait=true");

        // The garbage collector took the Deployment, which the Workload owns; the claim it
        // does not own stays, with its data.
        await().atMost(CONVERGE)
                .until(() -> ns.client().apps().deployments().withName("notebook").get() == null);
        PersistentVolumeClaim kept =
                ns.client().persistentVolumeClaims().withName("notebook").get();
        assertThat(kept).isNotNull();
        assertThat(kept.getMetadata().getDeletionTimestamp()).isNull();
        assertThat(kept.getMetadata().getUid()).isEqualTo(claim.getMetadata().getUid());
    }

    @Test
    void aClaimAskedToGoIsDeletedWithTheWorkloadAndTheAskCanComeLater(TestNamespace ns) {
        String retained =
                """
                volumes: [{name: work, claim: {size: 1Gi, storageClassName: none, accessMode: ReadWriteMany}}]
                volumeMounts: [{name: work, mountPath: /work}]
                """;
        apply(ns, workload("scratchpad", retained));
        await().atMost(CONVERGE)
                .until(
                        () -> ns.client().persistentVolumeClaims().withName("scratchpad").get(),
                        Objects::nonNull);
        assertThat(strategy(awaitDeployment(ns, "scratchpad", d -> true)))
                .isEqualTo("RollingUpdate");

        apply(
                ns,
                workload(
                        "scratchpad",
                        retained.replace("ReadWriteMany", "ReadWriteMany, whenDeleted: Delete")));

        PersistentVolumeClaim owned =
                await().atMost(CONVERGE)
                        .until(
                                () ->
                                        ns.client()
                                                .persistentVolumeClaims()
                                                .withName("scratchpad")
                                                .get(),
                                c -> !c.getMetadata().getOwnerReferences().isEmpty());
        assertThat(owned.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(
                        owner -> {
                            assertThat(owner.getKind()).isEqualTo("Workload");
                            assertThat(owner.getName()).isEqualTo("scratchpad");
                        });

        ns.kubectl().run("delete", "workload/scratchpad", "--wait=true");

        await().atMost(CONVERGE)
                .until(
                        () ->
                                ns.client().persistentVolumeClaims().withName("scratchpad").get()
                                        == null);
    }
}
