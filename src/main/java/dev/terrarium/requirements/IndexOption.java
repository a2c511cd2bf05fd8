package dev.terrarium.requirements;

/**
 * A package-index option written inside a file: a requirements.txt line or an entry of an
 * environment.yml's pip list ({@code --extra-index-url https://…}), or one of conda-lock's {@code
 * pip-repositories}. File-given URLs have no credentials; spec.pipIndexes can give them for the
 * same URL.
 *
 * @param kind which option
 * @param url the value as written, unchecked
 * @param source the line or entry, for messages
 */
public record IndexOption(Kind kind, String url, SourcedText source) {

    /** pip's three options that say where packages come from. */
    public enum Kind {
        INDEX_URL("--index-url"),
        EXTRA_INDEX_URL("--extra-index-url"),
        FIND_LINKS("--find-links");

        private final String option;

        Kind(String option) {
            this.option = option;
        }

        /** The option's long name, as pip and uv read it in a requirements file. */
        public String option() {
            return option;
        }
    }
}
