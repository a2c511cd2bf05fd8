package dev.terrarium.buildcontext;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.terrarium.api.ChannelAuthScheme;
import dev.terrarium.api.Manager;
import dev.terrarium.api.ResolvedEnvironment;
import dev.terrarium.credentials.IndexCredentials;
import dev.terrarium.credentials.SecretData;
import dev.terrarium.locks.LockExtractor;
import dev.terrarium.locks.ResolvedLock;
import dev.terrarium.testing.Commands;
import dev.terrarium.testing.LocalCondaChannel;
import dev.terrarium.testing.LocalControlPlane;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * terrarium-conda, the installer of conda builds, run on this machine's python3 and py-rattler
 * against the test channels ({@link LocalCondaChannel}) with the request the generator writes, its
 * paths moved to a temporary directory: what the solver chooses, the lock it prints, the virtual
 * packages it assumes, and how it fails. The same program runs in the builder image in real builds;
 * pip requirements (uv, an index) are left to those.
 */
class CondaInstallerTest {

    private static final Path INSTALLER =
            Path.of("images/builder/rootfs/opt/terrarium/bin/terrarium-conda");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalCondaChannel channel;

    @BeforeAll
    static void startTheChannels() {
        channel = LocalCondaChannel.start();
    }

    @AfterAll
    static void stopTheChannels() {
        channel.close();
    }

    @Test
    void theLockIsWhatTheSolverChoseInInstallOrderWithSha256(@TempDir Path work) throws Exception {
        Run run =
                install(
                        work,
                        List.of(
                                "python 3.11.*",
                                "terrarium-hello",
                                "greet * fast*",
                                "extra-tool",
                                "pip"),
                        Map.of());

        assertThat(run.exitCode()).as(run.output()).isZero();
        ResolvedLock lock =
                LockExtractor.extract(run.output(), Fixtures.HASH, Manager.CONDA).orElseThrow();
        List<String> records = lock.text().lines().filter(line -> line.startsWith("http")).toList();
        assertThat(records)
                .as(
                        "hello 2.0 needs python >=3.12; hello 1.0 constrains greet <1.6, so not 2.0; the glob "
                                + "picks the fast build over the higher build number; strict priority keeps greet 3.0 of extra out")
                .containsExactlyInAnyOrder(
                        channel.explicitLine("main/linux-64/python-3.11.2-0_debian.tar.bz2"),
                        channel.explicitLine("main/noarch/terrarium-hello-1.0-pyh0_0.conda"),
                        channel.explicitLine("main/noarch/greet-1.5-fast_0.conda"),
                        channel.explicitLine("main/noarch/pip-24.0-stub_0.conda"),
                        channel.explicitLine("extra/noarch/extra-tool-1.0-0.tar.bz2"));
        assertThat(records.get(0))
                .as("python comes before the noarch: python package that needs it")
                .contains("/python-3.11.2-");
        assertThat(records.indexOf(channel.explicitLine("main/noarch/greet-1.5-fast_0.conda")))
                .isLessThan(
                        records.indexOf(
                                channel.explicitLine(
                                        "main/noarch/terrarium-hello-1.0-pyh0_0.conda")));
        assertThat(lock.text())
                .startsWith("# This file may be used to create an environment using:\n")
                .contains("\n# platform: linux-64\n")
                .contains("\n@EXPLICIT\n")
                .doesNotContain("# pip ");
        assertThat(lock.packages()).isEqualTo(5);
        assertThat(Files.readString(run.output(work).resolve("lock"))).isEqualTo(lock.text());
        assertThat(Files.readString(run.output(work).resolve("explicit.txt")))
                .isEqualTo(lock.text());

        Path prefix = run.prefix(work);
        assertThat(
                        Files.readString(
                                prefix.resolve(
                                        "lib/python3.11/site-packages/terrarium_hello/__init__.py")))
                .contains("VERSION = \"1.0\"");
        assertThat(prefix.resolve("share/greet/1.5-fast_0.txt")).exists();
        assertThat(Files.readSymbolicLink(prefix.resolve("bin/python")))
                .isEqualTo(Path.of("/usr/bin/python3"));
        assertThat(Files.readString(prefix.resolve("conda-meta/greet-1.5-fast_0.json")))
                .contains(
                        "\"sha256\": \""
                                + channel.sha256("main/noarch/greet-1.5-fast_0.conda")
                                + "\"");
        assertThat(prefix.resolve(".lock")).doesNotExist();
    }

