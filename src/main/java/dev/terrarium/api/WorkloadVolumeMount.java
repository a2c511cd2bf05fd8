package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Where a volume appears in the container, in the shape of Kubernetes' VolumeMount. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkloadVolumeMount {

    @Required
    @Size(min = 1, max = 63)
    @Pattern(Patterns.LABEL_NAME)
    @JsonPropertyDescription("Name of one of the Workload's volumes.")
    private String name;

    @Required
    @Size(min = 2, max = 4096)
    @Pattern(Patterns.ABSOLUTE_PATH)
    @ValidationRule(
            value = Patterns.NO_DOT_DOT,
            message = "mountPath must not contain a '.' or '..' element")
    @ValidationRule(
            value = Patterns.OUTSIDE_ENVIRONMENT_PREFIXES,
            message =
                    "mountPath must not be, contain or lie inside the Environment's prefix "
                            + "(/opt/venv, /opt/conda, /opt/terrarium): a volume there would hide "
                            + "the environment")
    @JsonPropertyDescription(
            "Absolute path in the container (docker run -v SOURCE:PATH), without a trailing /, "
                    + "unique among the mounts; not /, /opt, nor in or over the environment's "
                    + "prefix (/opt/venv, /opt/conda, /opt/terrarium).")
    private String mountPath;

    @Size(max = 4096)
    @Pattern(Patterns.RELATIVE_PATH)
    @ValidationRule(
            value = Patterns.NO_DOT_DOT,
            message = "subPath must not contain a '.' or '..' element: it stays inside the volume")
    @JsonPropertyDescription(
            "A path inside the volume to mount instead of its root: relative, without a '..' "
                    + "element.")
    private String subPath;

    @JsonPropertyDescription("True mounts the volume read-only. Defaults to false.")
    private Boolean readOnly;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getMountPath() {
        return mountPath;
    }

    public void setMountPath(String mountPath) {
        this.mountPath = mountPath;
    }

    public String getSubPath() {
        return subPath;
    }

    public void setSubPath(String subPath) {
        this.subPath = subPath;
    }

    public Boolean getReadOnly() {
        return readOnly;
    }

    public void setReadOnly(Boolean readOnly) {
        this.readOnly = readOnly;
    }
}
