package dev.terrarium.resolution;

import dev.terrarium.api.Environment;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildPhase;
import java.util.Collection;
import java.util.Optional;

/**
 * Which build's image an Environment points to: the current spec's build once it succeeded, else
 * the one it pointed to before, so the previous good image stays while a newer build runs or after
 * it failed. Pure.
 */
public final class EnvironmentImages {

    private EnvironmentImages() {}

    public static Optional<ImageBuild> imageBuild(
            Environment environment, String currentBuildName, Collection<ImageBuild> builds) {
        Optional<ImageBuild> current =
                builds.stream()
                        .filter(
                                b ->
                                        b.getMetadata().getName().equals(currentBuildName)
                                                && succeeded(b))
                        .findFirst();
        if (current.isPresent()) {
            return current;
        }
        String previous =
                environment.getStatus() == null ? null : environment.getStatus().getImage();
        if (previous == null) {
            return Optional.empty();
        }
        return builds.stream()
                .filter(b -> succeeded(b) && previous.equals(b.getStatus().getImage()))
                .max(java.util.Comparator.comparing(b -> b.getMetadata().getCreationTimestamp()));
    }

    private static boolean succeeded(ImageBuild build) {
        return build.getStatus() != null
                && build.getStatus().getPhase() == ImageBuildPhase.Succeeded;
    }
}
