package dev.terrarium.realbuild;

import static dev.terrarium.testing.Objects.annotate;
import static dev.terrarium.testing.Objects.awaitEnvironment;
import static dev.terrarium.testing.Objects.awaitWorkload;
import static dev.terrarium.testing.Objects.workload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.terrarium.api.BuildOptions;
import dev.terrarium.api.BuildStrategy;
import dev.terrarium.api.Condition;
import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentFiles;
import dev.terrarium.api.EnvironmentPhase;
import dev.terrarium.api.EnvironmentSpec;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.TagStatus;
import dev.terrarium.api.Workload;
import dev.terrarium.api.WorkloadMode;
import dev.terrarium.api.WorkloadPhase;
import dev.terrarium.naming.Names;
import dev.terrarium.registry.Credentials;
import dev.terrarium.registry.ImageReference;
import dev.terrarium.registry.RegistryClient;
import dev.terrarium.requirements.PylockToml;
import dev.terrarium.requirements.Violation;
import dev.terrarium.resolution.EnvironmentResolution;
import dev.terrarium.status.Conditions;
import dev.terrarium.testing.BuildNamespace;
import dev.terrarium.testing.Kubectl;
import dev.terrarium.testing.LocalControlPlane;
import dev.terrarium.testing.LocalGitRepository;
import dev.terrarium.testing.Objects;
import dev.terrarium.testing.ProjectImages;
import dev.terrarium.testing.RealBuildNode;
import dev.terrarium.testing.TerrariumTest;
import dev.terrarium.testing.TestNamespace;
import dev.terrarium.testing.TestRegistry;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real builds, as the pod spec says: the operator (started with the project's builder image as
 * {@code TERRARIUM_BUILDS_IMAGE}, by digest, see OperatorProcess.testSettings) writes the buildah
 * build Job; its pod, placed on the node that the harness plays ({@link RealBuildNode}), runs from
 * that image, pulled from the local registry, with the pod's own command, user (build, 1000) and
 * capabilities: rootless buildah installs from PyPI with uv, pushes to the local registry and
 * prints the lock that the operator reads back. Nothing of this machine's own buildah takes part.
 * Conda Environments are built for real by {@link CondaRealBuildIT}.
 */
@TerrariumTest
class RealBuildIT {

    private static final Duration REAL_BUILD = Duration.ofMinutes(10);

    /** The venv base image made by hack/base-image.sh (debootstrap), pinned by digest. */
    private static String baseImage;

    /** The project's builder image that the operator names in build pods. */
    private static String builderImage;

    @BeforeAll
    static void startTheRealBuildNode() {
        LocalControlPlane plane = LocalControlPlane.get();
        RealBuildNode.get();
        baseImage = RealBuilds.baseImage(plane);
        builderImage = ProjectImages.builder(plane);
    }

    static Environment realVenv(String name, String... pip) {
        EnvironmentSpec spec = new EnvironmentSpec();
        spec.setPython("3.11");
        spec.setPip(List.of(pip));
        spec.setBaseImage(baseImage);
        BuildOptions build = new BuildOptions();
        build.setStrategy(BuildStrategy.BUILDAH);
        build.setNodeSelector(RealBuilds.NODE_SELECTOR);
        build.setTolerations(List.of(RealBuilds.onTheRealNode()));
        spec.setBuild(build);
        return Objects.environment(name, spec);
    }

