package dev.terrarium.buildcontext;

import dev.terrarium.api.BakedEnvVar;
import dev.terrarium.api.Manager;
import dev.terrarium.api.ResolvedEnvironment;
import dev.terrarium.api.ResolvedPipIndexes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Normalised environments written by hand, as the spec normaliser would produce them. */
public final class Fixtures {

    /** sha256 of "test". */
    public static final String HASH =
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    public static final String OTHER_HASH =
            "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752";

    private Fixtures() {}

    public static ResolvedEnvironment environment(
            Manager manager, String python, String baseImage) {
        ResolvedEnvironment environment = new ResolvedEnvironment();
        environment.setManager(manager);
        environment.setPython(python);
        environment.setBaseImage(baseImage);
        return environment;
    }

    /** conda with channels, packages, pip requirements, OS packages and baked variables. */
    public static ResolvedEnvironment condaFull() {
        ResolvedEnvironment environment =
                environment(Manager.CONDA, "3.12", "debian:bookworm-slim");
        environment.setChannels(List.of("conda-forge", "bioconda"));
        environment.setPackages(List.of("numpy=1.26.4", "pandas>=2.2", "scipy"));
        environment.setPip(List.of("requests==2.32.3", "rich>=13"));
        environment.setSystem(List.of("curl", "git=1:2.39.5-0+deb12u1"));
        environment.setEnv(
                List.of(
                        new BakedEnvVar("GREETING", "hello world"),
                        new BakedEnvVar("MPLBACKEND", "Agg")));
        return environment;
    }

    /** venv with nothing but Python. */
    public static ResolvedEnvironment venvMinimal() {
        return environment(Manager.VENV, "3.12", "python:3.12-slim");
    }

    /**
     * venv on a Debian image with python3 and python3-venv, with OS packages and baked variables.
     */
    public static ResolvedEnvironment venvSystemEnv() {
        ResolvedEnvironment environment =
                environment(Manager.VENV, "3.11", "debian:bookworm-python3-venv");
        environment.setPip(List.of("flask==3.0.3", "gunicorn"));
        environment.setSystem(List.of("libpq5", "tini"));
        environment.setEnv(
                List.of(new BakedEnvVar("APP_ENV", "production"), new BakedEnvVar("PORT", "8000")));
        return environment;
    }

    /** venv with a few pip requirements, for the pip installer. */
    public static ResolvedEnvironment venvWithPip() {
        ResolvedEnvironment environment = environment(Manager.VENV, "3.12", "python:3.12-slim");
        environment.setPip(List.of("numpy==2.1.3", "requests[socks]>=2.31"));
        return environment;
    }

    /**
     * venv with direct references as the normaliser resolves them: two unnamed (a git repository
     * and an archive under a marker), whose names uv learns by building them, and a named one.
     */
    public static ResolvedEnvironment venvDirectReferences() {
        ResolvedEnvironment environment = environment(Manager.VENV, "3.12", "python:3.12-slim");
        environment.setPip(
                List.of(
                        "argh @ git+https://github.com/example/argh.git@v0.31.3#egg=argh",
                        "git+https://github.com/example/peft.git",
                        "https://github.com/example/pyxpcm/archive/sof-agu.zip ; python_version >="
                                + " \"3.10\""));
        return environment;
    }

    /** venv in hash-checking mode with an unnamed archive, its hashes keyed by its URL. */
    public static ResolvedEnvironment venvHashesUnnamed() {
        ResolvedEnvironment environment = environment(Manager.VENV, "3.12", "python:3.12-slim");
        String archive = "https://github.com/example/pyxpcm/archive/v1.0.zip";
        environment.setPip(List.of(archive, "six==1.16.0"));
        environment.setPipHashes(
                new java.util.TreeMap<>(
                        java.util.Map.of(
                                archive,
                                List.of("sha256:" + "1".repeat(64)),
                                "six",
                                List.of("sha256:" + "2".repeat(64)))));
        return environment;
    }

    /** venv whose requirements.txt limits versions with a -c file, as home-assistant's does. */
    public static ResolvedEnvironment venvConstraints() {
        ResolvedEnvironment environment = environment(Manager.VENV, "3.12", "python:3.12-slim");
        environment.setPip(List.of("pytest==8.3.4", "requests"));
        environment.setPipConstraints(List.of("idna==3.10", "urllib3<3,>=2"));
        return environment;
    }

    /**
     * venv whose pip requirements come from a mirror, a CUDA wheel index with credentials and a
     * find-links page.
     */
    public static ResolvedEnvironment venvPrivateIndexes() {
        ResolvedEnvironment environment = environment(Manager.VENV, "3.12", "python:3.12-slim");
        environment.setPip(List.of("torch==2.3.1", "private-lib==1.0"));
        environment.setPipIndexes(indexes("tenant-a"));
        return environment;
    }

