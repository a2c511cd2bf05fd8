package dev.terrarium.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How strongly a Workload's pods are kept apart from the node and from each other: the
 * container-versus-VM choice, made through a RuntimeClass that the operator's settings name.
 */
public enum WorkloadIsolation {
    /** The node's default runtime, as without the field. */
    @JsonProperty("container")
    CONTAINER,
    /** A sandbox between the code and the node's kernel, such as gVisor. */
    @JsonProperty("sandboxed")
    SANDBOXED,
    /** A lightweight VM per pod, such as Kata Containers. */
    @JsonProperty("vm")
    VM;

    public String value() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
