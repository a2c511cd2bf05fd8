package dev.terrarium.buildcontext;

import dev.terrarium.api.BakedEnvVar;
import dev.terrarium.api.Manager;
import dev.terrarium.api.ResolvedEnvironment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Turns a normalised environment into a build context: a Dockerfile, the environment files it installs, and the
 * build arguments that carry the rest.
 *
 * <p>The Dockerfile is the same text for every environment of the same shape (manager, whether there are OS
 * packages and pip requirements, the names of the baked variables), the same options and the same spec hash. What a
 * user wrote reaches the build only
 * <ul>
 *   <li>inside {@code environment.yml}, {@code requirements.txt} and {@code system-packages.txt}, which RUN steps
 *       hand to micromamba, uv, pip or apt as files, and</li>
 *   <li>as build-argument values: the base image ({@code FROM ${TERRARIUM_BASE_IMAGE}}), the Python version, and
 *       each baked variable's value ({@code ARG TERRARIUM_ENV_<i>} then {@code ENV NAME=${TERRARIUM_ENV_<i>}}).
 *       Dockerfile substitution inserts such a value once and never parses it again, and shell steps only ever see
 *       it as {@code "$VAR"}.</li>
 * </ul>
 * The only user text in the Dockerfile is the name of each baked variable, which is checked to be an identifier.
 *
 * <p>The image runs as {@code USER <uid>:<uid>}, numeric so that Kubernetes' runAsNonRoot can verify it without
 * reading /etc/passwd. Everything is installed as root and left world-readable, not writable: the running user can
 * use the environment but not change it. The last RUN step writes the resolved lock to {@value #LOCK_FILE} and prints
 * it in the {@link LockMarkers} format. That step must run, not come from a layer cache: builder pods start with
 * empty state and import no cache, which guarantees it.
 *
 * <p>Assumed of the base image: for conda, the mambaorg/micromamba layout (micromamba on PATH, root prefix
 * {@value #CONDA_PREFIX}); for venv, a {@code python3} with the venv module (python:X.Y-slim, or Debian with
 * python3-venv). Both Debian based, with apt, getent, groupadd and useradd.
 */
public final class BuildContextGenerator {

    public static final String BASE_IMAGE_ARG = "TERRARIUM_BASE_IMAGE";
    public static final String PYTHON_ARG = "TERRARIUM_PYTHON";
    public static final String ENV_ARG_PREFIX = "TERRARIUM_ENV_";
    /** Where the image keeps the resolved lock. */
    public static final String LOCK_FILE = "/opt/terrarium/lock";

    static final String CONDA_PREFIX = "/opt/conda";
    static final String VENV = "/opt/venv";
    static final String TOOLS_VENV = "/opt/terrarium/tools";
    private static final String COPY_DIR = "/tmp/terrarium";
    private static final String CONTINUATION = " \\\n    ";
    private static final String PIP_CACHE = "/root/.cache/pip";
    private static final String UV_CACHE = "/root/.cache/uv";
    private static final String USER_NAME = "terrarium";

    /** Fails the build early, with a message, when the base image's Python is not the one the spec asks for. */
    private static final String PYTHON_CHECK = "python3 -c 'import sys; want = sys.argv[1];"
            + " have = \"%d.%d.%d\" % sys.version_info[:3];"
            + " sys.exit(0 if have == want or have.startswith(want + \".\")"
            + " else \"the base image has Python \" + have + \" but the environment asks for \" + want)'"
            + " \"$" + PYTHON_ARG + "\"";

    private final BuildContextOptions options;

    public BuildContextGenerator(BuildContextOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /**
     * The build context of {@code environment}.
     *
     * @param environment a normalised environment
     * @param specHash the environment's spec hash, 64 lower-case hex digits; it labels the image and marks the lock
     * @throws IllegalArgumentException when a value is missing or cannot be carried faithfully: a spec hash that is
     *     not 64 hex digits, a Python that is not X.Y[.Z], an OS package that is not a Debian name, a pip requirement
     *     that a requirements file would read differently (a second line, an option, a comment), a variable name
     *     that is not an identifier, a NUL in a build-argument value
     */
    public BuildContext generate(ResolvedEnvironment environment, String specHash) {
        Objects.requireNonNull(environment, "environment");
        InputRules.specHash(specHash);
        Manager manager = environment.getManager();
        if (manager == null) {
            throw new IllegalArgumentException("manager must be set");
        }
        String python = environment.getPython();
        if (python == null || !InputRules.PYTHON_VERSION.matcher(python).matches()) {
            throw new IllegalArgumentException("python must be X.Y or X.Y.Z, got " + InputRules.printable(python));
        }
        String baseImage = environment.getBaseImage();
        InputRules.nonBlank("baseImage", baseImage);
        if (baseImage.chars().anyMatch(c -> Character.isWhitespace(c) || c == 0)) {
            throw new IllegalArgumentException("baseImage must not contain whitespace: "
                    + InputRules.printable(baseImage));
        }
        List<String> channels = listOf(environment.getChannels());
        List<String> packages = listOf(environment.getPackages());
        List<String> pip = listOf(environment.getPip());
        List<String> system = listOf(environment.getSystem());
        List<BakedEnvVar> env = environment.getEnv() == null ? List.of() : new ArrayList<>(environment.getEnv());
        channels.forEach(channel -> InputRules.nonBlank("channels", channel));
        packages.forEach(spec -> InputRules.nonBlank("packages", spec));
        if (manager == Manager.VENV && !packages.isEmpty()) {
            throw new IllegalArgumentException("packages are conda match specs; a venv environment cannot install "
                    + "them");
        }
        pip.forEach(requirement -> InputRules.requirementLine("pip", requirement));
        system.forEach(name -> InputRules.debianPackage("system", name));
        for (BakedEnvVar variable : env) {
            if (variable == null) {
                throw new IllegalArgumentException("env: a variable must not be null");
            }
            String name = variable.getName();
            if (name == null || !InputRules.IDENTIFIER.matcher(name).matches()) {
                throw new IllegalArgumentException("env: variable name must be an identifier "
                        + "([A-Za-z_][A-Za-z0-9_]*): " + InputRules.printable(name));
            }
            InputRules.argumentValue("env." + name, valueOf(variable));
        }

        Map<String, String> buildArgs = new LinkedHashMap<>();
        buildArgs.put(BASE_IMAGE_ARG, baseImage);
        buildArgs.put(PYTHON_ARG, python);
        for (int i = 0; i < env.size(); i++) {
            buildArgs.put(ENV_ARG_PREFIX + i, valueOf(env.get(i)));
        }

        Map<String, String> files = new LinkedHashMap<>();
        files.put(BuildContext.DOCKERFILE, dockerfile(manager, specHash, !system.isEmpty(), !pip.isEmpty(), env));
        if (manager == Manager.CONDA) {
            files.put(BuildContext.ENVIRONMENT_YML, environmentYml(python, channels, packages, pip));
        } else if (!pip.isEmpty()) {
            files.put(BuildContext.REQUIREMENTS_TXT, lines(pip));
        }
        if (!system.isEmpty()) {
            files.put(BuildContext.SYSTEM_PACKAGES_TXT, lines(system));
        }
        return new BuildContext(files, buildArgs);
    }

    private String dockerfile(Manager manager, String specHash, boolean hasSystem, boolean hasPip,
            List<BakedEnvVar> env) {
        int uid = options.uid();
        List<String> out = new ArrayList<>();
        out.add("# Generated by Terrarium. User-supplied values reach this build only through the context files");
        out.add("# and the build arguments, never through the text of this file.");
        out.add("ARG " + BASE_IMAGE_ARG);
        out.add("FROM ${" + BASE_IMAGE_ARG + "}");
        out.add("ARG " + PYTHON_ARG);
        out.add("LABEL org.opencontainers.image.title=\"terrarium-environment\"" + CONTINUATION
                + "  org.opencontainers.image.version=\"" + specHash + "\"" + CONTINUATION
                + "  org.opencontainers.image.description=\"Terrarium " + manager.value()
                + " environment, Python ${" + PYTHON_ARG + "}\"" + CONTINUATION
                + "  dev.terrarium.spec-hash=\"" + specHash + "\"");
        out.add("USER root");
        out.add(run(List.of(),
                List.of("(getent group " + uid + " >/dev/null || groupadd --gid " + uid + " " + USER_NAME + ")",
                        "(getent passwd " + uid + " >/dev/null || useradd --no-log-init --uid " + uid
                                + " --gid " + uid + " --create-home --home-dir /home/" + USER_NAME
                                + " --shell /bin/sh " + USER_NAME + ")")));
        if (hasSystem) {
            String list = COPY_DIR + "/" + BuildContext.SYSTEM_PACKAGES_TXT;
            out.add("COPY " + BuildContext.SYSTEM_PACKAGES_TXT + " " + list);
            out.add(run(List.of(), List.of(
                    "apt-get update",
                    "DEBIAN_FRONTEND=noninteractive xargs -a " + list
                            + " apt-get install -y --no-install-recommends",
                    "rm -rf /var/lib/apt/lists/*")));
        }
        if (manager == Manager.CONDA) {
            condaInstall(out, specHash);
        } else {
            venvInstall(out, specHash, hasPip);
        }
        out.add("ENV " + (manager == Manager.CONDA
                ? "PATH=" + CONDA_PREFIX + "/bin:$PATH CONDA_PREFIX=" + CONDA_PREFIX
                : "PATH=" + VENV + "/bin:$PATH VIRTUAL_ENV=" + VENV));
        for (int i = 0; i < env.size(); i++) {
            out.add("ARG " + ENV_ARG_PREFIX + i);
            out.add("ENV " + env.get(i).getName() + "=${" + ENV_ARG_PREFIX + i + "}");
        }
        out.add("USER " + uid + ":" + uid);
        return String.join("\n", out) + "\n";
    }

    /**
     * With a cache mount on the package directory the downloaded packages never reach a layer, and cleaning them
     * would only empty the cache, so only what the install leaves in the environment itself (trash of replaced
     * files) is cleaned; without a cache mount the packages would reach the layer, so everything is cleaned in the
     * same step.
     */
    private void condaInstall(List<String> out, String specHash) {
        String file = COPY_DIR + "/" + BuildContext.ENVIRONMENT_YML;
        out.add("COPY " + BuildContext.ENVIRONMENT_YML + " " + file);
        String install = "micromamba install -y -n base -f " + file;
        if (options.cacheMounts()) {
            out.add(run(List.of(cacheMount(CONDA_PREFIX + "/pkgs"), cacheMount(PIP_CACHE)),
                    List.of(install, "micromamba clean --trash --yes")));
        } else {
            out.add(run(List.of(), List.of("PIP_NO_CACHE_DIR=1 " + install, "micromamba clean --all --yes")));
        }
        out.add(lockStep(specHash, "micromamba env export -n base > " + LOCK_FILE));
    }

    private void venvInstall(List<String> out, String specHash, boolean hasPip) {
        boolean uv = options.installer() == Installer.UV;
        String noPipCache = options.cacheMounts() ? "" : " --no-cache-dir";
        List<String> pipCacheMount = options.cacheMounts() ? List.of(cacheMount(PIP_CACHE)) : List.of();
        out.add(run(List.of(), List.of(PYTHON_CHECK, "python3 -m venv " + (uv ? "--without-pip " : "") + VENV)));
        if (uv) {
            out.add(run(pipCacheMount, List.of(
                    "python3 -m venv " + TOOLS_VENV,
                    TOOLS_VENV + "/bin/pip install --disable-pip-version-check" + noPipCache
                            + " uv==" + options.uvVersion())));
        }
        if (hasPip) {
            String file = COPY_DIR + "/" + BuildContext.REQUIREMENTS_TXT;
            out.add("COPY " + BuildContext.REQUIREMENTS_TXT + " " + file);
            if (uv) {
                String cache = options.cacheMounts() ? "UV_CACHE_DIR=" + UV_CACHE : "UV_NO_CACHE=1";
                out.add(run(options.cacheMounts() ? List.of(cacheMount(UV_CACHE)) : List.of(),
                        List.of(cache + " UV_LINK_MODE=copy UV_COMPILE_BYTECODE=1 " + TOOLS_VENV
                                + "/bin/uv pip install --python " + VENV + "/bin/python -r " + file)));
            } else {
                out.add(run(pipCacheMount, List.of(VENV + "/bin/pip install --disable-pip-version-check"
                        + noPipCache + " -r " + file)));
            }
        }
        out.add(lockStep(specHash, uv
                ? TOOLS_VENV + "/bin/uv pip freeze --python " + VENV + "/bin/python > " + LOCK_FILE
                : VENV + "/bin/pip freeze --disable-pip-version-check > " + LOCK_FILE));
    }

    private static String lockStep(String specHash, String writeLock) {
        List<String> commands = new ArrayList<>();
        commands.add("mkdir -p " + LOCK_FILE.substring(0, LOCK_FILE.lastIndexOf('/')));
        commands.add(writeLock);
        commands.addAll(LockMarkers.printCommands(specHash, LOCK_FILE));
        return run(List.of(), commands);
    }

    private static String environmentYml(String python, List<String> channels, List<String> packages,
            List<String> pip) {
        List<String> dependencies = new ArrayList<>();
        if (packages.stream().noneMatch(spec -> "python".equals(condaPackageName(spec)))) {
            dependencies.add("python=" + python);
        }
        dependencies.addAll(packages);
        if (!pip.isEmpty() && packages.stream().noneMatch(spec -> "pip".equals(condaPackageName(spec)))) {
            dependencies.add("pip");
        }
        return EnvironmentYaml.write(channels, dependencies, pip);
    }

    /** The package name of a conda match spec such as {@code conda-forge::numpy >=1.26}. */
    static String condaPackageName(String spec) {
        String name = spec.strip();
        int channelEnd = name.lastIndexOf("::");
        if (channelEnd >= 0) {
            name = name.substring(channelEnd + 2);
        }
        int end = 0;
        while (end < name.length() && " =<>!~[;".indexOf(name.charAt(end)) < 0) {
            end++;
        }
        return name.substring(0, end).toLowerCase(Locale.ROOT);
    }

    private static String cacheMount(String target) {
        return "--mount=type=cache,target=" + target + ",sharing=locked";
    }

    private static String run(List<String> mounts, List<String> commands) {
        StringBuilder line = new StringBuilder("RUN ");
        for (String mount : mounts) {
            line.append(mount).append(CONTINUATION);
        }
        return line.append(String.join(CONTINUATION + "&& ", commands)).toString();
    }

    private static String lines(List<String> values) {
        return String.join("\n", values) + "\n";
    }

    private static List<String> listOf(List<String> values) {
        return values == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(values));
    }

    private static String valueOf(BakedEnvVar variable) {
        return variable.getValue() == null ? "" : variable.getValue();
    }
}
