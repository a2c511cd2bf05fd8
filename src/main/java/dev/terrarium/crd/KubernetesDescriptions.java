package dev.terrarium.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * Kubernetes' own descriptions of the core/v1 types that the API classes embed (env, envFrom,
 * resources, securityContext, tolerations), so that {@code kubectl explain} prints them under a
 * Terrarium kind as it does under a Pod. The generator cannot: fabric8's model classes carry no
 * descriptions. They come from the OpenAPI document of the Kubernetes version the tests run,
 * extracted by {@code hack/kube-descriptions.sh} into {@value #RESOURCE}.
 */
public final class KubernetesDescriptions {

    static final String RESOURCE = "kubernetes-descriptions.json";

    private final JsonNode document;

    private KubernetesDescriptions(JsonNode document) {
        this.document = document;
    }

    public static KubernetesDescriptions load() {
        try (InputStream in = KubernetesDescriptions.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(
                        RESOURCE + " is missing; run hack/kube-descriptions.sh");
            }
            return new KubernetesDescriptions(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String kubernetesVersion() {
        return document.path("kubernetesVersion").asText();
    }

    /** The OpenAPI definition of a fabric8 model class, when the extract holds one. */
    public Optional<String> definitionOf(Class<?> modelClass) {
        JsonNode name = document.path("roots").path(modelClass.getSimpleName());
        return name.isTextual() ? Optional.of(name.asText()) : Optional.empty();
    }

    /**
     * Describes every property of {@code schema}, and below, that has no description yet, walking
     * the schema and the definition together; a description the API class wrote wins.
     */
    public void describe(String definition, JSONSchemaProps schema) {
        JsonNode properties = document.path("types").path(definition).path("properties");
        if (schema == null || schema.getProperties() == null || properties.isMissingNode()) {
            return;
        }
        for (Map.Entry<String, JSONSchemaProps> entry : schema.getProperties().entrySet()) {
            JsonNode known = properties.path(entry.getKey());
            JSONSchemaProps property = entry.getValue();
            if (isBlank(property.getDescription())
                    && !known.path("description").asText().isBlank()) {
                property.setDescription(known.path("description").asText());
            }
            if (known.path("type").isTextual()) {
                describe(known.path("type").asText(), valueSchema(property));
            }
        }
    }

    /** The schema that holds the properties of a property's type: itself, its items or values. */
    static JSONSchemaProps valueSchema(JSONSchemaProps property) {
        if (property.getItems() != null && property.getItems().getSchema() != null) {
            return property.getItems().getSchema();
        }
        if (property.getAdditionalProperties() != null
                && property.getAdditionalProperties().getSchema() != null) {
            return property.getAdditionalProperties().getSchema();
        }
        return property;
    }

    private static boolean isBlank(String text) {
        return text == null || text.isBlank();
    }
}
