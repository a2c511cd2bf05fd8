package dev.terrarium.realbuild;

import static dev.terrarium.testing.Objects.awaitEnvironment;
import static dev.terrarium.testing.Objects.awaitWorkload;
import static dev.terrarium.testing.Objects.workload;
import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.BuildOptions;
import dev.terrarium.api.BuildStrategy;
import dev.terrarium.api.Condition;
import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentFiles;
import dev.terrarium.api.EnvironmentPhase;
import dev.terrarium.api.EnvironmentSpec;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.Workload;
import dev.terrarium.api.WorkloadMode;
import dev.terrarium.api.WorkloadPhase;
import dev.terrarium.naming.Names;
import dev.terrarium.registry.Credentials;
import dev.terrarium.registry.ImageReference;
import dev.terrarium.registry.RegistryClient;
import dev.terrarium.status.Conditions;
import dev.terrarium.testing.BuildNamespace;
import dev.terrarium.testing.Kubectl;
import dev.terrarium.testing.LocalCondaChannel;
import dev.terrarium.testing.LocalControlPlane;
import dev.terrarium.testing.LocalPackageIndex;
import dev.terrarium.testing.Objects;
import dev.terrarium.testing.OperatorProcess;
import dev.terrarium.testing.ProjectImages;
import dev.terrarium.testing.RealBuildNode;
import dev.terrarium.testing.TerrariumTest;
import dev.terrarium.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real conda builds through the operator's own build Job, on the node the harness plays ({@link
 * RealBuildNode}): the build pod runs from the project's builder image, whose terrarium-conda
 * solves the Environment's match specs with py-rattler against the test channels ({@link
 * LocalCondaChannel#shared()}, the operator's channel alias in the tests), installs them, installs
 * the pip section with uv from PyPI, and prints the exact lock; the image goes to the local
 * registry and a Workload runs it. The packages are synthetic (see
 * src/test/python/conda_channel.py).
 */
@TerrariumTest
class CondaRealBuildIT {

    private static final Duration REAL_BUILD = Duration.ofMinutes(10);

    /**
     * The base image made by hack/base-image.sh (Debian bookworm, Python 3.11, which the test
     * python links to).
     */
    private static String baseImage;

    private static LocalCondaChannel channel;

    @BeforeAll
    static void startTheRealBuildNode() {
        LocalControlPlane plane = LocalControlPlane.get();
        RealBuildNode.get();
        baseImage = RealBuilds.baseImage(plane);
        channel = LocalCondaChannel.shared();
        assertThat(OperatorProcess.get().settings())
                .as("the operator finds the test channels by their names")
                .containsEntry("TERRARIUM_CONDA_CHANNEL_ALIAS", channel.alias());
    }

    private static Environment realConda(String name, List<String> packages, List<String> pip) {
        EnvironmentSpec spec = new EnvironmentSpec();
        spec.setPython("3.11");
        spec.setChannels(List.of(LocalCondaChannel.MAIN, LocalCondaChannel.EXTRA));
        spec.setPackages(packages);
        spec.setPip(pip);
        spec.setBaseImage(baseImage);
        BuildOptions build = new BuildOptions();
        build.setStrategy(BuildStrategy.BUILDAH);
        build.setNodeSelector(RealBuilds.NODE_SELECTOR);
        build.setTolerations(List.of(RealBuilds.onTheRealNode()));
        spec.setBuild(build);
        return Objects.environment(name, spec);
    }

    /** The URL#sha256 lines of an exact lock, in order. */
    private static List<String> explicitRecords(String lock) {
        return lock.lines().filter(line -> line.contains("://") && line.contains("#")).toList();
    }

