package dev.terrarium.status;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Objects;

/**
 * Whether two statuses are the same as the API server would store them, so an unchanged status is
 * never written.
 */
public final class StatusComparison {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private StatusComparison() {}

    public static boolean same(Object previous, Object next) {
        if (previous == null || next == null) {
            return previous == next;
        }
        return Objects.equals(
                SERIALIZATION.convertValue(previous, com.fasterxml.jackson.databind.JsonNode.class),
                SERIALIZATION.convertValue(next, com.fasterxml.jackson.databind.JsonNode.class));
    }
}