    @Test
    void anUnsatisfiableSpecFailsWithTheSolversOwnExplanation(@TempDir Path work) throws Exception {
        Run run = install(work, List.of("python 3.11.*", "terrarium-hello", "greet >=2"), Map.of());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.output())
                .contains("terrarium-conda: the environment cannot be solved:")
                .contains("terrarium-hello 1.0 would constrain")
                .contains("greet <1.6")
                .doesNotContain("terrarium-lock");
    }

    @Test
    void virtualPackagesComeFromTheRequestNeverFromThisMachine(@TempDir Path work)
            throws Exception {
        Run glibc = install(work.resolve("glibc"), List.of("needs-new-glibc"), Map.of());
        Run noCuda = install(work.resolve("no-cuda"), List.of("needs-cuda"), Map.of());
        Run cuda = install(work.resolve("cuda"), List.of("needs-cuda"), Map.of("cuda", "12.4"));

        assertThat(glibc.exitCode()).isEqualTo(1);
        assertThat(glibc.output()).contains("__glibc >=2.99");
        assertThat(noCuda.exitCode())
                .as("no __cuda unless the request names a CUDA version")
                .isEqualTo(1);
        assertThat(noCuda.output()).contains("__cuda >=12");
        assertThat(cuda.exitCode()).as(cuda.output()).isZero();
        assertThat(cuda.output())
                .contains(channel.explicitLine("main/linux-64/needs-cuda-1.0-0.conda"));
    }

    @Test
    void channelPriorityDecidesWhichChannelAPackageComesFrom(@TempDir Path work) throws Exception {
        Run strict = install(work.resolve("strict"), List.of("greet"), Map.of());
        Run disabled =
                install(work.resolve("disabled"), List.of("greet"), Map.of("priority", "disabled"));

        assertThat(strict.output()).contains(channel.explicitLine("main/noarch/greet-2.0-0.conda"));
        assertThat(disabled.output())
                .contains(channel.explicitLine("extra/noarch/greet-3.0-0.conda"));
    }

    @Test
    void aLockIsInstalledExactlyWithoutASolveAndItsLockIsTheSameRecords(@TempDir Path work)
            throws Exception {
        List<String> given =
                List.of(
                        channel.url("main/linux-64/python-3.11.2-0_debian.tar.bz2")
                                + "#sha256:"
                                + channel.sha256("main/linux-64/python-3.11.2-0_debian.tar.bz2"),
                        channel.url("main/noarch/greet-1.5-slow_1.tar.bz2")
                                + "#"
                                + channel.md5("main/noarch/greet-1.5-slow_1.tar.bz2"),
                        channel.url("main/noarch/terrarium-hello-1.0-pyh0_0.conda")
                                + "#sha256:"
                                + channel.sha256("main/noarch/terrarium-hello-1.0-pyh0_0.conda"));

        Run run = installLock(work, given);

        assertThat(run.exitCode()).as(run.output()).isZero();
        ResolvedLock lock =
                LockExtractor.extract(run.output(), Fixtures.HASH, Manager.CONDA).orElseThrow();
        assertThat(lock.text().lines().filter(line -> line.startsWith("http")).toList())
                .as("the given records, each with the hash it was given (md5 stays md5)")
                .containsExactlyInAnyOrder(
                        given.get(0).replace("#sha256:", "#"),
                        given.get(1),
                        given.get(2).replace("#sha256:", "#"));
        try (var meta = Files.list(run.prefix(work).resolve("conda-meta"))) {
            assertThat(
                            meta.map(path -> path.getFileName().toString())
                                    .filter(n -> n.endsWith(".json")))
                    .as(
                            "no solve: greet 1.5 slow_1 although a solver prefers it, and nothing added")
                    .containsExactlyInAnyOrder(
                            "python-3.11.2-0_debian.json",
                            "greet-1.5-slow_1.json",
                            "terrarium-hello-1.0-pyh0_0.json");
        }
        assertThat(Files.readString(run.prefix(work).resolve("conda-meta/greet-1.5-slow_1.json")))
                .contains(channel.url("main/noarch/greet-1.5-slow_1.tar.bz2"));
    }

    @Test
    void anArtifactWhoseHashDiffersFailsTheInstall(@TempDir Path work) throws Exception {
        String path = "main/noarch/greet-1.0-0.conda";
        Run md5 =
                installLock(work.resolve("md5"), List.of(channel.url(path) + "#" + "0".repeat(32)));
        Run sha256 =
                installLock(
                        work.resolve("sha256"),
                        List.of(channel.url(path) + "#sha256:" + "0".repeat(64)));

        for (Run run : List.of(md5, sha256)) {
            assertThat(run.exitCode()).as(run.output()).isEqualTo(3);
            assertThat(run.output()).contains("hash mismatch").doesNotContain("terrarium-lock");
        }
    }

    /** How a private channel of the tests takes its credentials, and how a build gives them. */
    enum Access {
        BASIC,
        BEARER,
        CONDA_TOKEN,
        /**
         * An ImageBuild made before channel schemes existed lists its channels with the package
         * indexes: the operator writes them into the netrc, and an empty authentication file.
         */
        NETRC
    }

    @ParameterizedTest
    @EnumSource(Access.class)
    void aPrivateChannelIsSolvedAndItsLockInstalledWithItsCredentialsAnUnhashedLineToo(
            Access access, @TempDir Path work) throws Exception {
        String secret = "tok-" + java.util.UUID.randomUUID();
        try (LocalCondaChannel secured =
                switch (access) {
                    case BASIC, NETRC -> LocalCondaChannel.startWithBasicAuth("reader", secret);
                    case BEARER -> LocalCondaChannel.startWithBearerToken(secret);
                    case CONDA_TOKEN -> LocalCondaChannel.startWithCondaToken(secret);
                }) {
            String channelUrl = secured.channelUrl(LocalCondaChannel.MAIN);
            Map<String, String> env = new java.util.HashMap<>();
            List<IndexCredentials.Source> channels =
                    access == Access.NETRC
                            ? List.of()
                            : List.of(
                                    new IndexCredentials.Source(
                                            "spec.channelSecrets[0].secretName",
                                            channelUrl,
                                            "channel-creds",
                                            access == Access.BASIC
                                                    ? SecretData.of(
                                                            "username",
                                                            "reader",
                                                            "password",
                                                            secret)
                                                    : SecretData.of("token", secret),
                                            switch (access) {
                                                case BEARER -> ChannelAuthScheme.Bearer;
                                                case CONDA_TOKEN -> ChannelAuthScheme.CondaToken;
                                                default -> ChannelAuthScheme.Basic;
                                            }));
            // The file the operator writes into the build's credentials Secret.
            Path file = work.resolve("conda-auth.json");
            Files.writeString(file, IndexCredentials.condaAuthFile(channels));
            String authFile = file.toString();
            if (access == Access.NETRC) {
                Path netrc = work.resolve("credentials.netrc");
                Files.writeString(
                        netrc,
                        "machine "
                                + java.net.URI.create(channelUrl).getHost()
                                + " login reader password "
                                + secret
                                + "\n");
                env.put("NETRC", netrc.toString());
            }
            String python = "main/linux-64/python-3.11.2-0_debian.tar.bz2";
            String hello = "main/noarch/terrarium-hello-1.0-pyh0_0.conda";
            // hello's line has no hash: terrarium-conda downloads it itself to learn its sha256.
            List<String> given =
                    List.of(
                            secured.url(python) + "#sha256:" + secured.sha256(python),
                            secured.url(hello));

            Run anonymous = installLock(work.resolve("anonymous"), given, null, Map.of());
            assertThat(anonymous.exitCode()).as(anonymous.output()).isNotZero();
            assertThat(anonymous.output()).contains("401");

            Run locked = installLock(work.resolve("lock"), given, authFile, env);
            assertThat(locked.exitCode()).as(locked.output()).isZero();
            assertThat(lockRecords(locked))
                    .as("the unhashed line is recorded with the sha256 of what was installed")
                    .containsExactlyInAnyOrder(
                            secured.url(python) + "#" + secured.sha256(python),
                            secured.url(hello) + "#" + secured.sha256(hello));

            Run solved =
                    solveFrom(
                            work.resolve("solve"),
                            channelUrl,
                            List.of("python 3.11.*", "greet 1.0"),
                            authFile,
                            env);
            assertThat(solved.exitCode()).as(solved.output()).isZero();
            assertThat(lockRecords(solved))
                    .as("the lock names the channel as the spec does, without a token")
                    .contains(secured.explicitLine("main/noarch/greet-1.0-0.conda"));
            for (Run run : List.of(anonymous, locked, solved)) {
                assertThat(run.output()).doesNotContain(secret);
            }
            assertThat(secured.requests())
                    .as("every request with the credentials was served")
                    .anySatisfy(r -> assertThat(r.status()).isEqualTo(200));
        }
    }

    private static List<String> lockRecords(Run run) {
        return LockExtractor.extract(run.output(), Fixtures.HASH, Manager.CONDA)
                .orElseThrow()
                .text()
                .lines()
                .filter(line -> line.startsWith("http"))
                .toList();
    }

    private record Run(int exitCode, String output) {
        Path prefix(Path work) {
            return work.resolve("prefix");
        }

        Path output(Path work) {
            return work.resolve("out");
        }
    }

    /** The generator's request for a conda lock of these lines, run as {@link #install} runs. */
    private static Run installLock(Path work, List<String> explicit) throws Exception {
        return installLock(work, explicit, null, Map.of());
    }

    /**
     * As {@link #installLock(Path, List)}; with an authentication file, the lock's channel has
     * credentials, and the request names the file where the build would mount it.
     */
    private static Run installLock(
            Path work, List<String> explicit, String authFile, Map<String, String> env)
            throws Exception {
        ResolvedEnvironment environment =
                Fixtures.environment(Manager.CONDA, "3.11", "debian:bookworm-slim");
        environment.setCondaExplicit(explicit);
        return run(work, request(environment, BuildContextOptions.defaults(), authFile), env);
    }

    /** The generator's request for specs from one channel given by URL, run with this python. */
    private static Run solveFrom(
            Path work,
            String channelUrl,
            List<String> packages,
            String authFile,
            Map<String, String> env)
            throws Exception {
        ResolvedEnvironment environment =
                Fixtures.environment(Manager.CONDA, "3.11", "debian:bookworm-slim");
        environment.setChannels(List.of(channelUrl));
        environment.setPackages(packages);
        ObjectNode request = request(environment, BuildContextOptions.defaults(), authFile);
        Files.createDirectories(work);
        Path glibc = work.resolve("base-glibc");
        Files.writeString(glibc, "glibc 2.36\n");
        ((ObjectNode) request.get("virtualPackages")).put("glibcFile", glibc.toString());
        return run(work, request, env);
    }

    /**
     * The request the generator writes; with an authentication file, for channels with credentials,
     * naming that file instead of the build secret's mount.
     */
    private static ObjectNode request(
            ResolvedEnvironment environment, BuildContextOptions options, String authFile)
            throws Exception {
        if (authFile != null) {
            environment.setChannelCredentialsNamespace("team");
        }
        ObjectNode request =
                (ObjectNode)
                        JSON.readTree(
                                new BuildContextGenerator(options)
                                        .generate(environment, Fixtures.HASH)
                                        .files()
                                        .get(BuildContext.CONDA_REQUEST));
        if (authFile != null) {
            assertThat(request.get("authFile").asText()).isEqualTo("/run/secrets/conda-auth");
            request.put("authFile", authFile);
        }
        return request;
    }

    private static Run run(Path work, ObjectNode request, Map<String, String> env)
            throws Exception {
        Files.createDirectories(work);
        request.put("prefix", work.resolve("prefix").toString());
        request.put("output", work.resolve("out").toString());
        request.put("packageCache", work.resolve("cache").toString());
        request.remove("uvCache");
        Path file = work.resolve("conda-request.json");
        Files.writeString(file, JSON.writeValueAsString(request));
        Commands.Result result =
                Commands.run(
                        List.of(
                                "python3",
                                LocalControlPlane.repoDir().resolve(INSTALLER).toString(),
                                file.toString()),
                        env,
                        work,
                        Duration.ofMinutes(2));
        return new Run(result.exitCode(), result.output());
    }

    /**
     * The generator's request for these specs, its paths moved under {@code work}, run with this
     * machine's python.
     */
    private static Run install(Path work, List<String> packages, Map<String, String> settings)
            throws Exception {
        ResolvedEnvironment environment =
                Fixtures.environment(Manager.CONDA, "3.11", "debian:bookworm-slim");
        environment.setChannels(List.of(LocalCondaChannel.MAIN, LocalCondaChannel.EXTRA));
        environment.setPackages(packages);
        BuildContextOptions options =
                BuildContextOptions.defaults()
                        .withChannelAlias(channel.alias())
                        .withChannelPriority(settings.getOrDefault("priority", "strict"));
        ObjectNode request =
                (ObjectNode)
                        JSON.readTree(
                                new BuildContextGenerator(options)
                                        .generate(environment, Fixtures.HASH)
                                        .files()
                                        .get(BuildContext.CONDA_REQUEST));
        Files.createDirectories(work);
        request.put("prefix", work.resolve("prefix").toString());
        request.put("output", work.resolve("out").toString());
        request.put("packageCache", work.resolve("cache").toString());
        request.remove("uvCache");
        Path glibc = work.resolve("base-glibc");
        Files.writeString(glibc, "glibc 2.36\n");
        ObjectNode virtualPackages = (ObjectNode) request.get("virtualPackages");
        virtualPackages.put("glibcFile", glibc.toString());
        if (settings.containsKey("cuda")) {
            virtualPackages.put("cuda", settings.get("cuda"));
        }
        Path file = work.resolve("conda-request.json");
        Files.writeString(file, JSON.writeValueAsString(request));
        Path repo = LocalControlPlane.repoDir();
        Commands.Result result =
                Commands.run(
                        List.of("python3", repo.resolve(INSTALLER).toString(), file.toString()),
                        Map.of(),
                        work,
                        Duration.ofMinutes(2));
        return new Run(result.exitCode(), result.output());
    }
}
