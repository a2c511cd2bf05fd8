package dev.terrarium.requirements;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A conda version constraint in canonical form: alternatives ({@code |}) of conjunctions ({@code
 * ,}) of terms. Terms inside a conjunction and the alternatives themselves are sorted and
 * de-duplicated, so two constraints with the same terms print the same. A constraint never means
 * "any version": that is the absence of a constraint.
 */
public record CondaVersionSpec(List<List<Term>> alternatives) {

    /** How a term compares a candidate version with its own version. */
    public enum Operator {
        /** {@code ==1.26.4}: exactly this version (conda pads missing components with zeros). */
        EXACT("==", ""),
        /** {@code 1.26.*}: this version or any version that continues it. */
        PREFIX("", ".*"),
        NOT_EXACT("!=", ""),
        NOT_PREFIX("!=", ".*"),
        GREATER_OR_EQUAL(">=", ""),
        GREATER(">", ""),
        LESS_OR_EQUAL("<=", ""),
        LESS("<", ""),
        /**
         * {@code ~=1.26.2}: at least this version, and the same version up to its last component.
         */
        COMPATIBLE("~=", "");

        private final String symbol;
        private final String suffix;

        Operator(String symbol, String suffix) {
            this.symbol = symbol;
            this.suffix = suffix;
        }
    }

    /** One comparison: an operator and a lower-case conda version without wildcard. */
    public record Term(Operator operator, String version) {

        public String canonical() {
            return operator.symbol + version + operator.suffix;
        }

        @Override
        public String toString() {
            return canonical();
        }
    }

    public CondaVersionSpec {
        alternatives = alternatives.stream().map(List::copyOf).toList();
    }

    /**
     * The canonical constraint of alternatives of conjunctions, where a {@code null} term stands
     * for {@code *} (any version); empty when the whole constraint allows any version.
     */
    static Optional<CondaVersionSpec> of(List<List<Term>> alternatives) {
        TreeMap<String, List<Term>> distinct = new TreeMap<>();
        for (List<Term> conjunction : alternatives) {
            TreeMap<String, Term> terms = new TreeMap<>();
            for (Term term : conjunction) {
                if (term != null) {
                    terms.put(term.canonical(), term);
                }
            }
            if (terms.isEmpty()) {
                return Optional.empty();
            }
            List<Term> sorted = new ArrayList<>(terms.values());
            distinct.put(print(sorted), sorted);
        }
        return Optional.of(new CondaVersionSpec(new ArrayList<>(distinct.values())));
    }

    /** A single-term constraint. */
    public static CondaVersionSpec of(Operator operator, String version) {
        return new CondaVersionSpec(List.of(List.of(new Term(operator, version))));
    }

    /** The conjunction of this constraint with another one that has a single alternative. */
    CondaVersionSpec and(CondaVersionSpec other) {
        if (other.alternatives.size() != 1) {
            throw new IllegalArgumentException("only a single conjunction can be added: " + other);
        }
        List<List<Term>> combined = new ArrayList<>();
        for (List<Term> conjunction : alternatives) {
            List<Term> terms = new ArrayList<>(conjunction);
            terms.addAll(other.alternatives.get(0));
            combined.add(terms);
        }
        return of(combined).orElseThrow();
    }

    /** The single term, when the constraint is one term. */
    public Optional<Term> singleTerm() {
        return alternatives.size() == 1 && alternatives.get(0).size() == 1
                ? Optional.of(alternatives.get(0).get(0))
                : Optional.empty();
    }

    /** {@code >=1.26,<2|1.24.*}: no spaces, terms sorted. */
    public String canonical() {
        return alternatives.stream().map(CondaVersionSpec::print).collect(Collectors.joining("|"));
    }

    private static String print(List<Term> conjunction) {
        return conjunction.stream()
                .sorted(Comparator.comparing(Term::canonical))
                .map(Term::canonical)
                .collect(Collectors.joining(","));
    }

    @Override
    public String toString() {
        return canonical();
    }
}
