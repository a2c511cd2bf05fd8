package dev.terrarium.requirements;

import java.util.Objects;

/**
 * A reason an Environment spec is refused. {@code field} is the path of the offending field ({@code
 * spec.pip[3]}, {@code spec.files.requirementsTxt}); {@code message} is a complete sentence that
 * starts with the field, then the line or entry and the offending text when there is one, for
 * example {@code spec.pip[3] "requests>>2": expected a version specifier after "requests" at column
 * 9}.
 */
public record Violation(String field, String message) {

    private static final int QUOTED_TEXT_LIMIT = 120;

    public Violation {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    /** A violation about the whole field, without offending text. */
    public static Violation of(String field, String reason) {
        return new Violation(field, field + ": " + reason);
    }

    /** A violation about one entry: {@code <where> "<text>": <reason>}. */
    public static Violation of(SourcedText entry, String reason) {
        return new Violation(
                entry.field(), entry.where() + " " + quote(entry.text()) + ": " + reason);
    }

    /**
     * The text in double quotes, with quotes, backslashes and invisible characters escaped so that
     * the message stays one printable line, and cut short when long.
     */
    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        int shown = 0;
        for (int i = 0; i < text.length(); i++) {
            if (shown == QUOTED_TEXT_LIMIT) {
                out.append("...");
                break;
            }
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Characters.isInvisible(c)) {
                        out.append(String.format("\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
            shown++;
        }
        return out.append('"').toString();
    }

    @Override
    public String toString() {
        return message;
    }
}
