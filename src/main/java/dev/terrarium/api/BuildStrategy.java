package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The image builder that runs a build Job. */
public enum BuildStrategy {
    @JsonProperty("buildkit")
    BUILDKIT,
    @JsonProperty("kaniko")
    KANIKO,
    @JsonProperty("buildah")
    BUILDAH;

    public String value() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
