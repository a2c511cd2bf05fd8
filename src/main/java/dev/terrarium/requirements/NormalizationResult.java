package dev.terrarium.requirements;

import dev.terrarium.api.ResolvedEnvironment;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of normalising an Environment spec: either the resolved environment or every
 * violation found, never both.
 *
 * @param environment the resolved environment, or null when the spec is refused
 * @param violations why the spec is refused; empty when it is resolved
 * @param warnings what was accepted but read past (keys of an environment.yml that say nothing
 *     Terrarium builds), each a sentence naming the field
 */
public record NormalizationResult(
        ResolvedEnvironment environment, List<Violation> violations, List<SpecWarning> warnings) {

    public NormalizationResult {
        violations = List.copyOf(violations);
        warnings = List.copyOf(warnings);
        if ((environment == null) == violations.isEmpty()) {
            throw new IllegalArgumentException("a result has either an environment or violations");
        }
    }

    public static NormalizationResult resolved(
            ResolvedEnvironment environment, List<SpecWarning> warnings) {
        return new NormalizationResult(environment, List.of(), warnings);
    }

    public static NormalizationResult refused(List<Violation> violations) {
        return new NormalizationResult(null, violations, List.of());
    }

    public boolean isResolved() {
        return environment != null;
    }

    /**
     * Whether a direct reference of the resolved environment can name other code while its text
     * stays the same (a {@link SpecWarning#NOT_REPRODUCIBLE} warning says which).
     */
    public boolean hasMovingReferences() {
        return warnings.stream().anyMatch(w -> SpecWarning.NOT_REPRODUCIBLE.equals(w.reason()));
    }

    /**
     * The first pip requirement of the resolved environment that clones a git repository over SSH,
     * which the build can do only with the key of spec.gitSshSecretName; empty when none does.
     */
    public Optional<String> gitSshReference() {
        return environment == null
                ? Optional.empty()
                : environment.getPip().stream().filter(Pep508UrlPolicy::isGitSsh).findFirst();
    }
}
