package dev.terrarium.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.terrarium.api.Manager;
import dev.terrarium.buildcontext.BuildContextGenerator;
import dev.terrarium.buildcontext.BuildContextOptions;
import dev.terrarium.buildcontext.Fixtures;
import dev.terrarium.buildcontext.LockMarkers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LockExtractorTest {

    private static final String H = Fixtures.HASH;

    @Test
    void readsACondaLockFromBuildKitPlainProgress() throws IOException {
        Optional<ResolvedLock> lock =
                LockExtractor.extract(log("buildkit-conda.txt"), H, Manager.CONDA);

        assertThat(lock).isPresent();
        assertThat(lock.get().text())
                .startsWith("name: base\nchannels:\n- conda-forge\ndependencies:\n")
                .contains(
                        "- python=3.12.7=hc5c86c4_0_cpython\n- pip:\n  - requests==2.32.3\n  - rich==13.9.4\n")
                .endsWith("prefix: /opt/conda\n")
                .doesNotContain("#9")
                .doesNotContain(LockMarkers.TOKEN);
        assertThat(lock.get().text().lines()).hasSize(16);
        assertThat(lock.get().packages()).isEqualTo(10);
    }

    @Test
    void readsAFreezeFromKanikosRawOutput() throws IOException {
        Optional<ResolvedLock> lock =
                LockExtractor.extract(log("kaniko-venv.txt"), H, Manager.VENV);

        assertThat(lock)
                .contains(
                        new ResolvedLock(
                                "certifi==2024.8.30\ncharset-normalizer==3.4.0\nidna==3.10\n"
                                        + "numpy==2.1.3\npysocks==1.7.1\nrequests==2.32.3\n",
                                6,
                                null));
    }

    @Test
    void readsAFreezeFromBuildahsRawOutput() throws IOException {
        Optional<ResolvedLock> lock =
                LockExtractor.extract(log("buildah-venv.txt"), H, Manager.VENV);

        assertThat(lock).isPresent();
        assertThat(lock.get().text()).startsWith("blinker==1.9.0\n").endsWith("werkzeug==3.1.3\n");
        assertThat(lock.get().packages()).isEqualTo(9);
    }

    @Test
    void readsTheExplicitLockThatTerrariumCondaPrintedInARealBuildahBuild() throws IOException {
        String hash = "7692c3ad3540bb803c020b3aee66cd8887123234ea0c6e7143c0add73ff431ed";

        ResolvedLock lock =
                LockExtractor.extract(log("buildah-conda.txt"), hash, Manager.CONDA).orElseThrow();

        assertThat(lock.text())
                .startsWith("# This file may be used to create an environment using:\n")
                .contains(
                        "\n@EXPLICIT\nhttp://127.0.0.1:18765/main/linux-64/python-3.11.2-0_debian.tar.bz2#ae4ebc8f")
                .contains(
                        "/main/noarch/greet-1.5-fast_0.conda#c45d80934f902a8e63b71bc0c793238d6c160bf7289735ba2be79"
                                + "cac78f4c90a\n")
                .contains("\n# pip six @ https://files.example/")
                .endsWith(
                        "#sha256=8abb2f1d86890a2dfb989f9a77cfcfd3e"
                                + "47c2a354b01111771326f8aa26e0254\n");
        assertThat(lock.packages()).as("5 conda records, 5 pip packages").isEqualTo(10);
    }

    @Test
    void aFailedBuildHasNoLock() throws IOException {
        assertThat(LockExtractor.extract(log("buildkit-failed.txt"), H, Manager.VENV)).isEmpty();
    }

    @Test
    void markersOfAnotherSpecAreIgnored() throws IOException {
        String other = log("buildkit-other-hash.txt");

        assertThat(LockExtractor.extract(other, H, Manager.VENV)).isEmpty();
        assertThat(LockExtractor.extract(other, Fixtures.OTHER_HASH, Manager.VENV))
                .contains(new ResolvedLock("numpy==2.1.3\nrequests==2.32.3\n", 2, null));
    }

    @Test
    void interleavedOutputOfAnotherSpecDoesNotMixIntoTheLock() throws IOException {
        List<String> ours =
                log("kaniko-venv.txt").lines().filter(l -> l.contains(LockMarkers.TOKEN)).toList();
        List<String> theirs =
                log("buildkit-other-hash.txt")
                        .lines()
                        .filter(l -> l.contains(LockMarkers.TOKEN))
                        .toList();
        List<String> mixed = new ArrayList<>();
        for (int i = 0; i < Math.max(ours.size(), theirs.size()); i++) {
            if (i < theirs.size()) {
                mixed.add(theirs.get(i));
            }
            if (i < ours.size()) {
                mixed.add(ours.get(i));
            }
        }

        Optional<ResolvedLock> lock =
                LockExtractor.extract(String.join("\n", mixed), H, Manager.VENV);

        assertThat(lock).isPresent();
        assertThat(lock.get().packages()).isEqualTo(6);
        assertThat(lock.get().text())
                .startsWith("certifi==")
                .doesNotContain("numpy==2.1.3\nrequests");
    }

    @Test
    void theEchoedCommandOfTheLockStepIsNotMistakenForAMarker() {
        String dockerfile =
                new BuildContextGenerator(BuildContextOptions.defaults())
                        .generate(Fixtures.venvMinimal(), H)
                        .dockerfile();
        String runLine =
                dockerfile
                        .substring(dockerfile.lastIndexOf("\nRUN ") + 1)
                        .lines()
                        .takeWhile(line -> !line.startsWith("ENV "))
                        .collect(Collectors.joining(" "));

        String log =
                "#9 [5/6] " + runLine + "\nINFO[0016] " + runLine + "\nSTEP 5/6: " + runLine + "\n";

        assertThat(log).doesNotContain(LockMarkers.prefix(H));
        assertThat(LockExtractor.extract(log, H, Manager.VENV)).isEmpty();
    }

    @Test
    void aLockWithoutItsEndIsIncomplete() {
        String log =
                "#9 0.1 terrarium-lock "
                        + H
                        + " begin\n#9 0.1 terrarium-lock "
                        + H
                        + " | numpy==2.1.3\n"
                        + "#9 ERROR: process did not complete successfully: exit code: 137\n";

        assertThat(LockExtractor.extract(log, H, Manager.VENV)).isEmpty();
    }

    @Test
    void aLockWhoseLineCountDisagreesWithItsEndWasClipped() {
        String log =
                "terrarium-lock "
                        + H
                        + " begin\nterrarium-lock "
                        + H
                        + " | numpy==2.1.3\n"
                        + "[output clipped, log limit 2MiB reached]\nterrarium-lock "
                        + H
                        + " end 3\n";

        assertThat(LockExtractor.extract(log, H, Manager.VENV)).isEmpty();
    }

    @Test
    void anEndWithoutABeginIsIgnored() {
        assertThat(LockExtractor.extract("terrarium-lock " + H + " end 0\n", H, Manager.VENV))
                .isEmpty();
    }

    @Test
    void anEmptyLockIsAValidLock() {
        String log = "terrarium-lock " + H + " begin\nterrarium-lock " + H + " end 0\n";

        assertThat(LockExtractor.extract(log, H, Manager.VENV))
                .contains(new ResolvedLock("", 0, null));
    }

    @Test
    void aLockLineThatLooksLikeAnEndMarkerIsContent() {
        String fake = "pkg @ https://example.com/terrarium-lock " + H + " end 0";
        String log =
                "terrarium-lock "
                        + H
                        + " begin\n"
                        + "terrarium-lock "
                        + H
                        + " | terrarium-lock "
                        + H
                        + " end 0\n"
                        + "terrarium-lock "
                        + H
                        + " | "
                        + fake
                        + "\n"
                        + "terrarium-lock "
                        + H
                        + " end 2\n";

        assertThat(LockExtractor.extract(log, H, Manager.VENV))
                .contains(
                        new ResolvedLock(
                                "terrarium-lock " + H + " end 0\n" + fake + "\n", 2, null));
    }

    @Test
    void theLastCompleteLockWins() {
        String log =
                "terrarium-lock "
                        + H
                        + " begin\nterrarium-lock "
                        + H
                        + " | old==1\nterrarium-lock "
                        + H
                        + " end 1\nterrarium-lock "
                        + H
                        + " begin\nterrarium-lock "
                        + H
                        + " | new==2\nterrarium-lock "
                        + H
                        + " end 1\n";

        assertThat(LockExtractor.extract(log, H, Manager.VENV))
                .contains(new ResolvedLock("new==2\n", 1, null));
    }

    @Test
    void windowsLineEndingsTimestampsAndStrippedTrailingSpacesAreTolerated() {
        String log =
                "2025-01-07T10:00:00.000000001Z #9 0.1 terrarium-lock "
                        + H
                        + " begin\r\n"
                        + "2025-01-07T10:00:00.000000002Z #9 0.1 terrarium-lock "
                        + H
                        + " | numpy==2.1.3\r\n"
                        + "2025-01-07T10:00:00.000000003Z #9 0.1 terrarium-lock "
                        + H
                        + " |\r\n"
                        + "2025-01-07T10:00:00.000000004Z #9 0.1 terrarium-lock "
                        + H
                        + " end 2   \r\n";

        assertThat(LockExtractor.extract(log, H, Manager.VENV))
                .contains(new ResolvedLock("numpy==2.1.3\n\n", 1, null));
    }

    @Test
    void noLogMeansNoLock() {
        assertThat(LockExtractor.extract(null, H, Manager.VENV)).isEmpty();
        assertThat(LockExtractor.extract("", H, Manager.VENV)).isEmpty();
    }

    @Test
    void venvPackagesAreTheRequirementLines() {
        assertThat(
                        LockExtractor.countPackages(
                                "a==1\n\n# comment\n-e git+https://example.com/r.git#egg=b\nc @ "
                                        + "file:///wheels/c.whl\n",
                                Manager.VENV))
                .isEqualTo(3);
    }

    @Test
    void condaPackagesAreTheDependenciesWithTheNestedPipListCountedByEntry() {
        String export =
                "name: base\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.12.7\n"
                        + "  - numpy=2.1.3\n  - pip:\n      - rich==13.9.4\nvariables:\n  - not-a-package\n"
                        + "prefix: /opt/conda\n";

        assertThat(LockExtractor.countPackages(export, Manager.CONDA)).isEqualTo(3);
        assertThat(LockExtractor.countPackages("name: base\n", Manager.CONDA)).isZero();
    }

    @Test
    void condaPackagesOfAnExplicitLockAreItsRecordsAndItsPipLines() {
        String lock =
                "# This file may be used to create an environment using:\n"
                        + "# $ conda create --name <env> --file <this file>\n# platform: linux-64\n@EXPLICIT\n"
                        + "https://conda.example/main/linux-64/python-3.12.7-h0_0.conda#"
                        + "a".repeat(64)
                        + "\n"
                        + "https://conda.example/main/noarch/greet-1.5-fast_0.tar.bz2#"
                        + "b".repeat(32)
                        + "\n"
                        + "# pip rich @ https://files.example/rich-13.9.4-py3-none-any.whl#sha256="
                        + "c".repeat(64)
                        + "\n"
                        + "# pip six==1.16.0\n# pipe is not a pip line\n";

        assertThat(LockExtractor.countPackages(lock, Manager.CONDA)).isEqualTo(4);
        assertThat(LockExtractor.countPackages("# platform: linux-64\n@EXPLICIT\n", Manager.CONDA))
                .isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/bin/sh", "/bin/bash"})
    void theGeneratedShellPrintsWhatTheExtractorReadsBack(String shell, @TempDir Path directory)
            throws Exception {
        assumeThat(Files.isExecutable(Path.of(shell))).isTrue();
        String lock =
                "plain==1.0\n"
                        + "  leading and trailing spaces  \n"
                        + "\n"
                        + "back\\slash \\n not a newline\n"
                        + "percent %s %d %% and $(dollar) `tick` 'quote' \"double\"\n"
                        + "\ttab\n"
                        + "unicode é 日本語 🐍\n"
                        + "- pip:\n"
                        + "terrarium-lock "
                        + H
                        + " end 0\n"
                        + "-n\n";
        Path lockFile = directory.resolve("lock");
        Files.writeString(lockFile, lock, StandardCharsets.UTF_8);

        String output =
                run(shell, String.join(" && ", LockMarkers.printCommands(H, lockFile.toString())));
        String buildkitLog =
                output.lines().map(line -> "#12 0.532 " + line).collect(Collectors.joining("\n"));

        assertThat(output.lines().toList())
                .hasSize((int) lock.lines().count() + 2)
                .allMatch(line -> line.startsWith(LockMarkers.prefix(H)));
        assertThat(LockExtractor.extract(buildkitLog, H, Manager.VENV))
                .map(ResolvedLock::text)
                .contains(lock);
        assertThat(LockExtractor.extract(output, H, Manager.VENV))
                .map(ResolvedLock::text)
                .contains(lock);
    }

    @Test
    void aLockFileWithoutAFinalNewlineKeepsItsLastLine(@TempDir Path directory) throws Exception {
        assumeThat(Files.isExecutable(Path.of("/bin/sh"))).isTrue();
        Path lockFile = directory.resolve("lock");
        Files.writeString(lockFile, "a==1\nb==2", StandardCharsets.UTF_8);

        String output =
                run(
                        "/bin/sh",
                        String.join(" && ", LockMarkers.printCommands(H, lockFile.toString())));

        assertThat(LockExtractor.extract(output, H, Manager.VENV))
                .contains(new ResolvedLock("a==1\nb==2\n", 2, null));
    }

    @Test
    void thePylockBlockAfterTheLockIsTheExactLockOfAVenvBuild() {
        String log =
                lines(
                        "STEP 9/11: RUN mkdir -p /opt/terrarium && …",
                        "terrarium-lock " + H + " begin",
                        "terrarium-lock " + H + " | six==1.16.0",
                        "terrarium-lock " + H + " end 1",
                        "Resolved 1 package in 12ms",
                        "terrarium-lock " + H + " begin pylock.toml",
                        "terrarium-lock " + H + " | lock-version = \"1.0\"",
                        "terrarium-lock " + H + " | ",
                        "terrarium-lock " + H + " | [[packages]]",
                        "terrarium-lock " + H + " end pylock.toml 3");

        assertThat(LockExtractor.extract(log, H, Manager.VENV))
                .contains(
                        new ResolvedLock(
                                "six==1.16.0\n", 1, "lock-version = \"1.0\"\n\n[[packages]]\n"));
        assertThat(LockExtractor.extract(log, H, Manager.CONDA).orElseThrow().pylockToml())
                .as("conda builds have no pylock.toml")
                .isNull();
    }

    @Test
    void aClippedPylockBlockLeavesTheLockWithoutIt() {
        String log =
                lines(
                        "terrarium-lock " + H + " begin",
                        "terrarium-lock " + H + " | six==1.16.0",
                        "terrarium-lock " + H + " end 1",
                        "terrarium-lock " + H + " begin pylock.toml",
                        "terrarium-lock " + H + " | lock-version = \"1.0\"",
                        "terrarium-lock " + H + " end pylock.toml 2");

        assertThat(LockExtractor.extract(log, H, Manager.VENV))
                .contains(new ResolvedLock("six==1.16.0\n", 1, null));
    }

    @Test
    void anUnnamedEndDoesNotCloseANamedBlockNorANamedEndTheLock() {
        String log =
                lines(
                        "terrarium-lock " + H + " begin pylock.toml",
                        "terrarium-lock " + H + " | lock-version = \"1.0\"",
                        "terrarium-lock " + H + " end 1",
                        "terrarium-lock " + H + " begin",
                        "terrarium-lock " + H + " | six==1.16.0",
                        "terrarium-lock " + H + " end pylock.toml 1");

        assertThat(LockExtractor.extract(log, H, Manager.VENV)).isEmpty();
    }

    @Test
    void theGeneratedShellPrintsTheLockAndThePylockThatTheExtractorReadsBack(
            @TempDir Path directory) throws Exception {
        assumeThat(Files.isExecutable(Path.of("/bin/sh"))).isTrue();
        String pylock = Fixtures.pylock("six-and-tomli.pylock.toml");
        Path lockFile = directory.resolve("lock");
        Path pylockFile = directory.resolve("pylock.toml");
        Files.writeString(lockFile, "six==1.16.0\ntomli==2.2.1\n", StandardCharsets.UTF_8);
        Files.writeString(pylockFile, pylock, StandardCharsets.UTF_8);
        List<String> commands = new ArrayList<>(LockMarkers.printCommands(H, lockFile.toString()));
        commands.addAll(
                LockMarkers.printCommands(
                        H, BuildContextGenerator.PYLOCK_BLOCK, pylockFile.toString()));

        String output = run("/bin/sh", String.join(" && ", commands));

        assertThat(LockExtractor.extract(output, H, Manager.VENV))
                .contains(new ResolvedLock("six==1.16.0\ntomli==2.2.1\n", 2, pylock));
    }

    @Test
    void aBlockNameIsAPlainFileName() {
        for (String name : List.of("", "Pylock", "a b", "x;rm", "../x", "-x")) {
            assertThatThrownBy(() -> LockMarkers.printCommands(H, name, "/tmp/x"))
                    .as(name)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static String lines(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    /**
     * The lock step's own shell, run by /bin/sh with a stand-in for uv: the lock and the exact lock
     * come out in their blocks; when uv pip compile fails the build goes on with the lock alone,
     * and says why.
     */
    @Test
    void theLockStepsShellPrintsBothBlocksAndSurvivesACompileThatFails(@TempDir Path directory)
            throws Exception {
        assumeThat(Files.isExecutable(Path.of("/bin/sh"))).isTrue();
        String pylock = Fixtures.pylock("six-and-tomli.pylock.toml");
        Path source = directory.resolve("source.toml");
        Files.writeString(source, pylock, StandardCharsets.UTF_8);
        Path uv = directory.resolve("uv");
        Files.writeString(
                uv,
                "#!/bin/sh\n"
                        + "case \"$2\" in\n"
                        + "  freeze) printf 'six==1.16.0\\ntomli==2.2.1\\n' ;;\n"
                        + "  compile) out=''; while [ $# -gt 0 ]; do [ \"$1\" = -o ] && out=\"$2\"; shift; done;"
                        + " cat > /dev/null; [ -z \"$FAIL\" ] || { echo 'error: no such version' >&2; exit 2; };"
                        + " cp "
                        + source
                        + " \"$out\" ;;\n"
                        + "esac\n",
                StandardCharsets.UTF_8);
        assertThat(uv.toFile().setExecutable(true)).isTrue();
        String script =
                Fixtures.lastRun(
                                new BuildContextGenerator(BuildContextOptions.defaults())
                                        .generate(Fixtures.venvWithPip(), Fixtures.HASH)
                                        .dockerfile())
                        .replace("/opt/terrarium/tools/bin/uv", uv.toString())
                        .replace("/opt/terrarium", directory.resolve("opt").toString());

        String output = sh(script, Map.of());
        String failed = sh(script, Map.of("FAIL", "1"));

        assertThat(LockExtractor.extract(output, Fixtures.HASH, Manager.VENV))
                .hasValueSatisfying(
                        lock -> {
                            assertThat(lock.text()).isEqualTo("six==1.16.0\ntomli==2.2.1\n");
                            assertThat(lock.pylockToml()).isEqualTo(pylock);
                        });
        assertThat(LockExtractor.extract(failed, Fixtures.HASH, Manager.VENV))
                .hasValueSatisfying(
                        lock -> {
                            assertThat(lock.text()).isEqualTo("six==1.16.0\ntomli==2.2.1\n");
                            assertThat(lock.pylockToml()).isNull();
                        });
        assertThat(failed).contains("error: no such version", "terrarium: no pylock.toml");
    }

    private static String sh(String script, Map<String, String> environment) throws Exception {
        ProcessBuilder builder =
                new ProcessBuilder("/bin/sh", "-c", script).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    private static String run(String shell, String script) throws Exception {
        Process process = new ProcessBuilder(shell, "-c", script).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    private static String log(String name) throws IOException {
        try (InputStream in = LockExtractorTest.class.getResourceAsStream("/logs/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
