package dev.terrarium.requirements;

import dev.terrarium.requirements.CondaVersionSpec.Operator;
import dev.terrarium.requirements.CondaVersionSpec.Term;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Python versions and the conda constraints on them. A python version X.Y stands for every release
 * {@code X.Y.*} and X.Y.Z for exactly that release; a constraint admits a python when some of those
 * releases satisfy it, and is implied by it when all of them do. Versions compare numerically,
 * component by component, missing components counting as 0 (as in conda), which is why only numeric
 * versions are accepted in python constraints.
 */
final class PythonVersions {

    private static final Pattern PYTHON =
            Pattern.compile("3\\.(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,3}))?");
    private static final Pattern NUMERIC = Pattern.compile("[0-9]{1,9}(\\.[0-9]{1,9})*");

    private PythonVersions() {}

    /** A python 3 version as spec.python takes it: X.Y or X.Y.Z, without leading zeros. */
    static boolean isPythonVersion(String version) {
        return PYTHON.matcher(version).matches();
    }

    /**
     * The constraint that pins {@code python}: {@code 3.12.*} for 3.12, {@code ==3.12.4} for
     * 3.12.4.
     */
    static CondaVersionSpec pin(String python) {
        return CondaVersionSpec.of(
                components(python).length == 2 ? Operator.PREFIX : Operator.EXACT, python);
    }

    /** A version of the constraint that is not numeric, if any. */
    static Optional<String> nonNumericVersion(CondaVersionSpec constraint) {
        return constraint.alternatives().stream()
                .flatMap(List::stream)
                .map(Term::version)
                .filter(v -> !NUMERIC.matcher(v).matches())
                .findFirst();
    }

    /**
     * The python a numeric constraint names by itself: its one exact version ({@code ==3.12} is
     * 3.12.0), else its one fuzzy version of two or three components ({@code 3.12.*}); empty for
     * ranges and alternatives.
     */
    static Optional<String> named(CondaVersionSpec constraint) {
        if (constraint.alternatives().size() != 1) {
            return Optional.empty();
        }
        List<Term> terms = constraint.alternatives().get(0);
        List<Term> exact = terms.stream().filter(t -> t.operator() == Operator.EXACT).toList();
        List<Term> prefix = terms.stream().filter(t -> t.operator() == Operator.PREFIX).toList();
        if (exact.size() == 1) {
            int[] version = components(exact.get(0).version());
            return version.length == 2
                    ? Optional.of(exact.get(0).version() + ".0")
                    : version.length == 3 ? Optional.of(exact.get(0).version()) : Optional.empty();
        }
        if (exact.isEmpty() && prefix.size() == 1) {
            int length = components(prefix.get(0).version()).length;
            return length == 2 || length == 3
                    ? Optional.of(prefix.get(0).version())
                    : Optional.empty();
        }
        return Optional.empty();
    }

    /** True when some release of {@code python} satisfies the numeric constraint. */
    static boolean admits(CondaVersionSpec constraint, String python) {
        Interval releases = Interval.of(pin(python).singleTerm().orElseThrow());
        return constraint.alternatives().stream().anyMatch(terms -> intersects(releases, terms));
    }

