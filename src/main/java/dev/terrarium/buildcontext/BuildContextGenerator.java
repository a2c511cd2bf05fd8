package dev.terrarium.buildcontext;

import dev.terrarium.api.BakedEnvVar;
import dev.terrarium.api.Manager;
import dev.terrarium.api.ResolvedEnvironment;
import dev.terrarium.api.ResolvedPipIndexes;
import dev.terrarium.requirements.ChannelUrls;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;

/**
 * Turns a normalised environment into a build context: a Dockerfile, the environment files it
 * installs, and the build arguments that carry the rest.
 *
 * <p>The Dockerfile is the same text for every environment of the same shape (manager, whether
 * there are OS packages and pip requirements, the names of the baked variables), the same options
 * and the same spec hash. What a user wrote reaches the build only
 *
 * <ul>
 *   <li>inside {@code conda-request.json}, {@code requirements.txt} and {@code
 *       system-packages.txt}, which RUN steps hand to terrarium-conda, uv, pip or apt as files, and
 *   <li>as build-argument values: the base image ({@code FROM ${TERRARIUM_BASE_IMAGE}}), the Python
 *       version, and each baked variable's value ({@code ARG TERRARIUM_ENV_<i>} then {@code ENV
 *       NAME=${TERRARIUM_ENV_<i>}}). Dockerfile substitution inserts such a value once and never
 *       parses it again, and shell steps only ever see it as {@code "$VAR"}.
 * </ul>
 *
 * The only user text in the Dockerfile is the name of each baked variable, which is checked to be
 * an identifier.
 *
 * <p>The image runs as {@code USER <uid>:<uid>}, numeric so that Kubernetes' runAsNonRoot can
 * verify it without reading /etc/passwd. Everything is installed as root and left world-readable,
 * not writable: the running user can use the environment but not change it. The resolved lock is
 * written to {@value #LOCK_FILE} and printed in the {@link LockMarkers} format, by the last RUN
 * step of a venv build and by terrarium-conda in a conda build. That step must run, not come from a
 * layer cache: builder pods start with empty state and import no cache, which guarantees it.
 *
 * <p>A conda build has three stages. {@code base} is the base image with the user, the OS packages
 * and the base image's glibc version ({@value #BASE_GLIBC}, from {@code getconf GNU_LIBC_VERSION});
 * {@code conda} is the builder image ({@code TERRARIUM_CONDA_IMAGE}), where terrarium-conda
 * (py-rattler) solves the request against the channels with the virtual packages of the base image,
 * never of the build machine, installs the environment into {@value #CONDA_PREFIX} and its pip
 * requirements with uv, and writes the lock; the last stage is {@code base} with the environment
 * and the lock copied in. The installer and its caches never reach the image.
 *
 * <p>Assumed of the base image: Debian based, with apt, getent, groupadd and useradd; for conda,
 * glibc (getconf); for venv, a {@code python3} with the venv module (python:X.Y-slim, or Debian
 * with python3-venv).
 */
public final class BuildContextGenerator {

    public static final String BASE_IMAGE_ARG = "TERRARIUM_BASE_IMAGE";
    public static final String CONDA_IMAGE_ARG = "TERRARIUM_CONDA_IMAGE";
    public static final String PYTHON_ARG = "TERRARIUM_PYTHON";
    public static final String ENV_ARG_PREFIX = "TERRARIUM_ENV_";

    /** The Debian package a venv build adds to clone the git references it installs. */
    private static final String GIT = "git";

    private static final String OPENSSH_CLIENT = "openssh-client";

    /** Where the image keeps the resolved lock. */
    public static final String LOCK_FILE = "/opt/terrarium/lock";

    /**
     * Where a venv image built with uv keeps the exact lock (PEP 751): artifact URLs and hashes of
     * what the lock names.
     */
    public static final String PYLOCK_FILE = "/opt/terrarium/pylock.toml";

    /** The name of the marked block that carries {@link #PYLOCK_FILE} in the build log. */
    public static final String PYLOCK_BLOCK = "pylock.toml";

    static final String CONDA_PREFIX = "/opt/conda";

    /**
     * The base image's glibc version, as {@code getconf GNU_LIBC_VERSION} prints it: the {@code
     * __glibc} of the solve.
     */
    static final String BASE_GLIBC = "/opt/terrarium/base-glibc";

    /**
     * The {@code __linux} of the solve: the kernel is the cluster's, unknown at build time; pixi
     * assumes 4.18 too.
     */
    static final String LINUX_VERSION = "4.18";

    /**
     * The {@code __archspec} of the solve: any x86-64, so no build that needs a newer
     * microarchitecture is chosen.
     */
    static final String ARCHSPEC = "x86_64";

