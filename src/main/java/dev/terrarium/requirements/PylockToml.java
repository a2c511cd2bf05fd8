package dev.terrarium.requirements;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A PEP 751 lock file ({@code pylock.toml}), read to be installed as it is by {@code uv pip install
 * -r pylock.toml}: the build resolves nothing, so what the file says is what the image holds, and
 * this reader refuses what a build could not install faithfully or safely. Refused, each with the
 * line of its package:
 *
 * <ul>
 *   <li>a {@code lock-version} other than 1.x, or no {@code created-by} (both required by PEP 751);
 *   <li>a package without a valid name, or with an artifact (wheels, sdist) but no valid version;
 *   <li>a package with no source or more than one (vcs, directory, archive, or sdist and wheels);
 *   <li>{@code directory} sources and {@code path} artifacts: files of the machine that wrote the
 *       lock, which a build cannot read. The one exception is the project the lock sits beside
 *       ({@code directory.path = "."}, which {@code pip lock .} writes): its tables are left out of
 *       the file the build installs, with the warning of {@link ProjectLines};
 *   <li>an artifact URL that is not https (plain http can be replaced on the way, {@code file:}
 *       names a file of the build pod), or that carries credentials, by the same rules as a {@code
 *       name @ url} requirement;
 *   <li>an artifact without a hash uv checks ({@code sha256}, {@code sha384} or {@code sha512}, in
 *       lower-case hex), or with a hash of another algorithm;
 *   <li>a vcs source that is not git over https or names no {@code commit-id};
 *   <li>a {@code marker} or an entry of {@code environments} that is not a PEP 508 marker.
 * </ul>
 *
 * Keys PEP 751 leaves to tools ({@code tool}, {@code dependencies}, {@code attestation-identities},
 * {@code upload-time}, {@code size}) are read past, as PEP 751 asks of installers.
 *
 * @param packages the packages, in the file's order
 * @param installable the file the build installs: the text as it is, without the tables of the
 *     project's own package
 * @param warnings the project's package left out, if it was
 */
