package dev.terrarium.status;

import dev.terrarium.api.Condition;
import dev.terrarium.status.Conditions.Health;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A reconcile attempt that ended in an exception, as the object's status and events report it: the
 * API server's own message when it refused a write, else the deepest message of the cause. Pure.
 *
 * <p>The message never counts attempts, so every retry of the same failure computes the same
 * conditions: the status is written and the Warning event recorded once, after the first failed
 * attempt, and not again while it persists.
 *
 * @param message what went wrong, naming the dependent object that failed when the operator SDK's
 *     workflow says
 * @param permanent whether the API server refused the request itself (invalid, forbidden, not
 *     found), which no retry changes until the object or the cluster does
 */
public record ReconcileError(String message, boolean permanent) {

    public static final String REASON = "ReconcileError";

    /**
     * Longest message kept: the API server's messages are short, a stack trace in a message is not.
     */
    static final int MAX_MESSAGE = 2048;

    /** Client errors that a retry may get past: timeout, conflict, too many requests. */
    private static final Set<Integer> TRANSIENT_CLIENT_ERRORS = Set.of(408, 409, 429);

    public static ReconcileError of(Throwable error) {
        AggregatedOperatorException aggregated = aggregated(error);
        if (aggregated != null && !aggregated.getAggregatedExceptions().isEmpty()) {
            // Sorted by dependent name, so that the same failures always give the same message.
            Map<String, Exception> causes = new TreeMap<>(aggregated.getAggregatedExceptions());
            List<String> parts = new ArrayList<>();
            boolean permanent = true;
            for (Map.Entry<String, Exception> cause : causes.entrySet()) {
                parts.add(cause.getKey() + ": " + describe(cause.getValue()));
                permanent &= isPermanent(cause.getValue());
            }
            return new ReconcileError(bounded(String.join("; ", parts)), permanent);
        }
        return new ReconcileError(bounded(describe(error)), isPermanent(error));
    }

    /**
     * The workflow's failures, however the operator SDK wrapped them on the way to the error
     * handler.
     */
    private static AggregatedOperatorException aggregated(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof AggregatedOperatorException aggregated) {
                return aggregated;
            }
        }
        return null;
    }

    /**
     * The kstatus conditions that report this error: Ready False, and Stalled when no retry can
     * help.
     */
    public List<Condition> conditions(List<Condition> previous, long generation, Instant now) {
        return Conditions.merge(
                previous,
                Conditions.kstatus(
                        generation,
                        permanent ? Health.STALLED : Health.RECONCILING,
                        REASON,
                        readyMessage()),
                now);
    }

    /**
     * Whether these conditions already report this very error, so that a retry records no second
     * event.
     */
    public boolean reportedIn(List<Condition> conditions) {
        Condition ready = Conditions.find(conditions, Condition.READY);
        return ready != null
                && REASON.equals(ready.getReason())
                && readyMessage().equals(ready.getMessage());
    }

    String readyMessage() {
        return "The last attempt failed: "
                + message
                + (message.endsWith(".") ? "" : ".")
                + " Retrying with back-off.";
    }

    private static String describe(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof KubernetesClientException client) {
                if (client.getStatus() != null && client.getStatus().getMessage() != null) {
                    return client.getStatus().getMessage();
                }
                return client.getMessage() != null
                        ? client.getMessage()
                        : "HTTP " + client.getCode();
            }
        }
        Throwable deepest = error;
        String message = error.getMessage();
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            deepest = cause;
            if (cause.getMessage() != null) {
                message = cause.getMessage();
            }
        }
        return message != null ? message : deepest.getClass().getSimpleName();
    }

    private static boolean isPermanent(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof KubernetesClientException client) {
                return client.getCode() >= 400
                        && client.getCode() < 500
                        && !TRANSIENT_CLIENT_ERRORS.contains(client.getCode());
            }
        }
        return false;
    }

    private static String bounded(String message) {
        return message.length() <= MAX_MESSAGE
                ? message
                : message.substring(0, MAX_MESSAGE - 1) + "…";
    }
}
