package dev.terrarium.workload;

import dev.terrarium.api.ClaimAccessMode;
import dev.terrarium.api.ClaimDeletion;
import dev.terrarium.api.ClaimVolume;
import dev.terrarium.api.ConfigMapVolume;
import dev.terrarium.api.EmptyDirVolume;
import dev.terrarium.api.SecretVolume;
import dev.terrarium.api.VolumeItem;
import dev.terrarium.api.Workload;
import dev.terrarium.api.WorkloadMode;
import dev.terrarium.api.WorkloadSpec;
import dev.terrarium.api.WorkloadVolume;
import dev.terrarium.api.WorkloadVolumeMount;
import dev.terrarium.naming.Labels;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A Workload's volumes and mounts as the pod template carries them, the claim the operator makes
 * for it, and the Deployment strategy its claims allow. Pure.
 */
public final class WorkloadVolumes {

    /** A Deployment's strategy type that stops the old pods before it starts new ones. */
    public static final String RECREATE = "Recreate";

    /** The default strategy type of a Deployment. */
    public static final String ROLLING_UPDATE = "RollingUpdate";

    /** Access modes that attach a volume to one node (or pod) at a time. */
    private static final Set<String> SINGLE_ATTACH =
            Set.of(ClaimAccessMode.ReadWriteOnce.name(), ClaimAccessMode.ReadWriteOncePod.name());

    private WorkloadVolumes() {}

    /**
     * The Deployment's strategy type, always written out: the operator then owns it, so that a
     * change back from Recreate is its own apply, whoever wrote Recreate.
     */
    public static DeploymentStrategy deploymentStrategy(
            WorkloadSpec spec, Map<String, ? extends Collection<String>> namedClaimModes) {
        return new DeploymentStrategyBuilder().withType(strategy(spec, namedClaimModes)).build();
    }

    /** The pod's volumes, in the Workload's order; the operator's claim by its name. */
    public static List<Volume> volumes(Workload workload) {
        List<WorkloadVolume> volumes = workload.getSpec().getVolumes();
        if (volumes == null) {
            return List.of();
        }
        return volumes.stream().map(v -> volume(workload, v)).toList();
    }

    private static Volume volume(Workload workload, WorkloadVolume volume) {
        VolumeBuilder built = new VolumeBuilder().withName(volume.getName());
        if (volume.getPersistentVolumeClaim() != null) {
            built.withNewPersistentVolumeClaim()
                    .withClaimName(volume.getPersistentVolumeClaim().getClaimName())
                    .withReadOnly(volume.getPersistentVolumeClaim().getReadOnly())
                    .endPersistentVolumeClaim();
        } else if (volume.getClaim() != null) {
            built.withNewPersistentVolumeClaim()
                    .withClaimName(claimName(workload))
                    .endPersistentVolumeClaim();
        } else if (volume.getConfigMap() != null) {
            ConfigMapVolume source = volume.getConfigMap();
            built.withNewConfigMap()
                    .withName(source.getName())
                    .withItems(items(source.getItems()))
                    .withDefaultMode(source.getDefaultMode())
                    .withOptional(source.getOptional())
                    .endConfigMap();
        } else if (volume.getSecret() != null) {
            SecretVolume source = volume.getSecret();
            built.withNewSecret()
                    .withSecretName(source.getSecretName())
                    .withItems(items(source.getItems()))
                    .withDefaultMode(source.getDefaultMode())
                    .withOptional(source.getOptional())
                    .endSecret();
        } else if (volume.getEmptyDir() != null) {
            EmptyDirVolume source = volume.getEmptyDir();
            built.withNewEmptyDir()
                    .withMedium(source.getMedium())
                    .withSizeLimit(
                            source.getSizeLimit() == null
                                    ? null
                                    : new Quantity(source.getSizeLimit()))
                    .endEmptyDir();
        } else {
            throw new IllegalArgumentException(
                    "volume " + volume.getName() + " has no source; the CRD requires one");
        }
        return built.build();
    }

    private static List<KeyToPath> items(List<VolumeItem> items) {
        if (items == null) {
            return null;
        }
        return items.stream()
                .map(
                        i ->
                                new KeyToPathBuilder()
                                        .withKey(i.getKey())
                                        .withPath(i.getPath())
                                        .withMode(i.getMode())
                                        .build())
                .toList();
    }

