package dev.terrarium.credentials;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.terrarium.api.ChannelAuthScheme;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * Turns the Secrets that spec.pipIndexes and spec.channelCredentials name into the credentials
 * files of a build: for the package indexes, a netrc file, one {@code machine} line per host, which
 * uv and pip read when {@code NETRC} names it; for the conda channels, the authentication file of
 * rattler (the conda installer), a JSON object of host to credentials, which is how rattler takes a
 * bearer token or an anaconda.org-style {@code /t/<token>/} token, and which rattler reads before
 * any netrc. A Secret holds {@code username} and {@code password} (basic auth), or a {@code token},
 * sent with basic auth as the password of the login {@value #TOKEN_LOGIN} (or of {@code username}
 * when the Secret has one), as token-based indexes accept it, or as the channel's scheme says.
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
     * The key of the conda channels' authentication file in the build's credentials Secret, and the
     * file name it is mounted as.
     */
    public static final String CONDA_AUTH_KEY = "conda-auth.json";

    /** What a token sent in a URL's path may hold: the characters a path segment takes as is. */
    private static final Pattern PATH_SAFE = Pattern.compile("[A-Za-z0-9._~-]+");

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The credentials one Secret gives for one index or channel.
     *
     * @param field the spec field that names the Secret, for messages
     * @param url the index or channel URL
     * @param secretName the Secret's name
     * @param data the Secret's data, base64-encoded as the API returns it
     * @param scheme how a channel takes them; null for a package index, which takes basic auth
     */
    public record Source(
            String field,
            String url,
            String secretName,
            Map<String, String> data,
            ChannelAuthScheme scheme) {

        /** A package index's credentials. */
        public Source(String field, String url, String secretName, Map<String, String> data) {
            this(field, url, secretName, data, null);
        }

        boolean tokenOnly() {
            return IndexCredentials.tokenOnly(scheme);
        }
    }

    private IndexCredentials() {}

    /**
     * Why a Secret's data cannot give credentials; empty when it can. The message names the field,
     * the Secret and the key, never a value.
     */
    public static Optional<String> problem(
            String field, String secretName, Map<String, String> data) {
        return problem(field, secretName, data, null);
    }

    /** Whether the scheme sends the Secret's token alone, not as a basic-auth password. */
    private static boolean tokenOnly(ChannelAuthScheme scheme) {
        return scheme == ChannelAuthScheme.Bearer || scheme == ChannelAuthScheme.CondaToken;
    }

    /**
     * Why a Secret's data cannot give credentials of the scheme (null: basic auth, as an index
     * takes it); empty when it can. The message names the field, the Secret and the key, never a
     * value.
     */
    public static Optional<String> problem(
            String field, String secretName, Map<String, String> data, ChannelAuthScheme scheme) {
        Map<String, String> values = decoded(data);
        String what = field + ": Secret " + secretName;
        if (tokenOnly(scheme)) {
            if (!values.containsKey(TOKEN)) {
                return Optional.of(
                        what + " has no key token, which the scheme " + scheme + " sends");
            }
            Optional<String> problem = valueProblem(what, values, TOKEN);
            if (problem.isEmpty()
                    && scheme == ChannelAuthScheme.CondaToken
                    && !PATH_SAFE.matcher(values.get(TOKEN)).matches()) {
                return Optional.of(
                        what
                                + ": the scheme CondaToken puts the token in the URL path, so it "
                                + "may hold only letters, digits, '-', '.', '_' and '~'");
            }
            return problem;
        }
        boolean basic = values.containsKey(PASSWORD);
        if (!basic && !values.containsKey(TOKEN)) {
            return Optional.of(
                    what + " has neither the keys username and password nor the key token");
        }
        if (basic && !values.containsKey(USERNAME)) {
            return Optional.of(what + " has a password but no username");
        }
        for (String key : List.of(USERNAME, PASSWORD, TOKEN)) {
            Optional<String> problem = valueProblem(what, values, key);
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    /**
     * Why the value of a key cannot be sent: empty, or holding a character that a netrc file cannot
     * carry and no header or URL should; empty when the key is absent or its value fits.
     */
    private static Optional<String> valueProblem(
            String what, Map<String, String> values, String key) {
        String value = values.get(key);
        if (value == null) {
            return Optional.empty();
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
        return Optional.empty();
    }

    /**
     * The netrc text of the sources, one {@code machine} line per host, in the sources' order.
     *
     * @throws IllegalArgumentException when a source's Secret cannot give credentials, a URL has no
     *     host, or two sources give different credentials for one host; the message holds no value
     */
    public static String netrc(List<Source> sources) {
        Map<String, String> lines =
                byHost(
                        sources,
                        "a netrc file holds one login per host",
                        (source, login) ->
                                "machine "
                                        + host(source.url())
                                        + " login "
                                        + login[0]
                                        + " password "
                                        + login[1]
                                        + "\n");
        return String.join("", lines.values());
    }

    /**
     * The authentication file of rattler for the channel sources: a JSON object of host to {@code
     * {"BasicHTTP": {"username", "password"}}}, {@code {"BearerToken": token}} or {@code
     * {"CondaToken": token}}, which rattler sends as basic auth, as a bearer header or as the
     * {@code /t/<token>/} of the URL's path. {@code {}} without sources.
     *
     * @throws IllegalArgumentException as {@link #netrc}
     */
    public static String condaAuthFile(List<Source> sources) {
        Map<String, ObjectNode> entries =
                byHost(
                        sources,
                        "the conda installer takes one set of credentials per host",
                        (source, login) -> {
                            ObjectNode entry = JSON.createObjectNode();
                            if (source.scheme() == ChannelAuthScheme.Bearer) {
                                entry.put("BearerToken", login[1]);
                            } else if (source.scheme() == ChannelAuthScheme.CondaToken) {
                                entry.put("CondaToken", login[1]);
                            } else {
                                entry.putObject("BasicHTTP")
                                        .put("username", login[0])
                                        .put("password", login[1]);
                            }
                            return entry;
                        });
        ObjectNode file = JSON.createObjectNode();
        file.setAll(entries);
        return file.toString();
    }

    /**
     * One entry per host, made from the source's login and password (the token as the password):
     * the first source of a host gives it, and another source of that host must give the same.
     */
    private static <T> Map<String, T> byHost(
            List<Source> sources, String why, BiFunction<Source, String[], T> entry) {
        Map<String, T> entries = new LinkedHashMap<>();
        Map<String, String> fieldOfHost = new LinkedHashMap<>();
        for (Source source : sources) {
            problem(source.field(), source.secretName(), source.data(), source.scheme())
                    .ifPresent(
                            message -> {
                                throw new IllegalArgumentException(message);
                            });
            Map<String, String> values = decoded(source.data());
            String[] login;
            if (source.tokenOnly()) {
                login = new String[] {null, values.get(TOKEN)};
            } else if (values.containsKey(PASSWORD)) {
                login = new String[] {values.get(USERNAME), values.get(PASSWORD)};
            } else {
                login =
                        new String[] {
                            values.getOrDefault(USERNAME, TOKEN_LOGIN), values.get(TOKEN)
                        };
            }
            String host = host(source.url());
            T made = entry.apply(source, login);
            T previous = entries.putIfAbsent(host, made);
            if (previous != null && !previous.equals(made)) {
                throw new IllegalArgumentException(
                        source.field()
                                + ": Secret "
                                + source.secretName()
                                + " gives other credentials for host "
                                + host
                                + " than "
                                + fieldOfHost.get(host)
                                + "; "
                                + why);
            }
            fieldOfHost.putIfAbsent(host, source.field());
        }
        return entries;
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
