package dev.terrarium.builder;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.List;

/**
 * The builder's part of a build pod: its one container and the volumes that container mounts. The
 * container writes the pushed image's digest to its termination message (read it with {@link
 * BuildResultParser}) and prints the lock into its log (read it with {@link LockExtractor}).
 *
 * @param container the build container, named {@value #CONTAINER_NAME}
 * @param volumes the volumes its mounts refer to
 */
public record BuilderPod(Container container, List<Volume> volumes) {

    public static final String CONTAINER_NAME = "build";

    public BuilderPod {
        volumes = List.copyOf(volumes);
    }

    /**
     * A pod spec that runs the build once: never restarted (a failure is final for its spec), with
     * no service-account token (a build needs no API access) and no service environment variables.
     * Node selection and tolerations are the caller's to add.
     */
    public PodSpec toPodSpec() {
        return new PodSpecBuilder()
                .withRestartPolicy("Never")
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                .withContainers(container)
                .withVolumes(volumes)
                .build();
    }
}
