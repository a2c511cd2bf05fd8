package dev.terrarium.requirements;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Compares the PEP 508 parser with Python's {@code packaging} on a hand-written corpus and on
 * strings fuzzed from it: both must accept and refuse the same strings and, when they accept, agree
 * on the name, extras, specifiers, URL and marker. The only allowed difference is a refusal on
 * purpose ({@link SpecSyntaxException#deliberate()}) of a string packaging accepts; the strings
 * known to be refused that way are listed, with reasons, in stricter.txt.
 */
class Pep508DifferentialTest {

    private static final Path ORACLE = Path.of("src/test/python/pep508_oracle.py");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 0x508L;
    private static final int FUZZED_STRINGS = 600;
    private static final List<String> SNIPPETS =
            List.of(
                    " and ",
                    " or ",
                    " not in ",
                    " in ",
                    "(",
                    ")",
                    ",",
                    ";",
                    ".*",
                    "===",
                    "==",
                    "~=",
                    "!=",
                    "<",
                    ">",
                    "[",
                    "]",
                    "@",
                    "'",
                    "\"",
                    " ",
                    "-",
                    "_",
                    ".",
                    "+local",
                    "a1",
                    "!",
                    "post",
                    "dev",
                    "rc",
                    "v",
                    "extra",
                    "python_version",
                    "os.name",
                    "1",
                    "*",
                    "https://",
                    "$",
                    "\\");

    @Test
    void agreesWithPackagingOnTheCorpusAndOnFuzzedStrings() {
        List<String> corpus = CorpusFile.lines("/pep508/corpus.txt");
        List<String> strings = new ArrayList<>(corpus);
        strings.addAll(fuzz(corpus));
        List<JsonNode> verdicts = oracle(strings);

        List<String> disagreements = new ArrayList<>();
        int valid = 0;
        int deliberate = 0;
        for (int i = 0; i < strings.size(); i++) {
            String text = strings.get(i);
            JsonNode verdict = verdicts.get(i);
            Pep508Requirement ours;
            try {
                ours = Pep508Requirement.parse(text);
            } catch (SpecSyntaxException e) {
                if (verdict.get("valid").asBoolean()) {
                    if (e.deliberate()) {
                        deliberate++;
                    } else {
                        disagreements.add(
                                describe(
                                        text,
                                        "packaging accepts it, Terrarium refuses: "
                                                + e.getMessage()));
                    }
                }
                continue;
            }
            if (!verdict.get("valid").asBoolean()) {
                disagreements.add(
                        describe(
                                text,
                                "packaging refuses it ("
                                        + verdict.get("error").asText()
                                        + "), Terrarium accepts it as "
                                        + ours.canonical()));
                continue;
            }
            valid++;
            String difference = difference(ours, verdict);
            if (difference != null) {
                disagreements.add(describe(text, difference));
            }
        }

        assertThat(disagreements).as("disagreements with packaging").isEmpty();
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(200);
        assertThat(strings).hasSizeGreaterThanOrEqualTo(800);
        assertThat(valid).as("strings both accept").isGreaterThan(200);
        assertThat(strings.size() - valid - deliberate)
                .as("strings both refuse")
                .isGreaterThan(200);
    }

    @Test
    void refusesOnPurposeWhatPackagingAccepts() {
        List<String> lines = CorpusFile.lines("/pep508/stricter.txt");
        List<String> reasons =
                lines.stream().map(line -> line.substring(0, line.indexOf(" | "))).toList();
        List<String> strings =
                lines.stream().map(line -> line.substring(line.indexOf(" | ") + 3)).toList();
        List<JsonNode> verdicts = oracle(strings);

        for (int i = 0; i < strings.size(); i++) {
            String text = strings.get(i);
            assertThat(reasons.get(i)).as("reason for %s", text).isNotBlank();
            assertThat(verdicts.get(i).get("valid").asBoolean())
                    .as("packaging accepts %s", describe(text, ""))
                    .isTrue();
            SpecSyntaxException refusal =
                    catchThrowableOfType(
                            () -> Pep508Requirement.parse(text), SpecSyntaxException.class);
            assertThat(refusal).as("Terrarium refuses %s", describe(text, "")).isNotNull();
            assertThat(refusal.deliberate())
                    .as("refusal of %s is deliberate: %s", describe(text, ""), refusal.getMessage())
                    .isTrue();
        }
    }

    private static String difference(Pep508Requirement ours, JsonNode verdict) {
        if (!ours.name().equals(verdict.get("name").asText())) {
            return "name " + ours.name() + " vs packaging " + verdict.get("name");
        }
        List<String> extras = strings(verdict.get("extras"));
        if (!ours.extras().equals(extras)) {
            return "extras " + ours.extras() + " vs packaging " + extras;
        }
        List<String> specifiers = strings(verdict.get("specifiers"));
        List<String> ourSpecifiers =
                ours.specifiers().stream().map(Pep440Specifier::canonical).toList();
        if (!ourSpecifiers.equals(specifiers)) {
            return "specifiers " + ourSpecifiers + " vs packaging " + specifiers;
        }
        String url = verdict.get("url").isNull() ? null : verdict.get("url").asText();
        if (!Objects.equals(ours.url(), url)) {
            return "url " + ours.url() + " vs packaging " + url;
        }
        if ((ours.marker() != null) != verdict.get("hasMarker").asBoolean()) {
            return "marker " + ours.marker() + " vs packaging " + verdict.get("marker");
        }
        if (!verdict.get("marker").isNull()) {
            String theirs = verdict.get("marker").asText();
            String reparsed;
            try {
                reparsed = Pep508Requirement.parse("x; " + theirs).marker().canonical();
            } catch (SpecSyntaxException e) {
                return "packaging prints the marker as "
                        + theirs
                        + ", which Terrarium refuses: "
                        + e.getMessage();
            }
            if (!reparsed.equals(ours.marker().canonical())) {
                return "marker " + ours.marker().canonical() + " vs packaging " + theirs;
            }
        }
        return null;
    }

    /**
     * Strings made from the corpus strings Terrarium accepts by inserting, deleting and swapping
     * characters.
     */
    private static List<String> fuzz(List<String> corpus) {
        List<String> seeds = new ArrayList<>();
        for (String text : corpus) {
            try {
                Pep508Requirement.parse(text);
                seeds.add(text);
            } catch (SpecSyntaxException e) {
                // only accepted strings make interesting seeds
            }
        }
        Random random = new Random(SEED);
        Set<String> fuzzed = new LinkedHashSet<>();
        while (fuzzed.size() < FUZZED_STRINGS) {
            StringBuilder text = new StringBuilder(seeds.get(random.nextInt(seeds.size())));
            int mutations = 1 + random.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                mutate(text, random);
            }
            fuzzed.add(text.toString());
        }
        fuzzed.removeAll(corpus);
        return new ArrayList<>(fuzzed);
    }

    private static void mutate(StringBuilder text, Random random) {
        int at = random.nextInt(text.length() + 1);
        switch (random.nextInt(4)) {
            case 0 -> text.insert(at, (char) (0x20 + random.nextInt(0x5f)));
            case 1 -> text.insert(at, SNIPPETS.get(random.nextInt(SNIPPETS.size())));
            case 2 -> {
                if (at < text.length()) {
                    text.deleteCharAt(at);
                }
            }
            default -> {
                if (at + 1 < text.length()) {
                    char c = text.charAt(at);
                    text.setCharAt(at, text.charAt(at + 1));
                    text.setCharAt(at + 1, c);
                }
            }
        }
    }

    private static List<JsonNode> oracle(List<String> strings) {
        requirePackaging();
        try {
            Process process =
                    new ProcessBuilder("python3", ORACLE.toString())
                            .redirectErrorStream(false)
                            .start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(JSON.writeValueAsBytes(strings));
            }
            byte[] out = process.getInputStream().readAllBytes();
            String err =
                    new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                fail("the packaging oracle failed: " + err);
            }
            List<JsonNode> verdicts = new ArrayList<>();
            JSON.readTree(out).forEach(verdicts::add);
            assertThat(verdicts).hasSameSizeAs(strings);
            return verdicts;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void requirePackaging() {
        assertThat(Files.isRegularFile(ORACLE))
                .as("oracle script %s (run the tests from the project root)", ORACLE)
                .isTrue();
        try {
            Process check =
                    new ProcessBuilder("python3", "-c", "import packaging.requirements")
                            .redirectErrorStream(true)
                            .start();
            String output =
                    new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!check.waitFor(30, TimeUnit.SECONDS) || check.exitValue() != 0) {
                fail(
                        "this test needs python3 with the packaging module; run: pip install packaging\n"
                                + output);
            }
        } catch (IOException e) {
            fail(
                    "this test needs python3 with the packaging module; install python3, then run: pip install "
                            + "packaging ("
                            + e.getMessage()
                            + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }

    private static String describe(String text, String problem) {
        return Violation.quote(text) + (problem.isEmpty() ? "" : ": " + problem);
    }
}
