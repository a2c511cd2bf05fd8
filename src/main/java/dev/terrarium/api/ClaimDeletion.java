package dev.terrarium.api;

/** What deleting a Workload does to the claim the operator made for it. */
public enum ClaimDeletion {
    /** The claim and its data stay. */
    Retain,
    /** The claim goes with the Workload. */
    Delete
}
