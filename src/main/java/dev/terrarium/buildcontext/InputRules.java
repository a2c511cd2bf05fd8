package dev.terrarium.buildcontext;

import dev.terrarium.requirements.ChannelUrls;
import dev.terrarium.requirements.PipIndexRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shapes a value must have to be carried faithfully by the file or argument it travels in. The
 * spec normaliser validates user input first; these checks stay here because this package is what
 * would turn a malformed value into a changed meaning (an option smuggled into a line-based file, a
 * line split in two).
 */
public final class InputRules {

    static final Pattern SPEC_HASH = Pattern.compile("[0-9a-f]{64}");
    static final Pattern PYTHON_VERSION = Pattern.compile("[0-9]+\\.[0-9]+(\\.[0-9]+)?");
    public static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /**
     * Debian package name, optional architecture qualifier, optional version (apt accepts a
     * trailing glob).
     */
    static final Pattern DEBIAN_PACKAGE =
            Pattern.compile("[a-z0-9][a-z0-9+.-]+(:[a-z0-9-]+)?(=[A-Za-z0-9.+~:*-]+)?");

    /** Python's \s matches Unicode whitespace and the separators U+001C to U+001F. */
    private static final Pattern WHITESPACE_THEN_HASH =
            Pattern.compile("[\\s\\x1c-\\x1f]#", Pattern.UNICODE_CHARACTER_CLASS);

    private static final Pattern WORD_STARTING_WITH_DASH =
            Pattern.compile("(^|\\s)-", Pattern.UNICODE_CHARACTER_CLASS);

    private InputRules() {}

    /** A line of resolved.condaExplicit: a URL of RFC 3986 characters, then its hash. */
    /** A pylock.toml package with a vcs source, as a table or an inline table. */
    static final Pattern PYLOCK_VCS =
            Pattern.compile("(?m)^\\s*(\\[\\s*packages\\s*\\.\\s*vcs\\s*\\]|vcs\\s*=)");

    private static final Pattern GIT_REFERENCE = Pattern.compile("(^|\\s@\\s*)git\\+");

    static final Pattern CONDA_EXPLICIT_LINE =
            Pattern.compile(
                    "((?:https://|http://)[A-Za-z0-9._~:/?\\[\\]@!&()*+,;=%-]+)"
                            + "(?:#(?:sha256:([0-9a-f]{64})|([0-9a-f]{32})))?");

    /** A line of resolved.condaLockedPip: a name, a URL of RFC 3986 characters, its sha256. */
    static final Pattern LOCKED_PIP_LINE =
            Pattern.compile(
                    "[a-z0-9]([a-z0-9-]*[a-z0-9])? @ (?:https://|http://)"
                            + "[A-Za-z0-9._~:/?\\[\\]@!&()*+,;=%-]+ --hash=sha256:[0-9a-f]{64}");

    static String specHash(String specHash) {
        if (specHash == null || !SPEC_HASH.matcher(specHash).matches()) {
            throw new IllegalArgumentException(
                    "spec hash must be 64 lower-case hex digits, got " + specHash);
        }
        return specHash;
    }