    /** The Environment once its real build finished, Ready or Failed. */
    @Test
    void aVenvEnvironmentIsBuiltPushedLockedCachedAndRun(TestNamespace ns) {
        String[] requirements = {
            "requests[socks]==2.32.3",
            "rich==13.9.4",
            "packaging==24.2",
            "six==1.16.0",
            "tomli==2.2.1; python_version < \"3.12\"",
            "typing-extensions==4.12.2; python_version >= \"3.14\""
        };
        // A repository of its own, so an image pushed by an earlier run is not a cache hit for this
        // one.
        String repository =
                ns.plane().registry() + "/real-" + UUID.randomUUID().toString().substring(0, 8);
        Instant started = Instant.now();
        ns.client()
                .resource(Objects.pushingTo(realVenv("real", requirements), repository, null))
                .create();

        Environment ready = RealBuilds.awaitBuilt(ns, "real");
        System.out.printf(
                "real build: Environment %s in %d s%n",
                ready.getStatus().getPhase(), Duration.between(started, Instant.now()).toSeconds());
        assertThat(
                        ns.kubectl()
                                .run(
                                        "wait",
                                        "--for=condition=Ready",
                                        "environment/real",
                                        "--timeout=10s"))
                .contains("condition met");
        assertThat(
                        new Kubectl(ns.plane(), BuildNamespace.NAME)
                                .run(
                                        "logs",
                                        "job/"
                                                + Names.buildJob(
                                                        ns.name(),
                                                        ready.getStatus().getLatestBuild())))
                .as("kubectl logs of the build Job is the real buildah output")
                .contains(
                        "STEP 1/",
                        "uv pip install",
                        "terrarium-lock " + ready.getStatus().getSpecHash());
        ImageBuild build =
                ns.client()
                        .resources(ImageBuild.class)
                        .withName(ready.getStatus().getLatestBuild())
                        .get();
        assertThat(ready.getStatus().getPhase())
                .as("%s", RealBuilds.whyNotReady(ns.client(), ready))
                .isEqualTo(EnvironmentPhase.Ready);
        assertThat(build.getStatus().getCacheHit()).isFalse();
        assertThat(build.getSpec().getBuild().getBuilderImage()).isEqualTo(builderImage);
        assertBuiltInTheBuilderImage(ns, ready.getStatus().getLatestBuild());

        String digestInRegistry =
                new RegistryClient(Set.of("127.0.0.1"))
                        .manifestDigest(
                                ImageReference.parse(
                                        repository + ":" + ready.getStatus().getSpecHash()),
                                Credentials.ANONYMOUS)
                        .orElseThrow();
        assertThat(ready.getStatus().getImage()).isEqualTo(repository + "@" + digestInRegistry);

        Map<String, String> lockFiles =
                ns.client().configMaps().withName("real-lock").get().getData();
        String lock = lockFiles.get("lock");
        assertThat(lockFiles.get("requirements.txt"))
                .as("the lock as pip freeze writes it, for a laptop's pip install -r")
                .isEqualTo(lock.endsWith("\n") ? lock : lock + "\n");
        assertThat(lock)
                .contains(
                        "requests==2.32.3",
                        "rich==13.9.4",
                        "packaging==24.2",
                        "six==1.16.0",
                        "tomli==2.2.1")
                .as("transitive dependencies resolved by uv")
                .contains(
                        "urllib3==",
                        "idna==",
                        "certifi==",
                        "charset-normalizer==",
                        "pysocks==",
                        "markdown-it-py==",
                        "pygments==",
                        "mdurl==")
                .doesNotContain("typing-extensions");
        assertThat(ready.getStatus().getLock().getPackages()).isGreaterThanOrEqualTo(13);

        // The exported requirements.txt, given back verbatim (pip install -r): uv installs it for
        // real in a build of its own and resolves exactly the same set.
        EnvironmentSpec frozen = new EnvironmentSpec();
        frozen.setPython("3.11");
        frozen.setFiles(new EnvironmentFiles());
        frozen.getFiles().setRequirementsTxt(lockFiles.get("requirements.txt"));
        frozen.setBaseImage(baseImage);
        frozen.setBuild(realVenv("unused").getSpec().getBuild());
        ns.client()
                .resource(
                        Objects.pushingTo(Objects.environment("frozen", frozen), repository, null))
                .create();
        Environment rebuilt = RealBuilds.awaitBuilt(ns, "frozen");
        assertThat(rebuilt.getStatus().getPhase())
                .as(
                        "the exported requirements.txt builds: %s",
                        RealBuilds.whyNotReady(ns.client(), rebuilt))
                .isEqualTo(EnvironmentPhase.Ready);
        assertThat(rebuilt.getStatus().getSpecHash()).isNotEqualTo(ready.getStatus().getSpecHash());
        assertThat(ns.client().configMaps().withName("frozen-lock").get().getData().get("lock"))
                .as("uv installed exactly the exported set")
                .isEqualTo(lock);

        String otherNamespace = "real-copy-" + UUID.randomUUID().toString().substring(0, 6);
        var admin = ns.plane().adminClient();
        admin.resource(
                        new NamespaceBuilder()
                                .withNewMetadata()
                                .withName(otherNamespace)
                                .endMetadata()
                                .build())
                .create();
        try {
            admin.resource(Objects.pushingTo(realVenv("copy", requirements), repository, null))
                    .inNamespace(otherNamespace)
                    .create();
            Environment copy =
                    awaitEnvironment(
                            admin,
                            otherNamespace,
                            "copy",
                            e -> e.getStatus().getPhase() == EnvironmentPhase.Ready,
                            Duration.ofSeconds(60));
            ImageBuild hit =
                    admin.resources(ImageBuild.class)
                            .inNamespace(otherNamespace)
                            .withName(copy.getStatus().getLatestBuild())
                            .get();
            assertThat(hit.getStatus().getCacheHit()).isTrue();
            assertThat(copy.getStatus().getImage()).isEqualTo(ready.getStatus().getImage());
            assertThat(BuildNamespace.jobs(admin, otherNamespace)).isEmpty();
            ConfigMap copiedLock =
                    admin.configMaps().inNamespace(otherNamespace).withName("copy-lock").get();
            assertThat(copiedLock.getData().get("lock")).contains("requests==2.32.3", "urllib3==");
        } finally {
            admin.namespaces().withName(otherNamespace).delete();
        }

        ns.client().resource(workload("real-app", "real")).create();
        awaitWorkload(
                ns.client(),
                ns.name(),
                "real-app",
                w -> w.getStatus().getPhase() == WorkloadPhase.Running,
                Duration.ofSeconds(90));
        assertThat(
                        ns.client()
                                .apps()
                                .deployments()
                                .withName("real-app")
                                .get()
                                .getSpec()
                                .getTemplate()
                                .getSpec()
                                .getContainers()
                                .get(0)
                                .getImage())
                .isEqualTo(repository + "@" + digestInRegistry);
    }

