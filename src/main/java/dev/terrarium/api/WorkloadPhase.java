package dev.terrarium.api;

/** Where a Workload stands. */
public enum WorkloadPhase {
    /** The Environment has no good image yet, or does not exist. */
    WaitingForEnvironment,
    /** Pods are being created or rolled out. */
    Progressing,
    /** Every desired pod is ready (mode: Service) or the Job's pod runs (mode: Job). */
    Running,
    /** Suspended: no pods. */
    Stopped,
    /** The Job ran to completion. */
    Succeeded,
    /** The Job failed. */
    Failed,
    /** Some pods are not ready after the rollout finished, or the spec cannot be run. */
    Degraded
}
