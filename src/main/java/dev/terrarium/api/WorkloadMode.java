package dev.terrarium.api;

/** How a Workload runs. */
public enum WorkloadMode {
    /** Long-running: a Deployment, and a Service when ports are given (docker run -d). */
    Service,
    /** To completion: a Job (docker run without -d). */
    Job
}