    /**
     * spec.output.tags after a build that really ran (ImageTagsIT shows a failed build and a
     * registry hit; under kwok no build pushes): the build Job pushes the image of the current spec
     * to the Environment's own repository in a registry that wants the push secret's password, and
     * only then does every tag point at the digest the build pushed, each move an event.
     */
    @Test
    void tagsPointAtTheDigestThatAFreshBuildPushed(TestNamespace ns) {
        String user = "tagger";
        String password = "pw-" + UUID.randomUUID();
        try (TestRegistry registry = TestRegistry.startWithHtpasswd(user, password)) {
            String repository = registry.hostPort() + "/team/tagged";
            Credentials credentials = Credentials.basic(user, password);
            String auth =
                    Base64.getEncoder()
                            .encodeToString(
                                    (user + ":" + password).getBytes(StandardCharsets.UTF_8));
            ns.client()
                    .resource(
                            new SecretBuilder()
                                    .withNewMetadata()
                                    .withName("push")
                                    .endMetadata()
                                    .withType("kubernetes.io/dockerconfigjson")
                                    .addToStringData(
                                            ".dockerconfigjson",
                                            "{\"auths\":{\""
                                                    + registry.hostPort()
                                                    + "\":{\"auth\":\""
                                                    + auth
                                                    + "\"}}}")
                                    .build())
                    .create();
            Environment tagged =
                    Objects.pushingTo(
                            realVenv("tagged", "six==1.16.0", "packaging==24.2"),
                            repository,
                            "push");
            tagged.getSpec().getOutput().setTags(List.of("v1.2", "latest"));
            ns.client().resource(tagged).create();

            Environment ready =
                    awaitEnvironment(
                            ns.client(),
                            ns.name(),
                            "tagged",
                            e ->
                                    e.getStatus().getPhase() == EnvironmentPhase.Failed
                                            || e.getStatus().getTags() != null
                                                    && e.getStatus().getTags().size() == 2,
                            REAL_BUILD);
            assertThat(ready.getStatus().getPhase())
                    .as("%s", RealBuilds.whyNotReady(ns.client(), ready))
                    .isEqualTo(EnvironmentPhase.Ready);
            ImageBuild build =
                    ns.client()
                            .resources(ImageBuild.class)
                            .withName(ready.getStatus().getLatestBuild())
                            .get();
            assertThat(build.getStatus().getCacheHit()).as("a build that ran").isFalse();
            RegistryClient client = new RegistryClient(Set.of(registry.hostPort()));
            String pushed =
                    client.manifestDigest(
                                    ImageReference.parse(
                                            repository + ":" + ready.getStatus().getSpecHash()),
                                    credentials)
                            .orElseThrow();
            assertThat(ready.getStatus().getImage()).isEqualTo(repository + "@" + pushed);
            assertThat(ready.getStatus().getTags())
                    .extracting(TagStatus::getName, TagStatus::getImage, TagStatus::getDigest)
                    .containsExactly(
                            tuple("v1.2", repository + ":v1.2", pushed),
                            tuple("latest", repository + ":latest", pushed));
            for (String tag : List.of("v1.2", "latest")) {
                assertThat(
                                client.manifestDigest(
                                        ImageReference.parse(repository + ":" + tag), credentials))
                        .as("%s:%s in the registry", repository, tag)
                        .contains(pushed);
            }
            assertThat(
                            ns.client().v1().events().list().getItems().stream()
                                    .filter(e -> "tagged".equals(e.getInvolvedObject().getName()))
                                    .filter(e -> "TagMoved".equals(e.getReason()))
                                    .map(Event::getMessage)
                                    .toList())
                    .containsExactlyInAnyOrder(
                            repository + ":v1.2 now points at " + pushed + " (a new tag).",
                            repository + ":latest now points at " + pushed + " (a new tag).");
        }
    }