    /** The container's mounts, in the Workload's order. */
    public static List<VolumeMount> mounts(WorkloadSpec spec) {
        List<WorkloadVolumeMount> mounts = spec.getVolumeMounts();
        if (mounts == null) {
            return List.of();
        }
        return mounts.stream()
                .map(
                        m ->
                                new VolumeMountBuilder()
                                        .withName(m.getName())
                                        .withMountPath(m.getMountPath())
                                        .withSubPath(m.getSubPath())
                                        .withReadOnly(m.getReadOnly())
                                        .build())
                .toList();
    }

    /** The volume whose claim the operator makes, for a Workload of mode Service. */
    public static Optional<ClaimVolume> ownClaim(WorkloadSpec spec) {
        if (spec.getMode() == WorkloadMode.Job || spec.getVolumes() == null) {
            return Optional.empty();
        }
        return spec.getVolumes().stream()
                .map(WorkloadVolume::getClaim)
                .filter(c -> c != null)
                .findFirst();
    }

    /**
     * The claim the operator makes is named like the Workload, so a Workload made again under the
     * same name mounts the claim (and the data) an earlier one retained.
     */
    public static String claimName(Workload workload) {
        return workload.getMetadata().getName();
    }

    /** Names of the existing claims the Workload mounts, whose access modes decide the strategy. */
    public static List<String> namedClaims(WorkloadSpec spec) {
        if (spec.getVolumes() == null) {
            return List.of();
        }
        return spec.getVolumes().stream()
                .filter(v -> v.getPersistentVolumeClaim() != null)
                .map(v -> v.getPersistentVolumeClaim().getClaimName())
                .distinct()
                .toList();
    }

    /**
     * The claim the operator makes for a Workload that asks for one. With whenDeleted Delete it has
     * the Workload as owner, so the garbage collector deletes it with the Workload; without an
     * owner it outlives the Workload.
     */
    public static Optional<PersistentVolumeClaim> claim(Workload workload) {
        return ownClaim(workload.getSpec()).map(claim -> claim(workload, claim));
    }

    private static PersistentVolumeClaim claim(Workload workload, ClaimVolume claim) {
        String name = claimName(workload);
        var built =
                new PersistentVolumeClaimBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace(workload.getMetadata().getNamespace())
                        .withLabels(Labels.forWorkload(workload.getMetadata().getName()))
                        .endMetadata()
                        .withNewSpec()
                        .withAccessModes(accessMode(claim).name())
                        .withStorageClassName(claim.getStorageClassName())
                        .withNewResources()
                        .withRequests(Map.of("storage", new Quantity(claim.getSize())))
                        .endResources()
                        .endSpec()
                        .build();
        if (claim.getWhenDeleted() == ClaimDeletion.Delete) {
            built.getMetadata()
                    .setOwnerReferences(
                            List.of(
                                    new OwnerReferenceBuilder()
                                            .withApiVersion(workload.getApiVersion())
                                            .withKind(workload.getKind())
                                            .withName(workload.getMetadata().getName())
                                            .withUid(workload.getMetadata().getUid())
                                            .build()));
        }
        return built;
    }

    static ClaimAccessMode accessMode(ClaimVolume claim) {
        return claim.getAccessMode() == null
                ? ClaimAccessMode.ReadWriteOnce
                : claim.getAccessMode();
    }

    /**
     * Recreate when a claim the pods mount attaches to one node or pod at a time: a rolling update
     * would start the new pod before the old one lets go of the volume, and wait for it forever.
     *
     * @param namedClaimModes the access modes of the existing claims the Workload names, for those
     *     the operator could read; a claim it could not read does not count
     */
    public static String strategy(
            WorkloadSpec spec, Map<String, ? extends Collection<String>> namedClaimModes) {
        boolean ownSingleAttach =
                ownClaim(spec).map(c -> SINGLE_ATTACH.contains(accessMode(c).name())).orElse(false);
        boolean namedSingleAttach =
                namedClaims(spec).stream()
                        .map(namedClaimModes::get)
                        .filter(modes -> modes != null)
                        .anyMatch(modes -> modes.stream().anyMatch(SINGLE_ATTACH::contains));
        return ownSingleAttach || namedSingleAttach ? RECREATE : ROLLING_UPDATE;
    }
}
