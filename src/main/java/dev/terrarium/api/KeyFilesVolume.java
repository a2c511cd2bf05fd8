package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** What a ConfigMap volume and a Secret volume share: which keys become files, and how. */
public abstract class KeyFilesVolume {

    @Size(max = 64)
    @JsonPropertyDescription(
            "The keys to mount and the file each becomes. When unset, every key becomes a file of "
                    + "its own name.")
    private List<VolumeItem> items;

    @Min(0)
    @Max(511)
    @JsonPropertyDescription(
            "Permission bits of the files, 0 to 0777 (in YAML write 0440 as an octal number or 288 "
                    + "as a decimal). Defaults to 0644.")
    private Integer defaultMode;

    @JsonPropertyDescription(
            "True lets the pods start while the object (or a key of items) is missing. Defaults "
                    + "to false: they wait for it.")
    private Boolean optional;

    public List<VolumeItem> getItems() {
        return items;
    }

    public void setItems(List<VolumeItem> items) {
        this.items = items;
    }

    public Integer getDefaultMode() {
        return defaultMode;
    }

    public void setDefaultMode(Integer defaultMode) {
        this.defaultMode = defaultMode;
    }

    public Boolean getOptional() {
        return optional;
    }

    public void setOptional(Boolean optional) {
        this.optional = optional;
    }
}