public record PylockToml(
        List<LockedPackage> packages, String installable, List<SpecWarning> warnings) {

    /**
     * One package of the lock.
     *
     * @param name the PEP 503 normalised name
     * @param version the version, or null for a vcs or archive source without one
     * @param artifacts the artifacts it may be installed from
     */
    public record LockedPackage(String name, String version, List<Artifact> artifacts) {}

    /**
     * One artifact of a package.
     *
     * @param kind wheel, sdist, archive or vcs
     * @param url where it is fetched from
     * @param hashes algorithm to lower-case hex digest; for vcs, {@code commit-id} to the commit
     */
    public record Artifact(String kind, String url, Map<String, String> hashes) {}

    private static final TomlMapper TOML = new TomlMapper();
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?");
    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
    private static final Pattern PACKAGES_HEADER =
            Pattern.compile("\\s*\\[\\[\\s*packages\\s*\\]\\]\\s*(#.*)?");
    private static final Pattern TABLE_HEADER = Pattern.compile("\\s*\\[.*");
    private static final Pattern PACKAGE_SUBTABLE_HEADER =
            Pattern.compile("\\s*\\[\\[?\\s*packages\\s*\\.\\s*.*");
    private static final Pattern PROJECT_PATH = Pattern.compile("\\./?");
    private static final Map<String, Integer> HASH_LENGTHS =
            Map.of("sha256", 64, "sha384", 96, "sha512", 128);
    private static final List<String> SOURCES = List.of("vcs", "directory", "archive");

    /** The user information of a URL, which a refusal does not repeat: it may be a password. */
    private static final Pattern CREDENTIALS = Pattern.compile("://[^/?#]*@");

    /**
     * Reads a pylock.toml.
     *
     * @param text the file
     * @param field the spec field that holds it, for messages
     * @param violations where every refusal is added, each naming the line
     * @return what could be read; complete only when no violation was added
     */
    public static PylockToml read(String text, String field, List<Violation> violations) {
        return new Reader(text, field, violations).read();
    }

    /** The file's lines, to name the line of each refusal. */
    private static final class Reader {

        private final String text;
        private final String field;
        private final List<Violation> violations;
        private final String[] lines;
        private final List<Integer> packageLines = new ArrayList<>();
        private final List<SpecWarning> warnings = new ArrayList<>();

        /** The 0-based line ranges [from, to) of the project's tables, to leave out. */
        private final List<int[]> leftOut = new ArrayList<>();

        Reader(String text, String field, List<Violation> violations) {
            this.text = text == null ? "" : text;
            this.field = field;
            this.violations = violations;
            this.lines = this.text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                if (PACKAGES_HEADER.matcher(lines[i]).matches()) {
                    packageLines.add(i + 1);
                }
            }
        }

        PylockToml read() {
            JsonNode root;
            try {
                root = TOML.readTree(text);
            } catch (JsonProcessingException e) {
                int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
                violations.add(
                        Violation.of(
                                line > 0 ? field + " line " + line : field,
                                "not TOML: " + e.getOriginalMessage()));
                return new PylockToml(List.of(), text, List.of());
            }
            if (root == null || !root.isObject()) {
                violations.add(Violation.of(field, "not TOML: the file is empty"));
                return new PylockToml(List.of(), text, List.of());
            }
            JsonNode lockVersion = root.get("lock-version");
            if (lockVersion == null || !lockVersion.isTextual()) {
                violations.add(
                        Violation.of(
                                field,
                                "lock-version is missing: PEP 751 lock files say lock-version = \"1.0\""));
            } else if (!lockVersion.asText().matches("1(\\.[0-9]+)?")) {
                fail(
                        lineOf("lock-version", 1),
                        lockVersion.asText(),
                        "lock-version must be 1.x, the PEP 751 version uv installs");
            }
            JsonNode createdBy = root.get("created-by");
            if (createdBy == null || !createdBy.isTextual()) {
                violations.add(
                        Violation.of(
                                field,
                                "created-by is missing: PEP 751 lock files name the tool that wrote them"));
            }
            JsonNode environments = root.get("environments");
            if (environments != null) {
                if (!environments.isArray()) {
                    fail(lineOf("environments", 1), "environments", "must be a list of markers");
                } else {
                    for (JsonNode environment : environments) {
                        marker(environment, "environments", lineOf("environments", 1));
                    }
                }
            }
            JsonNode packages = root.get("packages");
            if (packages == null || !packages.isArray() || packages.isEmpty()) {
                violations.add(
                        Violation.of(
                                field,
                                "packages lists nothing: the lock must have at least one [[packages]]"));
                return new PylockToml(List.of(), text, List.of());
            }
            List<LockedPackage> read = new ArrayList<>();
            for (int i = 0; i < packages.size(); i++) {
                LockedPackage locked = lockedPackage(packages.get(i), i);
                if (locked != null) {
                    read.add(locked);
                }
            }
            return new PylockToml(List.copyOf(read), installable(), List.copyOf(warnings));
        }

        /** The text without the lines of {@link #leftOut}. */
        private String installable() {
            if (leftOut.isEmpty()) {
                return text;
            }
            List<String> kept = new ArrayList<>();
            for (int i = 0; i < lines.length; i++) {
                int line = i;
                if (leftOut.stream().noneMatch(range -> line >= range[0] && line < range[1])) {
                    kept.add(lines[i]);
                }
            }
            return String.join("\n", kept);
        }

        /**
         * Leaves the project's package out when its tables can be told apart by their headers (a
         * {@code [[packages]]} header and its {@code packages.} sub-tables); true when it could.
         */
        private boolean leaveOutProject(Entry pkg, int index) {
            if (index >= packageLines.size()) {
                return false;
            }
            int from = packageLines.get(index) - 1;
            int to = from + 1;
            while (to < lines.length
                    && !PACKAGES_HEADER.matcher(lines[to]).matches()
                    && (!TABLE_HEADER.matcher(lines[to]).matches()
                            || PACKAGE_SUBTABLE_HEADER.matcher(lines[to]).matches())) {
                to++;
            }
            leftOut.add(new int[] {from, to});
            warnings.add(
                    new SpecWarning(
                            SpecWarning.PROJECT_NOT_INSTALLED,
                            field
                                    + " line "
                                    + pkg.line
                                    + " "
                                    + Violation.quote(pkg.name)
                                    + " is the project the lock sits beside (directory \".\"), which a "
                                    + "build has no copy of: it is left out of the image, and the rest of "
                                    + "the lock is installed; install the project where it runs (a "
                                    + "Workload volume)"));
            return true;
        }

        private LockedPackage lockedPackage(JsonNode node, int index) {
            int line =
                    index < packageLines.size() ? packageLines.get(index) : lineOf("packages", 1);
            String where = "packages[" + index + "]";
            if (!node.isObject()) {
                fail(line, where, "must be a table");
                return null;
            }
            JsonNode nameNode = node.get("name");
            if (nameNode == null
                    || !nameNode.isTextual()
                    || !NAME.matcher(nameNode.asText()).matches()) {
                fail(
                        line,
                        nameNode == null ? where : nameNode.asText(),
                        where
                                + ".name must be a package name (letters, digits, \".\", \"_\", \"-\")");
                return null;
            }
            String name = Pep508Requirement.normalizeName(nameNode.asText());
            int end = index + 1 < packageLines.size() ? packageLines.get(index + 1) : lines.length;
            Entry pkg = new Entry(nameNode.asText(), where, line, end);
            String version = null;
            JsonNode versionNode = node.get("version");
            if (versionNode != null) {
                if (!versionNode.isTextual()) {
                    pkg.fail("version", "version", "must be a string");
                } else {
                    try {
                        Pep508Requirement.parse(name + "==" + versionNode.asText());
                        version = versionNode.asText();
                    } catch (SpecSyntaxException e) {
                        pkg.fail(
                                versionNode.asText(),
                                "version",
                                "not a PEP 440 version: " + e.reason());
                    }
                }
            }
            JsonNode markerNode = node.get("marker");
            if (markerNode != null && !markerNode.isTextual()) {
                pkg.fail(null, "marker", "must be a marker string");
            } else if (markerNode != null) {
                try {
                    Pep508Requirement.parse("x ; " + markerNode.asText());
                } catch (SpecSyntaxException e) {
                    pkg.fail(markerNode.asText(), "marker", "not a PEP 508 marker: " + e.reason());
                }
            }
            List<String> sources = new ArrayList<>();
            for (String source : SOURCES) {
                if (node.has(source)) {
                    sources.add(source);
                }
            }
            if (node.has("sdist") || node.has("wheels")) {
                sources.add("sdist/wheels");
            }
            if (sources.isEmpty()) {
                pkg.fail(
                        null,
                        null,
                        "names no artifact to install: PEP 751 packages have wheels, an sdist, "
                                + "an archive or a vcs source");
                return null;
            }
            if (sources.size() > 1) {
                pkg.fail(
                        null,
                        null,
                        "has more than one kind of source ("
                                + String.join(", ", sources)
                                + "); PEP 751 allows one");
                return null;
            }
            List<Artifact> artifacts = new ArrayList<>();
            if (node.has("directory")
                    && node.get("directory").path("path").isTextual()
                    && PROJECT_PATH.matcher(node.get("directory").path("path").asText()).matches()
                    && leaveOutProject(pkg, index)) {
                return null;
            } else if (node.has("directory")) {
                pkg.fail(
                        null,
                        "directory",
                        "is a directory of the machine that wrote the lock: a build cannot read "
                                + "it; lock the package from an index or a git URL");
            } else if (node.has("vcs")) {
                vcs(node.get("vcs"), pkg).ifPresent(artifacts::add);
            } else if (node.has("archive")) {
                artifact(node.get("archive"), "archive", "archive", pkg).ifPresent(artifacts::add);
            } else {
                if (version == null && versionNode == null) {
                    pkg.fail(
                            null,
                            "version",
                            "is missing: a package installed from wheels or an sdist names its "
                                    + "version");
                }
                JsonNode sdist = node.get("sdist");
                if (sdist != null) {
                    artifact(sdist, "sdist", "sdist", pkg).ifPresent(artifacts::add);
                }
                JsonNode wheels = node.get("wheels");
                if (wheels != null) {
                    if (!wheels.isArray() || wheels.isEmpty()) {
                        pkg.fail(null, "wheels", "must be a non-empty list of wheels");
                    } else {
                        for (int w = 0; w < wheels.size(); w++) {
                            artifact(wheels.get(w), "wheel", "wheels[" + w + "]", pkg)
                                    .ifPresent(artifacts::add);
                        }
                    }
                }
            }
            return new LockedPackage(name, version, List.copyOf(artifacts));
        }

        private Optional<Artifact> artifact(JsonNode node, String kind, String key, Entry pkg) {
            if (!node.isObject()) {
                pkg.fail(null, key, "must be a table");
                return Optional.empty();
            }
            if (node.has("path")) {
                pkg.fail(
                        node.get("path").asText(),
                        key + ".path",
                        "a file of the machine that wrote the lock, which a build cannot "
                                + "read; artifacts need an https url");
                return Optional.empty();
            }
            String url = url(node.get("url"), key + ".url", pkg);
            Map<String, String> hashes = hashes(node.get("hashes"), key + ".hashes", pkg);
            if (url == null || hashes == null) {
                return Optional.empty();
            }
            if (kind.equals("wheel")) {
                JsonNode fileName = node.get("name");
                String file =
                        fileName != null && fileName.isTextual() ? fileName.asText() : fileOf(url);
                if (!file.endsWith(".whl")) {
                    pkg.fail(file, key + ".name", "a wheel's file name ends in .whl");
                    return Optional.empty();
                }
            }
            return Optional.of(new Artifact(kind, url, hashes));
        }

        private Optional<Artifact> vcs(JsonNode node, Entry pkg) {
            if (!node.isObject()) {
                pkg.fail(null, "vcs", "must be a table");
                return Optional.empty();
            }
            JsonNode type = node.get("type");
            if (type == null || !"git".equals(type.asText())) {
                pkg.fail(
                        type == null ? null : type.asText(),
                        "vcs.type",
                        "must be git, the only version control a build can fetch");
                return Optional.empty();
            }
            if (node.has("path")) {
                pkg.fail(
                        node.get("path").asText(),
                        "vcs.path",
                        "a repository of the machine that wrote the lock, which a build "
                                + "cannot read; use an https url");
                return Optional.empty();
            }
            String url = url(node.get("url"), "vcs.url", pkg);
            JsonNode commit = node.get("commit-id");
            if (commit == null || !COMMIT.matcher(commit.asText()).matches()) {
                pkg.fail(
                        commit == null ? null : commit.asText(),
                        "vcs.commit-id",
                        "must be the full commit hash (40 or 64 lower-case hex digits), which "
                                + "PEP 751 requires so that the lock cannot move");
                return Optional.empty();
            }
            return url == null
                    ? Optional.empty()
                    : Optional.of(new Artifact("vcs", url, Map.of("commit-id", commit.asText())));
        }

        private String url(JsonNode node, String key, Entry pkg) {
            if (node == null || !node.isTextual()) {
                pkg.fail(null, key, "is missing: every artifact needs an https url");
                return null;
            }
            String url = node.asText();
            try {
                Pep508UrlPolicy.check(url, 0);
            } catch (SpecSyntaxException e) {
                pkg.fail(url, CREDENTIALS.matcher(url).replaceFirst("://***@"), key, e.reason());
                return null;
            }
            if (!url.startsWith("https://")) {
                pkg.fail(url, key, "must be an https URL");
                return null;
            }
            return url;
        }

        private Map<String, String> hashes(JsonNode node, String key, Entry pkg) {
            if (node == null || !node.isObject() || node.isEmpty()) {
                pkg.fail(
                        null,
                        key,
                        "is missing: PEP 751 artifacts carry hashes, and uv checks them "
                                + "(sha256, sha384 or sha512)");
                return null;
            }
            Map<String, String> hashes = new LinkedHashMap<>();
            boolean ok = true;
            for (var entry : node.properties()) {
                String algorithm = entry.getKey();
                String digest = entry.getValue().asText();
                Integer length = HASH_LENGTHS.get(algorithm);
                if (length == null) {
                    pkg.fail(
                            algorithm,
                            key,
                            "not a hash uv checks: expected sha256, sha384 or sha512");
                    ok = false;
                } else if (digest.length() != length || !HEX.matcher(digest).matches()) {
                    pkg.fail(
                            digest,
                            key + "." + algorithm,
                            "must be " + length + " lower-case hex digits");
                    ok = false;
                } else {
                    hashes.put(algorithm, digest);
                }
            }
            return ok ? hashes : null;
        }

        private void marker(JsonNode node, String key, int line) {
            if (!node.isTextual()) {
                fail(line, key, "must be a marker string");
                return;
            }
            try {
                Pep508Requirement.parse("x ; " + node.asText());
            } catch (SpecSyntaxException e) {
                fail(line, node.asText(), key + " is not a PEP 508 marker: " + e.reason());
            }
        }

        private void fail(int line, String quoted, String reason) {
            String where = line > 0 ? field + " line " + line : field;
            violations.add(Violation.of(new SourcedText(field, where, quoted), reason));
        }

        /** The first line at or after {@code from} (1-based) that holds {@code needle}. */
        private int lineOf(String needle, int from) {
            for (int i = Math.max(from, 1) - 1; i < lines.length; i++) {
                if (lines[i].contains(needle)) {
                    return i + 1;
                }
            }
            return 0;
        }

        private static String fileOf(String url) {
            String path = url.contains("#") ? url.substring(0, url.indexOf('#')) : url;
            path = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
            return path.substring(path.lastIndexOf('/') + 1);
        }

        /** A package being read: where its refusals point. */
        private final class Entry {
            private final String name;
            private final String where;
            private final int line;
            private final int end;

            Entry(String name, String where, int line, int end) {
                this.name = name;
                this.where = where;
                this.line = line;
                this.end = end;
            }

            /** The line of the value inside this package's table, else the package's own line. */
            int lineOf(String value) {
                if (value != null && !value.isEmpty()) {
                    for (int i = Math.max(line, 1) - 1; i < Math.min(end, lines.length); i++) {
                        if (lines[i].contains(value)) {
                            return i + 1;
                        }
                    }
                }
                return line;
            }

            /** A refusal: {@code <field> line N "<package>": packages[i].key "value": reason}. */
            void fail(String value, String key, String reason) {
                fail(value, value, key, reason);
            }

            /**
             * A refusal that shows {@code shown} for a value that must not be repeated as it is.
             */
            void fail(String value, String shown, String key, String reason) {
                String path = key == null ? where : where + "." + key;
                String detail =
                        shown == null
                                ? path + " " + reason
                                : path + " " + Violation.quote(shown) + ": " + reason;
                Reader.this.fail(lineOf(value), name, detail);
            }
        }
    }
}
