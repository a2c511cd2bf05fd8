package dev.terrarium.requirements;

/** Character classes shared by the parsers and validators. */
final class Characters {

    private static final String SHELL_METACHARACTERS = "$`;&|<>(){}\\\"'!*?#~";

    private Characters() {}

    /**
     * Control, format (including bidirectional overrides) and line or paragraph separator
     * characters.
     */
    static boolean isInvisible(char c) {
        int type = Character.getType(c);
        return type == Character.CONTROL
                || type == Character.FORMAT
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.SURROGATE;
    }

    static boolean isPrintableAscii(char c) {
        return c >= 0x20 && c <= 0x7e;
    }

    static boolean isShellMetacharacter(char c) {
        return SHELL_METACHARACTERS.indexOf(c) >= 0;
    }

    static boolean isAsciiLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /** A regular-expression word character, for the ASCII text the parsers accept. */
    static boolean isWordCharacter(char c) {
        return isAsciiLetterOrDigit(c) || c == '_';
    }

    /** {@code U+0009}. */
    static String codePoint(char c) {
        return String.format("U+%04X", (int) c);
    }

    /**
     * Refuses, on purpose, any character outside printable ASCII: specification strings end up in
     * generated build files, where newlines, control characters and look-alike Unicode would change
     * or hide their meaning.
     */
    static void requirePrintableAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!isPrintableAscii(c)) {
                String kind =
                        c == '\n' || c == '\r'
                                ? "newline"
                                : isInvisible(c) ? "control character" : "non-ASCII character";
                throw SpecSyntaxException.deliberate(
                        kind + " " + codePoint(c) + " is not allowed", i + 1);
            }
        }
    }

    /** Describes an unexpected character, pointing out shell metacharacters. */
    static String unexpected(char c) {
        String shown = "\"" + c + "\"";
        return isShellMetacharacter(c)
                ? "unexpected " + shown + " (shell metacharacters have no place here)"
                : "unexpected " + shown;
    }
}
