package dev.terrarium.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The project's own images in the local registry, by digest: those made by hack/images.sh (run at
 * most once per image and test run; it rebuilds only what changed), unless the environment names
 * one (TERRARIUM_BUILDER_IMAGE, TERRARIUM_OPERATOR_IMAGE), e.g. to try another build of it. The
 * builder image is made on its own, so that tests that only build do not package the operator
 * again.
 */
public final class ProjectImages {

    private static final List<String> NAMES = List.of("jre", "builder", "operator");
    private static final Map<String, String> MADE = new HashMap<>();

    private ProjectImages() {}

    /**
     * The builder image: Debian's buildah, skopeo and uidmap, user build (1000) with subordinate id
     * ranges; the image of every build pod of the operator in tests (OperatorProcess.testSettings).
     */
    public static String builder(LocalControlPlane plane) {
        return builder(plane.registry(), plane.repo());
    }

    /** The builder image, made for and pushed to the given registry (a bench's own). */
    public static String builder(String registry, Path repo) {
        return image(registry, repo, "TERRARIUM_BUILDER_IMAGE", "builder");
    }

    /** The operator image: the packaged operator on the project's JRE image, user 185. */
    public static String operator(LocalControlPlane plane) {
        return image(plane.registry(), plane.repo(), "TERRARIUM_OPERATOR_IMAGE", "operator");
    }

    private static String image(String registry, Path repo, String variable, String name) {
        return Optional.ofNullable(System.getenv(variable))
                .filter(v -> !v.isBlank())
                .orElseGet(() -> made(registry, repo, name));
    }

    private static synchronized String made(String registry, Path repo, String name) {
        String key = registry + "/" + name;
        if (!MADE.containsKey(key)) {
            Path script = repo.resolve("hack/images.sh");
            if (!Files.exists(script)) {
                throw new IllegalStateException(
                        "hack/images.sh is missing: set TERRARIUM_BUILDER_IMAGE and "
                                + "TERRARIUM_OPERATOR_IMAGE to the project's images");
            }
            List<String> command = List.of("bash", script.toString(), registry, name);
            String output =
                    Commands.run(command, Map.of(), repo, Duration.ofMinutes(60))
                            .requireSuccess(command)
                            .output();
            for (String line : output.split("\n")) {
                int equals = line.indexOf('=');
                if (equals > 0 && NAMES.contains(line.substring(0, equals))) {
                    MADE.put(
                            registry + "/" + line.substring(0, equals),
                            line.substring(equals + 1).strip());
                }
            }
            if (!MADE.containsKey(key)) {
                throw new IllegalStateException(
                        "hack/images.sh printed no " + name + "= line:\n" + output);
            }
        }
        return MADE.get(key);
    }
}
