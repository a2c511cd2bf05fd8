package dev.terrarium.requirements;

import java.util.Map;
import java.util.Optional;

/**
 * Recognises pip options (lines or list entries starting with "-"). Only the package-index options
 * are read, from files; everything else is refused.
 */
final class PipOptions {

    private static final Map<String, IndexOption.Kind> INDEX_OPTIONS =
            Map.of(
                    "-i", IndexOption.Kind.INDEX_URL,
                    "--index-url", IndexOption.Kind.INDEX_URL,
                    "--extra-index-url", IndexOption.Kind.EXTRA_INDEX_URL,
                    "-f", IndexOption.Kind.FIND_LINKS,
                    "--find-links", IndexOption.Kind.FIND_LINKS);

    private PipOptions() {}

    /** Why {@code text} is refused when it is a pip option; empty when it is not one. */
    static Optional<String> refusal(String text) {
        String trimmed = text.strip();
        if (!trimmed.startsWith("-")) {
            return Optional.empty();
        }
        String option = optionName(trimmed);
        if (INDEX_OPTIONS.containsKey(option)) {
            return Optional.of(
                    "package index options are read in a requirements.txt or an environment.yml's "
                            + "pip list; here, set spec.pipIndexes");
        }
        return Optional.of(
                switch (option) {
                    case "-r", "--requirement", "-c", "--constraint" ->
                            "options and includes are not supported; list the requirements themselves";
                    case "-e", "--editable" ->
                            "editable installs are read only in files, and only of a URL (installed as "
                                    + "a regular package): a build cannot read the directories of the "
                                    + "machine that wrote the file; list the package as name @ url";
                    case "--no-index", "--trusted-host" ->
                            "--no-index and --trusted-host are not supported: packages come from the "
                                    + "default index, the ones --index-url, --extra-index-url and "
                                    + "--find-links name, over https";
                    default -> "options are not supported; list the requirements themselves";
                });
    }

    /**
     * The package-index option {@code entry} holds ({@code --extra-index-url URL}, {@code
     * --index-url=URL}, {@code -f URL}), with its value as written; empty when it holds another
     * option or none.
     */
    static Optional<IndexOption> indexOption(SourcedText entry) {
        String trimmed = entry.text().strip();
        if (!trimmed.startsWith("-")) {
            return Optional.empty();
        }
        String option = optionName(trimmed);
        IndexOption.Kind kind = INDEX_OPTIONS.get(option);
        if (kind == null) {
            return Optional.empty();
        }
        String value = trimmed.substring(option.length());
        if (value.startsWith("=")) {
            value = value.substring(1);
        }
        return Optional.of(new IndexOption(kind, value.strip(), entry));
    }

    /** A file an {@code -r} or {@code -c} line includes, with its path as written. */
    record Include(String path, boolean constraint) {}

    /**
     * The file {@code entry} includes ({@code -r base.txt}, {@code --requirement=base.txt}, {@code
     * -c constraints.txt}); empty when it holds another option or none.
     */
    static Optional<Include> include(SourcedText entry) {
        String trimmed = entry.text().strip();
        if (!trimmed.startsWith("-")) {
            return Optional.empty();
        }
        String option = optionName(trimmed);
        boolean constraint;
        switch (option) {
            case "-r", "--requirement" -> constraint = false;
            case "-c", "--constraint" -> constraint = true;
            default -> {
                return Optional.empty();
            }
        }
        String value = trimmed.substring(option.length());
        if (value.startsWith("=")) {
            value = value.substring(1);
        }
        return Optional.of(new Include(value.strip(), constraint));
    }

    /**
     * True when a requirement line carries an option after the requirement, such as {@code
     * --hash=...}.
     */
    static boolean hasTrailingOption(String text) {
        return text.matches(".*\\s--?[A-Za-z].*");
    }

    private static String optionName(String trimmed) {
        return trimmed.split("[ =\t]", 2)[0];
    }
}
