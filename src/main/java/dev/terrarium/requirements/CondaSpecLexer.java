package dev.terrarium.requirements;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a conda match spec into tokens on demand, so that the first error reported is the leftmost
 * one.
 */
final class CondaSpecLexer {

    enum Kind {
        WORD,
        OP,
        DOUBLE_COLON,
        COLON,
        SLASH,
        COMMA,
        PIPE,
        LBRACKET,
        RBRACKET,
        QUOTED,
        SPACE,
        END
    }

    /**
     * A token; {@code start} is its 0-based index in the lexed text, {@code length} its length in
     * that text.
     */
    record Token(Kind kind, String text, int start, int length) {}

    private final String text;
    private final int offset;
    private final List<Token> tokens = new ArrayList<>();
    private int position;
    private int next;

    /**
     * @param offset the index of {@code text} inside the string the user wrote, for error columns
     */
    CondaSpecLexer(String text, int offset) {
        this.text = text;
        this.offset = offset;
    }

    int offset() {
        return offset;
    }

    String source(int start, int end) {
        return text.substring(start, end);
    }

    Token peek() {
        return peek(0);
    }

    Token peek(int ahead) {
        while (tokens.size() <= next + ahead) {
            tokens.add(lex());
        }
        return tokens.get(next + ahead);
    }

    boolean peekIs(Kind kind) {
        return peek().kind() == kind;
    }

    boolean peekIs(int ahead, Kind kind) {
        return peek(ahead).kind() == kind;
    }

    Token next() {
        Token token = peek();
        if (token.kind() != Kind.END) {
            next++;
        }
        return token;
    }

    Token accept(Kind kind) {
        return peekIs(kind) ? next() : null;
    }

    /** Consumes optional spaces and then {@code kind}, or nothing at all. */
    boolean acceptAfterSpace(Kind kind) {
        int skip = peekIs(Kind.SPACE) ? 1 : 0;
        if (peekIs(skip, kind)) {
            next += skip + 1;
            return true;
        }
        return false;
    }

    void skipSpace() {
        accept(Kind.SPACE);
    }

    /** Text of the last consumed token that is not a space, for messages. */
    String previousText() {
        for (int i = next - 1; i >= 0; i--) {
            if (tokens.get(i).kind() != Kind.SPACE) {
                return tokens.get(i).kind() == Kind.QUOTED
                        ? "'" + tokens.get(i).text() + "'"
                        : tokens.get(i).text();
            }
        }
        return null;
    }

    private Token lex() {
        int start = position;
        if (position >= text.length()) {
            return new Token(Kind.END, "", start, 0);
        }
        char c = text.charAt(position);
        switch (c) {
            case ' ' -> {
                while (position < text.length() && text.charAt(position) == ' ') {
                    position++;
                }
                return token(Kind.SPACE, start);
            }
            case ':' -> {
                position += text.startsWith("::", position) ? 2 : 1;
                return token(position - start == 2 ? Kind.DOUBLE_COLON : Kind.COLON, start);
            }
            case '/' -> {
                return single(Kind.SLASH);
            }
            case ',' -> {
                return single(Kind.COMMA);
            }
            case '|' -> {
                return single(Kind.PIPE);
            }
            case '[' -> {
                return single(Kind.LBRACKET);
            }
            case ']' -> {
                return single(Kind.RBRACKET);
            }
            case '\'', '"' -> {
                int close = text.indexOf(c, position + 1);
                if (close < 0) {
                    throw new SpecSyntaxException("unterminated quote", offset + start + 1);
                }
                position = close + 1;
                return new Token(
                        Kind.QUOTED, text.substring(start + 1, close), start, position - start);
            }
            default -> {
                if (isOperatorStart(c)) {
                    return operator(c);
                }
                if (isWordCharacter(c)) {
                    while (position < text.length()
                            && isWordCharacter(text.charAt(position))
                            && !text.startsWith("!=", position)) {
                        position++;
                    }
                    return token(Kind.WORD, start);
                }
                throw new SpecSyntaxException(Characters.unexpected(c), offset + start + 1);
            }
        }
    }

    private boolean isOperatorStart(char c) {
        return c == '='
                || c == '<'
                || c == '>'
                || c == '~'
                || (c == '!' && text.startsWith("!=", position));
    }

    private Token operator(char c) {
        int start = position;
        boolean twoCharacters = position + 1 < text.length() && text.charAt(position + 1) == '=';
        if (c == '~' && !twoCharacters) {
            throw new SpecSyntaxException("\"~\" must be followed by \"=\"", offset + start + 1);
        }
        position += twoCharacters ? 2 : 1;
        return token(Kind.OP, start);
    }

    private static boolean isWordCharacter(char c) {
        return Characters.isAsciiLetterOrDigit(c)
                || c == '_'
                || c == '.'
                || c == '*'
                || c == '+'
                || c == '!'
                || c == '-';
    }

    private Token single(Kind kind) {
        position++;
        return token(kind, position - 1);
    }

    private Token token(Kind kind, int start) {
        return new Token(kind, text.substring(start, position), start, position - start);
    }
}
