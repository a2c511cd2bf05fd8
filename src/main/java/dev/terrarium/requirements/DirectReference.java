package dev.terrarium.requirements;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Direct references as pip and uv read them: an unnamed URL requirement ({@code
 * git+https://github.com/org/repo@v1.2#egg=name}, a wheel's URL) gets the name a {@code #egg=}
 * fragment or the wheel's file name gives it, so that the rest of Terrarium sees the PEP 508 form
 * {@code name @ url}. A URL that gives no name ({@code git+https://github.com/org/repo.git}, an
 * archive's URL) stays unnamed: pip and uv learn its name by building it, and a name guessed from
 * the repository's path would make uv refuse the build when the built metadata says otherwise. Also
 * says whether a reference can move while its text stays the same.
 */
final class DirectReference {

    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://");
    private static final Pattern EGG = Pattern.compile("[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)");
    private static final Pattern WHEEL =
            Pattern.compile(
                    "([A-Za-z0-9][A-Za-z0-9._]*)-[^-/]+(-[^-/]+)?-[^-/]+-[^-/]+-[^-/]+\\.whl");
    private static final Pattern COMMIT = Pattern.compile("@[0-9a-f]{40}(?=$|[#?])");
    private static final Pattern ARTIFACT_HASH =
            Pattern.compile("[#&](sha256|sha384|sha512)=[0-9a-f]+");

    /** Stands for the name while the parser checks the URL and the marker of an unnamed one. */
    private static final String PLACEHOLDER = "unnamed";

    private DirectReference() {}

    /**
     * The requirement {@code text} is when it is a URL requirement written without a name first:
     * named by its {@code #egg=} fragment or wheel file name, else unnamed ({@link
     * Pep508Requirement#name()} null); empty when {@code text} names a package first.
     *
     * @throws SpecSyntaxException when the URL or the marker breaks the rules
     */
    static Optional<Pep508Requirement> parse(String text) {
        if (!SCHEME.matcher(text).find()) {
            return Optional.empty();
        }
        // pip's rule for URL lines: the marker follows "; ", since ";" alone may be in the URL.
        int markerAt = text.indexOf("; ");
        String url = (markerAt < 0 ? text : text.substring(0, markerAt)).strip();
        String marker = markerAt < 0 ? "" : " ; " + text.substring(markerAt + 2).strip();
        Pep508UrlPolicy.check(url, 0);
        Optional<String> name = name(url);
        Pep508Requirement parsed =
                Pep508Requirement.parse(name.orElse(PLACEHOLDER) + " @ " + url + marker);
        return Optional.of(
                name.isPresent()
                        ? parsed
                        : Pep508Requirement.unnamed(parsed.url(), parsed.marker()));
    }

    private static Optional<String> name(String url) {
        Matcher egg = EGG.matcher(url);
        if (egg.find()) {
            return Optional.of(egg.group(1));
        }
        String path = url.replaceFirst("[?#].*$", "");
        String file = path.substring(path.lastIndexOf('/') + 1);
        Matcher wheel = WHEEL.matcher(file);
        return wheel.matches() ? Optional.of(wheel.group(1)) : Optional.empty();
    }

    /** Whether the URL is a git repository's, which hash-checking mode cannot check. */
    static boolean isVcs(String url) {
        return url.toLowerCase(Locale.ROOT).startsWith("git+");
    }

    /**
     * Why the artifact behind {@code url} can change while the URL stays the same, or empty when it
     * cannot: a git reference that is not a full commit id (a branch, a tag, or none), or an
     * archive without a hash fragment.
     */
    static Optional<String> movable(String url) {
        if (isVcs(url)) {
            return COMMIT.matcher(url).find()
                    ? Optional.empty()
                    : Optional.of(
                            "names a branch, a tag or no revision, which can move; pin a commit "
                                    + "(@<40-hex commit id>)");
        }
        return ARTIFACT_HASH.matcher(url).find()
                ? Optional.empty()
                : Optional.of(
                        "names an archive without a hash, which can change; add "
                                + "#sha256=<hex digest>");
    }
}
