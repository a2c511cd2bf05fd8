package dev.terrarium.locks;

import dev.terrarium.api.Manager;
import dev.terrarium.buildcontext.LockMarkers;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Reads the resolved lock back out of a builder's log; see {@link LockMarkers} for the format. */
public final class LockExtractor {

    private static final String BEGIN = "begin";
    private static final String LINE = "|";
    private static final String END = "end ";
    private static final String EXPLICIT = "@EXPLICIT";
    private static final String PIP_LINE = "# pip ";

    private LockExtractor() {}

    /**
     * The last complete lock the build of {@code specHash} printed in {@code log}.
     *
     * @return empty when the log holds no complete lock of that hash: no markers, markers of
     *     another spec only, a begin without an end, or an end whose line count disagrees with the
     *     lines seen (output the builder clipped)
     */
    public static Optional<ResolvedLock> extract(String log, String specHash, Manager manager) {
        Objects.requireNonNull(manager, "manager");
        if (log == null) {
            return Optional.empty();
        }
        String prefix = LockMarkers.prefix(specHash);
        List<String> block = null;
        List<String> complete = null;
        for (String line : log.split("\n", -1)) {
            int at = line.indexOf(prefix);
            if (at < 0) {
                continue;
            }
            String rest = stripCarriageReturn(line.substring(at + prefix.length()));
            if (rest.strip().equals(BEGIN)) {
                block = new ArrayList<>();
            } else if (rest.startsWith(LINE)) {
                if (block != null) {
                    block.add(rest.startsWith(LINE + " ") ? rest.substring(2) : rest.substring(1));
                }
            } else if (rest.startsWith(END)) {
                if (block != null && count(rest.substring(END.length())) == block.size()) {
                    complete = block;
                }
                block = null;
            }
        }
        if (complete == null) {
            return Optional.empty();
        }
        String text = complete.isEmpty() ? "" : String.join("\n", complete) + "\n";
        return Optional.of(new ResolvedLock(text, countPackages(text, manager)));
    }

    /**
     * How many packages a lock pins: for venv, the requirement lines of the freeze output; for
     * conda, the records after {@code @EXPLICIT} and its {@code # pip} lines, or, in a lock written
     * by {@code conda env export}, the entries of {@code dependencies}, counting each entry of a
     * nested {@code pip:} list instead of the list itself.
     */
    public static int countPackages(String lockText, Manager manager) {
        List<String> lines = lockText.lines().toList();
        if (manager == Manager.VENV) {
            return (int)
                    lines.stream()
                            .map(String::strip)
                            .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                            .count();
        }
        int explicit = lines.stream().map(String::strip).toList().indexOf(EXPLICIT);
        if (explicit >= 0) {
            return (int)
                    lines.subList(explicit + 1, lines.size()).stream()
                            .map(String::strip)
                            .filter(
                                    l ->
                                            l.startsWith(PIP_LINE)
                                                    || (!l.isEmpty() && !l.startsWith("#")))
                            .count();
        }
        int packages = 0;
        boolean inDependencies = false;
        for (String line : lines) {
            String stripped = line.strip();
            if (stripped.isEmpty() || stripped.startsWith("#")) {
                continue;
            }
            boolean topLevelKey = !Character.isWhitespace(line.charAt(0)) && line.charAt(0) != '-';
            if (topLevelKey) {
                inDependencies = stripped.equals("dependencies:");
            } else if (inDependencies
                    && stripped.startsWith("- ")
                    && !stripped.substring(2).strip().equals("pip:")) {
                packages++;
            }
        }
        return packages;
    }

    private static int count(String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String stripCarriageReturn(String text) {
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }
}
