package dev.terrarium.builder;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.List;
import java.util.Map;

/**
 * The builder's part of a build pod: two steps and the volumes they mount. The build step runs the
 * user's install commands and holds no credential; it prints the lock into its log (read it with
 * {@link dev.terrarium.locks.LockExtractor}) and leaves the image as an OCI layout in a volume it
 * shares with the push step. The push step runs no user code, is the only one that mounts the push
 * secret, pushes that layout and writes the pushed image's digest to its termination message (read
 * it with {@link BuildResultParser}).
 *
 * @param build the build step, an init container named {@value #BUILD_CONTAINER}
 * @param push the push step, the pod's container named {@value #PUSH_CONTAINER}
 * @param volumes the volumes their mounts refer to
 */
public record BuilderPod(Container build, Container push, List<Volume> volumes) {

    /** The step that runs the build, and whose log carries the lock. */
    public static final String BUILD_CONTAINER = "build";

    /** The step that pushes, and whose termination message carries the digest. */
    public static final String PUSH_CONTAINER = "push";

    /** The steps in the order they run. */
    public static final List<String> STEPS = List.of(BUILD_CONTAINER, PUSH_CONTAINER);

    /**
     * The pod annotation that makes {@code kubectl logs} of a build pod or Job show the build step,
     * where the build output is, without {@code -c build}.
     */
    public static final Map<String, String> ANNOTATIONS =
            Map.of("kubectl.kubernetes.io/default-container", BUILD_CONTAINER);

    public BuilderPod {
        volumes = List.copyOf(volumes);
    }

    /**
     * A pod spec that runs the build once: never restarted (a failure is final for its spec), with
     * no service-account token (a build needs no API access) and no service environment variables.
     * The build is an init container so that the push starts only after it succeeded. Node
     * selection and tolerations are the caller's to add.
     */
    public PodSpec toPodSpec() {
        return new PodSpecBuilder()
                .withRestartPolicy("Never")
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                .withInitContainers(build)
                .withContainers(push)
                .withVolumes(volumes)
                .build();
    }
}
