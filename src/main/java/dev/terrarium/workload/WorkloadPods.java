package dev.terrarium.workload;

import dev.terrarium.api.Workload;
import dev.terrarium.api.WorkloadPort;
import dev.terrarium.api.WorkloadSpec;
import dev.terrarium.kube.PodResources;
import dev.terrarium.naming.Labels;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.CapabilitiesBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The pod template of a Workload, shared by its Deployment and its Job. Pure. */
public final class WorkloadPods {

    /** The container's name; one container per pod, like docker run. */
    public static final String CONTAINER = "main";

    private WorkloadPods() {}

    public static PodTemplateSpec template(
            Workload workload, WorkloadImage image, WorkloadRuntime runtime, String restartPolicy) {
        WorkloadSpec spec = workload.getSpec();
        String name = workload.getMetadata().getName();
        boolean serviceAccount = spec.getServiceAccountName() != null;
        var container =
                new ContainerBuilder()
                        .withName(CONTAINER)
                        .withImage(image.image())
                        .withCommand(spec.getCommand())
                        .withArgs(spec.getArgs())
                        .withWorkingDir(spec.getWorkingDir())
                        .withEnv(spec.getEnv() == null ? List.of() : spec.getEnv())
                        .withEnvFrom(spec.getEnvFrom())
                        .withPorts(ports(spec.getPorts()))
                        .withReadinessProbe(PodProbes.readiness(spec))
                        .withLivenessProbe(PodProbes.liveness(spec))
                        .withStartupProbe(PodProbes.startup(spec))
                        .withVolumeMounts(emptyAsNull(WorkloadVolumes.mounts(spec)))
                        .withResources(PodResources.complete(spec.getResources()))
                        .withSecurityContext(securityContext(spec.getSecurityContext()))
                        .build();
        var pod =
                new PodSpecBuilder()
                        .withContainers(container)
                        .withVolumes(emptyAsNull(WorkloadVolumes.volumes(workload)))
                        .withRestartPolicy(restartPolicy)
                        .withServiceAccountName(spec.getServiceAccountName())
                        .withAutomountServiceAccountToken(serviceAccount ? null : false)
                        .withSecurityContext(
                                new PodSecurityContextBuilder()
                                        .withRunAsNonRoot(runAsNonRoot(spec))
                                        .withNewSeccompProfile()
                                        .withType("RuntimeDefault")
                                        .endSeccompProfile()
                                        .build())
                        .withNodeSelector(spec.getNodeSelector())
                        .withTolerations(spec.getTolerations())
                        .withRuntimeClassName(runtime.runtimeClassName(spec).orElse(null));
        List<LocalObjectReference> pullSecrets = pullSecrets(image, spec);
        if (!pullSecrets.isEmpty()) {
            pod.withImagePullSecrets(pullSecrets);
        }
        return new PodTemplateSpecBuilder()
                .withNewMetadata()
                .withLabels(podLabels(name))
                .endMetadata()
                .withSpec(pod.build())
                .build();
    }

    /** No volumes leave the template exactly as it was before Workloads had them. */
    private static <T> List<T> emptyAsNull(List<T> items) {
        return items.isEmpty() ? null : items;
    }

    /** The Environment's pull secret first, then the Workload's own, each once. */
    static List<LocalObjectReference> pullSecrets(WorkloadImage image, WorkloadSpec spec) {
        Set<String> names = new LinkedHashSet<>();
        if (image.pullSecret() != null) {
            names.add(image.pullSecret());
        }
        if (spec.getImagePullSecrets() != null) {
            names.addAll(spec.getImagePullSecrets());
        }
        return names.stream().map(LocalObjectReference::new).toList();
    }

    public static Map<String, String> podLabels(String workload) {
        return Labels.forWorkload(workload);
    }

    public static Map<String, String> selector(String workload) {
        return Map.of(Labels.WORKLOAD, workload);
    }

    /** The selector as a label selector string, as the scale subresource publishes it. */
    public static String selectorString(String workload) {
        return Labels.WORKLOAD + "=" + workload;
    }

    private static List<ContainerPort> ports(List<WorkloadPort> ports) {
        if (ports == null) {
            return null;
        }
        return ports.stream()
                .map(
                        p ->
                                new ContainerPortBuilder()
                                        .withName(p.getName())
                                        .withContainerPort(p.getContainerPort())
                                        .withProtocol(protocol(p))
                                        .build())
                .toList();
    }

    public static String protocol(WorkloadPort port) {
        return port.getProtocol() == null ? "TCP" : port.getProtocol();
    }

    private static Boolean runAsNonRoot(WorkloadSpec spec) {
        SecurityContext explicit = spec.getSecurityContext();
        return (explicit != null && explicit.getRunAsNonRoot() != null)
                ? explicit.getRunAsNonRoot()
                : Boolean.TRUE;
    }

    /** The secure defaults, each overridden only by a field the user set explicitly. */
    static SecurityContext securityContext(SecurityContext explicit) {
        SecurityContext defaults =
                new SecurityContextBuilder()
                        .withRunAsNonRoot(true)
                        .withAllowPrivilegeEscalation(false)
                        .withCapabilities(new CapabilitiesBuilder().withDrop("ALL").build())
                        .withNewSeccompProfile()
                        .withType("RuntimeDefault")
                        .endSeccompProfile()
                        .build();
        if (explicit == null) {
            return defaults;
        }
        SecurityContextBuilder merged = new SecurityContextBuilder(defaults);
        if (explicit.getRunAsNonRoot() != null) {
            merged.withRunAsNonRoot(explicit.getRunAsNonRoot());
        }
        if (explicit.getAllowPrivilegeEscalation() != null) {
            merged.withAllowPrivilegeEscalation(explicit.getAllowPrivilegeEscalation());
        }
        Capabilities capabilities = explicit.getCapabilities();
        if (capabilities != null) {
            boolean dropGiven = capabilities.getDrop() != null && !capabilities.getDrop().isEmpty();
            merged.withCapabilities(
                    new CapabilitiesBuilder()
                            .withAdd(capabilities.getAdd())
                            .withDrop(dropGiven ? capabilities.getDrop() : List.of("ALL"))
                            .build());
        }
        if (explicit.getSeccompProfile() != null) {
            merged.withSeccompProfile(explicit.getSeccompProfile());
        }
        merged.withRunAsUser(explicit.getRunAsUser())
                .withRunAsGroup(explicit.getRunAsGroup())
                .withReadOnlyRootFilesystem(explicit.getReadOnlyRootFilesystem())
                .withPrivileged(explicit.getPrivileged())
                .withProcMount(explicit.getProcMount())
                .withSeLinuxOptions(explicit.getSeLinuxOptions())
                .withAppArmorProfile(explicit.getAppArmorProfile())
                .withWindowsOptions(explicit.getWindowsOptions());
        return merged.build();
    }
}
