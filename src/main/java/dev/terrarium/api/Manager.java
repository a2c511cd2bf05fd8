package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The package manager that installs an environment. */
public enum Manager {
    @JsonProperty("conda")
    CONDA,
    @JsonProperty("venv")
    VENV;

    public String value() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
