package dev.terrarium.requirements;

import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A PEP 508 dependency specification, as given to {@code pip install} or written in a
 * requirements.txt: {@code requests}, {@code requests[socks]>=2.31,<3}, {@code pandas==2.2.*;
 * python_version >= "3.10"}, {@code pkg @ https://host/pkg.whl ; sys_platform == "linux"}. See
 * {@link Pep508Parser} for the grammar and for where Terrarium is stricter than {@code packaging}
 * on purpose.
 *
 * <p>Canonical form, printed by {@link #canonical()}: the PEP 503 name (lower case, runs of {@code
 * -_.} as one {@code -}), extras normalised the same way, sorted and de-duplicated, specifiers with
 * PEP 440 normalised versions, sorted, de-duplicated and joined by commas without spaces, then
 * {@code @ url} for a URL requirement, then {@code ; marker} ({@code ; marker} after a URL) with
 * the marker printed by {@link Pep508Marker}: {@code requests[socks]<3,>=2.31; python_version >=
 * "3.10"}.
 *
 * <p>A direct reference written without a name ({@code git+https://github.com/org/repo.git}, an
 * archive's URL) has a null name, as pip and uv learn it only by building the reference; its
 * canonical form is the URL, then {@code ; marker}, which is the line pip and uv read.
 *
 * @param name PEP 503 normalised name, or null for an unnamed direct reference
 * @param extras normalised extras, sorted
 * @param specifiers version specifiers, sorted by their canonical text
 * @param url the URL of a {@code name @ url} requirement, or null
 * @param marker the environment marker, or null
 */
public record Pep508Requirement(
        String name,
        List<String> extras,
        List<Pep440Specifier> specifiers,
        String url,
        Pep508Marker marker) {

    public Pep508Requirement {
        extras = List.copyOf(extras);
        specifiers = List.copyOf(specifiers);
        if (name == null && (url == null || !extras.isEmpty() || !specifiers.isEmpty())) {
            throw new IllegalArgumentException("only a bare URL requirement may be unnamed");
        }
    }

    /** A direct reference whose name is known only from the metadata its build writes. */
    static Pep508Requirement unnamed(String url, Pep508Marker marker) {
        return new Pep508Requirement(null, List.of(), List.of(), url, marker);
    }

    /**
     * What identifies the requirement's package among the others: its name, or the URL of an
     * unnamed direct reference, so that two entries of the same URL merge and no name is guessed.
     */
    public String key() {
        return name != null ? name : url;
    }

    /**
     * Parses a requirement.
     *
     * @throws SpecSyntaxException when the text is not a requirement Terrarium accepts
     */
    public static Pep508Requirement parse(String text) {
        return Pep508Parser.parse(text);
    }

    static Pep508Requirement of(
            String name,
            List<String> extras,
            List<Pep440Specifier> specifiers,
            String url,
            Pep508Marker marker) {
        List<String> normalizedExtras =
                List.copyOf(
                        extras.stream()
                                .map(Pep508Requirement::normalizeName)
                                .collect(Collectors.toCollection(TreeSet::new)));
        TreeSet<String> seen = new TreeSet<>();
        List<Pep440Specifier> sorted =
                specifiers.stream()
                        .filter(s -> seen.add(s.canonical()))
                        .sorted((a, b) -> a.canonical().compareTo(b.canonical()))
                        .toList();
        return new Pep508Requirement(normalizeName(name), normalizedExtras, sorted, url, marker);
    }

    /** PEP 503: lower case, and every run of "-", "_" and "." replaced by one "-". */
    public static String normalizeName(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
    }

    /** The specifiers as canonical text, comma-joined: {@code <3,>=2.31}. */
    public String specifierText() {
        return specifiers.stream().map(Pep440Specifier::canonical).collect(Collectors.joining(","));
    }

    /** The canonical spelling; see the class description. */
    public String canonical() {
        if (name == null) {
            // pip reads a ";" without a space after it as part of the URL.
            return marker == null ? url : url + " ; " + marker.canonical();
        }
        StringBuilder out = new StringBuilder(name);
        if (!extras.isEmpty()) {
            out.append('[').append(String.join(",", extras)).append(']');
        }
        out.append(specifierText());
        if (url != null) {
            out.append(" @ ").append(url);
        }
        if (marker != null) {
            out.append(url != null ? " ; " : "; ").append(marker.canonical());
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return canonical();
    }
}
