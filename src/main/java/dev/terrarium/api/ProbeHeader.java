package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One header of a probe's HTTP request. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProbeHeader {

    @Required
    @Size(min = 1, max = 256)
    @Pattern("^[-A-Za-z0-9!#$%&'*+.^_`|~]+$")
    @JsonPropertyDescription("Header name (an HTTP token).")
    private String name;

    @Required
    @Size(max = 4096)
    @JsonPropertyDescription("Header value.")
    private String value;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getValue() {
        return value;
    }

    public void setValue(String value) {
        this.value = value;
    }
}
