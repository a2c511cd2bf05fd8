package dev.terrarium.locks;

import dev.terrarium.api.Manager;
import dev.terrarium.buildcontext.BuildContextGenerator;
import dev.terrarium.buildcontext.LockMarkers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads the resolved lock, and the exact lock of a venv build, back out of a builder's log; see
 * {@link LockMarkers} for the format.
 */
public final class LockExtractor {

    private static final String BEGIN = "begin";
    private static final String LINE = "|";
    private static final String END = "end ";
    private static final String EXPLICIT = "@EXPLICIT";
    private static final String PIP_LINE = "# pip ";

    /** The name of the lock's own block, which has none in the log. */
    static final String UNNAMED = "";

    private LockExtractor() {}

    /**
     * The last complete lock the build of {@code specHash} printed in {@code log}, with the last
     * complete {@code pylock.toml} block printed after it, if any.
     *
     * @return empty when the log holds no complete lock of that hash: no markers, markers of
     *     another spec only, a begin without an end, or an end whose line count disagrees with the
     *     lines seen (output the builder clipped)
     */
    public static Optional<ResolvedLock> extract(String log, String specHash, Manager manager) {
        Objects.requireNonNull(manager, "manager");
        Map<String, String> blocks = blocks(log, specHash);
        String text = blocks.get(UNNAMED);
        if (text == null) {
            return Optional.empty();
        }
        return Optional.of(
                new ResolvedLock(
                        text,
                        countPackages(text, manager),
                        manager == Manager.VENV
                                ? blocks.get(BuildContextGenerator.PYLOCK_BLOCK)
                                : null));
    }

    /**
     * Every complete block of {@code specHash} in the log by its name ({@link #UNNAMED} for the
     * lock itself), each the last complete one of its name, its lines ending in a newline.
     */
    static Map<String, String> blocks(String log, String specHash) {
        Map<String, String> complete = new HashMap<>();
        if (log == null) {
            return complete;
        }
        String prefix = LockMarkers.prefix(specHash);
        String name = null;
        List<String> block = null;
        for (String line : log.split("\n", -1)) {
            int at = line.indexOf(prefix);
            if (at < 0) {
                continue;
            }
            String rest = stripCarriageReturn(line.substring(at + prefix.length()));
            String stripped = rest.strip();
            if (stripped.equals(BEGIN) || stripped.startsWith(BEGIN + " ")) {
                name = stripped.substring(BEGIN.length()).strip();
                block = new ArrayList<>();
            } else if (rest.startsWith(LINE)) {
                if (block != null) {
                    block.add(rest.startsWith(LINE + " ") ? rest.substring(2) : rest.substring(1));
                }
            } else if (rest.startsWith(END)) {
                String[] words = rest.substring(END.length()).strip().split(" ", -1);
                String ended = words.length == 2 ? words[0] : UNNAMED;
                if (block != null
                        && ended.equals(name)
                        && count(words[words.length - 1]) == block.size()) {
                    complete.put(name, block.isEmpty() ? "" : String.join("\n", block) + "\n");
                }
                block = null;
                name = null;
            }
        }
        return complete;
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