    static void debianPackage(String field, String name) {
        if (name == null || !DEBIAN_PACKAGE.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    field
                            + ": not a Debian package name (name[:arch][=version]): "
                            + printable(name));
        }
    }

    /**
     * A line of a pip requirements file, which pip and uv read with rules of their own: the file is
     * split into lines by Python's {@code str.splitlines} (which also breaks at VT, FF, FS, GS, RS,
     * NEL, U+2028 and U+2029), a backslash at the end joins the next line, {@code #} at the start
     * or after whitespace starts a comment, and from the first space-separated word that starts
     * with a dash on, the line is read as options ({@code -r}, {@code --index-url}, {@code
     * --hash}). A requirement with any of these would not mean what it says, so it is refused.
     * terrarium-conda writes the pip list of a conda build into such a file too, so the rule holds
     * for both managers. ({@code ${NAME}} with an upper-case NAME is expanded from the build's
     * environment by pip and uv; that is a documented feature of requirements files and is left
     * alone.)
     */
    static void requirementLine(String field, String requirement) {
        if (requirement == null || requirement.isBlank()) {
            throw new IllegalArgumentException(field + ": a requirement must not be empty");
        }
        if (requirement.codePoints().anyMatch(InputRules::breaksOrControls)) {
            throw new IllegalArgumentException(
                    field
                            + ": a requirement must be one line without control "
                            + "characters: "
                            + printable(requirement));
        }
        if (requirement.endsWith("\\")) {
            throw new IllegalArgumentException(
                    field
                            + ": a requirement must not end with a backslash, which joins "
                            + "lines: "
                            + printable(requirement));
        }
        if (requirement.strip().startsWith("#")
                || WHITESPACE_THEN_HASH.matcher(requirement).find()) {
            throw new IllegalArgumentException(
                    field
                            + ": '#' at the start or after whitespace starts a comment in "
                            + "a requirements file: "
                            + printable(requirement));
        }
        if (WORD_STARTING_WITH_DASH.matcher(requirement).find()) {
            throw new IllegalArgumentException(
                    field
                            + ": a word starting with '-' is read as an option in a "
                            + "requirements file: "
                            + printable(requirement));
        }
    }

    /** Line boundaries of Python's str.splitlines, and every other control character but tab. */
    private static boolean breaksOrControls(int c) {
        return (c < 0x20 && c != '\t') || c == 0x7f || c == 0x85 || c == 0x2028 || c == 0x2029;
    }

    /** A conda channel: a name, or a URL as the spec's rules accept it ({@link ChannelUrls}). */
    static void channel(String field, String channel) {
        nonBlank(field, channel);
        if (ChannelUrls.isUrl(channel)) {
            ChannelUrls.refusal(channel)
                    .ifPresent(
                            reason -> {
                                throw new IllegalArgumentException(
                                        field + ": " + printable(channel) + ": " + reason);
                            });
        }
    }

    /** An index URL as the spec's rules accept it ({@link PipIndexRules}), returned. */
    static String indexUrl(String field, String url) {
        PipIndexRules.refusal(url)
                .ifPresent(
                        reason -> {
                            throw new IllegalArgumentException(
                                    field + ": " + printable(url) + ": " + reason);
                        });
        return url;
    }

    static void nonBlank(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be empty");
        }
    }

    /** Command-line arguments are C strings: a NUL would cut the value short. */
    public static void argumentValue(String field, String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(field + " must not contain a NUL character");
        }
    }

    public static String printable(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("\"");
        value.codePoints()
                .forEach(
                        c -> {
                            if (c == '"' || c == '\\') {
                                out.append('\\').appendCodePoint(c);
                            } else if (c < 0x20 || c == 0x7f) {
                                out.append(String.format("\\u%04x", c));
                            } else {
                                out.appendCodePoint(c);
                            }
                        });
        return out.append('"').toString();
    }

    private static final Pattern HASH = Pattern.compile("(sha256|sha384|sha512):[0-9a-f]{64,128}");
    private static final Pattern REQUIREMENT_NAME =
            Pattern.compile("^[a-z0-9]([a-z0-9-]*[a-z0-9])?");
    private static final Pattern URL_LINE = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://\\S*");

    /**
     * What pipHashes keys a canonical requirement by: its name, or the URL of an unnamed direct
     * reference, which the line starts with.
     */
    private static String hashKey(String requirement) {
        Matcher url = URL_LINE.matcher(requirement);
        if (url.find()) {
            return url.group();
        }
        Matcher name = REQUIREMENT_NAME.matcher(requirement);
        return name.find() ? name.group() : null;
    }

    /**
     * The requirement lines with their {@code --hash} options, as hash-checking mode reads them:
     * every requirement needs hashes, each a checked algorithm and hex digest, so that no value can
     * add another option to the line.
     */
    static List<String> withHashes(List<String> requirements, Map<String, List<String>> hashes) {
        List<String> lines = new ArrayList<>();
        for (String requirement : requirements) {
            List<String> given = hashes.get(hashKey(requirement));
            if (given == null || given.isEmpty()) {
                throw new IllegalArgumentException(
                        "pipHashes: no hash for " + printable(requirement));
            }
            StringBuilder line = new StringBuilder(requirement);
            for (String hash : given) {
                if (hash == null || !HASH.matcher(hash).matches()) {
                    throw new IllegalArgumentException(
                            "pipHashes: not an algorithm:hex hash: " + printable(hash));
                }
                line.append(" --hash=").append(hash);
            }
            lines.add(line.toString());
        }
        return lines;
    }

    /**
     * A git+ssh URL that names its login: the login, then host, port and path up to the revision.
     */
    private static final Pattern SSH_LOGIN =
            Pattern.compile("git\\+ssh://([A-Za-z0-9._-]+)@([^\\s@#;]+)");

    /**
     * What puts back the logins of the git+ssh URLs of canonical requirement lines into a lock that
     * uv's freeze wrote without them: for each URL that names a login, the URL as the freeze writes
     * it, up to and with the {@code @} of its commit, and the same with the login. Ending at that
     * {@code @} keeps one repository from matching another whose path begins with its own.
     */
    static Map<String, String> sshLogins(List<String> lines) {
        Map<String, String> logins = new LinkedHashMap<>();
        for (String line : lines) {
            Matcher url = SSH_LOGIN.matcher(line);
            while (url.find()) {
                logins.put(
                        "git+ssh://" + url.group(2) + "@",
                        "git+ssh://" + url.group(1) + "@" + url.group(2) + "@");
            }
        }
        return logins;
    }

    /** Whether a canonical requirement line installs from a git repository. */
    static boolean isGitReference(String line) {
        return GIT_REFERENCE.matcher(line).find();
    }
}
