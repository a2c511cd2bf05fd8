package dev.terrarium.resolution;

import dev.terrarium.api.Environment;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ResolvedEnvironment;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.Optional;

/**
 * Finds the lock of the image an Environment points to, among its ImageBuilds and their lock
 * ConfigMaps.
 */
public final class EnvironmentLocks {

    /**
     * A lock, with the image and the build it belongs to, and what that build was asked for; {@code
     * pylockToml} is the build's exact lock, or null when it has none.
     */
    public record Lock(
            String text,
            String pylockToml,
            int packages,
            String image,
            String imageBuild,
            ResolvedEnvironment resolved) {}

    private EnvironmentLocks() {}

    public static Optional<Lock> current(
            Environment environment, String currentBuildName, Context<Environment> context) {
        Optional<ImageBuild> build =
                EnvironmentImages.imageBuild(
                                environment,
                                currentBuildName,
                                context.getSecondaryResources(ImageBuild.class))
                        .filter(b -> b.getStatus().getLock() != null);
        if (build.isEmpty()) {
            return Optional.empty();
        }
        String image = build.get().getStatus().getImage();
        String lockName = build.get().getStatus().getLock().getConfigMap();
        return context.getSecondaryResources(ConfigMap.class).stream()
                .filter(
                        cm ->
                                lockName.equals(cm.getMetadata().getName())
                                        && cm.getData() != null
                                        && cm.getData().get("lock") != null)
                .findFirst()
                .map(
                        cm ->
                                new Lock(
                                        cm.getData().get("lock"),
                                        cm.getData().get("pylock.toml"),
                                        build.get().getStatus().getLock().getPackages(),
                                        image,
                                        build.get().getMetadata().getName(),
                                        build.get().getSpec().getResolved()));
    }
}