    @Test
    void aCondaEnvironmentIsSolvedFromTheChannelsBuiltPushedLockedAndRun(TestNamespace ns) {
        // A repository of its own, so an image pushed by an earlier run is not a cache hit for this
        // one.
        String repository =
                ns.plane().registry() + "/conda-" + UUID.randomUUID().toString().substring(0, 8);
        ns.client()
                .resource(
                        Objects.pushingTo(
                                realConda(
                                        "conda",
                                        List.of(
                                                "python 3.11.*",
                                                "terrarium-hello",
                                                "greet * fast*",
                                                "extra-tool",
                                                "pip"),
                                        List.of("six==1.16.0")),
                                repository,
                                null))
                .create();

        Environment ready =
                awaitEnvironment(
                        ns.client(),
                        ns.name(),
                        "conda",
                        e ->
                                e.getStatus().getPhase() == EnvironmentPhase.Ready
                                        || e.getStatus().getPhase() == EnvironmentPhase.Failed,
                        REAL_BUILD);
        ImageBuild build =
                ns.client()
                        .resources(ImageBuild.class)
                        .withName(ready.getStatus().getLatestBuild())
                        .get();
        assertThat(ready.getStatus().getPhase())
                .as("%s", RealBuilds.whyNotReady(ns.client(), ready))
                .isEqualTo(EnvironmentPhase.Ready);
        String builderImage = ProjectImages.builder(ns.plane());
        assertThat(build.getSpec().getBuild().getBuilderImage()).isEqualTo(builderImage);
        assertThat(build.getSpec().getBuild().getCondaImage())
                .as("the conda stage runs in the builder image")
                .isEqualTo(builderImage);
        Pod pod = BuildNamespace.pods(ns.client(), ns.name(), build.getMetadata().getName()).get(0);
        assertThat(pod.getSpec().getNodeName()).isEqualTo(RealBuildNode.NAME);
        assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo(builderImage);
        assertThat(
                        new Kubectl(ns.plane(), BuildNamespace.NAME)
                                .run(
                                        "logs",
                                        "job/"
                                                + Names.buildJob(
                                                        ns.name(),
                                                        ready.getStatus().getLatestBuild())))
                .as("kubectl logs of the build Job is the real buildah output")
                .contains("terrarium-conda", "terrarium-lock " + ready.getStatus().getSpecHash());

        String digestInRegistry =
                new RegistryClient(Set.of("127.0.0.1"))
                        .manifestDigest(
                                ImageReference.parse(
                                        repository + ":" + ready.getStatus().getSpecHash()),
                                Credentials.ANONYMOUS)
                        .orElseThrow();
        assertThat(ready.getStatus().getImage()).isEqualTo(repository + "@" + digestInRegistry);

        Map<String, String> lockFiles =
                ns.client().configMaps().withName("conda-lock").get().getData();
        String lock = lockFiles.get("lock");
        assertThat(lockFiles.get("environment.yml"))
                .as("conda env export of what the solver chose, for conda env create -f")
                .startsWith("name: conda\nchannels:\n  - main\n  - extra\ndependencies:\n")
                .contains(
                        "  - python=3.11.2=0_debian\n",
                        "  - terrarium-hello=1.0=pyh0_0\n",
                        "  - greet=1.5=fast_0\n",
                        "  - pip:\n      - six==1.16.0\n");
        assertThat(lockFiles.get("environment.from-history.yml"))
                .as("conda env export --from-history: what was asked for")
                .contains(
                        "  - terrarium-hello\n",
                        "  - \"greet * fast*\"\n",
                        "      - six==1.16.0\n");
        assertThat(lockFiles.get("explicit.txt"))
                .as("conda list --explicit: the conda records only")
                .contains("@EXPLICIT\n", "/main/noarch/terrarium-hello-1.0-pyh0_0.conda#")
                .doesNotContain("# pip");
        assertThat(lock)
                .as(
                        "what the solver chose, with sha256: the pin keeps hello 2.0 out, hello 1.0's constraint "
                                + "keeps greet 2.0 out, the glob picks the fast build, strict priority keeps greet 3.0 out")
                .contains(
                        "\n@EXPLICIT\n",
                        channel.explicitLine("main/linux-64/python-3.11.2-0_debian.tar.bz2"),
                        channel.explicitLine("main/noarch/terrarium-hello-1.0-pyh0_0.conda"),
                        channel.explicitLine("main/noarch/greet-1.5-fast_0.conda"),
                        channel.explicitLine("main/noarch/pip-24.0-stub_0.conda"),
                        channel.explicitLine("extra/noarch/extra-tool-1.0-0.tar.bz2"))
                .as("the pip section, installed by uv")
                .contains("\n# pip six")
                .doesNotContain("greet-2.0", "greet-3.0", "terrarium-hello-2.0", "slow_1");
        assertThat(ready.getStatus().getLock().getPackages()).isEqualTo(6);

        // The exported environment.yml, given back verbatim (conda env create -f): its pinned
        // records and its pip section are solved and installed for real again, to the same lock.
        // Beside it, the explicit.txt given back as files.condaExplicit (conda create --file): the
        // same artifacts are installed without a solve, each checked against its sha256. Both
        // build at once, as two specs of one namespace may.
        EnvironmentSpec exported = new EnvironmentSpec();
        exported.setFiles(new EnvironmentFiles());
        exported.getFiles().setEnvironmentYml(lockFiles.get("environment.yml"));
        exported.setBaseImage(baseImage);
        exported.setBuild(realConda("unused", List.of(), null).getSpec().getBuild());
        ns.client()
                .resource(
                        Objects.pushingTo(
                                Objects.environment("exported", exported), repository, null))
                .create();
        EnvironmentSpec explicit = lockSpec();
        explicit.getFiles().setCondaExplicit(lockFiles.get("explicit.txt"));
        ns.client()
                .resource(
                        Objects.pushingTo(
                                Objects.environment("round-trip", explicit), repository, null))
                .create();
        Environment rebuilt =
                awaitEnvironment(
                        ns.client(),
                        ns.name(),
                        "exported",
                        e ->
                                e.getStatus().getPhase() == EnvironmentPhase.Ready
                                        || e.getStatus().getPhase() == EnvironmentPhase.Failed,
                        REAL_BUILD);
        assertThat(rebuilt.getStatus().getPhase())
                .as(
                        "the verbatim environment.yml with a pip section builds: %s",
                        RealBuilds.whyNotReady(ns.client(), rebuilt))
                .isEqualTo(EnvironmentPhase.Ready);
        assertThat(rebuilt.getStatus().getSpecHash())
                .as("a spec of its own, built, not taken from the first")
                .isNotEqualTo(ready.getStatus().getSpecHash());
        String rebuiltLock =
                ns.client().configMaps().withName("exported-lock").get().getData().get("lock");
        assertThat(explicitRecords(rebuiltLock))
                .as("the same records, with the same hashes, and the same pip package")
                .isEqualTo(explicitRecords(lock))
                .isNotEmpty();
        assertThat(rebuiltLock).contains("\n# pip six");

        Environment fromExplicit = RealBuilds.awaitBuilt(ns, "round-trip");
        assertThat(fromExplicit.getStatus().getPhase())
                .as(
                        "the explicit.txt of a conda build builds: %s",
                        RealBuilds.whyNotReady(ns.client(), fromExplicit))
                .isEqualTo(EnvironmentPhase.Ready);
        assertThat(
                        explicitRecords(
                                ns.client()
                                        .configMaps()
                                        .withName("round-trip-lock")
                                        .get()
                                        .getData()
                                        .get("explicit.txt")))
                .as("the same conda artifacts, with the same hashes")
                .isEqualTo(explicitRecords(lockFiles.get("explicit.txt")))
                .hasSize(5);

        Workload done =
                runOnTheRealNode(
                        ns,
                        "hello",
                        "conda",
                        "import six, terrarium_hello; assert terrarium_hello.VERSION == '1.0', terrarium_hello.VERSION");
        assertThat(done.getStatus().getPhase())
                .as(
                        "the image's python imports the conda and the pip package: %s",
                        done.getStatus().getLogTail())
                .isEqualTo(WorkloadPhase.Succeeded);
    }

