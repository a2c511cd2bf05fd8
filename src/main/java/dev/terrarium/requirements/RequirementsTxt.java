package dev.terrarium.requirements;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a pip requirements.txt into requirement strings, as pip reads it: a backslash at the end
 * of a line joins it to the next, {@code #} starts a comment at the start of a line or after
 * whitespace, and blank lines are skipped. Options ({@code -r}, {@code -e}, {@code --index-url},
 * {@code --hash}, ...) are refused. The requirements themselves are returned unparsed, each with
 * the number of the line where it starts.
 */
public final class RequirementsTxt {

    private RequirementsTxt() {}

    /**
     * The requirement lines of {@code text}.
     *
     * @param field the spec field holding the file, for messages ({@code
     *     spec.files.requirementsTxt})
     * @param violations receives a violation for every option and every control character
     */
    public static List<SourcedText> requirements(
            String text, String field, List<Violation> violations) {
        String[] physical = text.split("\n", -1);
        List<SourcedText> requirements = new ArrayList<>();
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
            SourcedText entry = new SourcedText(field, field + " line " + firstLine, requirement);
            var option = PipOptions.refusal(requirement);
            if (option.isPresent()) {
                violations.add(Violation.of(entry, option.get()));
            } else {
                requirements.add(entry);
            }
        }
        return requirements;
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
