package dev.terrarium.builder;

import dev.terrarium.buildcontext.BuildContext;
import dev.terrarium.buildcontext.Fixtures;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Build requests and helpers to look into the containers built from them. */
public final class PodFixtures {

    public static final String BUILDER_IMAGE = "registry.example.com/terrarium/builder:1";
    public static final String TARGET = "registry.example.com/team/env:" + Fixtures.HASH;
    public static final String CONFIG_MAP = "env-9f86d081-context";
    public static final ResourceRequirements RESOURCES =
            new ResourceRequirementsBuilder()
                    .addToRequests("cpu", new Quantity("1"))
                    .addToRequests("memory", new Quantity("2Gi"))
                    .addToLimits("memory", new Quantity("4Gi"))
                    .build();

    private PodFixtures() {}

    /** The conda context with a value that a shell would mangle. */
    public static BuildRequest request() {
        Map<String, String> buildArgs = new LinkedHashMap<>();
        buildArgs.put("TERRARIUM_BASE_IMAGE", "mambaorg/micromamba:2.0.5");
        buildArgs.put("TERRARIUM_ENV_0", "it's $(id) `x`; a,b=c\nnext");
        return new BuildRequest(
                BUILDER_IMAGE,
                TARGET,
                CONFIG_MAP,
                List.of(BuildContext.DOCKERFILE, BuildContext.CONDA_REQUEST),
                null,
                false,
                buildArgs,
                null);
    }

    public static Optional<String> env(Container container, String name) {
        return container.getEnv().stream()
                .filter(e -> e.getName().equals(name))
                .map(EnvVar::getValue)
                .findFirst();
    }

    public static Optional<VolumeMount> mountAt(Container container, String path) {
        return container.getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals(path))
                .findFirst();
    }

    public static Optional<Volume> volume(BuilderPod pod, String name) {
        return pod.volumes().stream().filter(v -> v.getName().equals(name)).findFirst();
    }
}
