package dev.terrarium.registry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 9110 section 11.6.1), e.g. {@code Bearer
 * realm="https://auth.example/token",service="registry.example",scope="repository:app:pull"}.
 *
 * <p>A header value may hold several challenges separated by commas, a response may carry several
 * header lines, and quoted parameter values may contain commas, equals signs and backslash escapes;
 * {@link #parse(String)} handles all of these.
 *
 * @param scheme the auth scheme as sent, e.g. {@code Bearer}
 * @param parameters parameters by lowercased name, in header order
 * @param token68 the token68 form some schemes use instead of parameters, or {@code null}
 */
public record AuthChallenge(String scheme, Map<String, String> parameters, String token68) {

    public AuthChallenge {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** Whether this challenge has the given scheme; schemes compare case-insensitively. */
    public boolean isScheme(String name) {
        return scheme.equalsIgnoreCase(name);
    }

    /** A parameter by name, compared case-insensitively. */
    public Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name.toLowerCase(Locale.ROOT)));
    }

    /** Parses every header line of a response and concatenates their challenges in order. */
    public static List<AuthChallenge> parseAll(List<String> headerValues) {
        List<AuthChallenge> challenges = new ArrayList<>();
        for (String value : headerValues) {
            challenges.addAll(parse(value));
        }
        return challenges;
    }

    /**
     * Parses one {@code WWW-Authenticate} header value.
     *
     * @throws IllegalArgumentException if the value is malformed, e.g. an unterminated quoted
     *     string
     */
    public static List<AuthChallenge> parse(String headerValue) {
        return new Parser(headerValue).challenges();
    }

    private static final class Parser {
        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text == null ? "" : text;
        }

        List<AuthChallenge> challenges() {
            List<AuthChallenge> challenges = new ArrayList<>();
            while (true) {
                skipWhitespaceAndCommas();
                if (atEnd()) {
                    return challenges;
                }
                String scheme = token();
                if (scheme.isEmpty()) {
                    throw malformed("expected an auth scheme");
                }
                skipWhitespace();
                String token68 = tryToken68();
                Map<String, String> parameters = new LinkedHashMap<>();
                if (token68 == null) {
                    readParameters(parameters);
                }
                challenges.add(new AuthChallenge(scheme, parameters, token68));
            }
        }

        /**
         * Reads {@code name=value} pairs until the end or until what follows a comma is a new
         * challenge, i.e. a token not followed by {@code =}.
         */
        private void readParameters(Map<String, String> parameters) {
            while (!atEnd() && text.charAt(pos) != ',') {
                int nameStart = pos;
                String name = token();
                skipWhitespace();
                if (name.isEmpty() || atEnd() || text.charAt(pos) != '=') {
                    pos = nameStart;
                    throw malformed("expected name=value");
                }
                pos++;
                skipWhitespace();
                String value =
                        !atEnd() && text.charAt(pos) == '"' ? quotedString() : unquotedValue();
                parameters.putIfAbsent(name.toLowerCase(Locale.ROOT), value);
                skipWhitespace();
                if (atEnd()) {
                    return;
                }
                if (text.charAt(pos) != ',') {
                    throw malformed("expected ',' after a parameter");
                }
                int commaAt = pos;
                skipWhitespaceAndCommas();
                if (atEnd() || !nextIsParameter()) {
                    pos = commaAt;
                    return;
                }
            }
        }

        private boolean nextIsParameter() {
            int start = pos;
            String name = token();
            skipWhitespace();
            boolean parameter = !name.isEmpty() && !atEnd() && text.charAt(pos) == '=';
            pos = start;
            return parameter;
        }

        /**
         * A token68 stands alone: it is followed by the end or a comma, never by a quoted value or
         * more text.
         */
        private String tryToken68() {
            int start = pos;
            while (!atEnd() && isToken68Char(text.charAt(pos))) {
                pos++;
            }
            if (pos == start) {
                return null;
            }
            while (!atEnd() && text.charAt(pos) == '=') {
                pos++;
            }
            int end = pos;
            skipWhitespace();
            if (atEnd() || text.charAt(pos) == ',') {
                return text.substring(start, end);
            }
            pos = start;
            return null;
        }

        private String quotedString() {
            StringBuilder value = new StringBuilder();
            int openingQuote = pos;
            pos++;
            while (!atEnd()) {
                char c = text.charAt(pos++);
                if (c == '"') {
                    return value.toString();
                }
                if (c == '\\' && !atEnd()) {
                    c = text.charAt(pos++);
                }
                value.append(c);
            }
            pos = openingQuote;
            throw malformed("unterminated quoted string");
        }

        /**
         * An unquoted value should be a token, but some servers send URLs unquoted; taking
         * everything up to the next comma or space reads those too.
         */
        private String unquotedValue() {
            int start = pos;
            while (!atEnd() && ", \t\"".indexOf(text.charAt(pos)) < 0) {
                pos++;
            }
            return text.substring(start, pos);
        }

        private String token() {
            int start = pos;
            while (!atEnd() && isTokenChar(text.charAt(pos))) {
                pos++;
            }
            return text.substring(start, pos);
        }

        private void skipWhitespace() {
            while (!atEnd() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
                pos++;
            }
        }

        private void skipWhitespaceAndCommas() {
            while (!atEnd()
                    && (text.charAt(pos) == ' '
                            || text.charAt(pos) == '\t'
                            || text.charAt(pos) == ',')) {
                pos++;
            }
        }

        private boolean atEnd() {
            return pos >= text.length();
        }

        private IllegalArgumentException malformed(String what) {
            return new IllegalArgumentException(
                    "malformed WWW-Authenticate header at offset "
                            + pos
                            + ": "
                            + what
                            + " in '"
                            + text
                            + "'");
        }

        private static boolean isTokenChar(char c) {
            return c < 128 && (Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0);
        }

        private static boolean isToken68Char(char c) {
            return c < 128 && (Character.isLetterOrDigit(c) || "-._~+/".indexOf(c) >= 0);
        }
    }
}
