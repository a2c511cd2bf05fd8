package dev.terrarium.requirements;

import dev.terrarium.api.PipIndex;
import dev.terrarium.api.PipIndexes;
import dev.terrarium.api.ResolvedPipIndexes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The package indexes of a build: spec.pipIndexes and the index options written in its file merged,
 * each URL checked by one policy. The spec's entries come first, then the file's in the file's
 * order; a URL given twice counts once. One index replaces the default, so two different {@code
 * --index-url} values are refused, naming both places.
 *
 * <p>The URL policy is the schema's ({@link PipIndex}): https, or http to a loopback host only (a
 * node-local index or a test's; plain http to anything else can be tampered with on the way), RFC
 * 3986 characters without quotes, backslashes, backticks, {@code $} or spaces (the URL is written
 * into a requirements file, where pip expands {@code ${VAR}}), and no credentials in the URL: they
 * belong in a Secret, which only the spec can name.
 */
public final class PipIndexRules {

    /** Hosts that plain http may reach: they never leave the node. */
    static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "localhost", "[::1]");

    private static final String ALLOWED_PUNCTUATION = "-._~:/?#[]@!&()*+,;=%";
    private static final String SPEC = "spec.pipIndexes";
    private static final Pattern USERINFO =
            Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^/?#@\\s]*@");

    /** A token as the first segments of a URL's path, {@code /t/<token>}, after the host. */
    private static final Pattern TOKEN_PATH =
            Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://[^/?#\\s]+/t/)[^/?#\\s]+");

    /** A Secret spec.pipIndexes names for a package index, and where. */
    public record IndexSecret(String field, String url, String secretName) {}

    private PipIndexRules() {}

    /**
     * The merged indexes; null when neither the spec nor the file names any, so that an environment
     * without indexes resolves, and hashes, as it did before they existed.
     */
    static ResolvedPipIndexes merge(
            PipIndexes spec, List<IndexOption> fileOptions, List<Violation> violations) {
        String indexUrl = null;
        String indexUrlWhere = null;
        LinkedHashSet<String> extra = new LinkedHashSet<>();
        LinkedHashSet<String> findLinks = new LinkedHashSet<>();
        if (spec != null) {
            if (spec.getIndexUrl() != null) {
                indexUrl = checked(SPEC + ".indexUrl.url", spec.getIndexUrl(), violations);
                indexUrlWhere = SPEC + ".indexUrl";
            }
            addAll(SPEC + ".extraIndexUrls", spec.getExtraIndexUrls(), extra, violations);
            addAll(SPEC + ".findLinks", spec.getFindLinks(), findLinks, violations);
        }
        for (IndexOption option : fileOptions) {
            Optional<String> refusal = refusal(option.url());
            if (refusal.isPresent()) {
                SourcedText line = option.source();
                violations.add(
                        Violation.of(
                                new SourcedText(line.field(), line.where(), redacted(line.text())),
                                refusal.get()));
                continue;
            }
            switch (option.kind()) {
                case INDEX_URL -> {
                    if (indexUrl == null) {
                        indexUrl = option.url();
                        indexUrlWhere = option.source().where();
                    } else if (!indexUrl.equals(option.url())) {
                        violations.add(
                                Violation.of(
                                        option.source(),
                                        "a second index URL: "
                                                + indexUrlWhere
                                                + " already replaces the default index with "
                                                + Violation.quote(indexUrl)
                                                + ", and only one index can; list the others as "
                                                + "--extra-index-url"));
                    }
                }
                case EXTRA_INDEX_URL ->
                        addBounded(option, extra, SPEC + ".extraIndexUrls", violations);
                case FIND_LINKS -> addBounded(option, findLinks, SPEC + ".findLinks", violations);
            }
        }
        if (indexUrl == null && extra.isEmpty() && findLinks.isEmpty()) {
            return null;
        }
        ResolvedPipIndexes resolved = new ResolvedPipIndexes();
        resolved.setIndexUrl(indexUrl);
        resolved.setExtraIndexUrls(new ArrayList<>(extra));
        resolved.setFindLinks(new ArrayList<>(findLinks));
        return resolved;
    }

    /** Every Secret spec.pipIndexes names, with the URL it is for, in the spec's order. */
    public static List<IndexSecret> secrets(PipIndexes spec) {
        List<IndexSecret> secrets = new ArrayList<>();
        if (spec == null) {
            return secrets;
        }
        if (spec.getIndexUrl() != null && spec.getIndexUrl().getSecretName() != null) {
            secrets.add(
                    new IndexSecret(
                            SPEC + ".indexUrl.secretName",
                            spec.getIndexUrl().getUrl(),
                            spec.getIndexUrl().getSecretName()));
        }
        secretsOf(SPEC + ".extraIndexUrls", spec.getExtraIndexUrls(), secrets);
        secretsOf(SPEC + ".findLinks", spec.getFindLinks(), secrets);
        return secrets;
    }

    private static void secretsOf(String field, List<PipIndex> entries, List<IndexSecret> into) {
        if (entries == null) {
            return;
        }
        for (int i = 0; i < entries.size(); i++) {
            PipIndex entry = entries.get(i);
            if (entry != null && entry.getSecretName() != null) {
                into.add(
                        new IndexSecret(
                                field + "[" + i + "].secretName",
                                entry.getUrl(),
                                entry.getSecretName()));
            }
        }
    }

    /**
     * Why {@code url} cannot name a package index; empty when it can.
     *
     * @return a reason that reads after the URL it is about
     */
    public static Optional<String> refusal(String url) {
        return refusal(
                url,
                "index URLs",
                "environment variables are not expanded, and credentials go in "
                        + "spec.pipIndexes' secretName",
                "name a Secret in spec.pipIndexes' secretName");
    }

    /**
     * Why {@code url} cannot name a package index or channel; empty when it can.
     *
     * @param kind what the URL names, for messages: index or channel
     * @param secretsField the spec field whose secretName gives the URL's credentials
     * @return a reason that reads after the URL it is about
     */
    static Optional<String> refusal(String url, String kind, String secretsField) {
        return refusal(
                url,
                kind + " URLs",
                "environment variables are not expanded, and credentials go in "
                        + secretsField
                        + "' secretName",
                "name a Secret in " + secretsField + "' secretName");
    }

    /**
     * Why {@code url} cannot be fetched by a build, by the rule of index URLs: https, or http to
     * the loopback only; no credentials, no {@code file:}, only RFC 3986 characters. Lock files'
     * artifact URLs (conda explicit files, conda-lock.yml) follow the same rule.
     *
     * @param what what the URLs are, for the messages ("index URLs")
     * @param characterAdvice what follows a refused character
     * @param credentialsAdvice where credentials go instead
     * @return a reason that reads after the URL it is about
     */
    static Optional<String> refusal(
            String url, String what, String characterAdvice, String credentialsAdvice) {
        if (url == null || url.isEmpty()) {
            return Optional.of("the option needs a URL");
        }
        if (url.length() > PipIndex.MAX_URL_LENGTH) {
            return Optional.of("a URL longer than " + PipIndex.MAX_URL_LENGTH + " characters");
        }
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("file:")) {
            return Optional.of(
                    "file: URLs are not allowed: a build cannot read the user's files, only "
                            + "https "
                            + what);
        }
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (!Characters.isAsciiLetterOrDigit(c) && ALLOWED_PUNCTUATION.indexOf(c) < 0) {
                return Optional.of(
                        Violation.quote(String.valueOf(c))
                                + " is not allowed in "
                                + what
                                + " ("
                                + characterAdvice
                                + ")");
            }
        }
        int separator = url.indexOf("://");
        if (separator < 0) {
            return Optional.of(
                    "expected an https:// URL; local directories and paths are not "
                            + "available to a build");
        }
        String scheme = lower.substring(0, separator);
        int authorityStart = separator + 3;
        int authorityEnd = authorityStart;
        while (authorityEnd < url.length() && "/?#".indexOf(url.charAt(authorityEnd)) < 0) {
            authorityEnd++;
        }
        String authority = url.substring(authorityStart, authorityEnd);
        if (authority.indexOf('@') >= 0) {
            return Optional.of("credentials in URLs are not allowed: " + credentialsAdvice);
        }
        if (authority.isEmpty()) {
            return Optional.of("the URL has no host");
        }
        if (scheme.equals("https")) {
            return Optional.empty();
        }
        if (scheme.equals("http") && LOOPBACK_HOSTS.contains(host(authority))) {
            return Optional.empty();
        }
        return Optional.of(
                what
                        + " must start with https:// (http:// only to 127.0.0.1, localhost or "
                        + "[::1]: plain http can be tampered with on the way)");
    }

    /**
     * {@code text} with the user information of every URL in it, and a token that starts its path
     * ({@code /t/<token>}), replaced by {@code ***}: a refusal quotes what it refuses, and a
     * password or token written into a URL must not reach the Environment's status.
     */
    static String redacted(String text) {
        return TOKEN_PATH.matcher(USERINFO.matcher(text).replaceAll("$1***@")).replaceAll("$1***");
    }

    /**
     * Why a URL's path cannot start with a token, as anaconda.org and quetz take it ({@code
     * https://host/t/<token>/…}); empty when it does not. A token there would reach the status, the
     * ImageBuild and the lock.
     */
    static Optional<String> tokenRefusal(String url) {
        if (!TOKEN_PATH.matcher(url).find()) {
            return Optional.empty();
        }
        return Optional.of(
                "a token in the URL (/t/<token>/) would show in the status and the lock: write the "
                        + "URL without it and name a Secret with the token in "
                        + ChannelUrls.CREDENTIALS
                        + ", scheme CondaToken");
    }

    /** The host of an authority without user information: what precedes the port. */
    static String host(String authority) {
        String lower = authority.toLowerCase(Locale.ROOT);
        if (lower.startsWith("[")) {
            int end = lower.indexOf(']');
            return end < 0 ? lower : lower.substring(0, end + 1);
        }
        int colon = lower.indexOf(':');
        return colon < 0 ? lower : lower.substring(0, colon);
    }

    private static String checked(String field, PipIndex entry, List<Violation> violations) {
        String url = entry.getUrl();
        Optional<String> refusal = refusal(url);
        if (refusal.isPresent()) {
            violations.add(
                    new Violation(
                            field,
                            field
                                    + " "
                                    + Violation.quote(url == null ? "" : redacted(url))
                                    + ": "
                                    + refusal.get()));
            return null;
        }
        return url;
    }

    private static void addAll(
            String field, List<PipIndex> entries, Set<String> into, List<Violation> violations) {
        if (entries == null) {
            return;
        }
        if (entries.size() > PipIndexes.MAX_ENTRIES) {
            violations.add(Violation.of(field, "at most " + PipIndexes.MAX_ENTRIES + " entries"));
            return;
        }
        for (int i = 0; i < entries.size(); i++) {
            PipIndex entry = entries.get(i);
            if (entry == null) {
                violations.add(Violation.of(field + "[" + i + "]", "an entry needs a url"));
                continue;
            }
            String url = checked(field + "[" + i + "].url", entry, violations);
            if (url != null) {
                into.add(url);
            }
        }
    }

    private static void addBounded(
            IndexOption option, Set<String> into, String field, List<Violation> violations) {
        if (into.contains(option.url())) {
            return;
        }
        if (into.size() == PipIndexes.MAX_ENTRIES) {
            violations.add(
                    Violation.of(
                            option.source(),
                            "more than "
                                    + PipIndexes.MAX_ENTRIES
                                    + " "
                                    + option.kind().option()
                                    + " URLs, with "
                                    + field));
            return;
        }
        into.add(option.url());
    }
}