    /**
     * The Jupyter example (deploy/examples/jupyter): its Environment's packages built for real from
     * PyPI on the Python of the local base image (Debian's 3.11, where the example says 3.12), and
     * {@code jupyter lab --version} run from the built image on the real node. Then the example's
     * Workload, as written, on the kwok nodes: there the claim is bound to a PersistentVolume the
     * test makes, the pod is scheduled, and its readiness is simulated (kwok runs no probe), so
     * Ready shows that the objects the operator writes are accepted and wired, not that the server
     * answers.
     */
    @Test
    void theJupyterExamplesEnvironmentIsBuiltAndItsWorkloadBecomesReady(TestNamespace ns)
            throws IOException {
        Path example = ns.plane().repo().resolve("deploy/examples/jupyter");
        Environment written =
                Serialization.unmarshal(
                        Files.readString(example.resolve("environment.yaml")), Environment.class);
        String repository =
                ns.plane().registry() + "/jupyter-" + UUID.randomUUID().toString().substring(0, 8);
        ns.client()
                .resource(
                        Objects.pushingTo(
                                realVenv(
                                        written.getMetadata().getName(),
                                        written.getSpec().getPip().toArray(String[]::new)),
                                repository,
                                null))
                .create();
        Environment ready = RealBuilds.awaitBuilt(ns, "jupyter");
        assertThat(ready.getStatus().getPhase())
                .as("%s", RealBuilds.whyNotReady(ns.client(), ready))
                .isEqualTo(EnvironmentPhase.Ready);
        assertThat(ns.client().configMaps().withName("jupyter-lock").get().getData().get("lock"))
                .contains("jupyterlab==4.3.4", "jupyter-server==", "tornado==");

        Workload version = workload("jupyter-version", "jupyter");
        version.getSpec().setMode(WorkloadMode.Job);
        version.getSpec()
                .setCommand(
                        List.of(
                                "sh",
                                "-c",
                                "v=\"$(jupyter lab --version)\" && echo \"$v\" && test \"$v\" = 4.3.4"));
        version.getSpec().setNodeSelector(RealBuilds.NODE_SELECTOR);
        version.getSpec().setTolerations(List.of(RealBuilds.onTheRealNode()));
        ns.client().resource(version).create();
        Workload ran =
                awaitWorkload(
                        ns.client(),
                        ns.name(),
                        "jupyter-version",
                        w ->
                                w.getStatus().getPhase() == WorkloadPhase.Succeeded
                                        || w.getStatus().getPhase() == WorkloadPhase.Failed,
                        Duration.ofMinutes(3));
        assertThat(ran.getStatus().getPhase())
                .as("jupyter lab --version from the image: %s", ran.getStatus().getLogTail())
                .isEqualTo(WorkloadPhase.Succeeded);

        String volume = "jupyter-work-" + ns.name();
        var admin = ns.plane().adminClient();
        admin.resource(
                        new PersistentVolumeBuilder()
                                .withNewMetadata()
                                .withName(volume)
                                .endMetadata()
                                .withNewSpec()
                                .withCapacity(Map.of("storage", new Quantity("10Gi")))
                                .withAccessModes("ReadWriteOnce")
                                .withStorageClassName("")
                                .withNewHostPath()
                                .withPath("/srv/" + volume)
                                .endHostPath()
                                .withNewClaimRef()
                                .withNamespace(ns.name())
                                .withName("jupyter")
                                .endClaimRef()
                                .endSpec()
                                .build())
                .create();
        try {
            ns.kubectl().run("apply", "-f", example.resolve("workload.yaml").toString());
            assertThat(
                            ns.kubectl()
                                    .run(
                                            "wait",
                                            "--for=condition=Ready",
                                            "workload/jupyter",
                                            "--timeout=180s"))
                    .contains("condition met");
            Deployment deployment = ns.client().apps().deployments().withName("jupyter").get();
            assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
            Container container =
                    deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(container.getImage()).isEqualTo(ready.getStatus().getImage());
            assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/api");
            assertThat(container.getEnv())
                    .singleElement()
                    .satisfies(
                            token ->
                                    assertThat(token.getValueFrom().getSecretKeyRef().getName())
                                            .isEqualTo("jupyter-token"));
            assertThat(ns.client().persistentVolumeClaims().withName("jupyter").get())
                    .satisfies(
                            claim -> {
                                assertThat(claim.getStatus().getPhase()).isEqualTo("Bound");
                                assertThat(claim.getMetadata().getOwnerReferences()).isEmpty();
                            });
        } finally {
            ns.client().resources(Workload.class).withName("jupyter").delete();
            ns.client().persistentVolumeClaims().withName("jupyter").delete();
            admin.persistentVolumes().withName(volume).delete();
        }
    }

