package dev.terrarium.requirements;

import java.util.Objects;

/**
 * A conda match spec, as given to {@code conda install} or listed in an environment.yml.
 *
 * <p>Accepted spellings: {@code numpy}, {@code numpy==1.26.4}, {@code numpy=1.26} (fuzzy: 1.26.*),
 * {@code numpy>=1.26,<2} and {@code numpy >=1.26, <2}, {@code numpy 1.26.*}, {@code
 * numpy=1.26=py312_0} and {@code numpy 1.26 py312_0} (version and build string), {@code
 * conda-forge::numpy=1.26}, {@code conda-forge/linux-64::numpy}, {@code
 * numpy[version='>=1.26',build=py*]} (keys version, build, channel, subdir), and alternatives
 * {@code numpy 1.2|1.3}. Meanings follow conda: a bare version or {@code ==} is exact, {@code
 * =1.26} and {@code 1.26*} mean {@code 1.26.*}, except in {@code name=version=build} where the
 * version is exact.
 *
 * <p>Canonical form, printed by {@link #canonical()}: {@code [channel[/subdir]::]name[ version[
 * build]]}, with the name and channel lower-cased, the version written without spaces (and its
 * numbers without leading zeros, which conda ignores) as alternatives of sorted terms (exact {@code
 * ==1.26.4}, fuzzy {@code 1.26.*}, ranges {@code >=1.26,<2}), and {@code *} standing for the
 * version when only a build string is given: {@code conda-forge::numpy ==1.26.4 py312_0}, {@code
 * python 3.12.*}, {@code numpy <2,>=1.26}. Equal meanings print equally.
 *
 * @param channel lower-case channel name, or null
 * @param subdir platform subdirectory of the channel ({@code linux-64}), or null
 * @param name lower-case package name
 * @param version the version constraint, or null for any version
 * @param build the build string (may hold {@code *} wildcards), or null for any build
 */
public record CondaMatchSpec(
        String channel, String subdir, String name, CondaVersionSpec version, String build) {

    public CondaMatchSpec {
        Objects.requireNonNull(name, "name");
        if (subdir != null && channel == null) {
            throw new IllegalArgumentException("a subdir needs a channel");
        }
    }

    /**
     * Parses a match spec.
     *
     * @throws SpecSyntaxException when the text is not a match spec Terrarium accepts
     */
    public static CondaMatchSpec parse(String text) {
        return CondaMatchSpecParser.parse(text);
    }

    /** The canonical spelling; see the class description. */
    public String canonical() {
        StringBuilder out = new StringBuilder();
        if (channel != null) {
            out.append(channel);
            if (subdir != null) {
                out.append('/').append(subdir);
            }
            out.append("::");
        }
        out.append(name);
        if (version != null || build != null) {
            out.append(' ').append(version == null ? "*" : version.canonical());
        }
        if (build != null) {
            out.append(' ').append(build);
        }
        return out.toString();
    }

    /** True when the spec constrains nothing but the name. */
    public boolean isBareName() {
        return channel == null && version == null && build == null;
    }

    @Override
    public String toString() {
        return canonical();
    }
}
