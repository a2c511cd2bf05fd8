package dev.terrarium.requirements;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.terrarium.api.Condition;
import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentPhase;
import dev.terrarium.status.Conditions;
import dev.terrarium.testing.Objects;
import dev.terrarium.testing.TerrariumTest;
import dev.terrarium.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The real-file corpus applied to the local control plane, one Environment per file, as a user
 * would apply it: every file that Terrarium's reading accepts (all those the reference tools accept
 * but the ones {@link RealFilesCorpusTest} lists as refused, each with its reason) reaches Ready,
 * built on the simulated nodes; every other file ends Invalid, with Ready=False, reason
 * InvalidSpec, and the message that quotes its line on the object.
 */
@TerrariumTest
class RealFilesCorpusIT {

    private static final Duration SETTLED = Duration.ofMinutes(8);
    private static final Set<EnvironmentPhase> FINAL =
            Set.of(EnvironmentPhase.Ready, EnvironmentPhase.Invalid, EnvironmentPhase.Failed);

    @Test
    void everyFileTerrariumAcceptsIsBuiltAndEveryRefusalShowsOnTheObject(TestNamespace ns) {
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        for (JsonNode entry : RealFilesCorpusTest.manifestEntries()) {
            String name = name(entry.path("id").asText());
            byName.put(name, entry);
            Map<String, String> files = RealFilesCorpusTest.configMap(entry);
            if (files != null) {
                ns.client()
                        .resource(
                                new ConfigMapBuilder()
                                        .withNewMetadata()
                                        .withName(RealFilesCorpusTest.configMapName(entry))
                                        .endMetadata()
                                        .withData(files)
                                        .build())
                        .create();
            }
            ns.client()
                    .resource(
                            Objects.environment(
                                    name,
                                    RealFilesCorpusTest.spec(
                                            entry, RealFilesCorpusTest.text(entry))))
                    .create();
        }

        List<Environment> settled =
                await().atMost(SETTLED)
                        .pollInterval(Duration.ofSeconds(2))
                        .until(
                                () ->
                                        ns.client()
                                                .resources(Environment.class)
                                                .inNamespace(ns.name())
                                                .list()
                                                .getItems(),
                                e ->
                                        e.size() == byName.size()
                                                && e.stream()
                                                        .allMatch(
                                                                x ->
                                                                        x.getStatus() != null
                                                                                && FINAL.contains(
                                                                                        x.getStatus()
                                                                                                .getPhase())));

        List<String> problems = new ArrayList<>();
        int ready = 0;
        for (Environment environment : settled) {
            JsonNode entry = byName.get(environment.getMetadata().getName());
            String text = RealFilesCorpusTest.text(entry);
            NormalizationResult expected =
                    new EnvironmentNormalizer()
                            .normalize(
                                    RealFilesCorpusTest.spec(entry, text),
                                    RealFilesCorpusTest.configMap(entry),
                                    Specs.DEFAULTS);
            EnvironmentPhase phase = environment.getStatus().getPhase();
            Condition readyCondition =
                    Conditions.find(environment.getStatus().getConditions(), Condition.READY);
            System.out.printf(
                    Locale.ROOT,
                    "%-40s %-21s %-8s %s%n",
                    entry.path("id").asText(),
                    entry.at("/verdict/tool").asText(),
                    phase,
                    readyCondition == null ? "" : readyCondition.getMessage());
            if (expected.isResolved()) {
                ready += phase == EnvironmentPhase.Ready ? 1 : 0;
                if (phase != EnvironmentPhase.Ready) {
                    problems.add(entry.path("id").asText() + ": accepted but " + phase);
                }
            } else {
                String first = expected.violations().get(0).message();
                if (phase != EnvironmentPhase.Invalid
                        || readyCondition == null
                        || !"InvalidSpec".equals(readyCondition.getReason())
                        || !readyCondition.getMessage().contains(first)) {
                    problems.add(
                            entry.path("id").asText()
                                    + ": refused as "
                                    + first
                                    + " but "
                                    + phase
                                    + (readyCondition == null
                                            ? ""
                                            : " " + readyCondition.getMessage()));
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d files applied: %d Ready%n", settled.size(), ready);
        assertThat(problems).as("files whose object does not show what Terrarium read").isEmpty();
        assertThat(ready).as("Environments built from the corpus").isGreaterThanOrEqualTo(48);
    }

    /** A DNS label of the file's id, unique within the corpus. */
    private static String name(String id) {
        String name = id.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        return name.length() > 50 ? name.substring(0, 50).replaceAll("-+$", "") : name;
    }
}
