package dev.terrarium.requirements;

import java.util.Optional;

/**
 * Recognises pip options (lines or list entries starting with "-"), which Terrarium does not pass
 * on.
 */
final class PipOptions {

    private PipOptions() {}

    /** Why {@code text} is refused when it is a pip option; empty when it is not one. */
    static Optional<String> refusal(String text) {
        String trimmed = text.strip();
        if (!trimmed.startsWith("-")) {
            return Optional.empty();
        }
        String option = trimmed.split("[ =\t]", 2)[0];
        return Optional.of(
                switch (option) {
                    case "-r", "--requirement", "-c", "--constraint" ->
                            "options and includes are not supported; list the requirements themselves";
                    case "-e", "--editable" ->
                            "options are not supported, editable installs included; list the package as "
                                    + "name @ url";
                    case "-i",
                            "--index-url",
                            "--extra-index-url",
                            "--no-index",
                            "-f",
                            "--find-links",
                            "--trusted-host" ->
                            "options are not supported, package indexes included: packages come from the build's configured "
                                    + "index; list the requirements themselves";
                    default -> "options are not supported; list the requirements themselves";
                });
    }

    /**
     * True when a requirement line carries an option after the requirement, such as {@code
     * --hash=...}.
     */
    static boolean hasTrailingOption(String text) {
        return text.matches(".*\\s--?[A-Za-z].*");
    }
}
