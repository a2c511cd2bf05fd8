package dev.terrarium.requirements;

import java.util.Locale;

/**
 * Reads the version of a PEP 440 version specifier and prints its normalised form (as Python's
 * {@code packaging.version.Version} does: {@code v1.0-ALPHA.1} becomes {@code 1.0a1}, {@code 1.0-1}
 * becomes {@code 1.0.post1}, leading zeros go). It follows the specifier grammar of {@code
 * packaging}, whose quantifiers never backtrack: each part is read greedily, left to right, and the
 * whole text must be consumed.
 */
final class Pep440Version {

    private static final String[] PRE_RELEASE_SPELLINGS = {
        "alpha", "beta", "preview", "pre", "a", "b", "c", "rc"
    };
    private static final String[] POST_RELEASE_SPELLINGS = {"post", "rev", "r"};

    /** Which parts an operator allows. */
    enum Allowed {
        /** {@code ==} and {@code !=}: a trailing {@code .*} or a local version label. */
        WILDCARD_OR_LOCAL,
        /** {@code ~=}: at least two release components, no wildcard, no local label. */
        TWO_RELEASE_COMPONENTS,
        /** {@code < <= > >=}: no wildcard, no local label. */
        PLAIN
    }

    private final String text;
    private final String lower;
    private int position;

    private Pep440Version(String text) {
        this.text = text;
        this.lower = text.toLowerCase(Locale.ROOT);
    }

    /**
     * The normalised version, or an explanation of why {@code text} is not a version for an
     * operator that allows {@code allowed}. The explanation's index is 0-based in {@code text}.
     */
    static Result normalize(String text, Allowed allowed) {
        return new Pep440Version(text).read(allowed);
    }

    record Result(String normalized, String problem, int problemIndex) {

        static Result ok(String normalized) {
            return new Result(normalized, null, -1);
        }

        static Result problem(String problem, int index) {
            return new Result(null, problem, index);
        }
    }

    private Result read(Allowed allowed) {
        StringBuilder out = new StringBuilder();
        skip("v");
        int epochStart = position;
        String epoch = digits();
        if (!epoch.isEmpty() && skip("!")) {
            if (!stripZeros(epoch).equals("0")) {
                out.append(stripZeros(epoch)).append('!');
            }
        } else {
            position = epochStart;
        }
        String first = digits();
        if (first.isEmpty()) {
            return Result.problem("a version starts with a number", position);
        }
        out.append(stripZeros(first));
        int components = 1;
        while (lower.startsWith(".", position)
                && position + 1 < lower.length()
                && isDigit(lower.charAt(position + 1))) {
            position++;
            out.append('.').append(stripZeros(digits()));
            components++;
        }
        if (allowed == Allowed.TWO_RELEASE_COMPONENTS && components < 2) {
            return Result.problem(
                    "~= needs a version with at least two components, such as ~=1.4", 0);
        }
        if (lower.startsWith(".*", position)) {
            if (allowed != Allowed.WILDCARD_OR_LOCAL) {
                return Result.problem(".* can only follow == or !=", position);
            }
            position += 2;
            out.append(".*");
            return end(
                    out,
                    ".* must end the version and cannot follow a pre-, post-, dev or local part");
        }
        preRelease(out);
        postRelease(out);
        devRelease(out);
        if (lower.startsWith("+", position)) {
            if (allowed != Allowed.WILDCARD_OR_LOCAL) {
                return Result.problem(
                        "a local version label (+...) can only follow == or !=", position);
            }
            if (!local(out)) {
                return Result.problem("invalid local version label", position);
            }
        }
        return end(out, "invalid version");
    }

    private Result end(StringBuilder out, String problem) {
        if (position != lower.length()) {
            if (lower.startsWith(".*", position)) {
                return Result.problem(
                        ".* cannot follow a pre-, post-, dev or local part, nor an operator other than "
                                + "== or !=",
                        position);
            }
            return Result.problem(problem, position);
        }
        return Result.ok(out.toString());
    }

    private void preRelease(StringBuilder out) {
        int start = position;
        skipSeparator();
        String spelling = firstSpelling(PRE_RELEASE_SPELLINGS);
        if (spelling == null) {
            position = start;
            return;
        }
        position += spelling.length();
        skipSeparator();
        String number = digits();
        String letter =
                switch (spelling) {
                    case "alpha" -> "a";
                    case "beta" -> "b";
                    case "c", "pre", "preview" -> "rc";
                    default -> spelling;
                };
        out.append(letter).append(stripZeros(number));
    }

    private void postRelease(StringBuilder out) {
        int start = position;
        if (lower.startsWith("-", position)
                && position + 1 < lower.length()
                && isDigit(lower.charAt(position + 1))) {
            position++;
            out.append(".post").append(stripZeros(digits()));
            return;
        }
        skipSeparator();
        String spelling = firstSpelling(POST_RELEASE_SPELLINGS);
        if (spelling == null) {
            position = start;
            return;
        }
        position += spelling.length();
        skipSeparator();
        out.append(".post").append(stripZeros(digits()));
    }

    private void devRelease(StringBuilder out) {
        int start = position;
        skipSeparator();
        if (!lower.startsWith("dev", position)) {
            position = start;
            return;
        }
        position += 3;
        skipSeparator();
        out.append(".dev").append(stripZeros(digits()));
    }

    /**
     * {@code +segment([-_.]segment)*}, each segment letters and digits; printed lower-case, joined
     * by dots.
     */
    private boolean local(StringBuilder out) {
        position++;
        String segment = alphanumerics();
        if (segment.isEmpty()) {
            return false;
        }
        out.append('+').append(localSegment(segment));
        while (position + 1 < lower.length()
                && isSeparator(lower.charAt(position))
                && isAlphanumeric(lower.charAt(position + 1))) {
            position++;
            out.append('.').append(localSegment(alphanumerics()));
        }
        return true;
    }

    private static String localSegment(String segment) {
        return segment.chars().allMatch(Pep440Version::isDigit) ? stripZeros(segment) : segment;
    }

    private String firstSpelling(String[] spellings) {
        for (String spelling : spellings) {
            if (lower.startsWith(spelling, position)) {
                return spelling;
            }
        }
        return null;
    }

    private void skipSeparator() {
        if (position < lower.length() && isSeparator(lower.charAt(position))) {
            position++;
        }
    }

    private boolean skip(String prefix) {
        if (lower.startsWith(prefix, position)) {
            position += prefix.length();
            return true;
        }
        return false;
    }

    private String digits() {
        int start = position;
        while (position < lower.length() && isDigit(lower.charAt(position))) {
            position++;
        }
        return text.substring(start, position);
    }

    private String alphanumerics() {
        int start = position;
        while (position < lower.length() && isAlphanumeric(lower.charAt(position))) {
            position++;
        }
        return lower.substring(start, position);
    }

    /**
     * Integer value of a digit string, kept as text so that long numbers survive; empty means 0.
     */
    private static String stripZeros(String digits) {
        int i = 0;
        while (i < digits.length() - 1 && digits.charAt(i) == '0') {
            i++;
        }
        return digits.isEmpty() ? "0" : digits.substring(i);
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAlphanumeric(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'z');
    }

    private static boolean isSeparator(char c) {
        return c == '-' || c == '_' || c == '.';
    }
}
