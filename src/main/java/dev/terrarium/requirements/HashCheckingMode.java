package dev.terrarium.requirements;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * pip's hash-checking mode, by pip's rules (uv's are the same): once one requirement carries a
 * {@code --hash}, every requirement must, named or not; each must name exactly one version ({@code
 * ==} without a wildcard, or {@code ===}) or be the URL of an archive, since a hash stands for one
 * artifact; a git URL is refused, as a repository has no artifact to hash. The build then installs
 * with {@code --require-hashes}, which also refuses any dependency the file does not list with
 * hashes.
 */
final class HashCheckingMode {

    private HashCheckingMode() {}

    /**
     * The hashes by normalised package name, and an unnamed direct reference's by its URL ({@link
     * Pep508Requirement#key()}), or null when no requirement has any (hash-checking mode is off).
     *
     * @param given the {@code --hash} values by the {@link SourcedText#where()} of their
     *     requirement
     */
    static Map<String, List<String>> hashes(
            List<Parsed<Pep508Requirement>> requirements,
            Map<String, List<String>> given,
            List<Violation> violations) {
        if (given.isEmpty()) {
            return null;
        }
        String example = given.keySet().iterator().next();
        TreeMap<String, List<String>> byName = new TreeMap<>();
        for (Parsed<Pep508Requirement> requirement : requirements) {
            List<String> hashes = given.get(requirement.source().where());
            if (hashes != null && hashes.isEmpty()) {
                // Every hash on the line was refused, and said so.
                continue;
            }
            if (hashes == null) {
                violations.add(
                        Violation.of(
                                requirement.source(),
                                "has no --hash, but hash-checking mode ("
                                        + example
                                        + " has one) needs hashes on every requirement, as pip "
                                        + "does"));
            } else if (requirement.value().url() != null
                    && DirectReference.isVcs(requirement.value().url())) {
                violations.add(
                        Violation.of(
                                requirement.source(),
                                "hash-checking mode cannot check a git repository, which has no "
                                        + "artifact to hash (pip and uv refuse it too): name an "
                                        + "archive or a wheel by its URL, or a version with =="));
            } else if (!pinned(requirement.value())) {
                violations.add(
                        Violation.of(
                                requirement.source(),
                                "hash-checking mode needs one version pinned with == (or ===) "
                                        + "or an archive's URL, as pip does"));
            } else {
                byName.computeIfAbsent(requirement.value().key(), key -> new ArrayList<>())
                        .addAll(hashes);
            }
        }
        byName.replaceAll((name, hashes) -> hashes.stream().distinct().sorted().toList());
        return byName;
    }

    private static boolean pinned(Pep508Requirement requirement) {
        if (requirement.url() != null) {
            return true;
        }
        return requirement.specifiers().size() == 1
                && switch (requirement.specifiers().get(0).operator()) {
                    case "==" -> !requirement.specifiers().get(0).version().endsWith(".*");
                    case "===" -> true;
                    default -> false;
                };
    }
}
