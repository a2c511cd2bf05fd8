package dev.terrarium.api;

/** Where an ImageBuild stands. */
public enum ImageBuildPhase {
    /** Waiting for a build slot, or for an equal build elsewhere to finish. */
    Queued,
    /** The build Job runs. */
    Running,
    /** The image exists in the registry; digest is set. */
    Succeeded,
    /** The build failed; final for this spec. */
    Failed
}