    @Test
    void aCondaExplicitFileInstallsExactlyItsArtifactsAndAWrongHashFailsTheBuild(TestNamespace ns) {
        // hello's line has no hash, as conda list --explicit writes them without --sha256.
        String greet = "main/noarch/greet-1.5-slow_1.tar.bz2";
        String hello = "main/noarch/terrarium-hello-1.0-pyh0_0.conda";
        String python = "main/linux-64/python-3.11.2-0_debian.tar.bz2";
        List<String> records =
                List.of(
                        channel.url(python) + "#sha256:" + channel.sha256(python),
                        channel.url(hello),
                        channel.url(greet) + "#" + channel.md5(greet));
        EnvironmentSpec spec = lockSpec();
        spec.getFiles()
                .setCondaExplicit(
                        "# platform: linux-64\n@EXPLICIT\n" + String.join("\n", records) + "\n");
        ns.client().resource(Objects.environment("explicit", spec)).create();
        EnvironmentSpec wrong = lockSpec();
        wrong.getFiles()
                .setCondaExplicit(
                        "@EXPLICIT\n"
                                + records.get(0)
                                + "\n"
                                + channel.url(greet)
                                + "#"
                                + "0".repeat(32)
                                + "\n");
        ns.client().resource(Objects.environment("wrong-hash", wrong)).create();

        Environment ready = RealBuilds.awaitBuilt(ns, "explicit");
        assertThat(ready.getStatus().getPhase())
                .as("%s", RealBuilds.whyNotReady(ns.client(), ready))
                .isEqualTo(EnvironmentPhase.Ready);
        assertThat(Conditions.find(ready.getStatus().getConditions(), Condition.WARNING))
                .as("the line without a hash is named on the object")
                .satisfies(
                        warning -> {
                            assertThat(warning.getReason()).isEqualTo("NotHashChecked");
                            assertThat(warning.getMessage()).contains("line 4");
                        });
        Map<String, String> lockFiles =
                ns.client().configMaps().withName("explicit-lock").get().getData();
        assertThat(explicitRecords(lockFiles.get("lock")))
                .as(
                        "the given artifacts, each with the hash it was given, md5 kept for greet,"
                                + " and the sha256 the build learnt for hello")
                .containsExactlyInAnyOrder(
                        channel.explicitLine(python),
                        channel.explicitLine(hello),
                        channel.url(greet) + "#" + channel.md5(greet));

        Workload done =
                runOnTheRealNode(
                        ns,
                        "meta",
                        "explicit",
                        "import os, terrarium_hello; names = sorted(n for n in"
                                + " os.listdir('/opt/conda/conda-meta') if"
                                + " n.endswith('.json')); assert names =="
                                + " ['greet-1.5-slow_1.json', 'python-3.11.2-0_debian.json',"
                                + " 'terrarium-hello-1.0-pyh0_0.json'], names");
        assertThat(done.getStatus().getPhase())
                .as(
                        "conda-meta holds exactly the listed records, greet's slow build that a"
                                + " solver would not pick among them: %s",
                        done.getStatus().getLogTail())
                .isEqualTo(WorkloadPhase.Succeeded);

        Environment failed = RealBuilds.awaitBuilt(ns, "wrong-hash");
        assertThat(failed.getStatus().getPhase()).isEqualTo(EnvironmentPhase.Failed);
        assertThat(
                        ns.client()
                                .resources(ImageBuild.class)
                                .withName(failed.getStatus().getLatestBuild())
                                .get()
                                .getStatus()
                                .getFailure()
                                .getLogTail())
                .contains("hash mismatch", "greet-1.5-slow_1.tar.bz2");
    }

