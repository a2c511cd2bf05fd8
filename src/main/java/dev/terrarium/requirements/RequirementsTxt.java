package dev.terrarium.requirements;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a pip requirements.txt into requirement strings, as pip reads it: a backslash at the end
 * of a line joins it to the next, {@code #} starts a comment at the start of a line or after
 * whitespace, and blank lines are skipped. The package-index options ({@code -i/--index-url},
 * {@code --extra-index-url}, {@code -f/--find-links}) are read, as is {@code --hash} after a
 * requirement: pip's hash-checking mode, as {@code pip-compile --generate-hashes} and {@code uv pip
 * compile --generate-hashes} write it. The project's own line and editable URLs are read as {@link
 * ProjectLines} says. {@code -r} and {@code -c} include other files of the ConfigMap that holds the
 * file. Other options ({@code -e} of a path, {@code --pre}, ...) are refused. The requirements
 * themselves are returned unparsed, each with the number of the line where it starts.
 */
public final class RequirementsTxt {

    /** The hashes pip and uv check: algorithm and the length of its hex digest. */
    private static final Map<String, Integer> HASH_LENGTHS =
            Map.of("sha256", 64, "sha384", 96, "sha512", 128);

    private static final Pattern HASH_OPTION = Pattern.compile("\\s--hash[=\\s]");
    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    /**
     * The requirements of a file and the hashes given for them.
     *
     * @param hashes the {@code --hash} values ({@code sha256:<hex>}) of each requirement that has
     *     some, by its {@link SourcedText#where()}, in the order written
     * @param constraints the lines of the {@code -c} files: versions that limit what is installed
     * @param indexOptions the package-index options, in the order written
     * @param warnings lines read other than as written: the project itself, editable installs
     */
    public record RequirementsFile(
            List<SourcedText> requirements,
            List<SourcedText> constraints,
            Map<String, List<String>> hashes,
            List<IndexOption> indexOptions,
            List<SpecWarning> warnings) {

        public RequirementsFile {
            requirements = List.copyOf(requirements);
            constraints = List.copyOf(constraints);
            hashes = Map.copyOf(hashes);
            indexOptions = List.copyOf(indexOptions);
            warnings = List.copyOf(warnings);
        }
    }

    private RequirementsTxt() {}

    /** The requirement lines of {@code text}, without their hashes; see {@link #read}. */
    public static List<SourcedText> requirements(
            String text, String field, List<Violation> violations) {
        return read(text, field, violations).requirements();
    }

    /** The requirement lines of a file that is not in a ConfigMap; see {@link #read}. */
    public static RequirementsFile read(String text, String field, List<Violation> violations) {
        return read(text, field, null, violations);
    }

    /**
     * The requirement lines of {@code text}, and of the files its {@code -r} and {@code -c} lines
     * include.
     *
     * @param field the spec field holding the file, for messages ({@code
     *     spec.files.requirementsTxt})
     * @param configMap the data of the ConfigMap that holds the file, where an included file is the
     *     key of its file name ({@code -r requirements/base.txt} reads {@code base.txt}, as {@code
     *     kubectl create configmap --from-file=requirements/} names it); null when the file is not
     *     in a ConfigMap, and then includes are refused
     * @param violations receives a violation for every option and every control character
     */
    public static RequirementsFile read(
            String text, String field, Map<String, String> configMap, List<Violation> violations) {
        Reader reader = new Reader(field, configMap, violations);
        reader.read(text, field, false, new ArrayDeque<>());
        return new RequirementsFile(
                reader.requirements,
                reader.constraints,
                reader.hashes,
                reader.indexOptions,
                reader.warnings);
    }

    /** Reads a file and the files it includes into one result. */
    private static final class Reader {

        /** As deep as pip's own tests nest includes, and far from a stack overflow. */
        private static final int MAX_DEPTH = 8;

        private final String field;
        private final Map<String, String> configMap;
        private final List<Violation> violations;
        private final Map<String, List<String>> hashes = new LinkedHashMap<>();
        private final List<SourcedText> requirements = new ArrayList<>();
        private final List<SourcedText> constraints = new ArrayList<>();
        private final List<IndexOption> indexOptions = new ArrayList<>();
        private final List<SpecWarning> warnings = new ArrayList<>();

        Reader(String field, Map<String, String> configMap, List<Violation> violations) {
            this.field = field;
            this.configMap = configMap;
            this.violations = violations;
        }

        /**
         * @param where how messages name the file: the field, or the field and the key
         * @param constraint true inside a {@code -c} file, whose lines only limit versions
         * @param including the names of the files being read, the outermost first
         */
        void read(String text, String where, boolean constraint, Deque<String> including) {
            String[] physical = text.split("\n", -1);
            StringBuilder logical = new StringBuilder();
            int firstLine = 0;
            for (int i = 0; i < physical.length; i++) {
                String line =
                        physical[i].endsWith("\r")
                                ? physical[i].substring(0, physical[i].length() - 1)
                                : physical[i];
                if (logical.isEmpty()) {
                    firstLine = i + 1;
                }
                boolean continues =
                        line.endsWith("\\") && !isCommentLine(line) && i + 1 < physical.length;
                logical.append(continues ? line.substring(0, line.length() - 1) : line);
                if (continues) {
                    continue;
                }
                String requirement = stripComment(logical.toString()).strip();
                logical.setLength(0);
                if (!requirement.isEmpty()) {
                    line(
                            new SourcedText(field, where + " line " + firstLine, requirement),
                            constraint,
                            including);
                }
            }
        }