    private static final String CONDA_TOOLS =
            "/opt/terrarium/tools/bin/python /opt/terrarium/bin/terrarium-conda";
    private static final String CONDA_OUTPUT = "/tmp/terrarium/conda-out";
    private static final String RATTLER_CACHE = "/root/.cache/rattler";
    static final String VENV = "/opt/venv";
    static final String TOOLS_VENV = "/opt/terrarium/tools";
    private static final String COPY_DIR = "/tmp/terrarium";
    private static final String CONTINUATION = " \\\n    ";
    private static final String PIP_CACHE = "/root/.cache/pip";
    private static final String UV_CACHE = "/root/.cache/uv";
    private static final String USER_NAME = "terrarium";

    /**
     * The id of the build secret that holds the netrc of the package indexes' credentials; the
     * builder is given it with {@code --secret id=<id>,src=<file>}.
     */
    public static final String NETRC_SECRET_ID = "pip-netrc";

    /** Where a RUN step that mounts the netrc build secret finds it. */
    static final String NETRC_PATH = "/run/secrets/" + NETRC_SECRET_ID;

    /**
     * The id of the build secret that holds the conda installer's authentication file of the
     * channels' credentials.
     */
    public static final String CONDA_AUTH_SECRET_ID = "conda-auth";

    /** Where the conda step finds the channels' authentication file. */
    static final String CONDA_AUTH_PATH = "/run/secrets/" + CONDA_AUTH_SECRET_ID;

    /** The ids of the build secrets of the git SSH key and of the known hosts it trusts. */
    public static final String GIT_SSH_KEY_SECRET_ID = "git-ssh-key";

    public static final String GIT_KNOWN_HOSTS_SECRET_ID = "git-known-hosts";

    /**
     * The id of the build secret that holds the operator's CA bundle (terrarium.builds.ca-bundle),
     * when it sets one. A build secret, not a COPY: the bundle is mounted for the steps that
     * download and is never part of a layer.
     */
    public static final String CA_BUNDLE_SECRET_ID = "ca-bundle";

    /** Where a RUN step that mounts the CA bundle build secret finds it. */
    static final String CA_BUNDLE_PATH = "/run/secrets/" + CA_BUNDLE_SECRET_ID;

    /**
     * Fails the build early, with a message, when the base image's Python is not the one the spec
     * asks for.
     */
    private static final String PYTHON_CHECK =
            "python3 -c 'import sys; want = sys.argv[1];"
                    + " have = \"%d.%d.%d\" % sys.version_info[:3];"
                    + " sys.exit(0 if have == want or have.startswith(want + \".\")"
                    + " else \"the base image has Python \" + have + \" but the environment asks for \" + want)'"
                    + " \"$"
                    + PYTHON_ARG
                    + "\"";

    private final BuildContextOptions options;