    @Test
    void aCondaLockInstallsItsCondaAndItsPipArtifactsAsTheyAre(TestNamespace ns) {
        String python = "main/linux-64/python-3.11.2-0_debian.tar.bz2";
        String hello = "main/noarch/terrarium-hello-1.0-pyh0_0.conda";
        try (LocalPackageIndex index =
                LocalPackageIndex.startOpen("terrarium-locked-probe", "1.0", Map.of())) {
            EnvironmentSpec spec = lockSpec();
            spec.getFiles()
                    .setCondaLockYml(
                            """
                            version: 1
                            metadata:
                              platforms: [linux-64]
                              sources: [environment.yml]
                            package:
                            - {name: python, version: 3.11.2, manager: conda, platform: linux-64, dependencies: {}, url: "%s", hash: {md5: %s, sha256: %s}, category: main, optional: false}
                            - {name: terrarium-hello, version: "1.0", manager: conda, platform: linux-64, dependencies: {}, url: "%s", hash: {md5: %s, sha256: %s}, category: main, optional: false}
                            - {name: terrarium-locked-probe, version: "1.0", manager: pip, platform: linux-64, dependencies: {}, url: "%s", hash: {sha256: %s}, category: main, optional: false}
                            """
                                    .formatted(
                                            channel.url(python),
                                            channel.md5(python),
                                            channel.sha256(python),
                                            channel.url(hello),
                                            channel.md5(hello),
                                            channel.sha256(hello),
                                            index.wheelUrl(),
                                            index.wheelSha256()));
            ns.client().resource(Objects.environment("conda-lock", spec)).create();

            Environment ready = RealBuilds.awaitBuilt(ns, "conda-lock");
            assertThat(ready.getStatus().getPhase())
                    .as("%s", RealBuilds.whyNotReady(ns.client(), ready))
                    .isEqualTo(EnvironmentPhase.Ready);
            assertThat(index.requests())
                    .as("the pip artifact came from the URL the lock names")
                    .contains(
                            new LocalPackageIndex.Request(
                                    index.wheelUrl().replaceFirst("^http://[^/]+", ""), 200));
        }

        Workload done =
                runOnTheRealNode(
                        ns,
                        "locked",
                        "conda-lock",
                        "import terrarium_hello, terrarium_locked_probe as p;"
                                + " assert p.VERSION == '1.0', p.VERSION");
        assertThat(done.getStatus().getPhase())
                .as(
                        "the image's python imports the locked conda and pip packages: %s",
                        done.getStatus().getLogTail())
                .isEqualTo(WorkloadPhase.Succeeded);
    }

