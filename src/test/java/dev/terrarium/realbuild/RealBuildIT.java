package dev.terrarium.realbuild;

import static dev.terrarium.testing.Objects.awaitEnvironment;
import static dev.terrarium.testing.Objects.awaitWorkload;
import static dev.terrarium.testing.Objects.workload;
import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.BuildOptions;
import dev.terrarium.api.BuildStrategy;
import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentPhase;
import dev.terrarium.api.EnvironmentSpec;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.WorkloadPhase;
import dev.terrarium.naming.Labels;
import dev.terrarium.registry.Credentials;
import dev.terrarium.registry.ImageReference;
import dev.terrarium.registry.RegistryClient;
import dev.terrarium.testing.Commands;
import dev.terrarium.testing.LocalControlPlane;
import dev.terrarium.testing.Objects;
import dev.terrarium.testing.ProjectImages;
import dev.terrarium.testing.RealBuildNode;
import dev.terrarium.testing.TerrariumTest;
import dev.terrarium.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.time.Duration;
import java.time.Instant;
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
        List<String> command =
                List.of(
                        "bash",
                        plane.repo().resolve("hack/base-image.sh").toString(),
                        plane.registry());
        String output =
                Commands.run(command, Map.of(), plane.repo(), Duration.ofMinutes(20))
                        .requireSuccess(command)
                        .output()
                        .strip();
        baseImage = output.substring(output.lastIndexOf('\n') + 1);
        builderImage = ProjectImages.builder(plane);
    }

    static Environment realVenv(String name, String... pip) {
        EnvironmentSpec spec = new EnvironmentSpec();
        spec.setPython("3.11");
        spec.setPip(List.of(pip));
        spec.setBaseImage(baseImage);
        BuildOptions build = new BuildOptions();
        build.setStrategy(BuildStrategy.BUILDAH);
        build.setNodeSelector(Map.of(RealBuildNode.LABEL, "true"));
        build.setTolerations(
                List.of(
                        new TolerationBuilder()
                                .withKey(RealBuildNode.LABEL)
                                .withOperator("Exists")
                                .withEffect("NoSchedule")
                                .build()));
        spec.setBuild(build);
        return Objects.environment(name, spec);
    }

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

        Environment ready =
                awaitEnvironment(
                        ns.client(),
                        ns.name(),
                        "real",
                        e ->
                                e.getStatus().getPhase() == EnvironmentPhase.Ready
                                        || e.getStatus().getPhase() == EnvironmentPhase.Failed,
                        REAL_BUILD);
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
        assertThat(ns.kubectl().run("logs", "job/" + ready.getStatus().getLatestBuild()))
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
                .as(
                        "%s",
                        build.getStatus().getFailure() == null
                                ? ""
                                : build.getStatus().getFailure().getLogTail())
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
            assertThat(admin.batch().v1().jobs().inNamespace(otherNamespace).list().getItems())
                    .isEmpty();
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
        Pod pod =
                ns.client()
                        .pods()
                        .withLabel(Labels.IMAGE_BUILD, buildName)
                        .list()
                        .getItems()
                        .get(0);
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
