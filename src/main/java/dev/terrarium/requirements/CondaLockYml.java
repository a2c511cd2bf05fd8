package dev.terrarium.requirements;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.terrarium.requirements.LockedConda.CondaArtifact;
import dev.terrarium.requirements.LockedConda.PipArtifact;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A conda-lock.yml in conda-lock's unified format, version 1: {@code version: 1}, {@code metadata}
 * and a {@code package} list whose entries each have {@code name, version, manager (conda|pip),
 * platform, url, hash {md5, sha256}, dependencies, category, optional}. The build takes the entries
 * of linux-64 that are not optional (what {@code conda-lock install} installs without extras): the
 * conda ones installed as they are, checking their hashes, then the pip ones with uv in
 * hash-checking mode, without resolving. Refused, each naming its line:
 *
 * <ul>
 *   <li>a {@code version} other than 1, or no {@code package} list;
 *   <li>a lock with no entry for linux-64 (the message names the platforms it has);
 *   <li>a conda entry whose URL or file fails the rules of {@link CondaExplicit}, or with no md5 or
 *       sha256;
 *   <li>a pip entry without a valid name and version, an https URL, or a sha256 (what uv checks);
 *   <li>a manager other than conda and pip, two conda packages of one name, and pip entries in a
 *       lock without python.
 * </ul>
 *
 * Keys conda-lock writes for itself ({@code dependencies}, {@code category}, {@code metadata}) are
 * read past: the lock is already solved.
 */
public final class CondaLockYml {

