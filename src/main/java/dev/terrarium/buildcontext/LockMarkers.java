package dev.terrarium.buildcontext;

import java.util.List;
import java.util.regex.Pattern;

/**
 * How the last build step prints the resolved lock into the builder's log, so that the builder
 * package's LockExtractor can read it back whatever the builder puts in front of each line.
 *
 * <p>Every printed line carries the marker {@code terrarium-lock <spec hash> } followed by a kind:
 *
 * <pre>
 * terrarium-lock 3f5a…e1 begin
 * terrarium-lock 3f5a…e1 | numpy==1.26.4
 * terrarium-lock 3f5a…e1 | requests==2.32.3
 * terrarium-lock 3f5a…e1 end 2
 * </pre>
 *
 * Marking every line, not just the two ends, is what makes the format survive prefixes: {@code
 * kubectl logs --timestamps} writes a time before each line, a log collector may add its own,
 * buildah writes nothing; the reader looks for the marker anywhere in a line and takes what follows
 * it. A lock line always follows {@code | }, so no package name or URL in the lock can pose as an
 * end line, and the count on the end line tells a complete lock from one the builder clipped. The
 * hash ties the output to one spec: output of another build that landed in the same log is ignored.
 *
 * <p>Further files travel in named blocks, whose begin and end lines carry the file's name: {@code
 * terrarium-lock 3f5a…e1 begin pylock.toml}, its lines, then {@code terrarium-lock 3f5a…e1 end
 * pylock.toml 41}. The unnamed block is the lock itself; a reader that knows no names reads past
 * the named ones.
 *
 * <p>The step's own command is echoed by the builder (buildah's {@code STEP n/m: RUN …} lines), so
 * the command must never contain a marker itself: it prints {@code terrarium-%s} with {@code lock}
 * as an argument, and the hash through a shell variable.
 */
public final class LockMarkers {

    /**
     * The word that opens every marker; it appears in the log only in printed output, never in the
     * Dockerfile.
     */
    public static final String TOKEN = "terrarium-lock";

    /** What a block name may be: a file name, with nothing a shell or a reader could misread. */
    public static final Pattern BLOCK_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]*");

    private LockMarkers() {}

    /** The text that starts every marked line of the build with the given spec hash. */
    public static String prefix(String specHash) {
        return TOKEN + " " + InputRules.specHash(specHash) + " ";
    }

    /**
     * Shell commands, to be joined with {@code &&}, that print the file {@code lockFile} in the
     * marked format. POSIX sh only: the base image may have no bash, awk or sed.
     */
    public static List<String> printCommands(String specHash, String lockFile) {
        return List.of(
                "h=" + InputRules.specHash(specHash) + " n=0",
                "printf 'terrarium-%s %s begin\\n' lock \"$h\"",
                "while IFS= read -r line || [ -n \"$line\" ]; do"
                        + " printf 'terrarium-%s %s | %s\\n' lock \"$h\" \"$line\"; n=$((n + 1));"
                        + " done < "
                        + lockFile,
                "printf 'terrarium-%s %s end %s\\n' lock \"$h\" \"$n\"");
    }

    /**
     * Shell commands, to be joined with {@code &&}, that print the file {@code file} as the block
     * named {@code name}.
     *
     * @throws IllegalArgumentException when the name is not a {@link #BLOCK_NAME}
     */
    public static List<String> printCommands(String specHash, String name, String file) {
        if (name == null || !BLOCK_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "a block name is a file name such as pylock.toml, got "
                            + InputRules.printable(name));
        }
        return List.of(
                "h=" + InputRules.specHash(specHash) + " n=0",
                "printf 'terrarium-%s %s begin %s\\n' lock \"$h\" " + name,
                "while IFS= read -r line || [ -n \"$line\" ]; do"
                        + " printf 'terrarium-%s %s | %s\\n' lock \"$h\" \"$line\"; n=$((n + 1));"
                        + " done < "
                        + file,
                "printf 'terrarium-%s %s end %s %s\\n' lock \"$h\" " + name + " \"$n\"");
    }
}
