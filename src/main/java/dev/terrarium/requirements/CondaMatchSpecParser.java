package dev.terrarium.requirements;

import dev.terrarium.requirements.CondaSpecLexer.Kind;
import dev.terrarium.requirements.CondaSpecLexer.Token;
import dev.terrarium.requirements.CondaVersionSpec.Operator;
import dev.terrarium.requirements.CondaVersionSpec.Term;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Recursive-descent parser of conda match specs over the tokens of {@link CondaSpecLexer}.
 *
 * <pre>
 * spec        = SPACE? source SPACE? constraint? SPACE? brackets? SPACE? END
 * source      = (WORD ("/" WORD)* "::")? WORD
 * constraint  = (OP | SPACE (OP | WORD)) version build?
 * version     = conjunction (SPACE? "|" SPACE? conjunction)*
 * conjunction = term (SPACE? "," SPACE? term)*
 * term        = OP? SPACE? WORD
 * build       = "=" WORD | SPACE "="? WORD
 * brackets    = "[" SPACE? item (SPACE? "," SPACE? item)* SPACE? "]"
 * item        = WORD SPACE? "=" SPACE? (QUOTED | raw text up to "," "]" or a space)
 * </pre>
 */
final class CondaMatchSpecParser {

    private static final Set<String> KNOWN_SUBDIRS =
            Set.of(
                    "noarch",
                    "emscripten-wasm32",
                    "wasi-wasm32",
                    "freebsd-64",
                    "linux-32",
                    "linux-64",
                    "linux-aarch64",
                    "linux-armv6l",
                    "linux-armv7l",
                    "linux-ppc64",
                    "linux-ppc64le",
                    "linux-riscv64",
                    "linux-s390x",
                    "osx-64",
                    "osx-arm64",
                    "win-32",
                    "win-64",
                    "win-arm64",
                    "zos-z");
    private static final Pattern PACKAGE_NAME = Pattern.compile("[a-z0-9_][a-z0-9_.-]*");
    private static final Pattern CHANNEL_SEGMENT = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    private static final Pattern VERSION =
            Pattern.compile("([0-9]+!)?[a-z0-9]+([._][a-z0-9]+)*(\\+[a-z0-9]+([._][a-z0-9]+)*)?");
    private static final Pattern BUILD = Pattern.compile("[A-Za-z0-9_.+*]+");
    private static final Pattern LEADING_ZEROS = Pattern.compile("(?<![0-9])0+(?=[0-9])");

    private final CondaSpecLexer lexer;

    private CondaMatchSpecParser(String text, int offset) {
        this.lexer = new CondaSpecLexer(text, offset);
    }

    static CondaMatchSpec parse(String text) {
        Characters.requirePrintableAscii(text);
        return new CondaMatchSpecParser(text, 0).spec();
    }

    private CondaMatchSpec spec() {
        Parts parts = new Parts();
        lexer.skipSpace();
        source(parts);
        if (lexer.peekIs(Kind.OP)
                || (lexer.peekIs(Kind.SPACE)
                        && (lexer.peekIs(1, Kind.OP) || lexer.peekIs(1, Kind.WORD)))) {
            lexer.skipSpace();
            constraint(parts);
        }
        lexer.skipSpace();
        if (lexer.peekIs(Kind.LBRACKET)) {
            brackets(parts);
            lexer.skipSpace();
        }
        expect(Kind.END, "the end of the match spec");
        if (parts.subdir != null && parts.channel == null) {
            throw new SpecSyntaxException(
                    "a subdir needs a channel: write channel/subdir::name", 1);
        }
        return new CondaMatchSpec(
                parts.channel,
                parts.subdir,
                parts.name,
                parts.version,
                "*".equals(parts.build) ? null : parts.build);
    }

