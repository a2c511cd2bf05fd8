package dev.terrarium.locks;

import dev.terrarium.api.Manager;
import dev.terrarium.api.ResolvedEnvironment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lock in the files people paste into another tool, derived from the lock a build printed: for
 * conda environments what {@code conda env export}, {@code conda env export --from-history} and
 * {@code conda list --explicit} write; for venv environments what {@code pip freeze} writes, and
 * the exact pylock.toml the build printed. Pure; a line it cannot read is left out of the derived
 * files, never guessed.
 */
public final class LockFormats {

    /** {@code conda env export}: every package as name=version=build, the pip section. */
    public static final String ENVIRONMENT_YML = "environment.yml";

    /** {@code conda env export --from-history}: what was asked for, not what was solved. */
    public static final String FROM_HISTORY_YML = "environment.from-history.yml";

    /** {@code conda list --explicit --sha256}: one URL per package, no pip packages. */
    public static final String EXPLICIT_TXT = "explicit.txt";

    /** {@code pip freeze} of a venv environment. */
    public static final String REQUIREMENTS_TXT = "requirements.txt";

    /**
     * PEP 751: the exact lock of a venv environment, every artifact's URL and hash, as {@code uv
     * pip compile --format pylock.toml} writes it; what {@code uv pip install -r pylock.toml} and
     * files.pylockToml take back.
     */
    public static final String PYLOCK_TOML = "pylock.toml";

    private static final String PIP_PREFIX = "# pip ";

    /** Plain scalars that YAML 1.1 readers (conda's among them) take for booleans or null. */
    private static final Set<String> YAML_WORDS =
            Set.of("y", "n", "yes", "no", "on", "off", "true", "false", "null", "~");

