package dev.terrarium.requirements;

import dev.terrarium.requirements.CondaVersionSpec.Operator;
import dev.terrarium.requirements.CondaVersionSpec.Term;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Refuses a package pinned to one version as a conda package and to another for pip. Only equality
 * pins are compared ({@code ==1.26.4}, {@code 1.26.*} and their PEP 440 counterparts), as the two
 * ecosystems order other versions differently; a pip requirement under a marker may rightly differ
 * and is left alone.
 */
final class CondaPipPins {

    private CondaPipPins() {}

    /**
     * The same package pinned to versions that cannot both hold, once as a conda package and once
     * for pip.
     */
    static void check(
            List<Parsed<CondaMatchSpec>> packages,
            List<Parsed<Pep508Requirement>> pip,
            List<Violation> violations) {
        for (Parsed<CondaMatchSpec> conda : packages) {
            Optional<Term> condaPin = equalityPin(conda.value().version());
            if (condaPin.isEmpty()) {
                continue;
            }
            String name = Pep508Requirement.normalizeName(conda.value().name());
            for (Parsed<Pep508Requirement> requirement : pip) {
                Pep508Requirement value = requirement.value();
                if (!name.equals(value.name())
                        || value.marker() != null
                        || value.url() != null
                        || value.specifiers().size() != 1
                        || !value.specifiers().get(0).operator().equals("==")) {
                    continue;
                }
                String pipVersion = value.specifiers().get(0).version();
                boolean pipPrefix = pipVersion.endsWith(".*");
                Term pipPin =
                        new Term(
                                pipPrefix ? Operator.PREFIX : Operator.EXACT,
                                pipPrefix
                                        ? pipVersion.substring(0, pipVersion.length() - 2)
                                        : pipVersion);
                if (!compatible(condaPin.get(), pipPin)) {
                    violations.add(
                            Violation.of(
                                    requirement.source(),
                                    name
                                            + " is pinned twice with different "
                                            + "versions, here and at "
                                            + conda.source().where()
                                            + " "
                                            + Violation.quote(conda.source().text())
                                            + "; list it once"));
                }
            }
        }
    }

    private static Optional<Term> equalityPin(CondaVersionSpec version) {
        return version == null
                ? Optional.empty()
                : version.singleTerm()
                        .filter(
                                t ->
                                        t.operator() == Operator.EXACT
                                                || t.operator() == Operator.PREFIX);
    }

    /**
     * Whether an exact or prefix pin can hold together with another, comparing dotted components as
     * text.
     */
    private static boolean compatible(Term a, Term b) {
        List<String> x = components(a.version());
        List<String> y = components(b.version());
        if (a.operator() == Operator.EXACT && b.operator() == Operator.EXACT) {
            return x.equals(y);
        }
        if (a.operator() == Operator.PREFIX && b.operator() == Operator.PREFIX) {
            return startsWith(x, y) || startsWith(y, x);
        }
        return a.operator() == Operator.PREFIX ? startsWith(y, x) : startsWith(x, y);
    }

    /** Components without trailing zeros, which neither conda nor PEP 440 counts. */
    private static List<String> components(String version) {
        List<String> components =
                new ArrayList<>(List.of(version.toLowerCase(Locale.ROOT).split("\\.")));
        while (components.size() > 1 && components.get(components.size() - 1).equals("0")) {
            components.remove(components.size() - 1);
        }
        return components;
    }

    private static boolean startsWith(List<String> version, List<String> prefix) {
        List<String> padded = new ArrayList<>(version);
        while (padded.size() < prefix.size()) {
            padded.add("0");
        }
        return padded.subList(0, prefix.size()).equals(prefix);
    }
}
