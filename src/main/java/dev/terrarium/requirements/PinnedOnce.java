package dev.terrarium.requirements;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Merges the entries of one list by name: exact duplicates merge silently, an entry that names a
 * package without constraining it merges into the entries that do constrain it, and two entries
 * that pin the same package differently are refused.
 */
final class PinnedOnce {

    private PinnedOnce() {}

    /**
     * The distinct entries, in input order.
     *
     * @param name the package name of an entry
     * @param canonical the canonical text of an entry; equal texts are duplicates
     * @param unconstrained entries that only name their package
     * @param pin the part of an entry that must agree between entries of the same name, or null
     *     when the entry pins nothing that could disagree
     */
    static <T> List<Parsed<T>> distinct(
            List<Parsed<T>> entries,
            Function<T, String> name,
            Function<T, String> canonical,
            Predicate<T> unconstrained,
            Function<T, String> pin,
            List<Violation> violations) {
        Map<String, List<Parsed<T>>> byName = new LinkedHashMap<>();
        for (Parsed<T> entry : entries) {
            List<Parsed<T>> group =
                    byName.computeIfAbsent(name.apply(entry.value()), k -> new ArrayList<>());
            if (group.stream()
                    .noneMatch(
                            e ->
                                    canonical
                                            .apply(e.value())
                                            .equals(canonical.apply(entry.value())))) {
                group.add(entry);
            }
        }
        List<Parsed<T>> distinct = new ArrayList<>();
        for (Map.Entry<String, List<Parsed<T>>> group : byName.entrySet()) {
            List<Parsed<T>> members = group.getValue();
            if (members.size() > 1) {
                members = members.stream().filter(e -> !unconstrained.test(e.value())).toList();
            }
            Parsed<T> firstPin = null;
            for (Parsed<T> member : members) {
                String memberPin = pin.apply(member.value());
                if (memberPin == null) {
                    distinct.add(member);
                } else if (firstPin == null) {
                    firstPin = member;
                    distinct.add(member);
                } else if (!memberPin.equals(pin.apply(firstPin.value()))) {
                    violations.add(
                            Violation.of(
                                    member.source(),
                                    group.getKey()
                                            + " is pinned twice with different "
                                            + "versions, here and at "
                                            + firstPin.source().where()
                                            + " "
                                            + Violation.quote(firstPin.source().text())
                                            + "; list it once"));
                } else {
                    distinct.add(member);
                }
            }
        }
        return distinct;
    }
}
