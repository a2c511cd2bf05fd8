package dev.terrarium.requirements;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Terrarium's own rules for the URL of a {@code name @ url} requirement, stricter than PEP 508 on
 * purpose: the URL is fetched by the build and written into generated files, so only https,
 * git-over-https and git-over-ssh URLs are accepted (plain http and git over http only to a
 * loopback host, by the rule of package index URLs), made of RFC 3986 characters without quotes,
 * backslashes, backticks, {@code $} or spaces, and without credentials (a git+ssh URL names its
 * login, {@code git@host}, and nothing more: the key comes from spec.gitSshSecretName). A {@code
 * file:} URL is refused: it would name a file of the build pod, never one of the user's.
 */
final class Pep508UrlPolicy {

    private static final String GIT_SSH = "git+ssh";

    /**
     * Plain http and git+http are refused but to a loopback host: what comes back over them can be
     * replaced on the way, and nothing else in the build would notice. ssh checks the server's host
     * key.
     */
    static final List<String> SCHEMES = List.of("https", "git+https", GIT_SSH);

    /** A canonical requirement line that clones over SSH: a URL of its own, or after " @ ". */
    private static final Pattern GIT_SSH_REFERENCE = Pattern.compile("(^|\\s@\\s*)git\\+ssh://");

    /** An SSH login: what {@code git@} is in {@code git+ssh://git@github.com/org/repo}. */
    private static final Pattern SSH_LOGIN = Pattern.compile("[A-Za-z0-9._-]+");

    private static final List<String> LOOPBACK_ONLY_SCHEMES = List.of("http", "git+http");
    private static final String SCHEME_RULE =
            "URLs must start with https://, git+https:// or git+ssh:// (http:// and git+http:// "
                    + "only to 127.0.0.1, localhost or [::1]: plain http can be tampered with on the "
                    + "way)";

    private static final String ALLOWED_PUNCTUATION = "-._~:/?#[]@!&()*+,;=%";

    private Pep508UrlPolicy() {}

    /**
     * Refuses a URL that breaks the rules.
     *
     * @param start 0-based index of the URL in the requirement, for the error column
     */
    static void check(String url, int start) {
        int separator = url.indexOf("://");
        String scheme = separator < 0 ? "" : url.substring(0, separator);
        if (url.regionMatches(true, 0, "file:", 0, 5)
                || url.regionMatches(true, 0, "git+file:", 0, 9)) {
            throw SpecSyntaxException.deliberate(
                    "file: URLs are not allowed: a build cannot read the user's files, "
                            + "only web and git URLs",
                    start + 1);
        }
        if (!SCHEMES.contains(scheme) && !LOOPBACK_ONLY_SCHEMES.contains(scheme)) {
            throw SpecSyntaxException.deliberate(SCHEME_RULE, start + 1);
        }
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (!Characters.isAsciiLetterOrDigit(c) && ALLOWED_PUNCTUATION.indexOf(c) < 0) {
                throw SpecSyntaxException.deliberate(
                        "\"" + c + "\" is not allowed in a URL", start + i + 1);
            }
            if (c == '%'
                    && !(i + 2 < url.length()
                            && isHex(url.charAt(i + 1))
                            && isHex(url.charAt(i + 2)))) {
                throw SpecSyntaxException.deliberate(
                        "\"%\" in a URL must start a %XX escape", start + i + 1);
            }
        }
        int authorityStart = separator + 3;
        int authorityEnd = authorityStart;
        while (authorityEnd < url.length() && "/?#".indexOf(url.charAt(authorityEnd)) < 0) {
            authorityEnd++;
        }
        String authority = url.substring(authorityStart, authorityEnd);
        int login = authority.lastIndexOf('@');
        if (scheme.equals(GIT_SSH)
                && login > 0
                && SSH_LOGIN.matcher(authority.substring(0, login)).matches()) {
            authorityStart += login + 1;
            authority = authority.substring(login + 1);
        }
        if (authority.indexOf('@') >= 0) {
            throw SpecSyntaxException.deliberate(
                    "credentials in URLs are not allowed", start + authorityStart + 1);
        }
        if (authority.isEmpty()) {
            throw SpecSyntaxException.deliberate("the URL has no host", start + authorityStart + 1);
        }
        if (LOOPBACK_ONLY_SCHEMES.contains(scheme)
                && !PipIndexRules.LOOPBACK_HOSTS.contains(PipIndexRules.host(authority))) {
            throw SpecSyntaxException.deliberate(SCHEME_RULE, start + 1);
        }
    }

    /** Whether a canonical requirement line clones a git repository over SSH. */
    static boolean isGitSsh(String line) {
        return GIT_SSH_REFERENCE.matcher(line).find();
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