    private static final Pattern CONDA_ARCHIVE = Pattern.compile("(.+)-([^-]+)-([^-]+)");
    private static final Pattern PINNED = Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]*)==(\\S+)");
    private static final Pattern DIRECT =
            Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]*)(\\[[^\\]]*\\])? @ (\\S+)");

    private LockFormats() {}

    /**
     * The derived files by their names.
     *
     * @param lock the lock as the build printed it (an {@code @EXPLICIT} list with {@code # pip}
     *     lines for conda, {@code uv pip freeze} output for venv)
     * @param pylock the exact lock a venv build printed, or null; passed on as it is
     * @param name the environment's name, for the {@code name:} line
     * @param resolved what the build was asked to build
     */
    public static Map<String, String> of(
            String lock, String pylock, String name, ResolvedEnvironment resolved) {
        Map<String, String> files = new LinkedHashMap<>();
        if (resolved.getManager() == Manager.VENV) {
            files.put(REQUIREMENTS_TXT, endWithNewline(lock));
            if (pylock != null) {
                files.put(PYLOCK_TOML, endWithNewline(pylock));
            }
            return files;
        }
        List<String> explicit = new ArrayList<>();
        List<String> conda = new ArrayList<>();
        List<String> pip = new ArrayList<>();
        for (String line : lock.split("\n", -1)) {
            if (line.startsWith(PIP_PREFIX)) {
                pipRequirement(line.substring(PIP_PREFIX.length()).strip()).ifPresent(pip::add);
                continue;
            }
            explicit.add(line);
            condaRecord(line.strip()).ifPresent(conda::add);
        }
        files.put(ENVIRONMENT_YML, yaml(name, resolved.getChannels(), conda, pip));
        files.put(
                FROM_HISTORY_YML,
                yaml(name, resolved.getChannels(), resolved.getPackages(), resolved.getPip()));
        files.put(EXPLICIT_TXT, endWithNewline(String.join("\n", explicit).strip()));
        return files;
    }

    /**
     * {@code name=version=build} of an explicit URL such as {@code
     * …/numpy-1.26.4-py312h_0.conda#sha}.
     */
    static Optional<String> condaRecord(String url) {
        if (!url.startsWith("http://") && !url.startsWith("https://") && !url.startsWith("file:")) {
            return Optional.empty();
        }
        String path = url.contains("#") ? url.substring(0, url.indexOf('#')) : url;
        String file = path.substring(path.lastIndexOf('/') + 1);
        String stem;
        if (file.endsWith(".tar.bz2")) {
            stem = file.substring(0, file.length() - ".tar.bz2".length());
        } else if (file.endsWith(".conda")) {
            stem = file.substring(0, file.length() - ".conda".length());
        } else {
            return Optional.empty();
        }
        Matcher matcher = CONDA_ARCHIVE.matcher(stem);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(matcher.group(1) + "=" + matcher.group(2) + "=" + matcher.group(3));
    }

    /**
     * {@code name==version} of a {@code # pip} line: {@code six==1.16.0} as it is, {@code six @
     * https://…/six-1.16.0-py2.py3-none-any.whl#sha256=…} by the wheel's or sdist's file name, and
     * the direct reference as it is when its file names no version (a git URL).
     */
    static Optional<String> pipRequirement(String entry) {
        Matcher pinned = PINNED.matcher(entry);
        if (pinned.matches()) {
            return Optional.of(entry);
        }
        Matcher direct = DIRECT.matcher(entry);
        if (!direct.matches()) {
            return Optional.empty();
        }
        String name = direct.group(1);
        String url = direct.group(3);
        String path = url.contains("#") ? url.substring(0, url.indexOf('#')) : url;
        String file = path.substring(path.lastIndexOf('/') + 1);
        return versionOf(name, file)
                .map(
                        version ->
                                name
                                        + (direct.group(2) == null ? "" : direct.group(2))
                                        + "=="
                                        + version)
                .or(() -> Optional.of(entry));
    }

    /**
     * The version in a wheel ({@code name-1.0-py3-none-any.whl}) or sdist ({@code
     * name-1.0.tar.gz}).
     */
    private static Optional<String> versionOf(String name, String file) {
        String normalised = name.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "_");
        String lower = file.toLowerCase(Locale.ROOT);
        String rest;
        if (lower.endsWith(".whl")) {
            String[] parts = file.substring(0, file.length() - ".whl".length()).split("-", -1);
            return parts.length >= 5 && sameName(parts[0], normalised)
                    ? Optional.of(parts[1])
                    : Optional.empty();
        }
        if (lower.endsWith(".tar.gz")) {
            rest = file.substring(0, file.length() - ".tar.gz".length());
        } else if (lower.endsWith(".zip")) {
            rest = file.substring(0, file.length() - ".zip".length());
        } else {
            return Optional.empty();
        }
        int dash = rest.lastIndexOf('-');
        return dash > 0 && sameName(rest.substring(0, dash), normalised)
                ? Optional.of(rest.substring(dash + 1))
                : Optional.empty();
    }

    private static boolean sameName(String fileName, String normalised) {
        return fileName.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "_").equals(normalised);
    }

    private static String yaml(
            String name, List<String> channels, List<String> dependencies, List<String> pip) {
        StringBuilder out = new StringBuilder();
        out.append("name: ").append(scalar(name)).append('\n');
        out.append("channels:\n");
        for (String channel : channels == null ? List.<String>of() : channels) {
            out.append("  - ").append(scalar(channel)).append('\n');
        }
        out.append("dependencies:\n");
        for (String dependency : dependencies == null ? List.<String>of() : dependencies) {
            out.append("  - ").append(scalar(dependency)).append('\n');
        }
        if (pip != null && !pip.isEmpty()) {
            out.append("  - pip:\n");
            for (String requirement : pip) {
                out.append("      - ").append(scalar(requirement)).append('\n');
            }
        }
        return out.toString();
    }

    /**
     * A YAML plain scalar when the text reads back as itself, else a double-quoted one: match specs
     * such as {@code numpy >=1.26,<2} or {@code pkg[extra]} would otherwise change meaning.
     */
    static String scalar(String text) {
        if (text.matches("[A-Za-z0-9_][A-Za-z0-9_.=<>!~*+/-]*")
                && !YAML_WORDS.contains(text.toLowerCase(Locale.ROOT))) {
            return text;
        }
        StringBuilder quoted = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format("\\x%02x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }

    private static String endWithNewline(String text) {
        return text.endsWith("\n") ? text : text + "\n";
    }
}