    /**
     * Runs {@code python -c script} as a Job Workload of {@code environment}'s image on the real
     * node, and returns it once it has ended.
     */
    private static Workload runOnTheRealNode(
            TestNamespace ns, String name, String environment, String script) {
        Workload job = workload(name, environment);
        job.getSpec().setMode(WorkloadMode.Job);
        job.getSpec().setCommand(List.of("python", "-c", script));
        job.getSpec().setNodeSelector(Map.of(RealBuildNode.LABEL, "true"));
        job.getSpec().setTolerations(List.of(RealBuilds.onTheRealNode()));
        ns.client().resource(job).create();
        return awaitWorkload(
                ns.client(),
                ns.name(),
                name,
                w ->
                        w.getStatus().getPhase() == WorkloadPhase.Succeeded
                                || w.getStatus().getPhase() == WorkloadPhase.Failed,
                Duration.ofMinutes(3));
    }

    /** An Environment spec for a conda lock file, built on the real node. */
    private static EnvironmentSpec lockSpec() {
        EnvironmentSpec spec = new EnvironmentSpec();
        spec.setFiles(new EnvironmentFiles());
        spec.setBaseImage(baseImage);
        spec.setBuild(realConda("unused", List.of(), null).getSpec().getBuild());
        return spec;
    }

    @Test
    void anUnsatisfiableSpecFailsWithTheSolversOwnExplanation(TestNamespace ns) {
        ns.client()
                .resource(
                        realConda(
                                "unsolvable",
                                List.of("python 3.11.*", "terrarium-hello", "greet >=2"),
                                null))
                .create();

        Environment failed =
                awaitEnvironment(
                        ns.client(),
                        ns.name(),
                        "unsolvable",
                        e ->
                                e.getStatus().getPhase() == EnvironmentPhase.Failed
                                        || e.getStatus().getPhase() == EnvironmentPhase.Ready,
                        REAL_BUILD);

        assertThat(failed.getStatus().getPhase()).isEqualTo(EnvironmentPhase.Failed);
        var failure =
                ns.client()
                        .resources(ImageBuild.class)
                        .withName(failed.getStatus().getLatestBuild())
                        .get()
                        .getStatus()
                        .getFailure();
        assertThat(failure.getReason()).isEqualTo("Error");
        assertThat(failure.getLogTail())
                .contains("terrarium-conda: the environment cannot be solved:")
                .contains("terrarium-hello 1.0 would constrain")
                .contains("greet <1.6");
    }
}
