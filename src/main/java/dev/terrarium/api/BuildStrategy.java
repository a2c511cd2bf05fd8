package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The image builder that runs a build Job. Only buildah: it runs rootless in the project's own
 * builder image, and its build and its push are separate commands, so that a build step never needs
 * to hold push credentials. BuildKit and kaniko were removed: kaniko's upstream is archived and it
 * builds and pushes in one process that holds the credentials while it runs the user's install
 * steps; BuildKit needed an image nobody here can build or test.
 */
public enum BuildStrategy {
    @JsonProperty("buildah")
    BUILDAH;

    public String value() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
