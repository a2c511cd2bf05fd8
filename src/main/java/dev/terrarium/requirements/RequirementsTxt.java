package dev.terrarium.requirements;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a pip requirements.txt into requirement strings, as pip reads it: a backslash at the end
 * of a line joins it to the next, {@code #} starts a comment at the start of a line or after
 * whitespace, and blank lines are skipped. The package-index options ({@code -i/--index-url},
 * {@code --extra-index-url}, {@code -f/--find-links}) are read, as is {@code --hash} after a
 * requirement: pip's hash-checking mode, as {@code pip-compile --generate-hashes} and {@code uv pip
 * compile --generate-hashes} write it. Other options ({@code -r}, {@code -e}, ...) are refused. The
 * requirements themselves are returned unparsed, each with the number of the line where it starts.
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
     * @param indexOptions the package-index options, in the order written
     */
    public record RequirementsFile(
            List<SourcedText> requirements,
            Map<String, List<String>> hashes,
            List<IndexOption> indexOptions) {

        public RequirementsFile {
            requirements = List.copyOf(requirements);
            hashes = Map.copyOf(hashes);
            indexOptions = List.copyOf(indexOptions);
        }
    }

    private RequirementsTxt() {}

    /** The requirement lines of {@code text}, without their hashes; see {@link #read}. */
    public static List<SourcedText> requirements(
            String text, String field, List<Violation> violations) {
        return read(text, field, violations).requirements();
    }

    /**
     * The requirement lines of {@code text}.
     *
     * @param field the spec field holding the file, for messages ({@code
     *     spec.files.requirementsTxt})
     * @param violations receives a violation for every option and every control character
     */
    public static RequirementsFile read(String text, String field, List<Violation> violations) {
        Map<String, List<String>> hashes = new LinkedHashMap<>();
        String[] physical = text.split("\n", -1);
        List<SourcedText> requirements = new ArrayList<>();
        List<IndexOption> indexOptions = new ArrayList<>();
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
            if (requirement.isEmpty()) {
                continue;
            }
            SourcedText whole = new SourcedText(field, field + " line " + firstLine, requirement);
            var index = PipOptions.indexOption(whole);
            if (index.isPresent()) {
                indexOptions.add(index.get());
                continue;
            }
            var option = PipOptions.refusal(requirement);
            if (option.isPresent()) {
                violations.add(Violation.of(whole, option.get()));
                continue;
            }
            Matcher hash = HASH_OPTION.matcher(requirement);
            if (!hash.find()) {
                requirements.add(whole);
                continue;
            }
            SourcedText entry =
                    new SourcedText(
                            field, whole.where(), requirement.substring(0, hash.start()).strip());
            List<String> given = hashes(requirement.substring(hash.start()), whole, violations);
            requirements.add(entry);
            hashes.put(entry.where(), given);
        }
        return new RequirementsFile(requirements, hashes, indexOptions);
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