    private void source(Parts parts) {
        Token first = expect(Kind.WORD, "a package name");
        Token name = first;
        if (lexer.peekIs(Kind.SLASH) || lexer.peekIs(Kind.DOUBLE_COLON)) {
            channel(parts, first);
            expect(Kind.DOUBLE_COLON, "\"::\" between the channel and the package name");
            name = expect(Kind.WORD, "a package name");
        } else if (lexer.peekIs(Kind.COLON)) {
            throw error("a channel is separated from the name by \"::\", not \":\"", lexer.peek());
        }
        parts.name = packageName(name);
    }

    /** A channel path; its last segment is a subdir when it names a known platform. */
    private void channel(Parts parts, Token first) {
        StringBuilder path = new StringBuilder(first.text());
        while (lexer.accept(Kind.SLASH) != null) {
            path.append('/').append(expect(Kind.WORD, "a channel path segment").text());
        }
        String lower = path.toString().toLowerCase(Locale.ROOT);
        for (String segment : lower.split("/", -1)) {
            if (!CHANNEL_SEGMENT.matcher(segment).matches()) {
                throw error(
                        "invalid channel \""
                                + path
                                + "\": channel names are letters, digits, \".\", \"_\" and "
                                + "\"-\"",
                        first);
            }
        }
        parts.given("channel", column(first));
        int slash = lower.lastIndexOf('/');
        if (slash > 0 && KNOWN_SUBDIRS.contains(lower.substring(slash + 1))) {
            parts.channel = lower.substring(0, slash);
            parts.given("subdir", column(first));
            parts.subdir = lower.substring(slash + 1);
        } else {
            parts.channel = lower;
        }
    }

    private String packageName(Token token) {
        String name = token.text().toLowerCase(Locale.ROOT);
        if (name.indexOf('*') >= 0) {
            throw error("wildcards in package names are not supported", token);
        }
        if (!PACKAGE_NAME.matcher(name).matches()) {
            throw error(
                    "invalid package name \""
                            + token.text()
                            + "\": package names are letters, digits, \"_\", "
                            + "\".\" and \"-\"",
                    token);
        }
        return name;
    }

    /**
     * The version and build after the name; in {@code name=version=build} the version is exact, as
     * in conda.
     */
    private void constraint(Parts parts) {
        Token start = lexer.peek();
        List<List<RawTerm>> raw = versionExpression();
        String build = optionalBuild();
        boolean nameEqualsVersionEqualsBuild =
                build != null
                        && raw.size() == 1
                        && raw.get(0).size() == 1
                        && "=".equals(raw.get(0).get(0).operator());
        parts.given("version", column(start));
        parts.version = interpret(raw, nameEqualsVersionEqualsBuild);
        if (build != null) {
            parts.given("build", column(start));
            parts.build = build;
        }
    }

    private List<List<RawTerm>> versionExpression() {
        List<List<RawTerm>> alternatives = new ArrayList<>();
        alternatives.add(conjunction());
        while (lexer.acceptAfterSpace(Kind.PIPE)) {
            lexer.skipSpace();
            alternatives.add(conjunction());
        }
        return alternatives;
    }

    private List<RawTerm> conjunction() {
        List<RawTerm> terms = new ArrayList<>();
        terms.add(term());
        while (lexer.acceptAfterSpace(Kind.COMMA)) {
            lexer.skipSpace();
            terms.add(term());
        }
        return terms;
    }

    private RawTerm term() {
        Token operator = lexer.accept(Kind.OP);
        if (operator != null) {
            lexer.skipSpace();
        }
        Token version = expect(Kind.WORD, "a version");
        return new RawTerm(operator == null ? null : operator.text(), version);
    }

    private String optionalBuild() {
        if (isEquals(lexer.peek())) {
            lexer.next();
            return build(expect(Kind.WORD, "a build string"));
        }
        if (lexer.peekIs(Kind.SPACE) && (lexer.peekIs(1, Kind.WORD) || isEquals(lexer.peek(1)))) {
            lexer.skipSpace();
            if (isEquals(lexer.peek())) {
                lexer.next();
            }
            return build(expect(Kind.WORD, "a build string"));
        }
        return null;
    }