    /**
     * venv with a requirement cloned over SSH beside one from a private index: the install mounts
     * the netrc and the SSH key and known hosts.
     */
    public static ResolvedEnvironment venvGitSsh() {
        ResolvedEnvironment environment = venvPrivateIndexes();
        environment.setPip(
                List.of(
                        "private-lib==1.0",
                        "team-tools @ git+ssh://git@git.example.com/team/tools.git@v1.2"));
        environment.setGitSshKeyNamespace("tenant-a");
        return environment;
    }

    /** conda whose pip list clones over SSH, in the builder image. */
    public static ResolvedEnvironment condaGitSsh() {
        ResolvedEnvironment environment = condaFull();
        environment.setSystem(List.of());
        environment.setEnv(List.of());
        environment.setPip(
                List.of("team-tools @ git+ssh://git@git.example.com/team/tools.git@v1.2"));
        environment.setGitSshKeyNamespace("tenant-a");
        return environment;
    }

    /** conda with pip requirements from the same indexes. */
    public static ResolvedEnvironment condaPrivateIndexes() {
        ResolvedEnvironment environment = condaFull();
        environment.setSystem(List.of());
        environment.setEnv(List.of());
        environment.setPipIndexes(indexes("tenant-a"));
        return environment;
    }

    /**
     * conda from a private channel URL with credentials besides a named channel, without pip
     * requirements: the conda step still mounts the netrc, for the channel.
     */
    public static ResolvedEnvironment condaPrivateChannel() {
        ResolvedEnvironment environment =
                environment(Manager.CONDA, "3.12", "debian:bookworm-slim");
        environment.setChannels(List.of("https://conda.example.com/team", "conda-forge"));
        environment.setPackages(List.of("python 3.12.*", "team-tools"));
        environment.setChannelCredentialsNamespace("tenant-a");
        return environment;
    }

    public static ResolvedPipIndexes indexes(String credentialsNamespace) {
        ResolvedPipIndexes indexes = new ResolvedPipIndexes();
        indexes.setIndexUrl("https://mirror.example.com/simple");
        indexes.setExtraIndexUrls(
                List.of(
                        "https://download.example.com/whl/cu121",
                        "https://private.example.com/simple/"));
        indexes.setFindLinks(List.of("https://wheels.example.com/links.html"));
        indexes.setCredentialsNamespace(credentialsNamespace);
        return indexes;
    }

    /**
     * conda from a conda-lock.yml: two conda artifacts (one by sha256, one by md5) and one pip
     * artifact.
     */
    public static ResolvedEnvironment condaLock() {
        ResolvedEnvironment environment =
                environment(Manager.CONDA, "3.12.4", "debian:bookworm-slim");
        environment.setCondaExplicit(
                List.of(
                        "https://conda.example.com/conda-forge/linux-64/"
                                + "python-3.12.4-h194c7f8_0_cpython.conda#sha256:"
                                + "3".repeat(64),
                        "https://conda.example.com/conda-forge/noarch/greet-1.0-0.tar.bz2#"
                                + "d7c89558ba9fa0495403155b64376d81",
                        "https://conda.example.com/conda-forge/noarch/tzdata-2024a-h0c530f3_0.conda"));
        environment.setCondaLockedPip(
                List.of(
                        "six @ https://files.example.com/packages/six-1.16.0-py2.py3-none-any.whl"
                                + " --hash=sha256:"
                                + "8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254"));
        return environment;
    }

    /** venv from a pylock.toml (src/test/resources/pylock/six-and-tomli.pylock.toml). */
    public static ResolvedEnvironment venvPylock() {
        ResolvedEnvironment environment = environment(Manager.VENV, "3.11", "python:3.11-slim");
        environment.setPylockToml(pylock("six-and-tomli.pylock.toml"));
        return environment;
    }

    /** A pylock.toml of src/test/resources/pylock. */
    public static String condaLock(String name) {
        try {
            return Files.readString(
                    Path.of("src", "test", "resources", "conda-locks", name),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String pylock(String name) {
        try {
            return Files.readString(
                    Path.of("src", "test", "resources", "pylock", name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<BakedEnvVar> env(String... namesAndValues) {
        List<BakedEnvVar> env = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            env.add(new BakedEnvVar(namesAndValues[i], namesAndValues[i + 1]));
        }
        return env;
    }

    /** The last RUN step of a Dockerfile as one shell command line, without its mounts. */
    public static String lastRun(String dockerfile) {
        String run = dockerfile.substring(dockerfile.lastIndexOf("\nRUN ") + 1);
        run = run.substring(0, run.indexOf("\nENV "));
        return run.replace(" \\\n    ", " ").replaceFirst("^RUN (--mount=\\S+ )*", "");
    }
}
