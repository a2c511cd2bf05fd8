package dev.terrarium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.terrarium.api.Condition;
import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentPhase;
import dev.terrarium.api.EnvironmentStatus;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildPhase;
import dev.terrarium.api.ImageBuildStatus;
import dev.terrarium.api.Workload;
import dev.terrarium.api.WorkloadPhase;
import dev.terrarium.api.WorkloadStatus;
import dev.terrarium.status.Conditions;
import dev.terrarium.status.Conditions.Health;
import dev.terrarium.testing.Commands;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Argo CD health checks of deploy/health, run by a real Lua interpreter against objects whose
 * conditions come from the operator's own condition builder. Argo CD embeds Lua 5.1 (gopher-lua);
 * the scripts use nothing that 5.1 and 5.4 treat differently.
 */
class ArgoCdHealthCheckTest {

    private static final Path PATCH = Path.of("deploy/health/argocd-cm-patch.yaml");
    private static final String KEY_PREFIX = "resource.customizations.health.terrarium.dev_";
    private static final String LUA = "lua5.4";
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir static Path scratch;

    private static Map<String, String> data;

    /** What a health script returned. */
    record Verdict(String status, String message) {}

    @BeforeAll
    static void readPatch() {
        JsonNode patch = Manifests.readYaml(Manifests.repo().resolve(PATCH));
        assertThat(patch.path("kind").asText()).isEqualTo("ConfigMap");
        assertThat(patch.path("metadata").path("name").asText()).isEqualTo("argocd-cm");
        data =
                Manifests.YAML.convertValue(
                        patch.path("data"), new TypeReference<Map<String, String>>() {});
    }

    @Test
    void thePatchHoldsOneCheckPerKindAndNothingElse() {
        assertThat(data)
                .containsOnlyKeys(
                        KEY_PREFIX + "Environment",
                        KEY_PREFIX + "ImageBuild",
                        KEY_PREFIX + "Workload");
    }

