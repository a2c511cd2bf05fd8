package dev.terrarium.requirements;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a conda lock file (an {@code @EXPLICIT} list or a conda-lock.yml) says to install: conda
 * artifacts by URL and hash, installed as they are without a solve, then pip artifacts by URL and
 * sha256, installed without resolving. The rules both formats share live here.
 *
 * @param conda the conda artifacts, in the file's order
 * @param pip the pip artifacts, in the file's order
 * @param python the version of the {@code python} record, X.Y or X.Y.Z, or null when there is none
 * @param warnings what the file says that its author should know (artifacts without a hash)
 */
public record LockedConda(
        List<CondaArtifact> conda,
        List<PipArtifact> pip,
        String python,
        List<SpecWarning> warnings) {

    /** The platform of the images Terrarium builds; noarch packages install on it too. */
    static final String PLATFORM = "linux-64";

    private static final String NOARCH = "noarch";

    /**
     * One conda package archive.
     *
     * @param name the package name, from the file name
     * @param version the version, from the file name
     * @param url where it is fetched from
     * @param algorithm sha256 or md5; null when the file gives no hash
     * @param digest the lower-case hex digest the installer checks; null when the file gives none
     */
    public record CondaArtifact(
            String name, String version, String url, String algorithm, String digest) {

        /**
         * The line of an {@code @EXPLICIT} file: {@code url#sha256:<hex>}, {@code url#<md5>}, or
         * the URL alone.
         */
        public String line() {
            if (digest == null) {
                return url;
            }
            return url + (algorithm.equals("sha256") ? "#sha256:" : "#") + digest;
        }
    }

    /**
     * One pip artifact.
     *
     * @param name the normalised name
     * @param version the version
     * @param url the wheel or sdist
     * @param sha256 its hash, which the installer checks
     */
    public record PipArtifact(String name, String version, String url, String sha256) {

        /** The requirements-file line uv installs it from, in hash-checking mode. */
        public String line() {
            return name + " @ " + url + " --hash=sha256:" + sha256;
        }
    }

    private static final Pattern ARCHIVE = Pattern.compile("(.+)-([^-]+)-([^-]+)");
    private static final Pattern PYTHON_VERSION =
            Pattern.compile("([0-9]+\\.[0-9]+(\\.[0-9]+)?).*");
    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

    /** The explicit-file lines of the conda artifacts. */
    public List<String> explicitLines() {
        return conda.stream().map(CondaArtifact::line).toList();
    }

    /**
     * The channels the conda artifacts come from, normalised, each once: an artifact's URL without
     * its subdir and file name ({@code <channel>/linux-64/<file>}), which is what
     * spec.channelCredentials names for a lock's private channel.
     */
    public List<String> channels() {
        return conda.stream()
                .map(CondaArtifact::url)
                .map(url -> url.substring(0, url.lastIndexOf('/', url.lastIndexOf('/') - 1)))
                .map(ChannelUrls::normalized)
                .distinct()
                .toList();
    }

    /** The requirements-file lines of the pip artifacts. */
    public List<String> pipLines() {
        return pip.stream().map(PipArtifact::line).toList();
    }

    /**
     * Why a conda artifact URL cannot be installed, by the rule of index URLs; empty when it can.
     */
    static Optional<String> urlRefusal(String url) {
        return PipIndexRules.refusal(
                        url,
                        "package URLs",
                        "environment variables are not expanded",
                        "a lock names public or mirrored artifacts")
                .or(() -> PipIndexRules.tokenRefusal(url));
    }

    /**
     * The name and version of a conda archive URL, or a reason it is not one a linux-64 image can
     * install: the file must be a {@code .conda} or {@code .tar.bz2} named {@code
     * name-version-build}, in a {@code linux-64} or {@code noarch} directory.
     */
    static Result<String[]> archive(String url) {
        String path = url.contains("#") ? url.substring(0, url.indexOf('#')) : url;
        path = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        String[] segments = path.split("/", -1);
        String file = segments[segments.length - 1];
        String stem;
        if (file.endsWith(".conda")) {
            stem = file.substring(0, file.length() - ".conda".length());
        } else if (file.endsWith(".tar.bz2")) {
            stem = file.substring(0, file.length() - ".tar.bz2".length());
        } else {
            return Result.refused(
                    "not a conda package: the file name must end in .conda or .tar.bz2");
        }
        Matcher matcher = ARCHIVE.matcher(stem);
        if (!matcher.matches()) {
            return Result.refused(
                    "not a conda package file name: expected <name>-<version>-<build>.conda");
        }
        String subdir = segments.length >= 2 ? segments[segments.length - 2] : "";
        if (!subdir.equals(PLATFORM) && !subdir.equals(NOARCH)) {
            return Result.refused(
                    "a package of "
                            + Violation.quote(subdir)
                            + ": the image is "
                            + PLATFORM
                            + ", which installs packages of the "
                            + PLATFORM
                            + " and noarch directories of a channel");
        }
        return Result.of(new String[] {matcher.group(1), matcher.group(2)});
    }

    /** True when {@code digest} is {@code length} lower-case hex digits. */
    static boolean isHex(String digest, int length) {
        return digest != null && digest.length() == length && HEX.matcher(digest).matches();
    }

    /** The X.Y.Z of a conda python version such as 3.12.4 or 3.13.0rc1; null when none. */
    static String pythonVersion(String version) {
        Matcher matcher = PYTHON_VERSION.matcher(version);
        return matcher.matches() ? matcher.group(1) : null;
    }

    /**
     * The python version of the artifacts, refusing two packages of one name: an environment holds
     * one version of each.
     *
     * @param where the place of each artifact, for messages
     * @param before how many violations there were before the file was read: a file with refused
     *     lines is not also said to list nothing
     */
    static String checkNames(
            List<CondaArtifact> conda,
            List<SourcedText> where,
            String field,
            int before,
            List<Violation> violations) {
        Map<String, Integer> seen = new HashMap<>();
        String python = null;
        for (int i = 0; i < conda.size(); i++) {
            CondaArtifact artifact = conda.get(i);
            Integer first = seen.putIfAbsent(artifact.name(), i);
            if (first != null) {
                violations.add(
                        Violation.of(
                                where.get(i),
                                "package "
                                        + artifact.name()
                                        + " is listed twice (also at "
                                        + where.get(first).where()
                                        + "): an environment holds one version of each package"));
            }
            if (artifact.name().equals("python")) {
                python = pythonVersion(artifact.version());
            }
        }
        if (conda.isEmpty() && violations.size() == before) {
            violations.add(Violation.of(field, "the lock lists no conda package to install"));
        }
        return python;
    }

    /** A value, or the reason there is none. */
    record Result<T>(T value, String reason) {
        static <T> Result<T> of(T value) {
            return new Result<>(value, null);
        }

        static <T> Result<T> refused(String reason) {
            return new Result<>(null, reason);
        }
    }
}