    private static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory())
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Pattern ITEM = Pattern.compile("\\s*-\\s.*");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?");

    private CondaLockYml() {}

    /**
     * Reads a conda-lock.yml.
     *
     * @param field the spec field that holds it, for messages
     * @param violations where every refusal is added, each naming its line
     * @return what could be read; complete only when no violation was added
     */
    public static LockedConda read(String text, String field, List<Violation> violations) {
        return new Reader(text == null ? "" : text, field, violations).read();
    }

    private static final class Reader {
        private final String field;
        private final List<Violation> violations;
        private final String text;
        private final String[] lines;
        private final List<Integer> itemLines = new ArrayList<>();

        Reader(String text, String field, List<Violation> violations) {
            this.text = text;
            this.field = field;
            this.violations = violations;
            this.lines = text.split("\n", -1);
            boolean inPackages = false;
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].startsWith("package:")) {
                    inPackages = true;
                } else if (inPackages && !lines[i].isEmpty() && !lines[i].startsWith(" ")) {
                    inPackages = lines[i].startsWith("- ");
                }
                if (inPackages && ITEM.matcher(lines[i]).matches()) {
                    itemLines.add(i);
                }
            }
        }

        LockedConda read() {
            int before = violations.size();
            JsonNode root;
            try {
                root = YAML.readTree(text);
            } catch (JsonProcessingException e) {
                int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
                violations.add(
                        Violation.of(
                                line > 0 ? field + " line " + line : field,
                                "not YAML: " + e.getOriginalMessage().split("\n", -1)[0]));
                return empty();
            }
            if (root == null || !root.isObject()) {
                violations.add(
                        Violation.of(field, "expected a conda-lock.yml: a mapping with version"));
                return empty();
            }
            JsonNode version = root.get("version");
            if (version == null || !version.isInt() || version.asInt() != 1) {
                SourcedText at = at(lineOf("version:", 0, lines.length));
                if (version == null) {
                    violations.add(
                            Violation.of(
                                    field,
                                    "version is missing: conda-lock's unified format says version:"
                                            + " 1"));
                } else {
                    violations.add(
                            Violation.of(
                                    at,
                                    "only version 1 of conda-lock's unified format is read (as "
                                            + "conda-lock 2 and later write it)"));
                }
                return empty();
            }
            JsonNode packages = root.get("package");
            if (packages == null || !packages.isArray() || packages.isEmpty()) {
                violations.add(
                        Violation.of(field, "package lists nothing: the lock has no packages"));
                return empty();
            }
            TreeSet<String> platforms = new TreeSet<>();
            List<CondaArtifact> conda = new ArrayList<>();
            List<SourcedText> condaWhere = new ArrayList<>();
            List<PipArtifact> pip = new ArrayList<>();
            SourcedText firstPip = null;
            for (int i = 0; i < packages.size(); i++) {
                JsonNode node = packages.get(i);
                int start = i < itemLines.size() ? itemLines.get(i) : 0;
                int end = i + 1 < itemLines.size() ? itemLines.get(i + 1) : lines.length;
                Entry entry = new Entry(node, i, start, end);
                if (!node.isObject()) {
                    entry.fail(null, "must be a mapping");
                    continue;
                }
                String platform = node.path("platform").asText("");
                platforms.add(platform);
                if (!platform.equals(LockedConda.PLATFORM)
                        || node.path("optional").asBoolean(false)) {
                    continue;
                }
                String manager = node.path("manager").asText("");
                if (manager.equals("conda")) {
                    entry.conda()
                            .ifPresent(
                                    artifact -> {
                                        conda.add(artifact);
                                        condaWhere.add(entry.at(artifact.url()));
                                    });
                } else if (manager.equals("pip")) {
                    Optional<PipArtifact> artifact = entry.pip();
                    artifact.ifPresent(pip::add);
                    if (firstPip == null && artifact.isPresent()) {
                        firstPip = entry.at(artifact.get().url());
                    }
                } else {
                    entry.fail(manager, "manager must be conda or pip");
                }
            }
            if (conda.isEmpty() && pip.isEmpty() && violations.size() == before) {
                platforms.remove("");
                violations.add(
                        Violation.of(
                                field,
                                "the lock has no package for "
                                        + LockedConda.PLATFORM
                                        + ", the platform of the image; it has "
                                        + (platforms.isEmpty()
                                                ? "none"
                                                : String.join(", ", platforms))
                                        + " (conda-lock lock --platform "
                                        + LockedConda.PLATFORM
                                        + " adds it)"));
                return empty();
            }
            String python = LockedConda.checkNames(conda, condaWhere, field, before, violations);
            if (python == null && firstPip != null && violations.size() == before) {
                violations.add(
                        Violation.of(
                                firstPip,
                                "pip packages need python among the conda packages of "
                                        + LockedConda.PLATFORM));
            }
            return new LockedConda(List.copyOf(conda), List.copyOf(pip), python, List.of());
        }

        private static LockedConda empty() {
            return new LockedConda(List.of(), List.of(), null, List.of());
        }

        /** The first line in [from, to) that contains {@code needle}, else -1. */
        private int lineOf(String needle, int from, int to) {
            for (int i = Math.max(from, 0); i < Math.min(to, lines.length); i++) {
                if (lines[i].contains(needle)) {
                    return i;
                }
            }
            return -1;
        }

        private SourcedText at(int line) {
            if (line < 0) {
                return new SourcedText(field, field, "");
            }
            return new SourcedText(
                    field,
                    field + " line " + (line + 1),
                    PipIndexRules.redacted(lines[line].strip()));
        }

        /** One entry of the package list: where its refusals point. */
        private final class Entry {
            private final JsonNode node;
            private final String path;
            private final int start;
            private final int end;

            Entry(JsonNode node, int index, int start, int end) {
                this.node = node;
                this.path = "package[" + index + "]";
                this.start = start;
                this.end = end;
            }

            SourcedText at(String value) {
                int line = value == null || value.isEmpty() ? -1 : lineOf(value, start, end);
                return Reader.this.at(line < 0 ? start : line);
            }

            void fail(String value, String reason) {
                violations.add(Violation.of(at(value), path + " " + reason));
            }

            Optional<CondaArtifact> conda() {
                String url = node.path("url").asText("");
                if (url.isEmpty()) {
                    fail(null, "has no url: every package of the lock is installed from its URL");
                    return Optional.empty();
                }
                Optional<String> refusal = LockedConda.urlRefusal(url);
                if (refusal.isPresent()) {
                    fail(url, refusal.get());
                    return Optional.empty();
                }
                LockedConda.Result<String[]> archive = LockedConda.archive(url);
                if (archive.reason() != null) {
                    fail(url, archive.reason());
                    return Optional.empty();
                }
                JsonNode hash = node.path("hash");
                String sha256 = hash.path("sha256").asText("");
                String md5 = hash.path("md5").asText("");
                if (!sha256.isEmpty()) {
                    if (!LockedConda.isHex(sha256, 64)) {
                        fail(sha256, "hash.sha256 must be 64 lower-case hex digits");
                        return Optional.empty();
                    }
                    return Optional.of(
                            new CondaArtifact(
                                    archive.value()[0], archive.value()[1], url, "sha256", sha256));
                }
                if (!md5.isEmpty()) {
                    if (!LockedConda.isHex(md5, 32)) {
                        fail(md5, "hash.md5 must be 32 lower-case hex digits");
                        return Optional.empty();
                    }
                    return Optional.of(
                            new CondaArtifact(
                                    archive.value()[0], archive.value()[1], url, "md5", md5));
                }
                fail(
                        url,
                        "has no hash: conda entries carry hash.sha256 or hash.md5, which the "
                                + "installer checks");
                return Optional.empty();
            }

            Optional<PipArtifact> pip() {
                String name = node.path("name").asText("");
                String version = node.path("version").asText("");
                if (!NAME.matcher(name).matches()) {
                    fail(
                            name,
                            "name must be a package name (letters, digits, \".\", \"_\", \"-\")");
                    return Optional.empty();
                }
                String normalized = Pep508Requirement.normalizeName(name);
                try {
                    Pep508Requirement.parse(normalized + "==" + version);
                } catch (SpecSyntaxException e) {
                    fail(version, "version is not a PEP 440 version: " + e.reason());
                    return Optional.empty();
                }
                String url = node.path("url").asText("");
                int fragment = url.indexOf('#');
                String artifact = fragment < 0 ? url : url.substring(0, fragment);
                if (artifact.isEmpty()) {
                    fail(name, "has no url: every package of the lock is installed from its URL");
                    return Optional.empty();
                }
                Optional<String> refusal = LockedConda.urlRefusal(artifact);
                if (refusal.isPresent()) {
                    fail(url, refusal.get());
                    return Optional.empty();
                }
                String sha256 = node.path("hash").path("sha256").asText("");
                if (!LockedConda.isHex(sha256, 64)) {
                    fail(
                            sha256.isEmpty() ? url : sha256,
                            "needs hash.sha256 (64 lower-case hex digits): uv checks pip "
                                    + "artifacts by sha256");
                    return Optional.empty();
                }
                return Optional.of(new PipArtifact(normalized, version, artifact, sha256));
            }
        }
    }
}
