package dev.terrarium.requirements;

import static org.assertj.core.api.Assertions.assertThat;
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
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Compares the conda match spec parser with py-rattler's {@code MatchSpec} (parsing as conda does
 * by default: lenient, exact package names only) on a hand-written corpus and on strings fuzzed
 * from it. When both accept a string they must agree on the name, channel, subdir, build string and
 * version constraint, and Terrarium's canonical form, given back to rattler, must mean the same to
 * rattler again. When rattler refuses a string, Terrarium must refuse it too.
 *
 * <p>Terrarium refuses some strings rattler accepts, on purpose. Each such difference is listed in
 * {@link #DELIBERATE} with its reason; any other refusal of a string that rattler accepts in its
 * strict mode too is a disagreement. Strings only rattler's lenient mode accepts, by guessing, may
 * be refused.
 */
class CondaMatchSpecDifferentialTest {

    private static final Path ORACLE = Path.of("src/test/python/matchspec_oracle.py");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 0xC0DAL;
    private static final int FUZZED_STRINGS = 600;
    private static final List<String> SNIPPETS =
            List.of(
                    " ",
                    "=",
                    "==",
                    ">=",
                    "<",
                    "!=",
                    "~=",
                    ",",
                    "|",
                    "*",
                    ".*",
                    "::",
                    "/",
                    "[",
                    "]",
                    "'",
                    "\"",
                    "version=",
                    "build=",
                    "channel=",
                    "subdir=",
                    "linux-64",
                    "noarch",
                    "_0",
                    "py312",
                    "1.2",
                    "a1",
                    "-",
                    "_",
                    ".",
                    "+",
                    "!",
                    "conda-forge");

    /** What rattler made of a string: its verdict, the string, and Terrarium's refusal of it. */
    private record Refusal(String text, JsonNode verdict, SpecSyntaxException error) {
        String field(String name) {
            return CondaMatchSpecDifferentialTest.text(verdict.get(name));
        }
    }

    private record Deliberate(String reason, Predicate<Refusal> applies) {}

    private static final Pattern CHANNEL =
            Pattern.compile("[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*");
    private static final Pattern NAME = Pattern.compile("[a-z0-9_][a-z0-9_.-]*");
    private static final Pattern VERSION_CHARACTERS = Pattern.compile("[0-9a-z.*_+!,|<>=~]*");
    private static final Pattern BUILD_CHARACTERS = Pattern.compile("[A-Za-z0-9_.+*]*");
    private static final Pattern STAR_THEN_TEXT =
            Pattern.compile("\\*\\*|(^|[\\s=])\\*[A-Za-z0-9_.]");

    /**
     * Strings rattler accepts (in its strict mode too) and Terrarium refuses on purpose, each with
     * its reason and how it is recognised, from rattler's reading of the string or from Terrarium's
     * refusal.
     */
    private static final List<Deliberate> DELIBERATE =
            List.of(
                    new Deliberate(
                            "only printable ASCII, as everywhere in Terrarium's specs",
                            r -> r.error().deliberate()),
                    new Deliberate(
                            "bracket keys other than version, build, channel and subdir (license, md5, build_number, "
                                    + "url, fn …) select by metadata Terrarium does not normalise; refused rather than passed on",
                            r -> r.error().reason().contains("unsupported key")),
                    new Deliberate(
                            "a part given inline and in brackets too: rattler lets one win silently",
                            r -> r.error().reason().contains("is given twice")),
                    new Deliberate(
                            "channels are names of letters, digits, \".\", \"_\", \"-\" and \"/\": rattler turns URLs, "
                                    + "paths and any other text into a channel URL, which would let a spec reach past the "
                                    + "Environment's channel list",
                            r ->
                                    r.text().contains("://")
                                            || (r.field("channel") != null
                                                    && !CHANNEL.matcher(
                                                                    r.field("channel")
                                                                            .toLowerCase(
                                                                                    Locale.ROOT))
                                                            .matches())),
                    new Deliberate(
                            "\"a:name\" is a rattler namespace, unknown to conda channels; Terrarium reads \":\" as a "
                                    + "mistyped \"::\" and says so",
                            r -> r.field("namespace") != null),
                    new Deliberate(
                            "package names start with a letter, digit or \"_\" and hold letters, digits, \"_\", \".\" "
                                    + "and \"-\" (what conda-build makes); rattler accepts \"-numpy\" and \".numpy\"",
                            r -> !NAME.matcher(r.field("name")).matches()),
                    new Deliberate(
                            "conda-build refuses \"-\" and other punctuation in versions; rattler's reading of such "
                                    + "text (\"1.26-2\", \">=conda-forge3.11\") is a guess",
                            r ->
                                    r.field("version") != null
                                            && !VERSION_CHARACTERS
                                                    .matcher(r.field("version"))
                                                    .matches()),
                    new Deliberate(
                            "build strings are letters, digits, \"_\", \".\", \"+\" and \"*\"; rattler takes any text "
                                    + "after the version as the build string",
                            r ->
                                    r.field("build") != null
                                            && !BUILD_CHARACTERS
                                                    .matcher(r.field("build"))
                                                    .matches()),
                    new Deliberate(
                            "subdirs are the platforms conda knows: rattler takes any word, and a typo would select a "
                                    + "subdir no channel has",
                            r -> r.error().reason().startsWith("unknown subdir")),
                    new Deliberate(
                            "a subdir belongs to a channel: the canonical form is channel/subdir::name",
                            r -> r.field("subdir") != null && r.field("channel") == null),
                    new Deliberate(
                            "\"#\" starts a comment where conda reads specs from files; inside a spec it cuts the spec "
                                    + "short silently",
                            r -> r.text().contains("#")),
                    new Deliberate(
                            "empty brackets and an empty channel before \"::\" say nothing; refused as mistakes",
                            r ->
                                    r.text().contains("[]")
                                            || r.text().strip().startsWith("::")
                                            || r.text().contains(":: ")),
                    new Deliberate(
                            "rattler reads \"*py*\", \"*1.26\" and \"**mkl*\" as any version plus a build string; "
                                    + "Terrarium refuses a version that is a wildcard followed by text",
                            r -> STAR_THEN_TEXT.matcher(r.text()).find()));

    @Test
    void agreesWithRattlerOnTheCorpusAndOnFuzzedStrings() {
        List<String> corpus = CorpusFile.lines("/conda/matchspec-corpus.txt");
        List<String> strings = new ArrayList<>(corpus);
        strings.addAll(fuzz(corpus));
        List<JsonNode> verdicts = oracle(strings);

        List<String> disagreements = new ArrayList<>();
        List<CondaMatchSpec> accepted = new ArrayList<>();
        int valid = 0;
        int deliberate = 0;
        int lenientOnly = 0;
        Set<Deliberate> seen = new LinkedHashSet<>();
        for (int i = 0; i < strings.size(); i++) {
            String text = strings.get(i);
            JsonNode verdict = verdicts.get(i);
            CondaMatchSpec ours;
            try {
                ours = CondaMatchSpec.parse(text);
            } catch (SpecSyntaxException e) {
                if (!verdict.get("valid").asBoolean()) {
                    continue;
                }
                Deliberate reason = deliberate(new Refusal(text, verdict, e));
                if (reason != null) {
                    deliberate++;
                    seen.add(reason);
                } else if (verdict.get("strict").asBoolean()) {
                    disagreements.add(
                            describe(
                                    text,
                                    "rattler accepts it as "
                                            + verdict.get("canonical")
                                            + ", Terrarium refuses: "
                                            + e.getMessage()));
                } else {
                    // Only rattler's lenient mode takes it (a trailing "=", a bare version among
                    // alternatives …),
                    // by guessing; its strict mode refuses it, as Terrarium does.
                    lenientOnly++;
                }
                continue;
            }
            if (!verdict.get("valid").asBoolean()) {
                disagreements.add(
                        describe(
                                text,
                                "rattler refuses it ("
                                        + verdict.get("error").asText()
                                        + "), Terrarium accepts it as "
                                        + ours.canonical()));
                continue;
            }
            valid++;
            String difference = difference(ours, verdict);
            if (difference != null) {
                disagreements.add(describe(text, difference));
            } else {
                accepted.add(ours);
            }
        }
        List<JsonNode> roundTrip =
                oracle(accepted.stream().map(CondaMatchSpec::canonical).toList());
        for (int i = 0; i < accepted.size(); i++) {
            CondaMatchSpec ours = accepted.get(i);
            JsonNode back = roundTrip.get(i);
            String difference =
                    back.get("valid").asBoolean()
                            ? difference(ours, back)
                            : "rattler refuses it: " + back.get("error").asText();
            if (difference != null) {
                disagreements.add(
                        describe(
                                ours.canonical(),
                                "Terrarium's canonical form, read by rattler: " + difference));
            }
        }

        assertThat(disagreements).as("disagreements with rattler").isEmpty();
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(150);
        assertThat(strings).hasSizeGreaterThanOrEqualTo(700);
        assertThat(valid).as("strings both accept").isGreaterThan(150);
        assertThat(deliberate).as("strings refused on purpose").isGreaterThan(5);
        assertThat(strings.size() - valid - deliberate - lenientOnly)
                .as("strings both refuse")
                .isGreaterThan(200);
        assertThat(DELIBERATE).as("every deliberate difference occurs").allMatch(seen::contains);
    }

    private static Deliberate deliberate(Refusal refusal) {
        return DELIBERATE.stream().filter(d -> d.applies().test(refusal)).findFirst().orElse(null);
    }

    private static String difference(CondaMatchSpec ours, JsonNode verdict) {
        if (!ours.name().equals(verdict.get("name").asText())) {
            return "name " + ours.name() + " vs rattler " + verdict.get("name");
        }
        String channel = text(verdict.get("channel"));
        if (!Objects.equals(
                ours.channel(), channel == null ? null : channel.toLowerCase(Locale.ROOT))) {
            return "channel " + ours.channel() + " vs rattler " + channel;
        }
        if (!Objects.equals(ours.subdir(), text(verdict.get("subdir")))) {
            return "subdir " + ours.subdir() + " vs rattler " + verdict.get("subdir");
        }
        String build = text(verdict.get("build"));
        if (!Objects.equals(ours.build(), "*".equals(build) ? null : build)) {
            return "build " + ours.build() + " vs rattler " + build;
        }
        String version = text(verdict.get("version"));
        String theirs = version == null || version.equals("*") ? null : reparsedVersion(version);
        String mine = ours.version() == null ? null : ours.version().canonical();
        if (!Objects.equals(mine, theirs)) {
            return "version "
                    + mine
                    + " vs rattler "
                    + version
                    + (theirs == null ? "" : " (" + theirs + ")");
        }
        return null;
    }

    /**
     * Rattler's printing of a version constraint, read by Terrarium's parser: compares meanings,
     * not spellings.
     */
    private static String reparsedVersion(String version) {
        try {
            CondaVersionSpec reparsed = CondaMatchSpec.parse("x " + version).version();
            return reparsed == null ? null : reparsed.canonical();
        } catch (SpecSyntaxException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /**
     * Strings made from the corpus strings Terrarium accepts by inserting, deleting and swapping
     * characters.
     */
    private static List<String> fuzz(List<String> corpus) {
        List<String> seeds = new ArrayList<>();
        for (String text : corpus) {
            try {
                CondaMatchSpec.parse(text);
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
        requireRattler();
        try {
            Process process = new ProcessBuilder("python3", ORACLE.toString()).start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(JSON.writeValueAsBytes(strings));
            }
            byte[] out = process.getInputStream().readAllBytes();
            String err =
                    new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                fail("the rattler oracle failed: " + err);
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

    private static void requireRattler() {
        assertThat(Files.isRegularFile(ORACLE))
                .as("oracle script %s (run the tests from the project root)", ORACLE)
                .isTrue();
        try {
            Process check =
                    new ProcessBuilder("python3", "-c", "import rattler")
                            .redirectErrorStream(true)
                            .start();
            String output =
                    new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!check.waitFor(30, TimeUnit.SECONDS) || check.exitValue() != 0) {
                fail(
                        "this test needs python3 with py-rattler; run hack/prereqs.sh (pip install py-rattler==0.28.0)\n"
                                + output);
            }
        } catch (IOException e) {
            fail(
                    "this test needs python3 with py-rattler; run hack/prereqs.sh ("
                            + e.getMessage()
                            + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    private static String describe(String text, String problem) {
        return Violation.quote(text) + (problem.isEmpty() ? "" : ": " + problem);
    }
}
