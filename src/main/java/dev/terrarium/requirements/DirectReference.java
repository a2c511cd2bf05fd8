package dev.terrarium.requirements;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Direct references as pip and uv read them: an unnamed URL requirement ({@code
 * git+https://github.com/org/repo@v1.2#egg=name}, a wheel's URL) gets the name a {@code #egg=}
 * fragment or the wheel's file name gives it, so that the rest of Terrarium sees the PEP 508 form
 * {@code name @ url}. pip and uv could also build an unnamed sdist or repository to learn its name;
 * Terrarium needs the name before any build (to merge, pin and hash), so there it asks for one.
 * Also says whether a reference can move while its text stays the same.
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

    private DirectReference() {}

    /**
     * The requirement written as {@code name @ url [; marker]} when {@code text} is an unnamed URL
     * requirement; empty when it is not one (it names a package first).
     *
     * @throws SpecSyntaxException when the URL gives no name
     */
    static Optional<String> named(String text) {
        if (!SCHEME.matcher(text).find()) {
            return Optional.empty();
        }
        // pip's rule for URL lines: the marker follows "; ", since ";" alone may be in the URL.
        int markerAt = text.indexOf("; ");
        String url = (markerAt < 0 ? text : text.substring(0, markerAt)).strip();
        String marker = markerAt < 0 ? "" : " ; " + text.substring(markerAt + 2).strip();
        Pep508UrlPolicy.check(url, 0);
        return Optional.of(name(url) + " @ " + url + marker);
    }

    private static String name(String url) {
        Matcher egg = EGG.matcher(url);
        if (egg.find()) {
            return egg.group(1);
        }
        String path = url.replaceFirst("[?#].*$", "");
        String file = path.substring(path.lastIndexOf('/') + 1);
        Matcher wheel = WHEEL.matcher(file);
        if (wheel.matches()) {
            return wheel.group(1);
        }
        throw SpecSyntaxException.deliberate(
                "a URL without a package name: write it as <name> @ <url>, or end it in "
                        + "#egg=<name> (pip and uv would build it to learn the name; Terrarium needs "
                        + "it before building)",
                1);
    }

    /**
     * Why the artifact behind {@code url} can change while the URL stays the same, or empty when it
     * cannot: a git reference that is not a full commit id (a branch, a tag, or none), or an
     * archive without a hash fragment.
     */
    static Optional<String> movable(String url) {
        if (url.toLowerCase(Locale.ROOT).startsWith("git+")) {
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
