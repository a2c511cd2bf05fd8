package dev.terrarium.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * What a client presents to a registry: nothing (anonymous), a user name and password, or an
 * identity token (an OAuth2 refresh token, as {@code docker login} stores for registries that issue
 * one).
 *
 * <p>{@link #toString()} never shows a secret, so credentials can appear in log lines and exception
 * messages.
 *
 * @param username user name, or {@code null}
 * @param password password, or {@code null}
 * @param identityToken refresh token for the bearer token endpoint, or {@code null}
 */
public record Credentials(String username, String password, String identityToken) {

    /** No credentials: the registry decides what an anonymous client may read. */
    public static final Credentials ANONYMOUS = new Credentials(null, null, null);

    /**
     * A user name and password, used for basic auth and to authenticate at a bearer token endpoint.
     */
    public static Credentials basic(String username, String password) {
        if (username == null || username.isEmpty()) {
            throw new IllegalArgumentException("basic credentials need a user name");
        }
        return new Credentials(username, password == null ? "" : password, null);
    }

    /** An identity (refresh) token, exchanged at the token endpoint for access tokens. */
    public static Credentials identityToken(String username, String identityToken) {
        if (identityToken == null || identityToken.isEmpty()) {
            throw new IllegalArgumentException("empty identity token");
        }
        return new Credentials(username, null, identityToken);
    }

    /** Whether these are no credentials at all. */
    public boolean isAnonymous() {
        return !hasPassword() && !hasIdentityToken();
    }

    /** Whether a user name and password are present. */
    public boolean hasPassword() {
        return username != null && !username.isEmpty() && password != null;
    }

    /** Whether an identity token is present. */
    public boolean hasIdentityToken() {
        return identityToken != null && !identityToken.isEmpty();
    }

    /** The value of an {@code Authorization: Basic} header for these credentials. */
    String basicAuthorization() {
        if (!hasPassword()) {
            throw new IllegalStateException("no user name and password");
        }
        String pair = username + ":" + password;
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A one-way digest of the secret parts: cached tokens are keyed by it, so a token that one
     * secret obtained is never handed to a caller holding another, and the cache holds no secret in
     * clear.
     */
    String fingerprint() {
        if (isAnonymous()) {
            return "anonymous";
        }
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {username, password, identityToken}) {
                sha256.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
                sha256.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
        }
    }

    @Override
    public String toString() {
        if (isAnonymous()) {
            return "Credentials[anonymous]";
        }
        return "Credentials[username="
                + username
                + (hasPassword() ? ", password=***" : "")
                + (hasIdentityToken() ? ", identityToken=***" : "")
                + "]";
    }
}
