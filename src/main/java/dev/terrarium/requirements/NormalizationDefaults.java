package dev.terrarium.requirements;

import java.util.List;
import java.util.Objects;

/**
 * The operator's defaults that normalisation makes explicit.
 *
 * @param python python version when neither spec.python nor a python package names one, such as
 *     {@code 3.12}
 * @param condaBaseImage base image of conda environments, such as {@code debian:bookworm-slim}
 * @param venvBaseImageTemplate base image of venv environments, where {@code {python}} stands for
 *     the python version, such as {@code python:{python}-slim}
 * @param channels conda channels when none are given, in priority order, such as {@code
 *     [conda-forge]}
 */
public record NormalizationDefaults(
        String python, String condaBaseImage, String venvBaseImageTemplate, List<String> channels) {

    public static final String PYTHON_PLACEHOLDER = "{python}";

    public NormalizationDefaults {
        Objects.requireNonNull(python, "python");
        Objects.requireNonNull(condaBaseImage, "condaBaseImage");
        Objects.requireNonNull(venvBaseImageTemplate, "venvBaseImageTemplate");
        channels = List.copyOf(channels);
        if (!PythonVersions.isPythonVersion(python)) {
            throw new IllegalArgumentException("default python must be X.Y or X.Y.Z: " + python);
        }
        if (channels.isEmpty()) {
            throw new IllegalArgumentException("at least one default channel is needed");
        }
    }

    /** The venv base image for a python version. */
    public String venvBaseImage(String pythonVersion) {
        return venvBaseImageTemplate.replace(PYTHON_PLACEHOLDER, pythonVersion);
    }
}
