package dev.terrarium.realbuild;

import dev.terrarium.testing.Commands;
import dev.terrarium.testing.LocalControlPlane;
import dev.terrarium.testing.RealBuildNode;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What the real-build tests share: their base image and the way onto the real node. */
final class RealBuilds {

    private RealBuilds() {}

    /**
     * The base image made by hack/base-image.sh (Debian bookworm with Python 3.11, by debootstrap),
     * pushed to the local registry and pinned by digest; made once and then found by its inputs.
     */
    static String baseImage(LocalControlPlane plane) {
        List<String> command =
                List.of(
                        "bash",
                        plane.repo().resolve("hack/base-image.sh").toString(),
                        plane.registry());
        String output =
                Commands.run(command, Map.of(), plane.repo(), Duration.ofMinutes(20))
                        .requireSuccess(command)
                        .output()
                        .strip();
        return output.substring(output.lastIndexOf('\n') + 1);
    }

    /** The toleration of the real node's taint; its node selector is {@link #NODE_SELECTOR}. */
    static Toleration onTheRealNode() {
        return new TolerationBuilder()
                .withKey(RealBuildNode.LABEL)
                .withOperator("Exists")
                .withEffect("NoSchedule")
                .build();
    }

    static final Map<String, String> NODE_SELECTOR = Map.of(RealBuildNode.LABEL, "true");
}
