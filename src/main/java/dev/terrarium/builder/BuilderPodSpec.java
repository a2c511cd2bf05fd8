package dev.terrarium.builder;

import dev.terrarium.api.BuildStrategy;

/** Lays out the steps of a build pod for one image builder. */
public interface BuilderPodSpec {

    /** The builder this spec is for. */
    BuildStrategy strategy();

    /** The build and push steps and their volumes for {@code request}. */
    BuilderPod pod(BuildRequest request);

    /** The spec of {@code strategy}; null means the default, buildah (the only builder). */
    static BuilderPodSpec forStrategy(BuildStrategy strategy) {
        if (strategy == null) {
            return new BuildahPodSpec();
        }
        return switch (strategy) {
            case BUILDAH -> new BuildahPodSpec();
        };
    }
}