    @Test
    void hashCheckingModeInstallsOnlyTheArtifactsWhoseHashesTheFileGives(TestNamespace ns) {
        // A tenant namespace that admits only restricted pods: the real build runs in the build
        // namespace all the same.
        ns.plane()
                .adminClient()
                .namespaces()
                .withName(ns.name())
                .edit(
                        n -> {
                            n.getMetadata()
                                    .getLabels()
                                    .put("pod-security.kubernetes.io/enforce", "restricted");
                            return n;
                        });
        // six 1.16.0's wheel, as PyPI serves it; six has no dependencies, so the file is complete.
        String six = "sha256:8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254";
        String repository =
                ns.plane().registry() + "/hashed-" + UUID.randomUUID().toString().substring(0, 8);
        ns.client()
                .resource(
                        Objects.pushingTo(
                                hashedRequirements("hashed", "six==1.16.0 \\\n    --hash=" + six),
                                repository,
                                null))
                .create();
        ns.client()
                .resource(
                        Objects.pushingTo(
                                hashedRequirements(
                                        "tampered", "six==1.16.0 --hash=sha256:" + "0".repeat(64)),
                                repository,
                                null))
                .create();

        Environment hashed = RealBuilds.awaitBuilt(ns, "hashed");
        assertThat(hashed.getStatus().getPhase())
                .as("%s", RealBuilds.whyNotReady(ns.client(), hashed))
                .isEqualTo(EnvironmentPhase.Ready);
        assertThat(ns.client().configMaps().withName("hashed-lock").get().getData().get("lock"))
                .contains("six==1.16.0");

        Environment tampered = RealBuilds.awaitBuilt(ns, "tampered");
        assertThat(tampered.getStatus().getPhase()).isEqualTo(EnvironmentPhase.Failed);
        assertThat(
                        ns.client()
                                .resources(ImageBuild.class)
                                .withName(tampered.getStatus().getLatestBuild())
                                .get()
                                .getStatus()
                                .getFailure()
                                .getLogTail())
                .as("uv's own refusal of an artifact whose hash the file does not give")
                .containsIgnoringCase("hash mismatch");
    }

