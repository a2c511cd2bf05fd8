package dev.terrarium.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.terrarium.api.Environment;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.Workload;
import dev.terrarium.testing.LocalControlPlane;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every property of the committed CRDs is described, so {@code kubectl explain} prints something
 * for each; the Kubernetes types the API classes embed are described by Kubernetes' own text, of
 * the Kubernetes version the tests run.
 */
class CrdDescriptionsTest {

    private static final KubernetesDescriptions KUBERNETES = KubernetesDescriptions.load();

    /**
     * Kubernetes types that the schema holds as a string or number, with no properties of their
     * own: the field that holds one describes it.
     */
    private static final Set<Class<?>> SCALARS = Set.of(IntOrString.class, Quantity.class);

    @Test
    void everyPropertyOfEveryCommittedCrdHasADescription() throws IOException {
        List<String> undescribed = new ArrayList<>();
        int properties = 0;
        try (Stream<Path> files = Files.list(LocalControlPlane.repoDir().resolve("crds"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
                JsonNode crd = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
                for (JsonNode version : crd.path("spec").path("versions")) {
                    properties +=
                            collectUndescribed(
                                    crd.path("spec").path("names").path("kind").asText(),
                                    version.path("schema").path("openAPIV3Schema"),
                                    undescribed);
                }
            }
        }
        assertThat(properties).isGreaterThan(200);
        assertThat(undescribed).as("properties without a description").isEmpty();
    }

    @Test
    void kubectlExplainOfAnEmbeddedKubernetesFieldPrintsKubernetesOwnText() throws IOException {
        JsonNode workload =
                new ObjectMapper(new YAMLFactory())
                        .readTree(
                                LocalControlPlane.repoDir()
                                        .resolve("crds/workloads.terrarium.dev-v1.yml")
                                        .toFile());
        JsonNode securityContext =
                workload.path("spec")
                        .path("versions")
                        .get(0)
                        .path("schema")
                        .path("openAPIV3Schema")
                        .path("properties")
                        .path("spec")
                        .path("properties")
                        .path("securityContext")
                        .path("properties");
        assertThat(securityContext.path("privileged").path("description").asText())
                .startsWith("Run container in privileged mode.");
    }

    @Test
    void theExtractIsOfTheKubernetesVersionTheTestsRun() throws IOException {
        String versions =
                Files.readString(LocalControlPlane.repoDir().resolve("hack/versions.env"));
        assertThat(versions)
                .as("run hack/kube-descriptions.sh after changing KUBE_VERSION")
                .contains("KUBE_VERSION=" + KUBERNETES.kubernetesVersion() + "\n");
    }

    @Test
    void theExtractHoldsEveryKubernetesTypeTheApiClassesEmbed() {
        Set<Class<?>> embedded = new HashSet<>();
        for (Class<?> kind : List.of(Environment.class, ImageBuild.class, Workload.class)) {
            for (Type part :
                    ((ParameterizedType) kind.getGenericSuperclass()).getActualTypeArguments()) {
                collectEmbedded((Class<?>) part, embedded, new HashSet<>());
            }
        }
        assertThat(embedded).isNotEmpty();
        for (Class<?> type : embedded) {
            assertThat(KUBERNETES.definitionOf(type))
                    .as("%s is embedded in the API: run hack/kube-descriptions.sh", type.getName())
                    .isPresent();
        }
    }

    @Test
    void describesNestedListItemsAndKeepsTheApiClassesOwnText() {
        JSONSchemaProps env =
                new JSONSchemaPropsBuilder()
                        .addToProperties("name", new JSONSchemaPropsBuilder().build())
                        .addToProperties(
                                "value",
                                new JSONSchemaPropsBuilder().withDescription("Ours.").build())
                        .addToProperties(
                                "valueFrom",
                                new JSONSchemaPropsBuilder()
                                        .addToProperties(
                                                "secretKeyRef",
                                                new JSONSchemaPropsBuilder()
                                                        .addToProperties(
                                                                "key",
                                                                new JSONSchemaPropsBuilder()
                                                                        .build())
                                                        .build())
                                        .build())
                        .build();

        KUBERNETES.describe(KUBERNETES.definitionOf(EnvVar.class).orElseThrow(), env);

        assertThat(env.getProperties().get("name").getDescription())
                .startsWith("Name of the environment variable.");
        assertThat(env.getProperties().get("value").getDescription()).isEqualTo("Ours.");
        JSONSchemaProps secretKeyRef =
                env.getProperties().get("valueFrom").getProperties().get("secretKeyRef");
        assertThat(secretKeyRef.getDescription()).isNotBlank();
        assertThat(secretKeyRef.getProperties().get("key").getDescription())
                .isEqualTo("The key of the secret to select from.  Must be a valid secret key.");
    }

    private static int collectUndescribed(String path, JsonNode schema, List<String> undescribed) {
        int count = 0;
        for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
            count++;
            String at = path + "." + property.getKey();
            if (property.getValue().path("description").asText().isBlank()) {
                undescribed.add(at);
            }
            count += collectUndescribed(at, property.getValue(), undescribed);
        }
        if (schema.has("items")) {
            count += collectUndescribed(path + "[]", schema.path("items"), undescribed);
        }
        if (schema.path("additionalProperties").isObject()) {
            count +=
                    collectUndescribed(
                            path + "{}", schema.path("additionalProperties"), undescribed);
        }
        return count;
    }

    private static void collectEmbedded(Class<?> type, Set<Class<?>> embedded, Set<Class<?>> seen) {
        if (!seen.add(type)) {
            return;
        }
        for (Field field : type.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            Class<?> value = field.getType();
            if ((Collection.class.isAssignableFrom(value) || Map.class.isAssignableFrom(value))
                    && field.getGenericType() instanceof ParameterizedType generic) {
                Type[] arguments = generic.getActualTypeArguments();
                value = arguments[arguments.length - 1] instanceof Class<?> c ? c : Object.class;
            }
            if (SCALARS.contains(value)) {
                continue;
            }
            if (value.getPackageName().equals(EnvVar.class.getPackageName())) {
                embedded.add(value);
            } else if (value.getPackageName().equals(Environment.class.getPackageName())) {
                collectEmbedded(value, embedded, seen);
            }
        }
    }
}
