package dev.terrarium.requirements;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Two kinds of line that files carry for a developer's checkout and that mean something else in an
 * image, read from a requirements.txt or an environment.yml's pip list (never from {@code
 * spec.pip}, which is written for Terrarium):
 *
 * <ul>
 *   <li>the project the file sits in ({@code -e .}, {@code -e .[socks]}, {@code .}): a development
 *       file installs the code beside it, which the build has no copy of. The line is passed over
 *       with a Warning, so the image is the project's environment and the project is mounted or
 *       installed where it runs. Other paths stay refused: a dependency the build cannot get would
 *       leave a broken image;
 *   <li>an editable install of a VCS URL ({@code -e git+https://…#egg=clip}): installed as a
 *       regular one, since an image has no checkout to edit, with a Warning.
 * </ul>
 */
final class ProjectLines {

    private static final Pattern EDITABLE =
            Pattern.compile("^(?:-e|--editable)(?:\\s*=\\s*|\\s+)(\\S.*)$");
    private static final Pattern PROJECT = Pattern.compile("^\\.(?:/)?(?:\\s*\\[[^\\]]*\\])?$");
    private static final Pattern URL = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://");
    private static final Pattern PATH =
            Pattern.compile("^(?:\\.\\.?(?:/\\S*)?|/\\S*|~/\\S*)(?:\\s.*)?$");

    private ProjectLines() {}

    /**
     * What a file's line installs: empty when the line is the project itself (and a warning is
     * added), the URL alone when it is an editable VCS or archive URL (and a warning is added),
     * else the line as it is.
     */
    static Optional<SourcedText> read(SourcedText line, List<SpecWarning> warnings) {
        String text = line.text().strip();
        Matcher editable = EDITABLE.matcher(text);
        String target = editable.matches() ? editable.group(1).strip() : text;
        if (PROJECT.matcher(target).matches()) {
            warnings.add(
                    new SpecWarning(
                            SpecWarning.PROJECT_NOT_INSTALLED,
                            line.where()
                                    + " "
                                    + Violation.quote(text)
                                    + " installs the project the file sits in, which a build has no "
                                    + "copy of: it is left out of the image, and so are the "
                                    + "dependencies only it declares; install the project where it "
                                    + "runs (a Workload volume) or list it as name @ git+https://…"));
            return Optional.empty();
        }
        if (editable.matches() && URL.matcher(target).find()) {
            warnings.add(
                    new SpecWarning(
                            SpecWarning.NOT_EDITABLE,
                            line.where()
                                    + " "
                                    + Violation.quote(text)
                                    + " is installed as a regular package, not an editable one: an "
                                    + "image has no checkout to edit"));
            return Optional.of(new SourcedText(line.field(), line.where(), target));
        }
        return Optional.of(line);
    }

    /**
     * Why a requirement that is a path ({@code ./relative_package}, {@code ../lib}, {@code
     * /home/me/pkg}) is refused; empty when it is not one. The project itself is read by {@link
     * #read} first.
     */
    static Optional<String> pathRefusal(String text) {
        return PATH.matcher(text.strip()).matches()
                ? Optional.of(
                        "is a path on the machine that wrote the file, which a build cannot read; "
                                + "publish the package and list it by name, or as name @ "
                                + "git+https://…")
                : Optional.empty();
    }
}
