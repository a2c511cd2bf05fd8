package dev.terrarium.api;

/**
 * The shapes of names and references shared by several fields, as schema patterns. The API server
 * checks them at apply; the operator checks the values it derives itself against the same patterns,
 * so there is one definition of each.
 */
public final class Patterns {

    /** A Kubernetes object name (DNS-1123 subdomain). */
    public static final String OBJECT_NAME =
            "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    /**
     * An image repository with its registry host: {@code host[:port]/path}, lower case, as pushed
     * to.
     */
    public static final String REPOSITORY =
            "^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-]+[a-z0-9]+)*)+$";

    /** A tag: what follows the {@code :} of {@code repository:tag}. */
    public static final String TAG = "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$";

    /**
     * An image to run: a repository (host optional), with an optional tag and an optional sha256
     * digest.
     */
    public static final String IMAGE =
            "^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-]+[a-z0-9]+)*)*"
                    + "(:[\\w][\\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$";

    /** A content hash: 64 lower-case hex digits. */
    public static final String SPEC_HASH = "^[a-f0-9]{64}$";

    private static final String RESOURCE_NAME =
            "k in ['cpu', 'memory', 'ephemeral-storage'] "
                    + "|| k.startsWith('hugepages-') || k.contains('/')";

    /**
     * A duration such as 30m or 1h30m, each part short enough that no sum of them overflows a Go
     * duration.
     */
    public static final String DURATION = "^([0-9]{1,6}h)?([0-9]{1,7}m)?([0-9]{1,9}s)?$";

    /**
     * CEL: a build.timeout is longer than zero and at most a day, so the Job's deadline never
     * overflows.
     */
    public static final String TIMEOUT_BOUNDS =
            "duration(self) > duration('0s') && duration(self) <= duration('24h')";

    /** CEL on a ResourceRequirements: every resource is one that containers can ask for. */
    public static final String RESOURCE_NAMES =
            "(!has(self.requests) || self.requests.all(k, "
                    + RESOURCE_NAME
                    + "))"
                    + " && (!has(self.limits) || self.limits.all(k, "
                    + RESOURCE_NAME
                    + "))";

    /**
     * A Kubernetes quantity greater than zero, written as a string: Kubernetes' own quantity syntax
     * without a sign other than +, with a digit other than 0 in its number. A pattern, not CEL: the
     * API server estimates the cost of CEL's quantity() over an int-or-string value as if it were
     * megabytes long, and refuses such a rule.
     */
    public static final String POSITIVE_QUANTITY =
            "^\\+?([0-9]*[1-9][0-9]*(\\.[0-9]*)?|[0-9]*\\.[0-9]*[1-9][0-9]*)"
                    + "(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?[0-9]+))?$";

    /** CEL on a ResourceRequirements: no cpu or memory request exceeds its limit. */
    public static final String REQUESTS_WITHIN_LIMITS =
            "!has(self.requests) || !has(self.limits) "
                    + "|| ['cpu', 'memory'].all(r, !(r in self.requests) || !(r in self.limits) "
                    + "|| !isQuantity(string(self.requests[r])) || !isQuantity(string(self.limits[r])) "
                    + "|| quantity(string(self.requests[r])).compareTo(quantity(string(self.limits[r]))) <= 0)";

    /** A DNS-1123 label: a volume's name. */
    public static final String LABEL_NAME = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

    /** A key of a ConfigMap or Secret. */
    public static final String DATA_KEY = "^[-._a-zA-Z0-9]+$";

    /** An absolute path without empty elements or a trailing /, and not / itself. */
    public static final String ABSOLUTE_PATH = "^(/[^/]+)+$";

    /** A relative path without empty elements or a trailing /. */
    public static final String RELATIVE_PATH = "^[^/]+(/[^/]+)*$";

    /** CEL on a path: no {@code .} or {@code ..} element, so it means what it says. */
    public static final String NO_DOT_DOT = "!self.matches('(^|/)[.][.]?(/|$)')";

    /**
     * Where an Environment's image keeps its environment (the venv, the conda prefix, Terrarium's
     * own files and lock), as the build context lays it out. A volume mounted there, over it or
     * under it would hide or replace what the image was built with.
     */
    public static final String ENVIRONMENT_PREFIXES =
            "['/opt/venv', '/opt/conda', '/opt/terrarium']";

    /**
     * CEL on a mount path: neither one of the environment's prefixes, nor inside, nor above one.
     */
    public static final String OUTSIDE_ENVIRONMENT_PREFIXES =
            ENVIRONMENT_PREFIXES
                    + ".all(p, self != p && !self.startsWith(p + '/') && !p.startsWith(self + '/'))";

    private Patterns() {}

    /** The pattern without its anchors, to be composed into a longer one. */
    public static String unanchored(String pattern) {
        return pattern.substring(1, pattern.length() - 1);
    }
}