    public BuildContextGenerator(BuildContextOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /**
     * The build context of {@code environment}.
     *
     * @param environment a normalised environment
     * @param specHash the environment's spec hash, 64 lower-case hex digits; it labels the image
     *     and marks the lock
     * @throws IllegalArgumentException when a value is missing or cannot be carried faithfully: a
     *     spec hash that is not 64 hex digits, a Python that is not X.Y[.Z], an OS package that is
     *     not a Debian name, a pip requirement that a requirements file would read differently (a
     *     second line, an option, a comment), a variable name that is not an identifier, a NUL in a
     *     build-argument value
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
            throw new IllegalArgumentException(
                    "python must be X.Y or X.Y.Z, got " + InputRules.printable(python));
        }
        String baseImage = environment.getBaseImage();
        InputRules.nonBlank("baseImage", baseImage);
        if (baseImage.chars().anyMatch(c -> Character.isWhitespace(c) || c == 0)) {
            throw new IllegalArgumentException(
                    "baseImage must not contain whitespace: " + InputRules.printable(baseImage));
        }
        List<String> channels = listOf(environment.getChannels());
        List<String> packages = listOf(environment.getPackages());
        List<String> pip = listOf(environment.getPip());
        List<String> constraints = environment.getPipConstraints();
        List<String> system = listOf(environment.getSystem());
        List<BakedEnvVar> env =
                environment.getEnv() == null ? List.of() : new ArrayList<>(environment.getEnv());
        channels.forEach(channel -> InputRules.channel("channels", channel));
        packages.forEach(spec -> InputRules.nonBlank("packages", spec));
        if (manager == Manager.VENV && !packages.isEmpty()) {
            throw new IllegalArgumentException(
                    "packages are conda match specs; a venv environment cannot install " + "them");
        }
        pip.forEach(requirement -> InputRules.requirementLine("pip", requirement));
        if (constraints != null) {
            if (manager != Manager.VENV || pip.isEmpty()) {
                throw new IllegalArgumentException(
                        "pipConstraints: constraints limit the pip requirements of a venv");
            }
            constraints.forEach(line -> InputRules.requirementLine("pipConstraints", line));
        }
        Map<String, List<String>> hashes = environment.getPipHashes();
        if (hashes != null && manager != Manager.VENV) {
            throw new IllegalArgumentException(
                    "pipHashes: hash-checking mode is for venv environments");
        }
        String pylock = environment.getPylockToml();
        if (pylock != null && (manager != Manager.VENV || !pip.isEmpty() || hashes != null)) {
            throw new IllegalArgumentException(
                    "pylockToml: a pylock.toml is installed alone, into a venv");
        }
        List<String> explicit = environment.getCondaExplicit();
        List<String> lockedPip = environment.getCondaLockedPip();
        if (explicit != null) {
            if (manager != Manager.CONDA
                    || !packages.isEmpty()
                    || !pip.isEmpty()
                    || !channels.isEmpty()) {
                throw new IllegalArgumentException(
                        "condaExplicit: a conda lock is installed alone, by conda");
            }
            if (explicit.isEmpty()) {
                throw new IllegalArgumentException("condaExplicit: the lock lists nothing");
            }
            explicit.forEach(BuildContextGenerator::explicitEntry);
            if (lockedPip != null) {
                for (String line : lockedPip) {
                    if (line == null || !InputRules.LOCKED_PIP_LINE.matcher(line).matches()) {
                        throw new IllegalArgumentException(
                                "condaLockedPip: expected name @ url --hash=sha256:<hex>, got "
                                        + InputRules.printable(line));
                    }
                }
            }
        } else if (lockedPip != null) {
            throw new IllegalArgumentException(
                    "condaLockedPip: pip artifacts of a lock come with its conda artifacts");
        }
        system.forEach(name -> InputRules.debianPackage("system", name));
        ResolvedPipIndexes indexes = environment.getPipIndexes();
        List<String> indexLines = withMirror(indexes);
        boolean netrc = indexes != null && indexes.getCredentialsNamespace() != null;
        boolean gitSsh = environment.getGitSshKeyNamespace() != null;
        boolean condaAuth =
                manager == Manager.CONDA && environment.getChannelCredentialsNamespace() != null;
        for (BakedEnvVar variable : env) {
            if (variable == null) {
                throw new IllegalArgumentException("env: a variable must not be null");
            }
            String name = variable.getName();
            if (name == null || !InputRules.IDENTIFIER.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "env: variable name must be an identifier "
                                + "([A-Za-z_][A-Za-z0-9_]*): "
                                + InputRules.printable(name));
            }
            InputRules.argumentValue("env." + name, valueOf(variable));
        }

        Map<String, String> buildArgs = new LinkedHashMap<>();
        buildArgs.put(BASE_IMAGE_ARG, baseImage);
        if (manager == Manager.CONDA) {
            buildArgs.put(CONDA_IMAGE_ARG, options.condaImage());
        }
        buildArgs.put(PYTHON_ARG, python);
        for (int i = 0; i < env.size(); i++) {
            buildArgs.put(ENV_ARG_PREFIX + i, valueOf(env.get(i)));
        }

        // uv and pip clone a git reference with the git program, and over SSH with the ssh
        // client, which slim images lack; conda builds clone in the builder image, which has both.
        if (manager == Manager.VENV) {
            List<String> tools = new ArrayList<>();
            if (pip.stream().anyMatch(InputRules::isGitReference)
                    || (pylock != null && InputRules.PYLOCK_VCS.matcher(pylock).find())) {
                tools.add(GIT);
            }
            if (gitSsh) {
                tools.add(OPENSSH_CLIENT);
            }
            tools.removeAll(system);
            if (!tools.isEmpty()) {
                system = new ArrayList<>(system);
                system.addAll(tools);
            }
        }
        Map<String, String> files = new LinkedHashMap<>();
        files.put(
                BuildContext.DOCKERFILE,
                dockerfile(
                        manager,
                        specHash,
                        !system.isEmpty(),
                        !pip.isEmpty(),
                        constraints != null,
                        hashes != null,
                        // The conda step mounts the netrc whenever channels have credentials:
                        // an ImageBuild made before channel schemes existed lists its channels
                        // with the indexes, so their credentials are in the netrc, which rattler
                        // reads for a host its authentication file does not name.
                        new InstallSecrets(
                                (netrc && !pip.isEmpty()) || condaAuth, condaAuth, gitSsh),
                        pylock != null,
                        mirrorApplies(indexes),
                        !pip.isEmpty() && !indexLines.isEmpty(),
                        env));
        if (manager == Manager.CONDA) {
            Map<String, Object> request =
                    explicit != null
                            ? lockRequest(specHash, explicit, lockedPip)
                            : condaRequest(specHash, python, channels, packages, pip, indexes);
            if (condaAuth) {
                request.put("authFile", CONDA_AUTH_PATH);
            }
            files.put(BuildContext.CONDA_REQUEST, CondaRequest.write(request));
        } else if (!pip.isEmpty()) {
            List<String> requirements = new ArrayList<>(indexLines);
            requirements.addAll(hashes == null ? pip : InputRules.withHashes(pip, hashes));
            files.put(BuildContext.REQUIREMENTS_TXT, lines(requirements));
            if (constraints != null) {
                files.put(BuildContext.CONSTRAINTS_TXT, lines(constraints));
            }
            if (gitSsh) {
                files.put(
                        BuildContext.SSH_LOGINS_TXT,
                        lines(
                                InputRules.sshLogins(pip).entrySet().stream()
                                        .map(login -> login.getKey() + " " + login.getValue())
                                        .toList()));
            }
        } else if (pylock != null) {
            files.put(BuildContext.PYLOCK_TOML, pylock);
        }
        if (!system.isEmpty()) {
            files.put(BuildContext.SYSTEM_PACKAGES_TXT, lines(system));
        }
        return new BuildContext(files, buildArgs);
    }

    private String dockerfile(
            Manager manager,
            String specHash,
            boolean hasSystem,
            boolean hasPip,
            boolean constrained,
            boolean requireHashes,
            InstallSecrets secrets,
            boolean hasPylock,
            boolean mirror,
            boolean indexedRequirements,
            List<BakedEnvVar> env) {
        int uid = options.uid();
        List<String> out = new ArrayList<>();
        out.add(
                "# Generated by Terrarium. User-supplied values reach this build only through the context files");
        out.add("# and the build arguments, never through the text of this file.");
        out.add("ARG " + BASE_IMAGE_ARG);
        if (manager == Manager.CONDA) {
            out.add("ARG " + CONDA_IMAGE_ARG);
            out.add("FROM ${" + BASE_IMAGE_ARG + "} AS base");
        } else {
            out.add("FROM ${" + BASE_IMAGE_ARG + "}");
            labels(out, manager, specHash);
        }
        out.add("USER root");
        List<String> userCommands =
                new ArrayList<>(
                        List.of(
                                "(getent group "
                                        + uid
                                        + " >/dev/null || groupadd --gid "
                                        + uid
                                        + " "
                                        + USER_NAME
                                        + ")",
                                "(getent passwd "
                                        + uid
                                        + " >/dev/null || useradd --no-log-init --uid "
                                        + uid
                                        + " --gid "
                                        + uid
                                        + " --create-home --home-dir /home/"
                                        + USER_NAME
                                        + " --shell /bin/sh "
                                        + USER_NAME
                                        + ")"));
        if (manager == Manager.CONDA) {
            userCommands.add("mkdir -p " + parent(BASE_GLIBC));
            userCommands.add(
                    "{ getconf GNU_LIBC_VERSION > "
                            + BASE_GLIBC
                            + " || { echo 'terrarium: the base image"
                            + " has no glibc (getconf GNU_LIBC_VERSION failed): conda packages need a glibc-based image'"
                            + " >&2; exit 1; }; }");
        }
        out.add(run(List.of(), userCommands));
        if (hasSystem) {
            String list = COPY_DIR + "/" + BuildContext.SYSTEM_PACKAGES_TXT;
            out.add("COPY " + BuildContext.SYSTEM_PACKAGES_TXT + " " + list);
            out.add(
                    run(
                            List.of(),
                            List.of(
                                    "apt-get update",
                                    "DEBIAN_FRONTEND=noninteractive xargs -a "
                                            + list
                                            + " apt-get install -y --no-install-recommends",
                                    "rm -rf /var/lib/apt/lists/*")));
        }
        if (manager == Manager.CONDA) {
            condaInstall(out, specHash, secrets);
        } else {
            venvInstall(
                    out,
                    specHash,
                    hasPip,
                    constrained,
                    requireHashes,
                    secrets,
                    hasPylock,
                    mirror,
                    indexedRequirements);
        }
        out.add(
                "ENV "
                        + (manager == Manager.CONDA
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
     * The conda stage and the copy of its result. The package caches are cache mounts, and the
     * conda stage never reaches the image, so nothing needs cleaning.
     */
    private void condaInstall(List<String> out, String specHash, InstallSecrets secrets) {
        String request = COPY_DIR + "/" + BuildContext.CONDA_REQUEST;
        out.add("FROM ${" + CONDA_IMAGE_ARG + "} AS conda");
        out.add("USER root");
        out.add("COPY " + BuildContext.CONDA_REQUEST + " " + request);
        out.add("COPY --from=base " + BASE_GLIBC + " " + COPY_DIR + "/base-glibc");
        List<String> mounts = new ArrayList<>(secrets.mounts());
        mounts.add(cacheMount(RATTLER_CACHE));
        mounts.add(cacheMount(UV_CACHE));
        out.add(
                run(
                        trusting(mounts),
                        List.of(secrets.variables() + trust() + CONDA_TOOLS + " " + request)));
        out.add("FROM base");
        labels(out, Manager.CONDA, specHash);
        out.add("COPY --from=conda " + CONDA_PREFIX + " " + CONDA_PREFIX);
        out.add("COPY --from=conda " + CONDA_OUTPUT + "/ " + parent(LOCK_FILE) + "/");
    }

    /**
     * The labels, which carry the spec hash. A conda build sets them in its last stage only, so
     * that its base stage (the user, the OS packages) is the same for every spec on the same base
     * and comes from the layer cache.
     */
    private static void labels(List<String> out, Manager manager, String specHash) {
        out.add("ARG " + PYTHON_ARG);
        out.add(
                "LABEL org.opencontainers.image.title=\"terrarium-environment\""
                        + CONTINUATION
                        + "  org.opencontainers.image.version=\""
                        + specHash
                        + "\""
                        + CONTINUATION
                        + "  org.opencontainers.image.description=\"Terrarium "
                        + manager.value()
                        + " environment, Python ${"
                        + PYTHON_ARG
                        + "}\""
                        + CONTINUATION
                        + "  dev.terrarium.spec-hash=\""
                        + specHash
                        + "\"");
    }

    /**
     * The venv, the install, and the lock step. A pylock.toml is installed with uv whatever the
     * installer setting, since pip cannot install one. With uv, the lock step also writes the exact
     * lock: {@code uv pip compile --no-deps --format pylock.toml} over the frozen pins, which looks
     * up each pinned version's artifacts and hashes on the indexes the install used (the index
     * options of requirements.txt, with the netrc build secret when they have credentials, or the
     * operator's mirror). A package installed from elsewhere (a lock's own URLs) may not be there:
     * then the build says so and goes on without the exact lock, rather than fail over a record.
     */
    private void venvInstall(
            List<String> out,
            String specHash,
            boolean hasPip,
            boolean constrained,
            boolean requireHashes,
            InstallSecrets secrets,
            boolean hasPylock,
            boolean mirror,
            boolean indexedRequirements) {
        boolean uv = options.installer() == Installer.UV || hasPylock;
        List<String> pipCacheMount = List.of(cacheMount(PIP_CACHE));
        out.add(
                run(
                        List.of(),
                        List.of(
                                PYTHON_CHECK,
                                "python3 -m venv " + (uv ? "--without-pip " : "") + VENV)));
        if (uv) {
            out.add(
                    run(
                            trusting(pipCacheMount),
                            List.of(
                                    "python3 -m venv " + TOOLS_VENV,
                                    trust()
                                            + TOOLS_VENV
                                            + "/bin/pip install --disable-pip-version-check "
                                            + mirrorOption()
                                            + "uv=="
                                            + options.uvVersion())));
        }
        if (hasPip) {
            String requirements =
                    (requireHashes ? "--require-hashes " : "")
                            + "-r "
                            + COPY_DIR
                            + "/"
                            + BuildContext.REQUIREMENTS_TXT
                            + (constrained
                                    ? " -c " + COPY_DIR + "/" + BuildContext.CONSTRAINTS_TXT
                                    : "");
            out.add(
                    "COPY "
                            + BuildContext.REQUIREMENTS_TXT
                            + " "
                            + COPY_DIR
                            + "/"
                            + BuildContext.REQUIREMENTS_TXT);
            if (secrets.gitSsh()) {
                out.add(
                        "COPY "
                                + BuildContext.SSH_LOGINS_TXT
                                + " "
                                + COPY_DIR
                                + "/"
                                + BuildContext.SSH_LOGINS_TXT);
            }
            if (constrained) {
                out.add(
                        "COPY "
                                + BuildContext.CONSTRAINTS_TXT
                                + " "
                                + COPY_DIR
                                + "/"
                                + BuildContext.CONSTRAINTS_TXT);
            }
            String credentials = secrets.variables();
            if (uv) {
                out.add(
                        run(
                                trusting(secrets.with(cacheMount(UV_CACHE))),
                                List.of(
                                        credentials
                                                + trust()
                                                + uvEnvironment()
                                                + TOOLS_VENV
                                                + "/bin/uv pip install --python "
                                                + VENV
                                                + "/bin/python "
                                                + requirements)));
            } else {
                out.add(
                        run(
                                trusting(secrets.with(cacheMount(PIP_CACHE))),
                                List.of(
                                        credentials
                                                + trust()
                                                + VENV
                                                + "/bin/pip install --disable-pip-version-check "
                                                + requirements)));
            }
        }
        if (hasPylock) {
            String lock = COPY_DIR + "/" + BuildContext.PYLOCK_TOML;
            out.add("COPY " + BuildContext.PYLOCK_TOML + " " + lock);
            out.add(
                    run(
                            trusting(List.of(cacheMount(UV_CACHE))),
                            List.of(
                                    trust()
                                            + uvEnvironment()
                                            + TOOLS_VENV
                                            + "/bin/uv pip install --python "
                                            + VENV
                                            + "/bin/python -r "
                                            + lock)));
        }
        if (!uv) {
            out.add(
                    lockStep(
                            specHash,
                            List.of(),
                            VENV
                                    + "/bin/pip freeze --disable-pip-version-check > "
                                    + LOCK_FILE
                                    + secrets.restoringSshLogins(),
                            List.of()));
            return;
        }
        // The index options of requirements.txt, the lines the generator wrote there, go before the
        // pins: the compile then asks the indexes the install asked, with the same credentials.
        String pins =
                indexedRequirements
                        ? "{ grep -E '^--(index-url|extra-index-url|find-links) ' "
                                + COPY_DIR
                                + "/"
                                + BuildContext.REQUIREMENTS_TXT
                                + "; cat "
                                + LOCK_FILE
                                + "; } | "
                        : "";
        String compile =
                "{ { [ -s "
                        + LOCK_FILE
                        + " ] && "
                        + pins
                        + secrets.variables()
                        + trust()
                        + uvEnvironment()
                        + TOOLS_VENV
                        + "/bin/uv pip compile --python "
                        + VENV
                        + "/bin/python --quiet --no-deps --no-header "
                        + (mirror && !indexedRequirements ? mirrorOption() : "")
                        + "--format pylock.toml -o "
                        + PYLOCK_FILE
                        + (indexedRequirements ? " -" : " - < " + LOCK_FILE)
                        + "; } || { rm -f "
                        + PYLOCK_FILE
                        + "; echo 'terrarium: no pylock.toml: nothing is installed, or uv pip"
                        + " compile could not find the installed versions on the index' >&2; }; }";
        String printPylock =
                "{ [ ! -f "
                        + PYLOCK_FILE
                        + " ] || { "
                        + String.join(
                                " && ",
                                LockMarkers.printCommands(specHash, PYLOCK_BLOCK, PYLOCK_FILE))
                        + "; }; }";
        out.add(
                lockStep(
                        specHash,
                        trusting(secrets.with(cacheMount(UV_CACHE))),
                        TOOLS_VENV
                                + "/bin/uv pip freeze --python "
                                + VENV
                                + "/bin/python > "
                                + LOCK_FILE
                                + secrets.restoringSshLogins(),
                        List.of(compile, printPylock)));
    }

    /**
     * The build secrets of an install step: the netrc when the indexes have credentials, the conda
     * installer's authentication file when the channels have, the git SSH key and known hosts when
     * a requirement clones over SSH. Only the install steps mount them: a build secret is never
     * part of a layer, and no other step needs it.
     */
    private record InstallSecrets(boolean netrc, boolean condaAuth, boolean gitSsh) {

        List<String> mounts() {
            List<String> mounts = new ArrayList<>();
            if (netrc) {
                mounts.add(NETRC_MOUNT);
            }
            if (condaAuth) {
                mounts.add(CONDA_AUTH_MOUNT);
            }
            if (gitSsh) {
                mounts.add(GIT_SSH_KEY_MOUNT);
                mounts.add(GIT_KNOWN_HOSTS_MOUNT);
            }
            return mounts;
        }

        /** The secrets first, then the step's cache. */
        List<String> with(String cacheMount) {
            List<String> mounts = mounts();
            mounts.add(cacheMount);
            return mounts;
        }

        /**
         * What follows the freeze of a lock step when requirements clone over SSH: uv's freeze
         * writes their URLs without the login ({@code git@}), so the lock could not clone them
         * again; the logins come back from {@link BuildContext#SSH_LOGINS_TXT} by plain text
         * replacement, in a program of fixed text that reads the pairs from that file.
         */
        String restoringSshLogins() {
            return gitSsh
                    ? " && python3 -c 'import functools, sys; pairs = [line.split() for line in"
                            + " open(sys.argv[1]) if line.strip()]; text = functools.reduce(lambda"
                            + " text, pair: text.replace(pair[0], pair[1]), pairs,"
                            + " open(sys.argv[2]).read()); open(sys.argv[2], \"w\").write(text)' "
                            + COPY_DIR
                            + "/"
                            + BuildContext.SSH_LOGINS_TXT
                            + " "
                            + LOCK_FILE
                    : "";
        }

        /** The variables that point the step's tools at the secrets, for that command only. */
        String variables() {
            return (netrc ? NETRC_VARIABLE : "") + (gitSsh ? GIT_SSH_VARIABLE : "");
        }
    }

    /**
     * The options of the package indexes, as lines of a requirements file, which pip and uv both
     * read; each URL checked again, since it is written into a file the installer parses.
     */
    static List<String> indexLines(ResolvedPipIndexes indexes) {
        List<String> lines = new ArrayList<>();
        if (indexes == null) {
            return lines;
        }
        if (indexes.getIndexUrl() != null) {
            lines.add(
                    "--index-url "
                            + InputRules.indexUrl("pipIndexes.indexUrl", indexes.getIndexUrl()));
        }
        for (String url : listOf(indexes.getExtraIndexUrls())) {
            lines.add("--extra-index-url " + InputRules.indexUrl("pipIndexes.extraIndexUrls", url));
        }
        for (String url : listOf(indexes.getFindLinks())) {
            lines.add("--find-links " + InputRules.indexUrl("pipIndexes.findLinks", url));
        }
        return lines;
    }

    /**
     * The index options of a build: the environment's, with the operator's mirror first as the
     * index URL when the environment names none. The mirror only replaces the default index, so an
     * environment's own index URL wins and its extra indexes stay beside the mirror.
     */
    private List<String> withMirror(ResolvedPipIndexes indexes) {
        List<String> lines = indexLines(indexes);
        if (mirrorApplies(indexes)) {
            lines.add(0, "--index-url " + options.pipIndexUrl());
        }
        return lines;
    }

    private boolean mirrorApplies(ResolvedPipIndexes indexes) {
        return options.pipIndexUrl() != null && (indexes == null || indexes.getIndexUrl() == null);
    }

    /**
     * The mirror as an option of a command in the Dockerfile, single-quoted: the URL rules admit no
     * quote, and the shell then reads {@code &}, {@code ;} or {@code #} in it as text.
     */
    private String mirrorOption() {
        return options.pipIndexUrl() == null
                ? ""
                : "--index-url '"
                        + InputRules.indexUrl("pipIndexUrl", options.pipIndexUrl())
                        + "' ";
    }

    /** The mounts of a step that downloads: the CA bundle build secret first, when there is one. */
    private List<String> trusting(List<String> mounts) {
        if (!options.caBundle()) {
            return mounts;
        }
        List<String> all = new ArrayList<>();
        all.add(CA_BUNDLE_MOUNT);
        all.addAll(mounts);
        return all;
    }

    /**
     * The variables that make the tools of a downloading command trust the CA bundle, for that
     * command only: uv, py-rattler (rustls with native roots) and Python's ssl read SSL_CERT_FILE,
     * pip reads PIP_CERT, and requests, which some build backends use, REQUESTS_CA_BUNDLE. Each
     * replaces its tool's default trust, so the bundle must hold every CA the build needs.
     */
    private String trust() {
        return options.caBundle()
                ? "SSL_CERT_FILE="
                        + CA_BUNDLE_PATH
                        + " PIP_CERT="
                        + CA_BUNDLE_PATH
                        + " REQUESTS_CA_BUNDLE="
                        + CA_BUNDLE_PATH
                        + " "
                : "";
    }

    private static String uvEnvironment() {
        return "UV_CACHE_DIR=" + UV_CACHE + " UV_LINK_MODE=copy UV_COMPILE_BYTECODE=1 ";
    }

    private static String lockStep(
            String specHash, List<String> mounts, String writeLock, List<String> after) {
        List<String> commands = new ArrayList<>();
        commands.add("mkdir -p " + parent(LOCK_FILE));
        commands.add(writeLock);
        commands.addAll(LockMarkers.printCommands(specHash, LOCK_FILE));
        commands.addAll(after);
        return run(mounts, commands);
    }

    /**
     * What terrarium-conda installs: the channels in priority order, python (the normalised spec
     * lists it; this adds it when a hand-made environment does not), the match specs, the pip
     * requirements, the virtual packages of the base image, and the operator's channel settings.
     * Its keys are documented by terrarium-conda.
     */
    private Map<String, Object> condaRequest(
            String specHash,
            String python,
            List<String> channels,
            List<String> packages,
            List<String> pip,
            ResolvedPipIndexes indexes) {
        List<String> specs = new ArrayList<>();
        if (packages.stream().noneMatch(spec -> "python".equals(condaPackageName(spec)))) {
            specs.add("python=" + python);
        }
        specs.addAll(packages);
        Map<String, Object> virtualPackages = new LinkedHashMap<>();
        virtualPackages.put("linux", LINUX_VERSION);
        virtualPackages.put("archspec", ARCHSPEC);
        virtualPackages.put("glibcFile", COPY_DIR + "/base-glibc");
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("version", 1);
        request.put("specHash", specHash);
        request.put("prefix", CONDA_PREFIX);
        request.put("platform", "linux-64");
        request.put(
                "channels",
                channels.stream()
                        .map(
                                channel ->
                                        ChannelUrls.isUrl(channel)
                                                ? channelByUrl(channel)
                                                : Map.of("name", channel))
                        .toList());
        if (options.channelAlias() != null) {
            request.put("channelAlias", options.channelAlias());
        }
        request.put("channelPriority", options.channelPriority());
        request.put("specs", specs);
        if (!pip.isEmpty()) {
            request.put("pip", pip);
            Map<String, String> logins = InputRules.sshLogins(pip);
            if (!logins.isEmpty()) {
                request.put("sshLogins", logins);
            }
            List<String> indexLines = withMirror(indexes);
            if (!indexLines.isEmpty()) {
                request.put("pipIndexes", indexLines);
            }
        }
        request.put("virtualPackages", virtualPackages);
        request.put("packageCache", RATTLER_CACHE);
        request.put("uvCache", UV_CACHE);
        request.put("output", CONDA_OUTPUT);
        return request;
    }

    /**
     * The request of a conda lock: the artifacts to install as they are, each with the hash the
     * installer checks, and the pip artifacts installed after them; no channels, specs or virtual
     * packages, since nothing is solved.
     */
    private static Map<String, Object> lockRequest(
            String specHash, List<String> explicit, List<String> lockedPip) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("version", 1);
        request.put("specHash", specHash);
        request.put("prefix", CONDA_PREFIX);
        request.put("platform", "linux-64");
        request.put(
                "explicit", explicit.stream().map(BuildContextGenerator::explicitEntry).toList());
        if (lockedPip != null && !lockedPip.isEmpty()) {
            request.put("lockedPip", lockedPip);
        }
        request.put("packageCache", RATTLER_CACHE);
        request.put("uvCache", UV_CACHE);
        request.put("output", CONDA_OUTPUT);
        return request;
    }

