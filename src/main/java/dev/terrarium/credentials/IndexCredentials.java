package dev.terrarium.credentials;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the Secrets that spec.pipIndexes and spec.channelCredentials name into the netrc file of a
 * build: one {@code machine} line per index or channel host, which uv, pip and rattler (the conda
 * installer) all read when {@code NETRC} names the file. A Secret holds {@code username} and {@code
 * password} (basic auth), or a {@code token}, sent as the password of the login {@value
 * #TOKEN_LOGIN} (or of {@code username} when the Secret has one), as token-based indexes accept it.
 * Pure: the caller reads the Secrets.
 *
 * <p>No message of this class ever holds a value of a Secret: only its name, its keys and the field
 * that names it.
 */
public final class IndexCredentials {

    public static final String USERNAME = "username";
    public static final String PASSWORD = "password";
    public static final String TOKEN = "token";

    /** The login a token is sent with when the Secret names none. */
    public static final String TOKEN_LOGIN = "__token__";

    /** The key of the build's netrc Secret, and the file name it is mounted as. */
    public static final String NETRC_KEY = "netrc";

    /**
     * The credentials one Secret gives for one index.
     *
     * @param field the spec field that names the Secret, for messages
     * @param url the index URL
     * @param secretName the Secret's name
     * @param data the Secret's data, base64-encoded as the API returns it
     */
    public record Source(String field, String url, String secretName, Map<String, String> data) {}

    private IndexCredentials() {}

    /**
     * Why a Secret's data cannot give credentials; empty when it can. The message names the field,
     * the Secret and the key, never a value.
     */
    public static Optional<String> problem(
            String field, String secretName, Map<String, String> data) {
        Map<String, String> values = decoded(data);
        String what = field + ": Secret " + secretName;
        boolean basic = values.containsKey(PASSWORD);
        if (!basic && !values.containsKey(TOKEN)) {
            return Optional.of(
                    what + " has neither the keys username and password nor the key token");
        }
        if (basic && !values.containsKey(USERNAME)) {
            return Optional.of(what + " has a password but no username");
        }
        for (String key : List.of(USERNAME, PASSWORD, TOKEN)) {
            String value = values.get(key);
            if (value == null) {
                continue;
            }
            if (value.isEmpty()) {
                return Optional.of(what + " has an empty " + key);
            }
            if (!netrcSafe(value)) {
                return Optional.of(
                        what
                                + ": the value of "
                                + key
                                + " holds white space, a quote, a backslash or a control "
                                + "character, which a netrc file cannot carry");
            }
        }
        return Optional.empty();
    }

    /**
     * The netrc text of the sources, one {@code machine} line per host, in the sources' order.
     *
     * @throws IllegalArgumentException when a source's Secret cannot give credentials, a URL has no
     *     host, or two sources give different credentials for one host; the message holds no value
     */
    public static String netrc(List<Source> sources) {
        Map<String, String> lines = new LinkedHashMap<>();
        Map<String, String> fieldOfHost = new LinkedHashMap<>();
        for (Source source : sources) {
            problem(source.field(), source.secretName(), source.data())
                    .ifPresent(
                            message -> {
                                throw new IllegalArgumentException(message);
                            });
            Map<String, String> values = decoded(source.data());
            String login;
            String password;
            if (values.containsKey(PASSWORD)) {
                login = values.get(USERNAME);
                password = values.get(PASSWORD);
            } else {
                login = values.getOrDefault(USERNAME, TOKEN_LOGIN);
                password = values.get(TOKEN);
            }
            String host = host(source.url());
            String line = "machine " + host + " login " + login + " password " + password + "\n";
            String previous = lines.putIfAbsent(host, line);
            if (previous != null && !previous.equals(line)) {
                throw new IllegalArgumentException(
                        source.field()
                                + ": Secret "
                                + source.secretName()
                                + " gives other credentials for host "
                                + host
                                + " than "
                                + fieldOfHost.get(host)
                                + "; a netrc file holds one login per host");
            }
            fieldOfHost.putIfAbsent(host, source.field());
        }
        return String.join("", lines.values());
    }

    /** The host of an index URL, as netrc names machines: lower case, without port. */
    public static String host(String url) {
        try {
            String host = new URI(url).getHost();
            if (host == null || host.isEmpty()) {
                throw new IllegalArgumentException("the URL has no host: " + url);
            }
            return host.toLowerCase(Locale.ROOT);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + url, e);
        }
    }

    private static Map<String, String> decoded(Map<String, String> data) {
        Map<String, String> values = new LinkedHashMap<>();
        if (data == null) {
            return values;
        }
        data.forEach(
                (key, value) -> {
                    if (value != null) {
                        try {
                            values.put(
                                    key,
                                    new String(
                                            Base64.getDecoder().decode(value),
                                            StandardCharsets.UTF_8));
                        } catch (IllegalArgumentException e) {
                            // Not base64: the API server never returns such data; the key counts as
                            // absent.
                        }
                    }
                });
        return values;
    }

    private static boolean netrcSafe(String value) {
        return value.codePoints()
                .noneMatch(
                        c ->
                                Character.isWhitespace(c)
                                        || Character.isISOControl(c)
                                        || c == '"'
                                        || c == '\\');
    }
}
