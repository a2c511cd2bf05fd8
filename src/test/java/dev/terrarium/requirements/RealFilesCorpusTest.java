package dev.terrarium.requirements;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.terrarium.api.EnvironmentSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs Terrarium's own reading of every file in the real-file corpus
 * (src/test/resources/real-files, listed with its source and the reference tools' verdicts in
 * manifest.yaml) and prints the two verdicts side by side.
 *
 * <p>environment.yml, requirements.txt, pylock.toml, conda explicit and conda-lock.yml files go in
 * as {@code files.environmentYml} / {@code files.requirementsTxt} / {@code files.pylockToml} /
 * {@code files.condaExplicit} / {@code files.condaLockYml}. Every file must be accepted, or refused
 * with a message that quotes a line of the file; a file the reference tools refuse must not be
 * accepted, and each kind of lock file has a file Terrarium accepts.
 */
class RealFilesCorpusTest {

    private static final String ROOT = "/real-files/";
    private static final Set<String> KINDS =
            Set.of("environment.yml", "requirements.txt", "conda-explicit", "conda-lock", "pylock");

    /** Lock files: the build installs their artifacts as they are. */
    private static final Set<String> LOCK_KINDS = Set.of("conda-explicit", "conda-lock");

    /**
     * Files the tools accept with a URL requirement that names no package (no {@code #egg=}, no
     * wheel file name): Terrarium leaves them unnamed, as pip and uv do until they build them.
     */
    private static final Set<String> UNNAMED_REFERENCES =
            Set.of(
                    "alpaca-lora",
                    "dinov2-conda",
                    "so-fronts-requirements",
                    "trt-llm-recurrentgemma");

    private static final Set<String> TOOL_VERDICTS =
            Set.of("accept", "accept-with-warnings", "refuse");
    private static final Set<String> NOT_CORPUS = Set.of("manifest.yaml", "verdicts.py");

    /**
     * Hosts a corpus file may name: source repositories, web pages, the placeholders of redacted
     * indexes, and environment variables that the tools fill in.
     */
    private static final Pattern ALLOWED_HOST =
            Pattern.compile(
                    "github\\.com|bitbucket\\.org|pytorch\\.org|tinyurl\\.com|ultralytics\\.com|www\\.pypi-mirrors\\.org"
                            + "|([a-z0-9-]+\\.)*index\\.example|\\$\\{?[A-Za-z_][A-Za-z0-9_]*}?");

    private static final Pattern URL_HOST =
            Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*://(?:[^@/\\s]*@)?([^/\\s:'\"]+)");
    private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern TOP_LEVEL_KEY = Pattern.compile("^spec\\.[A-Za-z.]+: ([a-z_]+) ");
    private static final Pattern ENTRY_REFERENCE =
            Pattern.compile("( line \\d+ | [a-z]+\\[\\d+\\]\\S* )\"");

    private static List<JsonNode> entries;

    @BeforeAll
    static void loadManifest() {
        entries = manifestEntries();
    }

