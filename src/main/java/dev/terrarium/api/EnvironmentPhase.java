package dev.terrarium.api;

/** Where an Environment stands. */
public enum EnvironmentPhase {
    /** Accepted, no build decided yet. */
    Pending,
    /** A build of the current spec is queued or running. */
    Building,
    /** The image of the current spec is built and pushed. */
    Ready,
    /**
     * The build of the current spec failed; it is not retried until the spec or the rebuild
     * annotation changes.
     */
    Failed,
    /** The spec is refused; nothing is built for it. */
    Invalid
}
