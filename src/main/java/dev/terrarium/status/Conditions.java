package dev.terrarium.status;

import dev.terrarium.api.Condition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds condition lists the way metav1.Condition expects: lastTransitionTime changes only when a
 * condition's status changes, so recomputing the same conditions gives the same list and no status
 * write.
 */
public final class Conditions {

    private Conditions() {}

    /** A condition without lastTransitionTime yet; {@link #merge} sets it. */
    public static Condition of(
            String type, boolean status, String reason, String message, Long generation) {
        return new Condition(
                type, status ? Condition.TRUE : Condition.FALSE, reason, message, generation, null);
    }

    /**
     * The desired conditions, each keeping the previous transition time when its status did not
     * change.
     */
    public static List<Condition> merge(
            List<Condition> previous, List<Condition> desired, Instant now) {
        List<Condition> merged = new ArrayList<>(desired.size());
        String timestamp = now.truncatedTo(ChronoUnit.SECONDS).toString();
        for (Condition wanted : desired) {
            Condition before = find(previous, wanted.getType());
            String transition =
                    before != null
                                    && Objects.equals(before.getStatus(), wanted.getStatus())
                                    && before.getLastTransitionTime() != null
                            ? before.getLastTransitionTime()
                            : timestamp;
            merged.add(
                    new Condition(
                            wanted.getType(),
                            wanted.getStatus(),
                            wanted.getReason(),
                            wanted.getMessage(),
                            wanted.getObservedGeneration(),
                            transition));
        }
        return merged;
    }

    public static Condition find(List<Condition> conditions, String type) {
        if (conditions == null) {
            return null;
        }
        return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    public static boolean isTrue(List<Condition> conditions, String type) {
        Condition condition = find(conditions, type);
        return condition != null && Condition.TRUE.equals(condition.getStatus());
    }

    /**
     * The kstatus triple: Ready, Reconciling (work in progress) and Stalled (stuck until someone
     * acts). Reconciling and Stalled are True only in their states, so that tools reading kstatus
     * see the object's health.
     */
    public static List<Condition> kstatus(
            long generation, Health health, String reason, String message) {
        return List.of(
                of(Condition.READY, health == Health.READY, reason, message, generation),
                of(
                        Condition.RECONCILING,
                        health == Health.RECONCILING,
                        health == Health.RECONCILING ? reason : "Idle",
                        health == Health.RECONCILING ? message : "Nothing in progress.",
                        generation),
                of(
                        Condition.STALLED,
                        health == Health.STALLED,
                        health == Health.STALLED ? reason : "Progressing",
                        health == Health.STALLED ? message : "Not stalled.",
                        generation));
    }

    /** Where an object stands, as kstatus sees it. */
    public enum Health {
        READY,
        RECONCILING,
        STALLED
    }
}