    /**
     * The exact lock, out and back in: a venv built from PyPI gives its pylock.toml (uv pip compile
     * over what it installed: every artifact's URL and sha256); that file, given as
     * files.pylockToml, builds for real with uv pip install -r pylock.toml to the same packages and
     * the same artifacts; the same file with six's hashes changed fails with uv's own refusal.
     */
    @Test
    void thePylockTomlOfARealBuildBuildsTheSameArtifactsAndATamperedOneFails(TestNamespace ns) {
        String repository =
                ns.plane().registry() + "/pylock-" + UUID.randomUUID().toString().substring(0, 8);
        ns.client()
                .resource(
                        Objects.pushingTo(
                                realVenv("exact", "six==1.16.0", "rich==13.9.4"), repository, null))
                .create();
        Environment exact = RealBuilds.awaitBuilt(ns, "exact");
        assertThat(exact.getStatus().getPhase())
                .as("%s", exact.getStatus().getConditions())
                .isEqualTo(EnvironmentPhase.Ready);
        Map<String, String> lockFiles =
                ns.client().configMaps().withName("exact-lock").get().getData();
        String pylock = lockFiles.get("pylock.toml");
        assertThat(pylock).as("the exact lock of %s", lockFiles.get("lock")).isNotNull();
        List<PylockToml.LockedPackage> locked = artifacts(pylock);
        assertThat(locked)
                .extracting(p -> p.name() + "==" + p.version())
                .as("the pylock.toml pins what the freeze pins")
                .containsExactlyInAnyOrderElementsOf(
                        lockFiles.get("lock").lines().filter(l -> !l.isBlank()).toList())
                .contains("six==1.16.0", "rich==13.9.4")
                .anyMatch(pin -> pin.startsWith("markdown-it-py=="))
                .anyMatch(pin -> pin.startsWith("pygments=="));
        assertThat(locked)
                .filteredOn(p -> p.name().equals("six"))
                .singleElement()
                .satisfies(
                        six ->
                                assertThat(six.artifacts())
                                        .extracting(PylockToml.Artifact::hashes)
                                        .as("six 1.16.0's wheel, as PyPI serves it")
                                        .contains(
                                                Map.of(
                                                        "sha256",
                                                        "8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254")));

        ns.client()
                .resource(Objects.pushingTo(fromPylock("relocked", pylock), repository, null))
                .create();
        ns.client()
                .resource(
                        Objects.pushingTo(
                                fromPylock("pylock-tampered", withSixsHashesChanged(pylock)),
                                repository,
                                null))
                .create();

        Environment relocked = RealBuilds.awaitBuilt(ns, "relocked");
        ImageBuild relockedBuild =
                ns.client()
                        .resources(ImageBuild.class)
                        .withName(relocked.getStatus().getLatestBuild())
                        .get();
        assertThat(relocked.getStatus().getPhase())
                .as(
                        "%s",
                        relockedBuild.getStatus().getFailure() == null
                                ? relocked.getStatus().getConditions()
                                : relockedBuild.getStatus().getFailure().getLogTail())
                .isEqualTo(EnvironmentPhase.Ready);
        assertThat(relockedBuild.getSpec().getResolved().getPylockToml()).isEqualTo(pylock);
        assertThat(
                        new Kubectl(ns.plane(), BuildNamespace.NAME)
                                .run(
                                        "logs",
                                        "job/"
                                                + Names.buildJob(
                                                        ns.name(),
                                                        relocked.getStatus().getLatestBuild())))
                .as("installed from the lock as it is")
                .contains(
                        "uv pip install --python /opt/venv/bin/python -r /tmp/terrarium/pylock.toml");
        Map<String, String> relockedFiles =
                ns.client().configMaps().withName("relocked-lock").get().getData();
        assertThat(relockedFiles.get("lock"))
                .as("the same packages at the same versions")
                .isEqualTo(lockFiles.get("lock"));
        assertThat(artifacts(relockedFiles.get("pylock.toml")))
                .as("the same artifacts: names, versions, URLs and hashes")
                .containsExactlyInAnyOrderElementsOf(locked);

        Environment tampered = RealBuilds.awaitBuilt(ns, "pylock-tampered");
        assertThat(tampered.getStatus().getPhase()).isEqualTo(EnvironmentPhase.Failed);
        assertThat(
                        ns.client()
                                .resources(ImageBuild.class)
                                .withName(tampered.getStatus().getLatestBuild())
                                .get()
                                .getStatus()
                                .getFailure()
                                .getLogTail())
                .as("uv's own refusal of an artifact whose hash the lock does not give")
                .containsIgnoringCase("hash mismatch");
    }

