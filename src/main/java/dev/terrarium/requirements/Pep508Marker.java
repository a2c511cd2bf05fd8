package dev.terrarium.requirements;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A PEP 508 environment marker in canonical form: {@code and} and {@code or} are n-ary, nested
 * operators of the same kind are flattened, and operands are de-duplicated and sorted by their
 * printed form (markers have no side effects, so order carries no meaning). Printed with single
 * spaces around operators, parentheses only where {@code or} sits inside {@code and}, and
 * double-quoted strings (single quotes when the string holds a double quote).
 */
public sealed interface Pep508Marker
        permits Pep508Marker.Comparison, Pep508Marker.AllOf, Pep508Marker.AnyOf {

    String canonical();

    /** A marker variable ({@code python_version}) or a string literal. */
    record Operand(boolean variable, String text) {

        public String canonical() {
            if (variable) {
                return text;
            }
            return text.indexOf('"') >= 0 ? "'" + text + "'" : "\"" + text + "\"";
        }
    }

    /**
     * {@code left operator right}, where the operator is a version comparison, {@code in} or {@code
     * not in}.
     */
    record Comparison(Operand left, String operator, Operand right) implements Pep508Marker {

        @Override
        public String canonical() {
            return left.canonical() + " " + operator + " " + right.canonical();
        }
    }

    /** Every operand holds ({@code and}). */
    record AllOf(List<Pep508Marker> operands) implements Pep508Marker {

        public AllOf {
            operands = List.copyOf(operands);
        }

        @Override
        public String canonical() {
            return operands.stream()
                    .map(m -> m instanceof AnyOf ? "(" + m.canonical() + ")" : m.canonical())
                    .collect(Collectors.joining(" and "));
        }
    }

    /** At least one operand holds ({@code or}). */
    record AnyOf(List<Pep508Marker> operands) implements Pep508Marker {

        public AnyOf {
            operands = List.copyOf(operands);
        }

        @Override
        public String canonical() {
            return operands.stream()
                    .map(Pep508Marker::canonical)
                    .collect(Collectors.joining(" or "));
        }
    }

    /** The canonical conjunction of markers. */
    static Pep508Marker allOf(List<Pep508Marker> markers) {
        List<Pep508Marker> flat = new ArrayList<>();
        for (Pep508Marker marker : markers) {
            flat.addAll(marker instanceof AllOf all ? all.operands() : List.of(marker));
        }
        List<Pep508Marker> sorted = sortedDistinct(flat);
        return sorted.size() == 1 ? sorted.get(0) : new AllOf(sorted);
    }

    /** The canonical disjunction of markers. */
    static Pep508Marker anyOf(List<Pep508Marker> markers) {
        List<Pep508Marker> flat = new ArrayList<>();
        for (Pep508Marker marker : markers) {
            flat.addAll(marker instanceof AnyOf any ? any.operands() : List.of(marker));
        }
        List<Pep508Marker> sorted = sortedDistinct(flat);
        return sorted.size() == 1 ? sorted.get(0) : new AnyOf(sorted);
    }

    private static List<Pep508Marker> sortedDistinct(List<Pep508Marker> markers) {
        TreeMap<String, Pep508Marker> byText = new TreeMap<>();
        for (Pep508Marker marker : markers) {
            byText.putIfAbsent(marker.canonical(), marker);
        }
        return new ArrayList<>(byText.values());
    }
}