        private void line(SourcedText written, boolean constraint, Deque<String> including) {
            Optional<SourcedText> installed = ProjectLines.read(written, warnings);
            if (installed.isEmpty()) {
                return;
            }
            SourcedText whole = installed.get();
            String requirement = whole.text();
            var index = PipOptions.indexOption(whole);
            if (index.isPresent()) {
                indexOptions.add(index.get());
                return;
            }
            var include = PipOptions.include(whole);
            if (include.isPresent()) {
                include(whole, include.get(), constraint || include.get().constraint(), including);
                return;
            }
            var option = PipOptions.refusal(requirement);
            if (option.isPresent()) {
                violations.add(Violation.of(whole, option.get()));
                return;
            }
            Matcher hash = HASH_OPTION.matcher(requirement);
            if (!hash.find()) {
                (constraint ? constraints : requirements).add(whole);
                return;
            }
            if (constraint) {
                violations.add(
                        Violation.of(
                                whole,
                                "--hash is read on requirements, not on constraints: put the "
                                        + "hashes on the requirement"));
                return;
            }
            SourcedText entry =
                    new SourcedText(
                            field, whole.where(), requirement.substring(0, hash.start()).strip());
            requirements.add(entry);
            hashes.put(
                    entry.where(), hashes(requirement.substring(hash.start()), whole, violations));
        }

        private void include(
                SourcedText line,
                PipOptions.Include include,
                boolean constraint,
                Deque<String> including) {
            String path = include.path();
            if (configMap == null) {
                violations.add(
                        Violation.of(
                                line,
                                "an included file is read from the ConfigMap that holds this one, "
                                        + "under its file name: give the files with "
                                        + "spec.fromConfigMap (kubectl create configmap NAME "
                                        + "--from-file=DIR), or list the requirements themselves"));
                return;
            }
            if (path.isEmpty() || path.contains("://") || path.endsWith("/")) {
                violations.add(
                        Violation.of(
                                line,
                                "expected the path of a file, read from the ConfigMap under its "
                                        + "file name; URLs are not fetched"));
                return;
            }
            String name = path.substring(path.lastIndexOf('/') + 1);
            String text = configMap.get(name);
            if (text == null) {
                violations.add(
                        Violation.of(
                                line,
                                "the ConfigMap has no key \""
                                        + name
                                        + "\": an included file is read from the ConfigMap that "
                                        + "holds this one, under its file name (kubectl create "
                                        + "configmap NAME --from-file=DIR names each file so)"));
                return;
            }
            if (including.contains(name)) {
                violations.add(
                        Violation.of(
                                line,
                                "includes "
                                        + name
                                        + ", which is already being read ("
                                        + String.join(" includes ", including)
                                        + "): a file cannot include itself"));
                return;
            }
            if (including.size() >= MAX_DEPTH) {
                violations.add(
                        Violation.of(line, "includes nest deeper than " + MAX_DEPTH + " files"));
                return;
            }
            including.addLast(name);
            read(text, field + " key " + name, constraint, including);
            including.removeLast();
        }
    }

    /**
     * The values of the {@code --hash} options that follow a requirement ({@code --hash=sha256:…}
     * or {@code --hash sha256:…}); any other option there is refused, and so is a hash pip would
     * not check.
     */
    private static List<String> hashes(
            String options, SourcedText line, List<Violation> violations) {
        List<String> hashes = new ArrayList<>();
        String[] tokens = WHITESPACE.split(options.strip(), -1);
        for (int i = 0; i < tokens.length; i++) {
            String token = tokens[i];
            String value;
            if (token.startsWith("--hash=")) {
                value = token.substring("--hash=".length());
            } else if (token.equals("--hash") && i + 1 < tokens.length) {
                value = tokens[++i];
            } else {
                violations.add(
                        Violation.of(
                                line,
                                "only --hash options may follow a requirement (pip's hash-checking "
                                        + "mode), not "
                                        + Violation.quote(token)));
                continue;
            }
            int colon = value.indexOf(':');
            String algorithm = colon < 0 ? "" : value.substring(0, colon);
            String digest = colon < 0 ? "" : value.substring(colon + 1);
            Integer length = HASH_LENGTHS.get(algorithm);
            if (length == null || digest.length() != length || !HEX.matcher(digest).matches()) {
                violations.add(
                        Violation.of(
                                line,
                                "--hash "
                                        + Violation.quote(value)
                                        + " is not a hash pip checks: expected sha256:, sha384: or "
                                        + "sha512: and the lower-case hex digest"));
            } else if (!hashes.contains(value)) {
                hashes.add(value);
            }
        }
        return hashes;
    }

    private static boolean isCommentLine(String line) {
        return line.stripLeading().startsWith("#");
    }

    /**
     * Drops a comment: "#" at the start of the line or after whitespace, to the end of the line.
     */
    private static String stripComment(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }
}