    /** The manifest's entries, one per corpus file, in its order. */
    static List<JsonNode> manifestEntries() {
        try {
            JsonNode manifest =
                    new ObjectMapper(new YAMLFactory()).readTree(resource("manifest.yaml"));
            List<JsonNode> files = new ArrayList<>();
            manifest.get("files").forEach(files::add);
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theManifestListsEveryFileWithItsSourceAndVerdict() throws IOException, URISyntaxException {
        Path root =
                Path.of(RealFilesCorpusTest.class.getResource(ROOT + "manifest.yaml").toURI())
                        .getParent();
        Set<String> onDisk;
        try (Stream<Path> files = Files.walk(root)) {
            onDisk =
                    files.filter(Files::isRegularFile)
                            .map(p -> root.relativize(p).toString().replace('\\', '/'))
                            .filter(p -> !NOT_CORPUS.contains(p))
                            .collect(Collectors.toCollection(TreeSet::new));
        }
        Set<String> listed = new TreeSet<>();
        Set<String> ids = new HashSet<>();
        for (JsonNode entry : entries) {
            String id = entry.path("id").asText();
            assertThat(ids.add(id)).as("id %s is unique", id).isTrue();
            assertThat(listed.add(entry.path("path").asText()))
                    .as("path of %s listed once", id)
                    .isTrue();
            assertThat(entry.path("kind").asText()).as("kind of %s", id).isIn(KINDS);
            assertThat(entry.at("/source/repository").asText())
                    .as("source repository of %s", id)
                    .matches("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");
            assertThat(entry.at("/source/path").asText()).as("source path of %s", id).isNotBlank();
            assertThat(entry.at("/source/commit").asText())
                    .as("source commit of %s", id)
                    .matches("[0-9a-f]{40}");
            assertThat(entry.at("/verdict/tool").asText())
                    .as("tool verdict of %s", id)
                    .isIn(TOOL_VERDICTS);
            assertThat(entry.path("features").size()).as("features of %s", id).isPositive();
        }
        for (JsonNode entry : entries) {
            entry.path("includes")
                    .forEach(
                            include ->
                                    assertThat(ids)
                                            .as("includes of %s", entry.path("id").asText())
                                            .contains(include.asText()));
        }
        assertThat(listed).as("files listed in manifest.yaml").isEqualTo(onDisk);
        assertThat(entries).hasSizeGreaterThanOrEqualTo(45);
        for (String kind : KINDS) {
            assertThat(entries)
                    .as("files of kind %s", kind)
                    .anyMatch(e -> e.path("kind").asText().equals(kind));
        }
    }

    @Test
    void theFilesNameNoPackageIndexHost() {
        for (JsonNode entry : entries) {
            Matcher url = URL_HOST.matcher(text(entry));
            while (url.find()) {
                assertThat(url.group(1))
                        .as("host in %s", entry.path("path").asText())
                        .matches(ALLOWED_HOST);
            }
        }
    }

    /**
     * The files the reference tools accept that Terrarium refuses, each on purpose: what they name
     * cannot reach a build, or would build something else than the file says.
     */
    private static final Map<String, String> REFUSED_ON_PURPOSE =
            Map.of(
                    "conda-lock-local-pip-repository",
                    "a file: URL, which the issue refuses: a build cannot read the user's files",
                    "rules-python-local-package",
                    "a file: URL, as above",
                    "rules-python-relative",
                    "a directory of the machine that wrote the file",
                    "conda-explicit-osx-no-md5",
                    "an osx-64 lock, whose binaries cannot run on the linux-64 images");

    @Test
    void terrariumAcceptsEachFileOrRefusesItQuotingALine() {
        Map<String, String> table = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        int accepted = 0;
        Set<String> acceptedIds = new HashSet<>();
        Set<String> acceptedLocks = new TreeSet<>();
        Set<String> refusedAcceptedIds = new TreeSet<>();
        for (JsonNode entry : entries) {
            String id = entry.path("id").asText();
            String kind = entry.path("kind").asText();
            String text = text(entry);
            NormalizationResult result =
                    new EnvironmentNormalizer()
                            .normalize(spec(entry, text), configMap(entry), Specs.DEFAULTS);
            List<String> messages = result.violations().stream().map(Violation::message).toList();
            String verdict = result.isResolved() ? "accept" : "refuse";
            accepted += result.isResolved() ? 1 : 0;
            if (result.isResolved()) {
                acceptedIds.add(id);
            }
            String toolVerdict = entry.at("/verdict/tool").asText();
            if (!toolVerdict.equals("refuse") && !result.isResolved()) {
                refusedAcceptedIds.add(id);
            }
            StringBuilder row =
                    new StringBuilder(
                            String.format(
                                    Locale.ROOT,
                                    "%-40s %-16s %-21s %-7s %s",
                                    id,
                                    kind,
                                    toolVerdict,
                                    verdict,
                                    messages.isEmpty() ? "" : messages.get(0)));
            messages.stream()
                    .skip(1)
                    .forEach(
                            m ->
                                    row.append(System.lineSeparator())
                                            .append(" ".repeat(88))
                                            .append(m));
            table.put(id, row.toString());
            if (toolVerdict.equals("refuse") && result.isResolved()) {
                problems.add(
                        id + ": the reference tools refuse this file and Terrarium accepts it");
            }
            if (LOCK_KINDS.contains(kind) && result.isResolved()) {
                acceptedLocks.add(kind);
            }
            if (!result.isResolved()) {
                problems.addAll(unquoted(id, messages, text));
            }
        }
        System.out.println(
                String.format(
                        Locale.ROOT,
                        "%-40s %-16s %-21s %-7s %s",
                        "id",
                        "kind",
                        "tool verdict",
                        "ours",
                        "Terrarium's first message"));
        table.values().forEach(System.out::println);
        long toolsAccept =
                entries.stream()
                        .filter(e -> !e.at("/verdict/tool").asText().equals("refuse"))
                        .count();
        System.out.printf(
                Locale.ROOT,
                "%d files: the tools accept %d, Terrarium accepts %d%n",
                entries.size(),
                toolsAccept,
                accepted);

        assertThat(problems).as("files accepted wrongly or refused without quoting them").isEmpty();
        assertThat(refusedAcceptedIds)
                .as("files the tools accept and Terrarium refuses: only those refused on purpose")
                .isEqualTo(new TreeSet<>(REFUSED_ON_PURPOSE.keySet()));
        assertThat(accepted).as("files Terrarium accepts").isGreaterThanOrEqualTo(48);
        assertThat(acceptedIds)
                .as(
                        "files whose unnamed direct references pip and uv learn the name of by building")
                .containsAll(UNNAMED_REFERENCES);
        assertThat(acceptedLocks)
                .as("lock kinds with a file Terrarium accepts")
                .isEqualTo(LOCK_KINDS);
    }

    /**
     * The messages of a refusal that quote nothing from the file: every message about an entry (a
     * line or a list item) must quote that entry, and at least one message must quote something the
     * file contains.
     */
    private static List<String> unquoted(String id, List<String> messages, String text) {
        String joined = text.replace("\\\r\n", "").replace("\\\n", "");
        List<String> problems = new ArrayList<>();
        boolean anyQuote = false;
        for (String message : messages) {
            boolean quotes =
                    quotedStrings(message).stream().anyMatch(joined::contains)
                            || namesKey(message, text);
            anyQuote |= quotes;
            if (ENTRY_REFERENCE.matcher(message).find() && !quotes) {
                problems.add(id + ": " + message);
            }
        }
        if (!anyQuote) {
            problems.add(id + ": no message quotes the file: " + messages);
        }
        return problems;
    }

    /**
     * True when a message about a whole field names the top-level YAML key it is about, as in
     * {@code spec.files.environmentYml: channels must be a list}: the line {@code channels:} is the
     * line at fault.
     */
    private static boolean namesKey(String message, String text) {
        Matcher key = TOP_LEVEL_KEY.matcher(message);
        return key.find()
                && Pattern.compile("(?m)^" + Pattern.quote(key.group(1)) + ":")
                        .matcher(text)
                        .find();
    }

    /**
     * The double-quoted strings of a message, unescaped as {@link Violation#quote} escapes them.
     */
    private static List<String> quotedStrings(String message) {
        List<String> strings = new ArrayList<>();
        Matcher quoted = QUOTED.matcher(message);
        while (quoted.find()) {
            String value = unescape(quoted.group(1));
            strings.add(value.endsWith("...") ? value.substring(0, value.length() - 3) : value);
        }
        return strings;
    }

    private static String unescape(String quoted) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < quoted.length(); i++) {
            char c = quoted.charAt(i);
            if (c != '\\' || i + 1 == quoted.length()) {
                out.append(c);
                continue;
            }
            char next = quoted.charAt(++i);
            switch (next) {
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    out.append((char) Integer.parseInt(quoted.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(next);
            }
        }
        return out.toString();
    }

    static EnvironmentSpec spec(JsonNode entry, String text) {
        String path = entry.path("path").asText();
        if (configMap(entry) != null) {
            return Specs.spec(Specs.fromConfigMap(configMapName(entry), fileName(entry)));
        }
        return switch (entry.path("kind").asText()) {
            case "environment.yml" -> Specs.spec(Specs.environmentYml(text));
            case "requirements.txt" -> Specs.spec(Specs.requirementsTxt(text));
            case "pylock" -> Specs.spec(Specs.pylockToml(text));
            case "conda-explicit" -> Specs.spec(Specs.condaExplicit(text));
            case "conda-lock" -> Specs.spec(Specs.condaLockYml(text));
            default ->
                    Specs.spec(
                            Specs.fromConfigMap("lock", path.substring(path.lastIndexOf('/') + 1)));
        };
    }

    /**
     * The data of the ConfigMap that holds a requirements.txt that includes others, as {@code
     * kubectl create configmap --from-file} makes it: each file under its file name; null for the
     * other files, which are given inline.
     */
    static Map<String, String> configMap(JsonNode entry) {
        if (!entry.path("kind").asText().equals("requirements.txt")
                || entry.path("includes").isEmpty()) {
            return null;
        }
        Map<String, String> data = new TreeMap<>();
        data.put(fileName(entry), text(entry));
        for (JsonNode include : entry.path("includes")) {
            JsonNode included =
                    manifestEntries().stream()
                            .filter(e -> e.path("id").asText().equals(include.asText()))
                            .findFirst()
                            .orElseThrow();
            data.put(fileName(included), text(included));
        }
        return data;
    }

    /** A DNS name for the ConfigMap of {@link #configMap}. */
    static String configMapName(JsonNode entry) {
        return "files-"
                + entry.path("id").asText().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    }

    private static String fileName(JsonNode entry) {
        String path = entry.path("path").asText();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    static String text(JsonNode entry) {
        return new String(resource(entry.path("path").asText()), StandardCharsets.UTF_8);
    }

    private static byte[] resource(String path) {
        try (var in = RealFilesCorpusTest.class.getResourceAsStream(ROOT + path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + ROOT + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
