package dev.terrarium.registry;

/**
 * A registry request that did not give an answer the caller can use: an HTTP error other than "not
 * found", an authentication that failed, a transport failure, or content that failed verification.
 *
 * <p>{@link #status()} is the HTTP status when the registry (or its token endpoint) answered, else
 * {@link #NO_STATUS}. {@link #errorCode()} and {@link #registryMessage()} come from the
 * distribution API's error body ({@code {"errors":[{"code":"UNAUTHORIZED","message":"authentication
 * required"}]}}) or a token endpoint's error, when there was one.
 */
public class RegistryException extends RuntimeException {

    /** {@link #status()} when no HTTP response was received or the failure was not an HTTP one. */
    public static final int NO_STATUS = -1;

    private final String registry;
    private final int status;
    private final String errorCode;
    private final String registryMessage;

    /**
     * An HTTP failure with the registry's own error code and message, either of which may be {@code
     * null}.
     */
    public RegistryException(
            String registry, String message, int status, String errorCode, String registryMessage) {
        super(message);
        this.registry = registry;
        this.status = status;
        this.errorCode = errorCode;
        this.registryMessage = registryMessage;
    }

    /**
     * A failure without an HTTP status: transport errors, malformed or unverifiable content,
     * limits.
     */
    public RegistryException(String registry, String message, Throwable cause) {
        super(message, cause);
        this.registry = registry;
        this.status = NO_STATUS;
        this.errorCode = null;
        this.registryMessage = null;
    }

    /** The registry host ({@code host[:port]}) the request went to. */
    public String registry() {
        return registry;
    }

    /** The HTTP status, or {@link #NO_STATUS}. */
    public int status() {
        return status;
    }

    /**
     * The first error code of the registry's error body, e.g. {@code UNAUTHORIZED}, or {@code
     * null}.
     */
    public String errorCode() {
        return errorCode;
    }

    /** The registry's error message(s), or {@code null}. */
    public String registryMessage() {
        return registryMessage;
    }

    /** Whether the registry refused the credentials or their access (401 or 403). */
    public boolean isAuthenticationFailure() {
        return status == 401 || status == 403;
    }
}
