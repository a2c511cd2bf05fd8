package dev.terrarium.requirements;

import dev.terrarium.requirements.LockedConda.CondaArtifact;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A conda explicit file, as {@code conda list --explicit [--md5|--sha256]} and conda-lock's {@code
 * --kind explicit} write it: comments, an {@code @EXPLICIT} line, then one package URL per line
 * with its hash as the fragment. The build installs exactly these archives, checking each hash
 * given, and solves nothing; so this reader refuses, each naming its line:
 *
 * <ul>
 *   <li>a package line before {@code @EXPLICIT}, or no {@code @EXPLICIT} at all;
 *   <li>a hash that is not {@code #<md5>} (32 hex digits), {@code #sha256:<hex>} or {@code
 *       #<sha256>} (64 hex digits, as Terrarium's own explicit.txt writes it). A line without a
 *       hash, as {@code conda list --explicit} writes them without {@code --md5}, is installed as
 *       conda installs it, with a warning: the build learns the archive's sha256 and the lock
 *       records it;
 *   <li>a URL that is not https (http only to the loopback) or carries credentials, by the rule of
 *       index URLs;
 *   <li>a file that is not a {@code .conda} or {@code .tar.bz2} of a linux-64 or noarch directory,
 *       and a {@code # platform:} comment naming another platform;
 *   <li>two packages of one name, and a file that lists none.
 * </ul>
 */
public final class CondaExplicit {

    static final String MARKER = "@EXPLICIT";
    private static final String PLATFORM_COMMENT = "# platform:";

    private CondaExplicit() {}

    /**
     * True when the text is an explicit file: its first line that is neither blank nor a comment is
     * {@code @EXPLICIT}. How a ConfigMap key holding one is told from a requirements.txt.
     */
    public static boolean isExplicit(String text) {
        if (text == null) {
            return false;
        }
        for (String line : text.split("\n", -1)) {
            String stripped = line.strip();
            if (!stripped.isEmpty() && !stripped.startsWith("#")) {
                return stripped.equals(MARKER);
            }
        }
        return false;
    }

    /**
     * Reads an explicit file.
     *
     * @param field the spec field that holds it, for messages
     * @param violations where every refusal is added, each naming its line
     * @return what could be read; complete only when no violation was added
     */
    public static LockedConda read(String text, String field, List<Violation> violations) {
        String[] lines = (text == null ? "" : text).split("\n", -1);
        int before = violations.size();
        boolean marker = false;
        List<CondaArtifact> conda = new ArrayList<>();
        List<SourcedText> where = new ArrayList<>();
        List<Integer> unhashed = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            SourcedText entry =
                    new SourcedText(
                            field, field + " line " + (i + 1), PipIndexRules.redacted(line));
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                String comment = line.replaceAll("\\s+", " ");
                if (comment.startsWith(PLATFORM_COMMENT)) {
                    String platform = comment.substring(PLATFORM_COMMENT.length()).strip();
                    if (!platform.equals(LockedConda.PLATFORM)) {
                        violations.add(
                                Violation.of(
                                        entry,
                                        "the file is for "
                                                + platform
                                                + ": the image is "
                                                + LockedConda.PLATFORM
                                                + "; export the lock for "
                                                + LockedConda.PLATFORM));
                    }
                }
                continue;
            }
            if (line.equals(MARKER)) {
                marker = true;
                continue;
            }
            if (!marker) {
                violations.add(
                        Violation.of(
                                entry,
                                "comes before @EXPLICIT: an explicit file lists its packages "
                                        + "after the @EXPLICIT line"));
                continue;
            }
            int number = i + 1;
            artifact(line, entry, violations)
                    .ifPresent(
                            artifact -> {
                                conda.add(artifact);
                                where.add(entry);
                                if (artifact.digest() == null) {
                                    unhashed.add(number);
                                }
                            });
        }
        if (!marker) {
            violations.add(
                    Violation.of(
                            field,
                            "has no @EXPLICIT line: a conda explicit file (conda list --explicit "
                                    + "--sha256) starts its package list with @EXPLICIT"));
            return new LockedConda(List.of(), List.of(), null, List.of());
        }
        String python = LockedConda.checkNames(conda, where, field, before, violations);
        return new LockedConda(
                List.copyOf(conda), List.of(), python, unhashedWarning(field, unhashed));
    }

    private static List<SpecWarning> unhashedWarning(String field, List<Integer> lines) {
        if (lines.isEmpty()) {
            return List.of();
        }
        String numbers =
                lines.stream().limit(5).map(String::valueOf).collect(Collectors.joining(", "))
                        + (lines.size() > 5 ? " and " + (lines.size() - 5) + " more" : "");
        return List.of(
                new SpecWarning(
                        SpecWarning.NOT_HASH_CHECKED,
                        field
                                + (lines.size() == 1 ? " line " : " lines ")
                                + numbers
                                + " name an archive without a hash (conda list --explicit writes none "
                                + "without --sha256): the build installs what the URL serves and the "
                                + "lock records its sha256; give the lock's explicit.txt back to have "
                                + "every archive checked"));
    }

    private static Optional<CondaArtifact> artifact(
            String line, SourcedText entry, List<Violation> violations) {
        int hash = line.indexOf('#');
        String url = hash < 0 ? line : line.substring(0, hash);
        String fragment = hash < 0 ? null : line.substring(hash + 1);
        Optional<String> refusal = LockedConda.urlRefusal(url);
        if (refusal.isPresent()) {
            violations.add(Violation.of(entry, refusal.get()));
            return Optional.empty();
        }
        LockedConda.Result<String[]> archive = LockedConda.archive(url);
        if (archive.reason() != null) {
            violations.add(Violation.of(entry, archive.reason()));
            return Optional.empty();
        }
        String[] nameVersion = archive.value();
        if (fragment == null) {
            return Optional.of(new CondaArtifact(nameVersion[0], nameVersion[1], url, null, null));
        }
        String lower = fragment.toLowerCase(Locale.ROOT);
        String algorithm;
        String digest;
        if (lower.startsWith("sha256:")) {
            algorithm = "sha256";
            digest = fragment.substring("sha256:".length());
        } else if (fragment.length() == 64) {
            algorithm = "sha256";
            digest = fragment;
        } else {
            algorithm = "md5";
            digest = fragment;
        }
        int length = algorithm.equals("sha256") ? 64 : 32;
        if (!LockedConda.isHex(digest, length)) {
            violations.add(
                    Violation.of(
                            entry,
                            "the hash "
                                    + Violation.quote(fragment)
                                    + " is not #<md5> (32 lower-case hex digits) or "
                                    + "#sha256:<64 lower-case hex digits>"));
            return Optional.empty();
        }
        return Optional.of(
                new CondaArtifact(nameVersion[0], nameVersion[1], url, algorithm, digest));
    }
}