    private static Environment fromPylock(String name, String pylock) {
        Environment environment = realVenv(name);
        environment.getSpec().setPip(null);
        environment.getSpec().setFiles(new EnvironmentFiles());
        environment.getSpec().getFiles().setPylockToml(pylock);
        return environment;
    }

    /** The packages of a pylock.toml with their artifacts, read by Terrarium's own parser. */
    private static List<PylockToml.LockedPackage> artifacts(String pylock) {
        List<Violation> violations = new ArrayList<>();
        List<PylockToml.LockedPackage> packages =
                PylockToml.read(pylock, "pylock.toml", violations).packages();
        assertThat(violations).as("the build's pylock.toml is one Terrarium accepts").isEmpty();
        return packages;
    }

    /** The lock with every sha256 of six's artifacts replaced by zeros. */
    private static String withSixsHashesChanged(String pylock) {
        StringBuilder out = new StringBuilder();
        boolean six = false;
        for (String line : pylock.split("\n", -1)) {
            if (line.strip().equals("[[packages]]")) {
                six = false;
            } else if (line.strip().equals("name = \"six\"")) {
                six = true;
            }
            out.append(
                            six
                                    ? line.replaceAll(
                                            "sha256 = \"[0-9a-f]{64}\"",
                                            "sha256 = \"" + "0".repeat(64) + "\"")
                                    : line)
                    .append('\n');
        }
        String tampered = out.substring(0, out.length() - 1);
        assertThat(tampered).as("six's hashes changed").isNotEqualTo(pylock);
        return tampered;
    }

    private static Environment hashedRequirements(String name, String requirementsTxt) {
        Environment environment = realVenv(name);
        environment.getSpec().setPip(null);
        environment.getSpec().setFiles(new EnvironmentFiles());
        environment.getSpec().getFiles().setRequirementsTxt(requirementsTxt + "\n");
        return environment;
    }

