package dev.terrarium.api;

/**
 * The shapes of names and references shared by several fields, as schema patterns. The API server checks them at
 * apply; the operator checks the values it derives itself against the same patterns, so there is one definition of
 * each.
 */
public final class Patterns {

    /** A Kubernetes object name (DNS-1123 subdomain). */
    public static final String OBJECT_NAME = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    /** An image repository with its registry host: {@code host[:port]/path}, lower case, as pushed to. */
    public static final String REPOSITORY = "^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-]+[a-z0-9]+)*)+$";

    /** A tag: what follows the {@code :} of {@code repository:tag}. */
    public static final String TAG = "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$";

    /** An image to run: a repository (host optional), with an optional tag and an optional sha256 digest. */
    public static final String IMAGE = "^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-]+[a-z0-9]+)*)*"
            + "(:[\\w][\\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$";

    /** A content hash: 64 lower-case hex digits. */
    public static final String SPEC_HASH = "^[a-f0-9]{64}$";

    private Patterns() {
    }

    /** The pattern without its anchors, to be composed into a longer one. */
    public static String unanchored(String pattern) {
        return pattern.substring(1, pattern.length() - 1);
    }
}