    @Test
    void thePatchMergesIntoAnExistingArgocdCm() throws IOException {
        Path existing = scratch.resolve("argocd-cm.yaml");
        Files.writeString(
                existing,
                """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: argocd-cm
                  namespace: argocd
                data:
                  url: https://argocd.example.com
                """);
        JsonNode merged =
                Manifests.parseAll(
                                Manifests.kubectl(
                                        "patch",
                                        "--local",
                                        "-f",
                                        existing.toString(),
                                        "--patch-file",
                                        Manifests.repo().resolve(PATCH).toString(),
                                        "-o",
                                        "yaml"))
                        .get(0);
        assertThat(merged.path("data").path("url").asText())
                .isEqualTo("https://argocd.example.com");
        for (Map.Entry<String, String> check : data.entrySet()) {
            assertThat(merged.path("data").path(check.getKey()).asText())
                    .isEqualTo(check.getValue());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Environment", "ImageBuild", "Workload"})
    void readyIsHealthy(String kind) {
        Verdict verdict =
                check(
                        kind,
                        object(kind, 2L, 2L, Health.READY, "Built", "Image r@sha256:1 is ready."));
        assertThat(verdict).isEqualTo(new Verdict("Healthy", "Image r@sha256:1 is ready."));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Environment", "ImageBuild", "Workload"})
    void stalledIsDegradedWithItsReason(String kind) {
        Verdict verdict =
                check(
                        kind,
                        object(
                                kind,
                                3L,
                                3L,
                                Health.STALLED,
                                "BuildFailed",
                                "OOMKilled: out of memory."));
        assertThat(verdict)
                .isEqualTo(new Verdict("Degraded", "BuildFailed: OOMKilled: out of memory."));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Environment", "ImageBuild", "Workload"})
    void reconcilingIsProgressing(String kind) {
        Verdict verdict =
                check(
                        kind,
                        object(kind, 1L, 1L, Health.RECONCILING, "Building", "Build Job b runs."));
        assertThat(verdict).isEqualTo(new Verdict("Progressing", "Building: Build Job b runs."));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Environment", "ImageBuild", "Workload"})
    void anObservedGenerationBehindIsProgressingWhateverTheConditionsSay(String kind) {
        Verdict verdict =
                check(kind, object(kind, 4L, 3L, Health.READY, "Built", "Image is ready."));
        assertThat(verdict.status()).isEqualTo("Progressing");
        assertThat(verdict.message()).contains("generation 4");

        Verdict unobserved =
                check(kind, object(kind, 4L, null, Health.STALLED, "InvalidSpec", "spec: bad"));
        assertThat(unobserved.status()).isEqualTo("Progressing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Environment", "ImageBuild", "Workload"})
    void anObjectWithoutStatusIsProgressing(String kind) {
        HasMetadata object = object(kind, 1L, 1L, Health.READY, "Built", "ready");
        clearStatus(object);
        assertThat(check(kind, object).status()).isEqualTo("Progressing");
    }

    @Test
    void aSuspendedWorkloadIsSuspendedAndOtherKindsNeverAre() {
        Verdict workload =
                check(
                        "Workload",
                        object(
                                "Workload",
                                2L,
                                2L,
                                Health.READY,
                                "Suspended",
                                "Stopped: scaled to zero."));
        assertThat(workload).isEqualTo(new Verdict("Suspended", "Stopped: scaled to zero."));
        Verdict environment =
                check("Environment", object("Environment", 2L, 2L, Health.READY, "Suspended", "x"));
        assertThat(environment.status()).isEqualTo("Healthy");
    }

    /**
     * An object of the kind whose status holds the conditions that the operator writes for that
     * health.
     */
    private static HasMetadata object(
            String kind,
            Long generation,
            Long observedGeneration,
            Health health,
            String reason,
            String message) {
        List<Condition> conditions =
                Conditions.merge(
                        List.of(),
                        Conditions.kstatus(
                                observedGeneration == null ? 1 : observedGeneration,
                                health,
                                reason,
                                message),
                        NOW);
        HasMetadata object =
                switch (kind) {
                    case "Environment" -> {
                        Environment environment = new Environment();
                        EnvironmentStatus status = new EnvironmentStatus();
                        status.setObservedGeneration(observedGeneration);
                        status.setPhase(
                                health == Health.READY
                                        ? EnvironmentPhase.Ready
                                        : health == Health.STALLED
                                                ? EnvironmentPhase.Failed
                                                : EnvironmentPhase.Building);
                        status.setConditions(conditions);
                        environment.setStatus(status);
                        yield environment;
                    }
                    case "ImageBuild" -> {
                        ImageBuild build = new ImageBuild();
                        ImageBuildStatus status = new ImageBuildStatus();
                        status.setObservedGeneration(observedGeneration);
                        status.setPhase(
                                health == Health.READY
                                        ? ImageBuildPhase.Succeeded
                                        : health == Health.STALLED
                                                ? ImageBuildPhase.Failed
                                                : ImageBuildPhase.Running);
                        status.setConditions(conditions);
                        build.setStatus(status);
                        yield build;
                    }
                    case "Workload" -> {
                        Workload workload = new Workload();
                        WorkloadStatus status = new WorkloadStatus();
                        status.setObservedGeneration(observedGeneration);
                        status.setPhase(
                                health == Health.READY
                                        ? WorkloadPhase.Running
                                        : health == Health.STALLED
                                                ? WorkloadPhase.Degraded
                                                : WorkloadPhase.Progressing);
                        status.setConditions(conditions);
                        workload.setStatus(status);
                        yield workload;
                    }
                    default -> throw new IllegalArgumentException(kind);
                };
        object.setMetadata(
                new ObjectMetaBuilder()
                        .withName("sample")
                        .withNamespace("team")
                        .withGeneration(generation)
                        .build());
        return object;
    }

    private static void clearStatus(HasMetadata object) {
        if (object instanceof Environment environment) {
            environment.setStatus(null);
        } else if (object instanceof ImageBuild build) {
            build.setStatus(null);
        } else if (object instanceof Workload workload) {
            workload.setStatus(null);
        }
    }

    /**
     * Runs the kind's health script the way Argo CD does: obj is a global table, the script returns
     * hs.
     */
    private static Verdict check(String kind, HasMetadata object) {
        Manifests.requireTool(
                Commands.run(
                                        List.of("sh", "-c", "command -v " + LUA),
                                        Map.of(),
                                        null,
                                        Duration.ofSeconds(10))
                                .exitCode()
                        == 0,
                LUA + " is missing; make prereqs installs it");
        String script = data.get(KEY_PREFIX + kind);
        assertThat(script).as("health check of %s", kind).isNotNull();
        JsonNode json = Manifests.SERIALIZATION.convertValue(object, JsonNode.class);
        String program =
                "obj = "
                        + lua(json)
                        + "\n"
                        + "local function health()\n"
                        + script
                        + "\nend\n"
                        + "local hs = health()\n"
                        + "io.write(hs.status, \"\\n\", hs.message or \"\", \"\\n\")\n";
        Path file = scratch.resolve(kind + "-" + System.nanoTime() + ".lua");
        try {
            Files.writeString(file, program);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = List.of(LUA, file.toString());
        String output =
                Commands.run(command, Map.of(), null, Duration.ofSeconds(30))
                        .requireSuccess(command)
                        .output();
        String[] lines = output.split("\n", -1);
        return new Verdict(lines[0], lines.length > 1 ? lines[1] : "");
    }

    /** A JSON value as a Lua table constructor, as Argo CD hands objects to health scripts. */
    static String lua(JsonNode node) {
        if (node.isObject()) {
            List<String> fields = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!field.getValue().isNull()) {
                    fields.add("[" + luaString(field.getKey()) + "]=" + lua(field.getValue()));
                }
            }
            return "{" + String.join(", ", fields) + "}";
        }
        if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(item -> items.add(lua(item)));
            return "{" + String.join(", ", items) + "}";
        }
        if (node.isTextual()) {
            return luaString(node.asText());
        }
        if (node.isNumber() || node.isBoolean()) {
            return node.asText();
        }
        return "nil";
    }

    private static String luaString(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append('\\').append((int) c);
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
