package dev.terrarium.requirements;

import dev.terrarium.api.EnvironmentSpec;
import java.util.List;
import java.util.Optional;

/**
 * Chooses the python of an environment and reconciles it with a listed {@code python} conda
 * package: spec.python first, else the one version that package names, else the default, or, for a
 * range that the default does not satisfy ({@code python <3.11}, as conda-lock's own examples
 * write), the newest older minor version that the whole range admits, as conda would pick the
 * newest python the range admits; a package that the chosen python cannot satisfy is refused.
 */
final class PythonSelection {

    static final String PYTHON = "python";

    private PythonSelection() {}

    /**
     * spec.python when it is a python 3 version; null, with a violation, when it is something else.
     */
    static String explicit(EnvironmentSpec spec, List<Violation> violations) {
        String python = spec.getPython();
        if (python != null && !PythonVersions.isPythonVersion(python)) {
            violations.add(
                    new Violation(
                            "spec.python",
                            "spec.python "
                                    + Violation.quote(python)
                                    + ": expected a "
                                    + "python 3 version as X.Y or X.Y.Z, such as 3.12 or 3.12.4"));
            return null;
        }
        return python;
    }

    /**
     * The python of a conda environment, checked against the python package if one is listed:
     * explicit, else named by that package, else the default.
     */
    static String forConda(
            List<Parsed<CondaMatchSpec>> packages,
            String explicit,
            NormalizationDefaults defaults,
            List<Violation> violations) {
        Parsed<CondaMatchSpec> listed = listed(packages).orElse(null);
        CondaVersionSpec constraint = listed == null ? null : listed.value().version();
        String fallback = explicit != null ? explicit : defaults.python();
        if (constraint == null) {
            return fallback;
        }
        if (PythonVersions.nonNumericVersion(constraint).isPresent()) {
            violations.add(
                    Violation.of(
                            listed.source(),
                            "python versions must be numeric, such as 3.12 or 3.12.4"));
            return fallback;
        }
        Optional<String> named =
                explicit == null ? PythonVersions.named(constraint) : Optional.empty();
        if (named.isPresent() && !PythonVersions.isPythonVersion(named.get())) {
            violations.add(
                    Violation.of(
                            listed.source(),
                            "python "
                                    + named.get()
                                    + " is not supported; use a python 3 "
                                    + "version such as "
                                    + defaults.python()));
            return defaults.python();
        }
        String python =
                named.orElseGet(
                        () ->
                                explicit != null
                                        ? explicit
                                        : PythonVersions.newestBelow(defaults.python(), constraint)
                                                .orElse(fallback));
        if (!PythonVersions.admits(constraint, python)) {
            violations.add(
                    Violation.of(
                            listed.source(),
                            explicit != null
                                    ? "contradicts spec.python " + python
                                    : named.isPresent()
                                            ? "no python version satisfies it"
                                            : "does not name one python version, and the default python "
                                                    + python
                                                    + " does not satisfy it; "
                                                    + "set spec.python"));
        } else if (constraint.alternatives().size() > 1
                && !PythonVersions.implies(python, constraint)) {
            violations.add(
                    Violation.of(
                            listed.source(),
                            "python "
                                    + python
                                    + " satisfies only some of these "
                                    + "alternatives; pin python to one version with spec.python"));
        }
        return python;
    }

    /** The listed python package, if any. */
    static Optional<Parsed<CondaMatchSpec>> listed(List<Parsed<CondaMatchSpec>> packages) {
        return packages.stream().filter(p -> p.value().name().equals(PYTHON)).findFirst();
    }

    /**
     * The pin of {@code python}, narrowed by what a listed python constraint adds to it ({@code
     * >=3.12.3} on top of {@code 3.12.*}). Alternatives and non-numeric constraints that the pin
     * does not settle were refused already.
     */
    static CondaVersionSpec constraint(CondaVersionSpec listed, String python) {
        CondaVersionSpec pin = PythonVersions.pin(python);
        if (listed == null
                || PythonVersions.nonNumericVersion(listed).isPresent()
                || listed.alternatives().size() > 1
                || PythonVersions.implies(python, listed)) {
            return pin;
        }
        return pin.and(listed);
    }
}
