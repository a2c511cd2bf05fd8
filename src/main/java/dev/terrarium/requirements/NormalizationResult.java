package dev.terrarium.requirements;

import dev.terrarium.api.ResolvedEnvironment;
import java.util.List;

/**
 * The outcome of normalising an Environment spec: either the resolved environment or every
 * violation found, never both.
 *
 * @param environment the resolved environment, or null when the spec is refused
 * @param violations why the spec is refused; empty when it is resolved
 */
public record NormalizationResult(ResolvedEnvironment environment, List<Violation> violations) {

    public NormalizationResult {
        violations = List.copyOf(violations);
        if ((environment == null) == violations.isEmpty()) {
            throw new IllegalArgumentException("a result has either an environment or violations");
        }
    }

    public static NormalizationResult resolved(ResolvedEnvironment environment) {
        return new NormalizationResult(environment, List.of());
    }

    public static NormalizationResult refused(List<Violation> violations) {
        return new NormalizationResult(null, violations);
    }

    public boolean isResolved() {
        return environment != null;
    }
}
