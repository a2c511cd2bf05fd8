package dev.terrarium.requirements;

import dev.terrarium.requirements.Pep508Marker.Comparison;
import dev.terrarium.requirements.Pep508Marker.Operand;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Recursive-descent parser of PEP 508 dependency specifications, character by character.
 *
 * <pre>
 * requirement  = WS? NAME WS? extras? (url_detail | spec_detail)
 * extras       = "[" WS? (NAME (WS? "," WS? NAME)*)? WS? "]" WS?
 * url_detail   = "@" WS? URL (WS+ (";" marker)?)?
 * spec_detail  = specifiers (";" marker)?
 * specifiers   = "(" WS? version_many WS? ")" WS? | version_many
 * version_many = (specifier (WS? "," WS? specifier)* (WS? ",")? WS?)?
 * specifier    = OPERATOR WS? VERSION
 * marker       = atom (("and" | "or") atom)*          "and" binds tighter than "or"
 * atom         = WS? ("(" marker ")" | operand WS? marker_op WS? operand) WS?
 * operand      = VARIABLE | "'" [^']* "'" | '"' [^"]* '"'
 * </pre>
 *
 * Where the PEP's prose grammar and the reference implementation ({@code packaging}, whose verdicts
 * the tests compare against) differ, this follows {@code packaging}: a name may end in "_", a
 * specifier list may end in one comma, parentheses may be empty, legacy marker variables such as
 * {@code os.name} are accepted, and the keywords {@code and}, {@code or}, {@code in} and {@code
 * not} need only a word boundary, not spaces. On top of that it refuses on purpose ({@link
 * SpecSyntaxException#deliberate()}): anything but printable ASCII, URLs outside {@link
 * Pep508UrlPolicy}, backslashes (Python escapes) and {@code $} (pip expands {@code ${VAR}} in
 * requirement files) in marker strings, and {@code ===} versions with characters other than
 * letters, digits and {@code .+!_-}.
 */
final class Pep508Parser {

    /** As deep as {@code packaging} goes. */
    private static final int MAX_MARKER_NESTING = 200;

    private static final List<String> OPERATORS =
            List.of("===", "==", "~=", "!=", "<=", ">=", "<", ">");
    private static final List<String> VARIABLES =
            List.of(
                    "python_version",
                    "python_full_version",
                    "os_name",
                    "os.name",
                    "sys_platform",
                    "sys.platform",
                    "platform_release",
                    "platform_system",
                    "platform_version",
                    "platform.version",
                    "platform_machine",
                    "platform.machine",
                    "platform_python_implementation",
                    "platform.python_implementation",
                    "python_implementation",
                    "implementation_name",
                    "implementation_version",
                    "extras",
                    "extra",
                    "dependency_groups");
    private static final Set<String> SET_VARIABLES = Set.of("extras", "dependency_groups");

    private final String text;
    private int position;
    private String previous;

    private Pep508Parser(String text) {
        this.text = text;
    }

    static Pep508Requirement parse(String text) {
        Characters.requirePrintableAscii(text);
        return new Pep508Parser(text).requirement();
    }

    private Pep508Requirement requirement() {
        skipSpaces();
        String name = identifier();
        if (name == null) {
            throw expected("a package name");
        }
        previous = name;
        skipSpaces();
        List<String> extras = peek('[') ? extras() : List.of();
        String url = null;
        List<Pep440Specifier> specifiers = List.of();
        Pep508Marker marker = null;
        if (peek('@')) {
            position++;
            skipSpaces();
            int urlStart = position;
            while (!atEnd() && text.charAt(position) != ' ') {
                position++;
            }
            url = text.substring(urlStart, position);
            if (url.isEmpty()) {
                throw expected("a URL after \"@\"");
            }
            Pep508UrlPolicy.check(url, urlStart);
            skipSpaces();
            if (!atEnd()) {
                if (!peek(';')) {
                    throw error("expected \";\" after the URL and a space");
                }
                position++;
                previous = ";";
                marker = marker(0);
            }
        } else {
            specifiers = specifiers();
            if (!atEnd()) {
                if (!peek(';')) {
                    if (peek('=')) {
                        throw error(
                                "expected a version specifier after \""
                                        + previous
                                        + "\" (use == for an exact "
                                        + "version)");
                    }
                    throw expected(
                            specifiers.isEmpty()
                                    ? "a version specifier, \";\" or the end"
                                    : "\",\", \";\" or " + "the end");
                }
                position++;
                previous = ";";
                marker = marker(0);
            }
        }
        if (!atEnd()) {
            throw expected("\"and\", \"or\" or the end");
        }
        return Pep508Requirement.of(name, extras, specifiers, url, marker);
    }

    private List<String> extras() {
        position++;
        previous = "[";
        skipSpaces();
        List<String> extras = new ArrayList<>();
        String extra = identifier();
        if (extra != null) {
            extras.add(extra);
            previous = extra;
            while (true) {
                skipSpaces();
                if (startsIdentifier()) {
                    throw expected("\",\" between extras");
                }
                if (!peek(',')) {
                    break;
                }
                position++;
                previous = ",";
                skipSpaces();
                extra = identifier();
                if (extra == null) {
                    throw expected("an extra name");
                }
                extras.add(extra);
                previous = extra;
            }
        }
        skipSpaces();
        if (!peek(']')) {
            throw expected("\"]\" to close the extras");
        }
        position++;
        previous = "]";
        skipSpaces();
        return extras;
    }

    private List<Pep440Specifier> specifiers() {
        if (!peek('(')) {
            return versionMany();
        }
        position++;
        previous = "(";
        skipSpaces();
        List<Pep440Specifier> specifiers = versionMany();
        if (!peek(')')) {
            throw expected("\")\" to close the version specifiers");
        }
        position++;
        previous = ")";
        skipSpaces();
        return specifiers;
    }

    private List<Pep440Specifier> versionMany() {
        List<Pep440Specifier> specifiers = new ArrayList<>();
        if (operatorAt() == null) {
            return specifiers;
        }
        while (true) {
            specifiers.add(specifier());
            skipSpaces();
            if (!peek(',')) {
                return specifiers;
            }
            position++;
            previous = ",";
            skipSpaces();
            if (operatorAt() == null) {
                if (atEnd() || peek(';') || peek(')')) {
                    return specifiers;
                }
                throw expected("a version specifier");
            }
        }
    }

    private Pep440Specifier specifier() {
        int start = position;
        String operator = operatorAt();
        position += operator.length();
        skipSpaces();
        int versionStart = position;
        while (!atEnd() && " ,;)".indexOf(text.charAt(position)) < 0) {
            position++;
        }
        String version = text.substring(versionStart, position);
        if (operator.equals("===")) {
            if (version.isEmpty()) {
                throw new SpecSyntaxException("expected a version after \"===\"", start + 1);
            }
            checkArbitraryVersion(version, versionStart);
            previous = text.substring(start, position);
            return new Pep440Specifier(operator, version);
        }
        if (version.isEmpty() || !Characters.isAsciiLetterOrDigit(version.charAt(0))) {
            throw new SpecSyntaxException(
                    "expected a version specifier after \"" + previous + "\"", start + 1);
        }
        Pep440Version.Result result =
                Pep440Version.normalize(
                        version,
                        switch (operator) {
                            case "==", "!=" -> Pep440Version.Allowed.WILDCARD_OR_LOCAL;
                            case "~=" -> Pep440Version.Allowed.TWO_RELEASE_COMPONENTS;
                            default -> Pep440Version.Allowed.PLAIN;
                        });
        if (result.problem() != null) {
            throw new SpecSyntaxException(
                    "invalid version specifier \""
                            + text.substring(start, position)
                            + "\": "
                            + result.problem(),
                    start + 1);
        }
        previous = text.substring(start, position);
        return new Pep440Specifier(operator, result.normalized());
    }

    private static void checkArbitraryVersion(String version, int start) {
        for (int i = 0; i < version.length(); i++) {
            char c = version.charAt(i);
            if (!Characters.isAsciiLetterOrDigit(c) && ".+!_-".indexOf(c) < 0) {
                throw SpecSyntaxException.deliberate(
                        "\"" + c + "\" is not allowed in a === version", start + i + 1);
            }
        }
    }

    private String operatorAt() {
        for (String operator : OPERATORS) {
            if (text.startsWith(operator, position)) {
                return operator;
            }
        }
        return null;
    }

    private Pep508Marker marker(int depth) {
        List<List<Pep508Marker>> disjuncts = new ArrayList<>();
        List<Pep508Marker> conjuncts = new ArrayList<>();
        conjuncts.add(markerAtom(depth));
        while (true) {
            String keyword = keyword("and") ? "and" : keyword("or") ? "or" : null;
            if (keyword == null) {
                break;
            }
            position += keyword.length();
            previous = keyword;
            if (keyword.equals("or")) {
                disjuncts.add(conjuncts);
                conjuncts = new ArrayList<>();
            }
            conjuncts.add(markerAtom(depth));
        }
        disjuncts.add(conjuncts);
        return Pep508Marker.anyOf(disjuncts.stream().map(Pep508Marker::allOf).toList());
    }

    private Pep508Marker markerAtom(int depth) {
        skipSpaces();
        Pep508Marker atom;
        if (peek('(')) {
            if (depth >= MAX_MARKER_NESTING) {
                throw error("markers are nested more than " + MAX_MARKER_NESTING + " levels deep");
            }
            position++;
            previous = "(";
            atom = marker(depth + 1);
            if (!peek(')')) {
                throw expected("\")\" to close the marker expression");
            }
            position++;
            previous = ")";
        } else {
            atom = comparison();
        }
        skipSpaces();
        return atom;
    }

    private Pep508Marker comparison() {
        Operand left = operand();
        skipSpaces();
        String operator = markerOperator();
        skipSpaces();
        Operand right = operand();
        return new Comparison(
                normalizedExtra(left, right, true), operator, normalizedExtra(right, left, false));
    }

    /**
     * Extra and dependency group names compare in their normalised form (PEP 685), as {@code
     * packaging} prints them.
     */
    private static Operand normalizedExtra(Operand operand, Operand other, boolean isLeft) {
        if (operand.variable() || !other.variable()) {
            return operand;
        }
        boolean extra = other.text().equals("extra");
        boolean set = isLeft && SET_VARIABLES.contains(other.text());
        return extra || set
                ? new Operand(false, Pep508Requirement.normalizeName(operand.text()))
                : operand;
    }

    private Operand operand() {
        for (String variable : VARIABLES) {
            if (text.startsWith(variable, position)
                    && !isWordCharacterAt(position + variable.length())) {
                position += variable.length();
                previous = variable;
                String name = variable.replace('.', '_');
                return new Operand(
                        true,
                        name.equals("python_implementation")
                                ? "platform_python_implementation"
                                : name);
            }
        }
        if (peek('"') || peek('\'')) {
            char quote = text.charAt(position);
            int close = text.indexOf(quote, position + 1);
            if (close >= 0) {
                String value = text.substring(position + 1, close);
                checkMarkerString(value, position + 1);
                previous = text.substring(position, close + 1);
                position = close + 1;
                return new Operand(false, value);
            }
        }
        throw expected("a marker variable or a quoted string");
    }

    private static void checkMarkerString(String value, int start) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                throw SpecSyntaxException.deliberate(
                        "backslashes are not allowed in marker strings", start + i + 1);
            }
            if (c == '$') {
                throw SpecSyntaxException.deliberate(
                        "\"$\" is not allowed in marker strings", start + i + 1);
            }
        }
    }

    private String markerOperator() {
        if (keyword("in")) {
            position += 2;
            previous = "in";
            return "in";
        }
        if (keyword("not")) {
            position += 3;
            previous = "not";
            if (!peek(' ')) {
                throw expected("a space");
            }
            skipSpaces();
            if (!keyword("in")) {
                throw expected("\"in\"");
            }
            position += 2;
            previous = "in";
            return "not in";
        }
        String operator = operatorAt();
        if (operator == null) {
            throw expected("a marker operator (<, <=, ==, !=, >=, >, ~=, ===, in, not in)");
        }
        position += operator.length();
        previous = operator;
        return operator;
    }

    /** The keyword at the current position, ending at a word boundary. */
    private boolean keyword(String word) {
        return text.startsWith(word, position) && !isWordCharacterAt(position + word.length());
    }

    /**
     * A name: a letter or digit, then letters, digits, "." "_" "-", ending on a word character (so
     * a trailing "." or "-" is left to the caller, to be refused there).
     */
    private String identifier() {
        if (!startsIdentifier()) {
            return null;
        }
        int end = position;
        while (end < text.length()
                && (Characters.isAsciiLetterOrDigit(text.charAt(end))
                        || ".-_".indexOf(text.charAt(end)) >= 0)) {
            end++;
        }
        while (!Characters.isWordCharacter(text.charAt(end - 1))) {
            end--;
        }
        String identifier = text.substring(position, end);
        position = end;
        return identifier;
    }

    private boolean startsIdentifier() {
        return !atEnd() && Characters.isAsciiLetterOrDigit(text.charAt(position));
    }

    private boolean isWordCharacterAt(int index) {
        return index < text.length() && Characters.isWordCharacter(text.charAt(index));
    }

    private boolean peek(char c) {
        return !atEnd() && text.charAt(position) == c;
    }

    private boolean atEnd() {
        return position >= text.length();
    }

    private void skipSpaces() {
        while (peek(' ')) {
            position++;
        }
    }

    private SpecSyntaxException expected(String what) {
        String after = previous == null ? "" : " after " + Violation.quote(previous);
        if (atEnd()) {
            return new SpecSyntaxException(
                    "expected " + what + after + ", found the end", position + 1);
        }
        char found = text.charAt(position);
        String hint =
                Characters.isShellMetacharacter(found)
                                && found != '('
                                && found != ')'
                                && found != '"'
                                && found != '\''
                        ? " (shell metacharacters have no place here)"
                        : "";
        return new SpecSyntaxException("expected " + what + after + hint, position + 1);
    }

    private SpecSyntaxException error(String reason) {
        return new SpecSyntaxException(reason, position + 1);
    }
}
