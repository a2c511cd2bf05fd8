package dev.terrarium.workload;

import static dev.terrarium.workload.Workloads.NEW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.ClaimAccessMode;
import dev.terrarium.api.ClaimDeletion;
import dev.terrarium.api.ClaimVolume;
import dev.terrarium.api.ConfigMapVolume;
import dev.terrarium.api.EmptyDirVolume;
import dev.terrarium.api.PersistentVolumeClaimVolume;
import dev.terrarium.api.SecretVolume;
import dev.terrarium.api.VolumeItem;
import dev.terrarium.api.Workload;
import dev.terrarium.api.WorkloadMode;
import dev.terrarium.api.WorkloadVolume;
import dev.terrarium.api.WorkloadVolumeMount;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadVolumesTest {

    private static final WorkloadRuntime RUNTIME = new WorkloadRuntime("gvisor", "kata");

    static WorkloadVolume named(String name) {
        WorkloadVolume volume = new WorkloadVolume();
        volume.setName(name);
        return volume;
    }

    static WorkloadVolume claimed(String name, String claimName) {
        WorkloadVolume volume = named(name);
        PersistentVolumeClaimVolume source = new PersistentVolumeClaimVolume();
        source.setClaimName(claimName);
        volume.setPersistentVolumeClaim(source);
        return volume;
    }

    static WorkloadVolume ownClaim(String name, ClaimAccessMode mode, ClaimDeletion whenDeleted) {
        WorkloadVolume volume = named(name);
        ClaimVolume claim = new ClaimVolume();
        claim.setSize("10Gi");
        claim.setStorageClassName("fast");
        claim.setAccessMode(mode);
        claim.setWhenDeleted(whenDeleted);
        volume.setClaim(claim);
        return volume;
    }

    static WorkloadVolumeMount mount(String name, String path) {
        WorkloadVolumeMount mount = new WorkloadVolumeMount();
        mount.setName(name);
        mount.setMountPath(path);
        return mount;
    }

    private static Workload withVolumes(WorkloadVolume... volumes) {
        Workload workload = Workloads.onImage("nb", "jupyter:1");
        workload.getMetadata().setUid("uid-1");
        workload.getSpec().setVolumes(List.of(volumes));
        return workload;
    }

    @Test
    void eachSourceBecomesTheSameKubernetesVolume() {
        VolumeItem item = new VolumeItem();
        item.setKey("app.toml");
        item.setPath("conf/app.toml");
        item.setMode(0440);
        WorkloadVolume config = named("config");
        ConfigMapVolume configMap = new ConfigMapVolume();
        configMap.setName("app-config");
        configMap.setItems(List.of(item));
        configMap.setDefaultMode(0644);
        config.setConfigMap(configMap);
        WorkloadVolume token = named("token");
        SecretVolume secret = new SecretVolume();
        secret.setSecretName("jupyter-token");
        secret.setOptional(true);
        token.setSecret(secret);
        WorkloadVolume shm = named("shm");
        EmptyDirVolume memory = new EmptyDirVolume();
        memory.setMedium("Memory");
        memory.setSizeLimit("2Gi");
        shm.setEmptyDir(memory);
        WorkloadVolume data = claimed("data", "datasets");
        data.getPersistentVolumeClaim().setReadOnly(true);
        Workload workload =
                withVolumes(
                        config,
                        token,
                        shm,
                        data,
                        ownClaim("work", ClaimAccessMode.ReadWriteOnce, null));

        List<Volume> volumes = WorkloadVolumes.volumes(workload);

        assertThat(volumes)
                .extracting(Volume::getName)
                .containsExactly("config", "token", "shm", "data", "work");
        assertThat(volumes.get(0).getConfigMap().getName()).isEqualTo("app-config");
        assertThat(volumes.get(0).getConfigMap().getDefaultMode()).isEqualTo(0644);
        assertThat(volumes.get(0).getConfigMap().getItems().get(0).getPath())
                .isEqualTo("conf/app.toml");
        assertThat(volumes.get(0).getConfigMap().getItems().get(0).getMode()).isEqualTo(0440);
        assertThat(volumes.get(1).getSecret().getSecretName()).isEqualTo("jupyter-token");
        assertThat(volumes.get(1).getSecret().getOptional()).isTrue();
        assertThat(volumes.get(2).getEmptyDir().getMedium()).isEqualTo("Memory");
        assertThat(volumes.get(2).getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("2Gi"));
        assertThat(volumes.get(3).getPersistentVolumeClaim().getClaimName()).isEqualTo("datasets");
        assertThat(volumes.get(3).getPersistentVolumeClaim().getReadOnly()).isTrue();
        assertThat(volumes.get(4).getPersistentVolumeClaim().getClaimName()).isEqualTo("nb");
        // Nothing but the allowed sources reaches the pod.
        assertThat(Serialization.asJson(volumes)).doesNotContain("hostPath");
    }

    @Test
    void theContainerMountsWhatTheWorkloadSaysAndThePodCarriesTheVolumes() {
        WorkloadVolume shm = named("shm");
        EmptyDirVolume memory = new EmptyDirVolume();
        memory.setMedium("Memory");
        shm.setEmptyDir(memory);
        Workload workload = withVolumes(shm, claimed("data", "datasets"));
        WorkloadVolumeMount data = mount("data", "/data");
        data.setSubPath("team/a");
        data.setReadOnly(true);
        workload.getSpec().setVolumeMounts(List.of(mount("shm", "/dev/shm"), data));

        PodTemplateSpec template =
                WorkloadPods.template(workload, new WorkloadImage(NEW, null), RUNTIME, "Always");

        List<VolumeMount> mounts = template.getSpec().getContainers().get(0).getVolumeMounts();
        assertThat(mounts)
                .extracting(VolumeMount::getMountPath)
                .containsExactly("/dev/shm", "/data");
        assertThat(mounts.get(1).getSubPath()).isEqualTo("team/a");
        assertThat(mounts.get(1).getReadOnly()).isTrue();
        assertThat(template.getSpec().getVolumes())
                .extracting(Volume::getName)
                .containsExactly("shm", "data");
    }

    @Test
    void withoutVolumesThePodTemplateIsAsBefore() {
        Workload workload = Workloads.onImage("web", "nginx:1");

        PodTemplateSpec template =
                WorkloadPods.template(workload, new WorkloadImage(NEW, null), RUNTIME, "Always");

        assertThat(template.getSpec().getVolumes()).isNullOrEmpty();
        assertThat(template.getSpec().getContainers().get(0).getVolumeMounts()).isNullOrEmpty();
        assertThat(Serialization.asJson(template)).doesNotContain("volume");
    }

    @Test
    void theOperatorsClaimIsNamedLikeTheWorkloadAndKeptWithoutAnOwnerByDefault() {
        Workload workload = withVolumes(ownClaim("work", null, null));

        PersistentVolumeClaim claim = WorkloadVolumes.claim(workload).orElseThrow();

        assertThat(claim.getMetadata().getName()).isEqualTo("nb");
        assertThat(claim.getMetadata().getNamespace()).isEqualTo("team");
        assertThat(claim.getMetadata().getLabels()).containsEntry("terrarium.dev/workload", "nb");
        assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
        assertThat(claim.getSpec().getStorageClassName()).isEqualTo("fast");
        assertThat(claim.getSpec().getResources().getRequests())
                .containsEntry("storage", new Quantity("10Gi"));
        assertThat(claim.getMetadata().getOwnerReferences()).isEmpty();
    }

    @Test
    void aClaimToBeDeletedWithTheWorkloadHasTheWorkloadAsOwner() {
        Workload workload =
                withVolumes(ownClaim("work", ClaimAccessMode.ReadWriteMany, ClaimDeletion.Delete));

        PersistentVolumeClaim claim = WorkloadVolumes.claim(workload).orElseThrow();

        assertThat(claim.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(
                        owner -> {
                            assertThat(owner.getKind()).isEqualTo("Workload");
                            assertThat(owner.getName()).isEqualTo("nb");
                            assertThat(owner.getUid()).isEqualTo("uid-1");
                        });
        assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteMany");
    }

    @Test
    void aJobOrAWorkloadWithoutAClaimVolumeGetsNoClaim() {
        Workload job = withVolumes(ownClaim("work", null, null));
        job.getSpec().setMode(WorkloadMode.Job);

        assertThat(WorkloadVolumes.claim(job)).isEmpty();
        assertThat(WorkloadVolumes.claim(withVolumes(claimed("data", "datasets")))).isEmpty();
        assertThat(WorkloadVolumes.claim(Workloads.onImage("web", "nginx:1"))).isEmpty();
    }

    @Test
    void aSingleAttachClaimOfTheOperatorMakesTheDeploymentRecreate() {
        assertThat(
                        WorkloadVolumes.strategy(
                                withVolumes(ownClaim("w", null, null)).getSpec(), Map.of()))
                .isEqualTo(WorkloadVolumes.RECREATE);
        assertThat(
                        WorkloadVolumes.strategy(
                                withVolumes(ownClaim("w", ClaimAccessMode.ReadWriteOncePod, null))
                                        .getSpec(),
                                Map.of()))
                .isEqualTo(WorkloadVolumes.RECREATE);
        assertThat(
                        WorkloadVolumes.strategy(
                                withVolumes(ownClaim("w", ClaimAccessMode.ReadWriteMany, null))
                                        .getSpec(),
                                Map.of()))
                .isEqualTo(WorkloadVolumes.ROLLING_UPDATE);
    }

    @Test
    void aNamedClaimCountsByTheAccessModesTheOperatorRead() {
        var spec = withVolumes(claimed("data", "datasets"), claimed("shared", "team")).getSpec();

        assertThat(
                        WorkloadVolumes.strategy(
                                spec,
                                Map.of(
                                        "datasets",
                                        List.of("ReadOnlyMany"),
                                        "team",
                                        List.of("ReadWriteMany", "ReadWriteOnce"))))
                .isEqualTo(WorkloadVolumes.RECREATE);
        assertThat(
                        WorkloadVolumes.strategy(
                                spec,
                                Map.of(
                                        "datasets",
                                        List.of("ReadOnlyMany"),
                                        "team",
                                        List.of("ReadWriteMany"))))
                .isEqualTo(WorkloadVolumes.ROLLING_UPDATE);
        // A claim the operator could not read leaves the default.
        assertThat(WorkloadVolumes.strategy(spec, Map.of()))
                .isEqualTo(WorkloadVolumes.ROLLING_UPDATE);
        assertThat(WorkloadVolumes.namedClaims(spec)).containsExactly("datasets", "team");
    }

    @Test
    void noVolumesKeepTheDefaultStrategy() {
        assertThat(
                        WorkloadVolumes.strategy(
                                Workloads.onImage("web", "nginx:1").getSpec(), Map.of()))
                .isEqualTo(WorkloadVolumes.ROLLING_UPDATE);
    }
}