    /**
     * An unnamed git reference to a branch: the base image has no git, so the build adds it; uv
     * builds the checkout (its backend from the default index), the lock records the commit the
     * branch pointed at, and the Environment warns that the reference can move. When the branch
     * moves, nothing happens until the rebuild annotation takes the newest commit.
     */
    @Test
    void anUnnamedGitReferenceIsBuiltAtItsBranchsCommitAndARebuildTakesTheNewest(TestNamespace ns) {
        try (LocalGitRepository repository = LocalGitRepository.start("first")) {
            String first = repository.head();
            ns.client().resource(realVenv("git", repository.url() + "@main")).create();

            Environment built = RealBuilds.awaitBuilt(ns, "git");
            assertThat(built.getStatus().getPhase())
                    .as("%s", RealBuilds.whyNotReady(ns.client(), built))
                    .isEqualTo(EnvironmentPhase.Ready);
            assertThat(Conditions.find(built.getStatus().getConditions(), Condition.WARNING))
                    .extracting(Condition::getReason)
                    .isEqualTo("NotReproducible");
            assertThat(ns.client().configMaps().withName("git-lock").get().getData().get("lock"))
                    .as("the lock names the commit main pointed at: %s", repository)
                    .contains("terrarium-gitpkg @ " + repository.url() + "@" + first);

            String second = repository.commit("second");
            annotate(
                    ns.client(),
                    "git",
                    Map.of(EnvironmentResolution.REBUILD_ANNOTATION, "take-second"));
            Environment rebuilt =
                    awaitEnvironment(
                            ns.client(),
                            ns.name(),
                            "git",
                            e ->
                                    !built.getStatus()
                                                    .getLatestBuild()
                                                    .equals(e.getStatus().getLatestBuild())
                                            && (e.getStatus().getPhase() == EnvironmentPhase.Ready
                                                    || e.getStatus().getPhase()
                                                            == EnvironmentPhase.Failed),
                            REAL_BUILD);
            assertThat(rebuilt.getStatus().getPhase())
                    .as("%s", RealBuilds.whyNotReady(ns.client(), rebuilt))
                    .isEqualTo(EnvironmentPhase.Ready);
            assertThat(rebuilt.getStatus().getImage()).isNotEqualTo(built.getStatus().getImage());
            assertThat(ns.client().configMaps().withName("git-lock").get().getData().get("lock"))
                    .as("the rebuild took the newest commit of main: %s", repository)
                    .contains("terrarium-gitpkg @ " + repository.url() + "@" + second)
                    .doesNotContain(first);
        }
    }

    @Test
    void aPackageThatDoesNotExistFailsWithTheResolversOwnError(TestNamespace ns) {
        String missing =
                "terrarium-no-such-package-" + UUID.randomUUID().toString().substring(0, 8);
        ns.client().resource(realVenv("missing", "six==1.16.0", missing + "==1.0")).create();

        Environment failed =
                awaitEnvironment(
                        ns.client(),
                        ns.name(),
                        "missing",
                        e -> e.getStatus().getPhase() == EnvironmentPhase.Failed,
                        REAL_BUILD);

        var failure =
                ns.client()
                        .resources(ImageBuild.class)
                        .withName(failed.getStatus().getLatestBuild())
                        .get()
                        .getStatus()
                        .getFailure();
        assertThat(failure.getReason()).isEqualTo("Error");
        assertThat(failure.getExitCode()).isNotZero();
        assertThat(failure.getLogTail())
                .contains(missing)
                .contains("not found in the package registry");
    }

    /**
     * The build Job's pod ran on the test node from the project's builder image, by the digest the
     * operator was given, as the non-root build user, with no API token and no privileges.
     */
    private static void assertBuiltInTheBuilderImage(TestNamespace ns, String buildName) {
        Pod pod = BuildNamespace.pods(ns.client(), ns.name(), buildName).get(0);
        assertThat(pod.getSpec().getNodeName()).isEqualTo(RealBuildNode.NAME);
        assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
        var container = pod.getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo(builderImage);
        assertThat(container.getSecurityContext().getPrivileged()).isFalse();
        assertThat(container.getSecurityContext().getRunAsUser()).isEqualTo(1000L);
        assertThat(pod.getStatus().getContainerStatuses().get(0).getImageID())
                .endsWith(builderImage.substring(builderImage.indexOf('@')));
    }
}
