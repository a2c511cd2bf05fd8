package dev.terrarium.realbuild;

import dev.terrarium.api.BuildFailure;
import dev.terrarium.api.Condition;
import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentPhase;
import dev.terrarium.api.EnvironmentStatus;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.testing.Commands;
import dev.terrarium.testing.LocalControlPlane;
import dev.terrarium.testing.Objects;
import dev.terrarium.testing.RealBuildNode;
import dev.terrarium.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What the real-build tests share: their base image and the way onto the real node. */
final class RealBuilds {

    /** How long a real build may take on the test node, under the load of a whole test run. */
    static final Duration REAL_BUILD = Duration.ofMinutes(10);

    private RealBuilds() {}

    /** The Environment {@code name} once its build has ended, Ready or Failed. */
    static Environment awaitBuilt(TestNamespace ns, String name) {
        return Objects.awaitEnvironment(
                ns.client(),
                ns.name(),
                name,
                e ->
                        e.getStatus().getPhase() == EnvironmentPhase.Ready
                                || e.getStatus().getPhase() == EnvironmentPhase.Failed,
                REAL_BUILD);
    }

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

    /**
     * Why an Environment that should be Ready is not, for an assertion's description: its
     * conditions, the failure its latest ImageBuild recorded (reason, exit code, the log's tail)
     * and the free space where builds keep their layers, since a full disk fails a build on a
     * shared CI machine with nothing else to show for it.
     */
    static String whyNotReady(KubernetesClient client, Environment environment) {
        StringBuilder why = new StringBuilder();
        EnvironmentStatus status = environment.getStatus();
        why.append("phase ").append(status == null ? null : status.getPhase());
        if (status != null && status.getConditions() != null) {
            for (Condition c : status.getConditions()) {
                why.append(
                        String.format(
                                "%n  %s=%s %s: %s",
                                c.getType(), c.getStatus(), c.getReason(), c.getMessage()));
            }
        }
        if (status != null && status.getLatestBuild() != null) {
            ImageBuild build =
                    client.resources(ImageBuild.class)
                            .inNamespace(environment.getMetadata().getNamespace())
                            .withName(status.getLatestBuild())
                            .get();
            BuildFailure failure =
                    build == null || build.getStatus() == null
                            ? null
                            : build.getStatus().getFailure();
            if (failure != null) {
                why.append(
                        String.format(
                                "%nbuild %s failed: %s (exit %s) %s%n%s",
                                status.getLatestBuild(),
                                failure.getReason(),
                                failure.getExitCode(),
                                failure.getMessage(),
                                failure.getLogTail()));
            }
        }
        for (Path path :
                List.of(Path.of("/"), Path.of("/tmp"), Path.of(System.getProperty("user.home")))) {
            try {
                FileStore store = Files.getFileStore(path);
                why.append(
                        String.format(
                                "%nfree on %s: %d MiB",
                                path, store.getUsableSpace() / (1024 * 1024)));
            } catch (IOException e) {
                why.append(String.format("%nfree on %s: unknown (%s)", path, e.getMessage()));
            }
        }
        return why.toString();
    }

    static final Map<String, String> NODE_SELECTOR = Map.of(RealBuildNode.LABEL, "true");
}