    /**
     * For a range that no release of {@code python} (an X.Y or X.Y.Z version) satisfies, the newest
     * X.Y below it whose every release does; empty when {@code python} satisfies it already or no
     * older python 3 minor version does. Newer versions are not tried: the default is the newest
     * python the operator vouches for.
     */
    static Optional<String> newestBelow(String python, CondaVersionSpec constraint) {
        if (admits(constraint, python)) {
            return Optional.empty();
        }
        int[] version = components(python);
        for (int minor = version[1] - 1; minor >= 0; minor--) {
            String candidate = version[0] + "." + minor;
            if (implies(candidate, constraint)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** True when every release of {@code python} satisfies the numeric constraint. */
    static boolean implies(String python, CondaVersionSpec constraint) {
        Interval releases = Interval.of(pin(python).singleTerm().orElseThrow());
        return constraint.alternatives().stream().anyMatch(terms -> contains(terms, releases));
    }

    private static boolean intersects(Interval releases, List<Term> conjunction) {
        Interval remaining = releases;
        for (Term term : conjunction) {
            if (!isExclusion(term)) {
                remaining = remaining.intersect(Interval.of(term));
            }
        }
        if (remaining.isEmpty()) {
            return false;
        }
        for (Term term : conjunction) {
            if (isExclusion(term) && Interval.of(term).contains(remaining)) {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(List<Term> conjunction, Interval releases) {
        for (Term term : conjunction) {
            Interval interval = Interval.of(term);
            boolean holds =
                    isExclusion(term)
                            ? interval.intersect(releases).isEmpty()
                            : interval.contains(releases);
            if (!holds) {
                return false;
            }
        }
        return true;
    }

    /** For {@code !=} terms the interval is the set of excluded versions. */
    private static boolean isExclusion(Term term) {
        return term.operator() == Operator.NOT_EXACT || term.operator() == Operator.NOT_PREFIX;
    }

    private static int[] components(String version) {
        return Arrays.stream(version.split("\\.")).mapToInt(Integer::parseInt).toArray();
    }

    /** The version one past every version that starts with {@code prefix}: 3.12 gives 3.13. */
    private static int[] successor(int[] prefix) {
        int[] next = prefix.clone();
        next[next.length - 1]++;
        return next;
    }

    private static int compare(int[] a, int[] b) {
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            int difference = Integer.compare(i < a.length ? a[i] : 0, i < b.length ? b[i] : 0);
            if (difference != 0) {
                return difference;
            }
        }
        return 0;
    }

    /**
     * A range of versions; a null bound is unbounded. Bounds are compared element by element, never
     * by equals.
     */
    @SuppressWarnings("ArrayRecordComponent")
    private record Interval(int[] low, boolean lowIncluded, int[] high, boolean highIncluded) {

        static Interval of(Term term) {
            int[] v = components(term.version());
            return switch (term.operator()) {
                case EXACT, NOT_EXACT -> new Interval(v, true, v, true);
                case PREFIX, NOT_PREFIX -> new Interval(v, true, successor(v), false);
                case GREATER_OR_EQUAL -> new Interval(v, true, null, false);
                case GREATER -> new Interval(v, false, null, false);
                case LESS_OR_EQUAL -> new Interval(null, false, v, true);
                case LESS -> new Interval(null, false, v, false);
                case COMPATIBLE ->
                        new Interval(
                                v,
                                true,
                                v.length < 2 ? null : successor(Arrays.copyOf(v, v.length - 1)),
                                false);
            };
        }

        boolean isEmpty() {
            if (low == null || high == null) {
                return false;
            }
            int order = compare(low, high);
            return order > 0 || (order == 0 && !(lowIncluded && highIncluded));
        }

        Interval intersect(Interval other) {
            int[] newLow = low;
            boolean newLowIncluded = lowIncluded;
            if (other.low != null
                    && (low == null
                            || compare(other.low, low) > 0
                            || (compare(other.low, low) == 0 && !other.lowIncluded))) {
                newLow = other.low;
                newLowIncluded = other.lowIncluded;
            }
            int[] newHigh = high;
            boolean newHighIncluded = highIncluded;
            if (other.high != null
                    && (high == null
                            || compare(other.high, high) < 0
                            || (compare(other.high, high) == 0 && !other.highIncluded))) {
                newHigh = other.high;
                newHighIncluded = other.highIncluded;
            }
            return new Interval(newLow, newLowIncluded, newHigh, newHighIncluded);
        }

        boolean contains(Interval other) {
            boolean lowHolds =
                    low == null
                            || (other.low != null
                                    && (compare(low, other.low) < 0
                                            || (compare(low, other.low) == 0
                                                    && (lowIncluded || !other.lowIncluded))));
            boolean highHolds =
                    high == null
                            || (other.high != null
                                    && (compare(other.high, high) < 0
                                            || (compare(other.high, high) == 0
                                                    && (highIncluded || !other.highIncluded))));
            return lowHolds && highHolds;
        }
    }
}
