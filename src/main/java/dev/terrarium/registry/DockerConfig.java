package dev.terrarium.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Registry credentials from a Docker config, as held by a {@code kubernetes.io/dockerconfigjson}
 * Secret under {@code .dockerconfigjson} (or a legacy {@code kubernetes.io/dockercfg} Secret under
 * {@code .dockercfg}).
 *
 * <p>Each entry of {@code auths} is keyed by a registry host, possibly written as a URL ({@code
 * https://index.docker.io/v1/}). An entry carries {@code auth} (base64 of {@code user:password}),
 * or {@code username} and {@code password}, and optionally {@code identitytoken}. Lookup follows
 * the kubelet: host names compare case-insensitively, a {@code *} label matches exactly one label,
 * and ports must be equal (a key without a port matches only references without one).
 */
public final class DockerConfig {

    /** Secret type whose data holds {@link #DOCKER_CONFIG_JSON_KEY}. */
    public static final String DOCKER_CONFIG_JSON_TYPE = "kubernetes.io/dockerconfigjson";

    /** Data key of a {@link #DOCKER_CONFIG_JSON_TYPE} Secret. */
    public static final String DOCKER_CONFIG_JSON_KEY = ".dockerconfigjson";

    /** Legacy Secret type whose data holds {@link #DOCKERCFG_KEY}. */
    public static final String DOCKERCFG_TYPE = "kubernetes.io/dockercfg";

    /**
     * Data key of a {@link #DOCKERCFG_TYPE} Secret: the {@code auths} map without the wrapper
     * object.
     */
    public static final String DOCKERCFG_KEY = ".dockercfg";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Credentials> credentialsByRegistry;

    private DockerConfig(Map<String, Credentials> credentialsByRegistry) {
        this.credentialsByRegistry = Collections.unmodifiableMap(credentialsByRegistry);
    }

    /** A config with no credentials: every registry is accessed anonymously. */
    public static DockerConfig empty() {
        return new DockerConfig(new LinkedHashMap<>());
    }

    /**
     * Parses the JSON of a {@code .dockerconfigjson} ({@code {"auths": {...}}}) or of a legacy
     * {@code .dockercfg} (the same map at top level).
     *
     * @throws IllegalArgumentException if the JSON or an entry is malformed; the message names the
     *     registry key but never a secret
     */
    public static DockerConfig parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            // The parser's message quotes the offending input, which may be a secret.
            String where =
                    e.getLocation() == null
                            ? ""
                            : " (line "
                                    + e.getLocation().getLineNr()
                                    + ", column "
                                    + e.getLocation().getColumnNr()
                                    + ")";
            throw new IllegalArgumentException("docker config is not valid JSON" + where);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("docker config is not a JSON object");
        }
        JsonNode auths = root.has("auths") ? root.get("auths") : root;
        if (!auths.isObject()) {
            throw new IllegalArgumentException("docker config 'auths' is not a JSON object");
        }
        Map<String, Credentials> credentials = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : auths.properties()) {
            String key = normaliseKey(field.getKey());
            if (key.isEmpty()) {
                throw new IllegalArgumentException("docker config has an empty registry key");
            }
            credentials.put(key, entryCredentials(field.getKey(), field.getValue()));
        }
        return new DockerConfig(credentials);
    }

    /**
     * Reads a pull or push Secret of type {@value #DOCKER_CONFIG_JSON_TYPE} or {@value
     * #DOCKERCFG_TYPE}, from its {@code data} (base64) or, for a Secret not yet stored, its {@code
     * stringData}.
     *
     * @throws IllegalArgumentException if the Secret has another type or lacks its key
     */
    public static DockerConfig fromSecret(Secret secret) {
        String name = secret.getMetadata() == null ? "?" : secret.getMetadata().getName();
        String key;
        if (DOCKER_CONFIG_JSON_TYPE.equals(secret.getType())) {
            key = DOCKER_CONFIG_JSON_KEY;
        } else if (DOCKERCFG_TYPE.equals(secret.getType())) {
            key = DOCKERCFG_KEY;
        } else {
            throw new IllegalArgumentException(
                    "Secret "
                            + name
                            + " has type '"
                            + secret.getType()
                            + "', expected "
                            + DOCKER_CONFIG_JSON_TYPE);
        }
        String json = null;
        if (secret.getData() != null && secret.getData().get(key) != null) {
            json =
                    new String(
                            decodeBase64(
                                    secret.getData().get(key), "Secret " + name + " data " + key),
                            StandardCharsets.UTF_8);
        } else if (secret.getStringData() != null) {
            json = secret.getStringData().get(key);
        }
        if (json == null) {
            throw new IllegalArgumentException("Secret " + name + " has no " + key);
        }
        try {
            return parse(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Secret " + name + ": " + e.getMessage(), e);
        }
    }

    /** Registry keys present in the config, normalised to {@code host[:port]}. */
    public Set<String> registries() {
        return credentialsByRegistry.keySet();
    }

    /**
     * The credentials for a registry host ({@code host[:port]}, as in {@link
     * ImageReference#registry()}): an exact key first, else the first wildcard key that matches.
     */
    public Optional<Credentials> credentialsFor(String registry) {
        String target = ImageReference.normaliseRegistry(registry);
        Credentials exact = credentialsByRegistry.get(target);
        if (exact != null) {
            return Optional.of(exact);
        }
        for (var entry : credentialsByRegistry.entrySet()) {
            if (entry.getKey().contains("*") && hostPatternMatches(entry.getKey(), target)) {
                return Optional.of(entry.getValue());
            }
        }
        return Optional.empty();
    }

    /** The credentials for the image's registry, or {@link Credentials#ANONYMOUS}. */
    public Credentials credentialsFor(ImageReference image) {
        return credentialsFor(image.registry()).orElse(Credentials.ANONYMOUS);
    }

    @Override
    public String toString() {
        return "DockerConfig" + credentialsByRegistry;
    }

    private static Credentials entryCredentials(String key, JsonNode entry) {
        if (!entry.isObject()) {
            throw new IllegalArgumentException(
                    "docker config entry for '" + key + "' is not a JSON object");
        }
        String username = text(entry, "username");
        String password = text(entry, "password");
        String auth = text(entry, "auth");
        String identityToken = text(entry, "identitytoken");
        if (auth != null && !auth.isEmpty()) {
            byte[] decoded = decodeBase64(auth, "docker config 'auth' of '" + key + "'");
            String pair = new String(decoded, StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException(
                        "docker config 'auth' of '" + key + "' does not decode to user:password");
            }
            username = pair.substring(0, colon);
            password = pair.substring(colon + 1);
        }
        if (identityToken != null && !identityToken.isEmpty()) {
            return Credentials.identityToken(username, identityToken);
        }
        if (username == null || username.isEmpty()) {
            return Credentials.ANONYMOUS;
        }
        return Credentials.basic(username, password);
    }

    private static String text(JsonNode entry, String field) {
        JsonNode value = entry.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static byte[] decodeBase64(String value, String what) {
        try {
            return Base64.getDecoder().decode(value.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not valid base64");
        }
    }

    /** Reduces {@code https://Host:5000/v1/} and the like to {@code host:5000}. */
    static String normaliseKey(String key) {
        String host = key.trim();
        int scheme = host.indexOf("://");
        if (scheme >= 0) {
            host = host.substring(scheme + 3);
        }
        int slash = host.indexOf('/');
        if (slash >= 0) {
            host = host.substring(0, slash);
        }
        return ImageReference.normaliseRegistry(host.toLowerCase(Locale.ROOT));
    }

    private static boolean hostPatternMatches(String pattern, String target) {
        String[] patternHostPort = splitPort(pattern);
        String[] targetHostPort = splitPort(target);
        if (!patternHostPort[1].equals(targetHostPort[1])) {
            return false;
        }
        String[] patternLabels = patternHostPort[0].split("\\.", -1);
        String[] targetLabels = targetHostPort[0].split("\\.", -1);
        if (patternLabels.length != targetLabels.length) {
            return false;
        }
        for (int i = 0; i < patternLabels.length; i++) {
            String regex = ("\\Q" + patternLabels[i] + "\\E").replace("*", "\\E[^.]*\\Q");
            if (!targetLabels[i].matches(regex)) {
                return false;
            }
        }
        return true;
    }

    private static String[] splitPort(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon > hostPort.lastIndexOf(']')) {
            return new String[] {hostPort.substring(0, colon), hostPort.substring(colon + 1)};
        }
        return new String[] {hostPort, ""};
    }
}