    private static boolean isEquals(Token token) {
        return token.kind() == Kind.OP && token.text().equals("=");
    }

    private String build(Token token) {
        if (!BUILD.matcher(token.text()).matches()) {
            throw error(
                    "invalid build string \""
                            + token.text()
                            + "\": build strings are letters, digits, \"_\", "
                            + "\".\", \"+\" and \"*\"",
                    token);
        }
        if (token.text().contains("**")) {
            throw error(
                    "invalid build string \""
                            + token.text()
                            + "\": one \"*\" matches any text, \"**\" is not a "
                            + "glob conda reads",
                    token);
        }
        return token.text();
    }

    private CondaVersionSpec interpret(List<List<RawTerm>> raw, boolean equalsMeansExact) {
        List<List<Term>> alternatives = new ArrayList<>();
        for (List<RawTerm> conjunction : raw) {
            List<Term> terms = new ArrayList<>();
            for (RawTerm term : conjunction) {
                terms.add(interpret(term, equalsMeansExact));
            }
            alternatives.add(terms);
        }
        return CondaVersionSpec.of(alternatives).orElse(null);
    }

    /** A term as conda reads it; null for {@code *}, any version. */
    private Term interpret(RawTerm raw, boolean equalsMeansExact) {
        String text = raw.version().text().toLowerCase(Locale.ROOT);
        String operator = raw.operator() == null ? "" : raw.operator();
        boolean wildcard = text.endsWith("*");
        String version =
                text.endsWith(".*")
                        ? text.substring(0, text.length() - 2)
                        : wildcard ? text.substring(0, text.length() - 1) : text;
        if (version.isEmpty()
                && wildcard
                && (operator.isEmpty() || operator.equals("=") || operator.equals("=="))) {
            return null;
        }
        if (version.indexOf('*') >= 0) {
            throw error("a wildcard may only end a version, as in 1.26.*", raw.version());
        }
        if (!VERSION.matcher(version).matches()) {
            throw error("invalid version \"" + raw.version().text() + "\"", raw.version());
        }
        // conda compares the numbers of a version as numbers: 2024.01 is 2024.1, and prints as
        // such.
        version = LEADING_ZEROS.matcher(version).replaceAll("");
        return switch (operator) {
            case "", "==" -> new Term(wildcard ? Operator.PREFIX : Operator.EXACT, version);
            case "=" ->
                    new Term(
                            wildcard || !equalsMeansExact ? Operator.PREFIX : Operator.EXACT,
                            version);
            case "!=" -> new Term(wildcard ? Operator.NOT_PREFIX : Operator.NOT_EXACT, version);
            default -> {
                if (wildcard) {
                    throw error(
                            "a wildcard goes with ==, != or no operator, not with " + operator,
                            raw.version());
                }
                yield new Term(relational(operator), version);
            }
        };
    }

    private static Operator relational(String operator) {
        return switch (operator) {
            case ">=" -> Operator.GREATER_OR_EQUAL;
            case ">" -> Operator.GREATER;
            case "<=" -> Operator.LESS_OR_EQUAL;
            case "<" -> Operator.LESS;
            case "~=" -> Operator.COMPATIBLE;
            default -> throw new IllegalStateException("the lexer produced operator " + operator);
        };
    }

    private void brackets(Parts parts) {
        Token open = lexer.next();
        lexer.skipSpace();
        if (lexer.peekIs(Kind.RBRACKET)) {
            throw error("empty brackets", open);
        }
        while (true) {
            Token key = expect(Kind.WORD, "a key (version, build, channel or subdir)");
            lexer.skipSpace();
            if (!isEquals(lexer.peek())) {
                throw expected("\"=\"", lexer.peek());
            }
            lexer.next();
            lexer.skipSpace();
            bracketItem(parts, key, bracketValue(key));
            lexer.skipSpace();
            if (lexer.accept(Kind.COMMA) != null) {
                lexer.skipSpace();
            } else if (lexer.accept(Kind.RBRACKET) != null) {
                return;
            } else {
                // conda and rattler read an unquoted value up to the next comma: "[a=1 b=2]" is one
                // value, "1 b=2".
                throw expected("\",\" or \"]\"", lexer.peek());
            }
        }
    }