    /**
     * {@code {"url": …, "sha256": …}}, {@code {"url": …, "md5": …}} or {@code {"url": …}} of an
     * explicit line.
     */
    private static Map<String, String> explicitEntry(String line) {
        Matcher matcher = line == null ? null : InputRules.CONDA_EXPLICIT_LINE.matcher(line);
        if (matcher == null || !matcher.matches()) {
            throw new IllegalArgumentException(
                    "condaExplicit: expected url#sha256:<hex>, url#<md5> or url, got "
                            + InputRules.printable(line));
        }
        Map<String, String> entry = new LinkedHashMap<>();
        entry.put("url", matcher.group(1));
        if (matcher.group(2) != null) {
            entry.put("sha256", matcher.group(2));
        } else if (matcher.group(3) != null) {
            entry.put("md5", matcher.group(3));
        }
        return entry;
    }

    /** A channel of the request found by its URL, which is also its name in messages. */
    private static Map<String, String> channelByUrl(String url) {
        Map<String, String> channel = new LinkedHashMap<>();
        channel.put("name", url);
        channel.put("url", url);
        return channel;
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

    private static String parent(String path) {
        return path.substring(0, path.lastIndexOf('/'));
    }

    private static final String CA_BUNDLE_MOUNT =
            "--mount=type=secret,id=" + CA_BUNDLE_SECRET_ID + ",target=" + CA_BUNDLE_PATH;

    private static final String NETRC_MOUNT =
            "--mount=type=secret,id=" + NETRC_SECRET_ID + ",target=" + NETRC_PATH;

    private static final String CONDA_AUTH_MOUNT =
            "--mount=type=secret,id=" + CONDA_AUTH_SECRET_ID + ",target=" + CONDA_AUTH_PATH;

    private static final String GIT_SSH_KEY_PATH = "/run/secrets/" + GIT_SSH_KEY_SECRET_ID;
    private static final String GIT_KNOWN_HOSTS_PATH = "/run/secrets/" + GIT_KNOWN_HOSTS_SECRET_ID;

    private static final String GIT_SSH_KEY_MOUNT =
            "--mount=type=secret,id=" + GIT_SSH_KEY_SECRET_ID + ",target=" + GIT_SSH_KEY_PATH;

    private static final String GIT_KNOWN_HOSTS_MOUNT =
            "--mount=type=secret,id="
                    + GIT_KNOWN_HOSTS_SECRET_ID
                    + ",target="
                    + GIT_KNOWN_HOSTS_PATH;

    /**
     * How git runs ssh for uv and pip: with the key and the known hosts of the build secrets only
     * (no agent, no other identity), refusing a host whose key is not among them, and never asking
     * anything, since no one can answer in a build.
     */
    private static final String GIT_SSH_VARIABLE =
            "GIT_SSH_COMMAND='ssh -i "
                    + GIT_SSH_KEY_PATH
                    + " -o IdentitiesOnly=yes -o UserKnownHostsFile="
                    + GIT_KNOWN_HOSTS_PATH
                    + " -o StrictHostKeyChecking=yes -o BatchMode=yes' ";

    /**
     * Where uv and pip find the netrc: both read {@code NETRC}, which is set for the one command
     * only.
     */
    private static final String NETRC_VARIABLE = "NETRC=" + NETRC_PATH + " ";

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
