package dev.terrarium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.terrarium.testing.Commands;
import dev.terrarium.testing.LocalControlPlane;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The manifests under deploy/ as a cluster would receive them: rendered by the real kubectl (the
 * one hack/build-binaries.sh builds), without a cluster; and the Helm chart they are generated
 * from, rendered by the real helm (hack/build-helm.sh).
 */
final class Manifests {

    static final String NAMESPACE = "terrarium-system";
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static final Path CHART = Path.of("deploy/helm/terrarium");
    static final String RELEASE = "terrarium";

    private static Map<String, String> paths;

    private Manifests() {}

    static Path repo() {
        return LocalControlPlane.repoDir();
    }

    /** The objects that {@code kubectl kustomize <tree>} prints, in its order. */
    static List<JsonNode> render(String tree) {
        String output = kubectl("kustomize", repo().resolve(tree).toString());
        return parseAll(output);
    }

    static List<JsonNode> parseAll(String yaml) {
        List<JsonNode> objects = new ArrayList<>();
        try (JsonParser parser = YAML.getFactory().createParser(yaml);
                MappingIterator<JsonNode> documents = YAML.readValues(parser, JsonNode.class)) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document != null && !document.isNull() && !document.isEmpty()) {
                    objects.add(document);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("not YAML:\n" + yaml, e);
        }
        return objects;
    }

    static JsonNode readYaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> ofKind(List<JsonNode> objects, String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    static JsonNode one(List<JsonNode> objects, String kind, String name) {
        List<JsonNode> found =
                ofKind(objects, kind).stream()
                        .filter(o -> name.equals(o.path("metadata").path("name").asText()))
                        .toList();
        assertThat(found).as("%s/%s in the rendered manifests", kind, name).hasSize(1);
        return found.get(0);
    }

    /** The object as its fabric8 model class, for typed assertions. */
    static <T> T typed(JsonNode object, Class<T> type) {
        return SERIALIZATION.unmarshal(object.toString(), type);
    }

    /** Runs the built kubectl without any cluster: KUBECONFIG points at nothing. */
    static String kubectl(String... args) {
        List<String> command = new ArrayList<>();
        command.add(kubectlBinary().toString());
        command.addAll(List.of(args));
        return Commands.run(
                        command, Map.of("KUBECONFIG", "/dev/null"), repo(), Duration.ofMinutes(2))
                .requireSuccess(command)
                .output();
    }

    static Path kubectlBinary() {
        Path kubectl = binDir().resolve("kubectl");
        requireTool(Files.isExecutable(kubectl), kubectl + " is missing; make binaries builds it");
        return kubectl;
    }

    /** BIN_DIR of hack/cluster.sh paths: where hack/build-binaries.sh puts kubectl. */
    static Path binDir() {
        return Path.of(path("BIN_DIR"));
    }

    /**
     * The helm that hack/build-helm.sh builds. Never skipped when missing: make test builds it
     * (make binaries), and without it nothing shows that deploy/ is what the chart renders.
     */
    static Path helmBinary() {
        Path helm = Path.of(path("HELM"));
        assertThat(Files.isExecutable(helm))
                .as("%s is missing; make binaries (hack/build-helm.sh) builds it", helm)
                .isTrue();
        return helm;
    }

    /** Runs helm without any cluster; its exit code and output (stdout and stderr). */
    static Commands.Result helm(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(helmBinary().toString());
        command.addAll(args);
        return Commands.run(
                command,
                Map.of(
                        "KUBECONFIG",
                        "/dev/null",
                        "HELM_CACHE_HOME",
                        repo().resolve("target/helm/cache").toString(),
                        "HELM_CONFIG_HOME",
                        repo().resolve("target/helm/config").toString(),
                        "HELM_DATA_HOME",
                        repo().resolve("target/helm/data").toString()),
                repo(),
                Duration.ofMinutes(2));
    }

    /**
     * The objects that {@code helm template terrarium <chart> -n terrarium-system <args>} prints.
     */
    static List<JsonNode> renderChart(String... args) {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                "template",
                                RELEASE,
                                repo().resolve(CHART).toString(),
                                "--namespace",
                                NAMESPACE));
        command.addAll(List.of(args));
        Commands.Result result = helm(command);
        assertThat(result.exitCode())
                .as("helm %s\n%s", String.join(" ", command), result.output())
                .isZero();
        return parseAll(result.output());
    }

    /** KEY=value lines of hack/cluster.sh paths. */
    static synchronized String path(String key) {
        if (paths == null) {
            List<String> command =
                    List.of("bash", repo().resolve("hack/cluster.sh").toString(), "paths");
            String output =
                    Commands.run(command, Map.of(), repo(), Duration.ofMinutes(1))
                            .requireSuccess(command)
                            .output();
            paths = new HashMap<>();
            Stream.of(output.split("\n"))
                    .filter(line -> line.contains("="))
                    .forEach(
                            line ->
                                    paths.put(
                                            line.substring(0, line.indexOf('=')),
                                            line.substring(line.indexOf('=') + 1).strip()));
        }
        String value = paths.get(key);
        assertThat(value).as("%s in hack/cluster.sh paths", key).isNotBlank();
        return value;
    }

    /**
     * Skips a test whose tool is missing on a developer's machine (make test installs and builds
     * them all), but fails it in CI, where a skip would hide that the tool was never installed.
     */
    static void requireTool(boolean present, String message) {
        if (System.getenv("CI") == null) {
            Assumptions.assumeTrue(present, message);
        }
        assertThat(present).as(message).isTrue();
    }
}