    /**
     * The value of a key, quoted or up to the next comma, bracket or space, parsed by its own
     * parser.
     */
    private CondaMatchSpecParser bracketValue(Token key) {
        Token first = lexer.peek();
        if (first.kind() == Kind.QUOTED) {
            lexer.next();
            return new CondaMatchSpecParser(first.text(), lexer.offset() + first.start() + 1);
        }
        int end = first.start();
        while (!lexer.peekIs(Kind.COMMA)
                && !lexer.peekIs(Kind.RBRACKET)
                && !lexer.peekIs(Kind.SPACE)
                && !lexer.peekIs(Kind.END)) {
            Token token = lexer.next();
            end = token.start() + token.length();
        }
        if (end == first.start()) {
            throw expected("a value after \"" + key.text() + "=\"", first);
        }
        return new CondaMatchSpecParser(
                lexer.source(first.start(), end), lexer.offset() + first.start());
    }

    private void bracketItem(Parts parts, Token key, CondaMatchSpecParser value) {
        switch (key.text().toLowerCase(Locale.ROOT)) {
            case "version" -> {
                parts.given("version", column(key));
                value.lexer.skipSpace();
                List<List<RawTerm>> raw = value.versionExpression();
                value.lexer.skipSpace();
                value.expect(Kind.END, "the end of the version");
                parts.version = value.interpret(raw, false);
            }
            case "build" -> {
                parts.given("build", column(key));
                parts.build = value.build(value.expect(Kind.WORD, "a build string"));
                value.expect(Kind.END, "the end of the build string");
            }
            case "channel" -> {
                Token first = value.expect(Kind.WORD, "a channel name");
                value.channel(parts, first);
                value.expect(Kind.END, "the end of the channel");
            }
            case "subdir" -> {
                parts.given("subdir", column(key));
                Token subdir = value.expect(Kind.WORD, "a subdir");
                value.expect(Kind.END, "the end of the subdir");
                parts.subdir = subdir.text().toLowerCase(Locale.ROOT);
                if (!KNOWN_SUBDIRS.contains(parts.subdir)) {
                    throw value.error("unknown subdir \"" + subdir.text() + "\"", subdir);
                }
            }
            default ->
                    throw error(
                            "unsupported key \""
                                    + key.text()
                                    + "\": only version, build, channel and subdir "
                                    + "are supported",
                            key);
        }
    }

    private SpecSyntaxException expected(String what, Token found) {
        String after = lexer.previousText();
        return error(
                "expected " + what + (after == null ? "" : " after " + Violation.quote(after)),
                found);
    }

    private Token expect(Kind kind, String what) {
        if (!lexer.peekIs(kind)) {
            throw expected(what, lexer.peek());
        }
        return lexer.next();
    }

    private SpecSyntaxException error(String reason, Token at) {
        return new SpecSyntaxException(reason, column(at));
    }

    /** The 1-based column of a token in the string the user wrote. */
    private int column(Token token) {
        return lexer.offset() + token.start() + 1;
    }

    private record RawTerm(String operator, Token version) {}

    /** What the spec sets so far; each part may be given once, inline or in the brackets. */
    private static final class Parts {
        private final Set<String> given = new HashSet<>();
        private String channel;
        private String subdir;
        private String name;
        private CondaVersionSpec version;
        private String build;

        void given(String part, int column) {
            if (!given.add(part)) {
                throw new SpecSyntaxException("the " + part + " is given twice", column);
            }
        }
    }
}
