package dev.terrarium.api;

/** Kubernetes' access modes of a PersistentVolumeClaim. */
public enum ClaimAccessMode {
    /** Read-write by the pods of one node. */
    ReadWriteOnce,
    /** Read-write by one pod. */
    ReadWriteOncePod,
    /** Read-write by pods of many nodes. */
    ReadWriteMany,
    /** Read-only by pods of many nodes. */
    ReadOnlyMany
}
