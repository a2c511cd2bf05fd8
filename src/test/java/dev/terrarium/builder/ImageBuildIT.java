package dev.terrarium.builder;

import static dev.terrarium.testing.Objects.awaitBuild;
import static dev.terrarium.testing.Objects.awaitEnvironment;
import static dev.terrarium.testing.Objects.conda;
import static dev.terrarium.testing.Objects.onNode;
import static dev.terrarium.testing.Objects.pushingTo;
import static dev.terrarium.testing.Objects.uniquePackage;
import static dev.terrarium.testing.Objects.venv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrarium.api.BuildOptions;
import dev.terrarium.api.Condition;
import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentPhase;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildPhase;
import dev.terrarium.api.Retention;
import dev.terrarium.naming.Names;
import dev.terrarium.registry.Credentials;
import dev.terrarium.registry.ImageReference;
import dev.terrarium.requirements.SpecHasher;
import dev.terrarium.status.Conditions;
import dev.terrarium.testing.BuildNamespace;
import dev.terrarium.testing.OperatorKey;
import dev.terrarium.testing.OperatorProcess;
import dev.terrarium.testing.TerrariumTest;
import dev.terrarium.testing.TestImages;
import dev.terrarium.testing.TestNamespace;
import dev.terrarium.testing.TestRegistry;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Environment → ImageBuild → build Job on the local control plane, where kwok plays the build pods.
 */
@TerrariumTest
class ImageBuildIT {

    private static final Duration BUILD = Duration.ofSeconds(90);

    @Test
    void aCondaEnvironmentIsBuiltAndReportsItsDigestAndLock(TestNamespace ns) {
        String probe = uniquePackage();
        ns.client()
                .resource(
                        conda(
                                "science",
                                List.of("numpy==1.26.4", "pandas>=2.2,<3"),
                                List.of("requests[socks]>=2.31", probe)))
                .create();

        Environment ready =
                awaitEnvironment(
                        ns.client(),
                        ns.name(),
                        "science",
                        e -> e.getStatus().getPhase() == EnvironmentPhase.Ready,
                        BUILD);

        ImageBuild build =
                ns.client()
                        .resources(ImageBuild.class)
                        .withName(ready.getStatus().getLatestBuild())
                        .get();
        assertThat(build.getMetadata().getName())
                .isEqualTo("science-" + ready.getStatus().getSpecHash().substring(0, 10));
        assertThat(build.getStatus().getPhase()).isEqualTo(ImageBuildPhase.Succeeded);
        assertThat(build.getStatus().getCacheHit()).isFalse();
        assertThat(build.getStatus().getStartTime()).isNotNull();
        assertThat(build.getStatus().getDuration()).matches("[0-9hms]+");
        assertThat(ready.getStatus().getImage())
                .isEqualTo(
                        ns.plane().registry()
                                + "/terrarium/environments@"
                                + build.getStatus().getDigest())
                .matches(".*@sha256:[a-f0-9]{64}");
        assertThat(ready.getStatus().getManager()).isEqualTo("conda");
        assertThat(Conditions.isTrue(ready.getStatus().getConditions(), Condition.READY)).isTrue();

        // The Job and its context are in the build namespace, mapped back by annotations: an owner
        // reference cannot cross namespaces. The tenant namespace holds none of them.
        Job job = BuildNamespace.job(ns.client(), ns.name(), build.getMetadata().getName());
        assertThat(build.getStatus().getJobName()).isEqualTo(job.getMetadata().getName());
        assertThat(job.getMetadata().getOwnerReferences()).isEmpty();
        assertThat(job.getMetadata().getAnnotations())
                .containsEntry("io.javaoperatorsdk/primary-name", build.getMetadata().getName())
                .containsEntry("io.javaoperatorsdk/primary-namespace", ns.name());
        assertThat(job.getMetadata().getLabels())
                .containsEntry("terrarium.dev/environment", "science")
                .containsEntry("terrarium.dev/imagebuild", build.getMetadata().getName())
                .containsEntry("terrarium.dev/imagebuild-namespace", ns.name())
                .containsEntry("app.kubernetes.io/managed-by", "terrarium");
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(1800L);
        var pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getServiceAccountName()).isEqualTo("terrarium-builder");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getInitContainers())
                .extracting(c -> c.getName())
                .as("the build step runs first, without credentials")
                .containsExactly("build");
        assertThat(pod.getContainers()).extracting(c -> c.getName()).containsExactly("push");
        assertThat(pod.getInitContainers().get(0).getArgs())
                .anyMatch(a -> a.contains(ready.getStatus().getSpecHash()));
        assertThat(pod.getContainers().get(0).getArgs())
                .anyMatch(a -> a.contains(ready.getStatus().getSpecHash()));
        assertThat(job.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("kubectl.kubernetes.io/default-container", "build");
        assertThat(
                        ns.client()
                                .serviceAccounts()
                                .inNamespace(BuildNamespace.NAME)
                                .withName("terrarium-builder")
                                .get()
                                .getAutomountServiceAccountToken())
                .isFalse();
        assertThat(ns.client().serviceAccounts().withName("science-builder").get()).isNull();
        assertThat(ns.client().batch().v1().jobs().list().getItems()).isEmpty();
        assertThat(ns.client().pods().list().getItems()).isEmpty();
        assertThat(
                        ns.client()
                                .configMaps()
                                .withName(build.getMetadata().getName() + "-context")
                                .get())
                .isNull();
        ConfigMap context =
                BuildNamespace.context(ns.client(), ns.name(), build.getMetadata().getName());
        assertThat(context.getData()).containsKeys("Dockerfile", "conda-request.json");
        assertThat(context.getData().get("conda-request.json"))
                .contains("numpy ==1.26.4")
                .contains(probe);
        assertThat(context.getData().get("Dockerfile"))
                .doesNotContain("numpy")
                .doesNotContain(probe);

        ConfigMap lock = ns.client().configMaps().withName("science-lock").get();
        assertThat(lock.getMetadata().getOwnerReferences().get(0).getKind())
                .isEqualTo("Environment");
        assertThat(lock.getData().get("lock"))
                .contains("numpy ==1.26.4")
                .contains(probe.replace("==1.0", ""));
        assertThat(ready.getStatus().getLock().getConfigMap()).isEqualTo("science-lock");
        assertThat(ready.getStatus().getLock().getPackages()).isGreaterThanOrEqualTo(4);
        assertThat(build.getStatus().getLogConfigMap())
                .isEqualTo(build.getMetadata().getName() + "-log");
        assertThat(
                        ns.client()
                                .configMaps()
                                .withName(build.getStatus().getLogConfigMap())
                                .get()
                                .getData()
                                .get("log"))
                .as("the build's log, kept beside the build for whoever cannot read its Job")
                .contains("STEP 1/", "terrarium-lock " + ready.getStatus().getSpecHash());
        assertThat(build.getStatus().getLogTail())
                .contains("terrarium-lock " + ready.getStatus().getSpecHash());
        assertThat(reasons(ns, "science")).contains("BuildStarted", "BuildSucceeded");
        assertThat(OperatorProcess.get().metrics())
                .contains("terrarium_builds_total{result=\"succeeded\"}")
                .contains("terrarium_build_duration_seconds_count")
                .contains("terrarium_builds_queued")
                .contains("terrarium_builds_running");
    }

    @Test
    void aChangedPackageBuildsAgainAndTheOldImageStaysUntilTheNewOneSucceeds(TestNamespace ns) {
        Environment environment = venv("evolving", "rich==13.7.1", uniquePackage());
        ns.client().resource(environment).create();
        Environment first =
                awaitEnvironment(
                        ns.client(),
                        ns.name(),
                        "evolving",
                        e -> e.getStatus().getPhase() == EnvironmentPhase.Ready,
                        BUILD);
        String firstImage = first.getStatus().getImage();

        ns.client()
                .resources(Environment.class)
                .withName("evolving")
                .edit(
                        e -> {
                            e.getSpec()
                                    .setPip(List.of("rich==13.8.0", e.getSpec().getPip().get(1)));
                            return onNode(e, "slow");
                        });
        Environment building =
                awaitEnvironment(
                        ns.client(),
                        ns.name(),
                        "evolving",
                        e -> e.getStatus().getPhase() == EnvironmentPhase.Building,
                        BUILD);
        assertThat(building.getStatus().getImage()).isEqualTo(firstImage);
        ImageBuild running =
                awaitBuild(
                        ns.client(),
                        ns.name(),
                        building.getStatus().getLatestBuild(),
                        b -> b.getStatus().getPhase() == ImageBuildPhase.Running,
                        BUILD);
        assertThat(running.getStatus().getJobName())
                .isEqualTo(Names.buildJob(ns.name(), running.getMetadata().getName()));
        ImageBuild logging =
                awaitBuild(
                        ns.client(),
                        ns.name(),
                        running.getMetadata().getName(),
                        b ->
                                b.getStatus().getLogTail() != null
                                        || b.getStatus().getPhase() != ImageBuildPhase.Running,
                        BUILD);
        assertThat(logging.getStatus().getPhase())
                .as("the log tail shows while the build runs")
                .isEqualTo(ImageBuildPhase.Running);
        assertThat(logging.getStatus().getLogTail()).contains("STEP 1/");
        assertThat(
                        ns.client()
                                .resources(Environment.class)
                                .withName("evolving")
                                .get()
                                .getStatus()
                                .getImage())
                .as("the previous image stays while the new build runs")
                .isEqualTo(firstImage);
        assertThat(building.getStatus().getLatestBuild())
                .isNotEqualTo(first.getStatus().getLatestBuild());

        Environment rebuilt =
                awaitEnvironment(
                        ns.client(),
                        ns.name(),
                        "evolving",
                        e -> e.getStatus().getPhase() == EnvironmentPhase.Ready,
                        BUILD);
        assertThat(rebuilt.getStatus().getImage())
                .isNotEqualTo(firstImage)
                .matches(".*@sha256:[a-f0-9]{64}");
        assertThat(rebuilt.getStatus().getSpecHash()).isNotEqualTo(first.getStatus().getSpecHash());
        assertThat(buildsOf(ns.client(), ns.name(), "evolving")).hasSize(2);
    }

    @Test
    void aFailingBuildIsFinalWithItsReasonAndLogTailUntilARebuildIsAsked(TestNamespace ns) {
        ns.client().resource(onNode(venv("broken", uniquePackage()), "fail")).create();

        Environment failed =
                awaitEnvironment(
                        ns.client(),
                        ns.name(),
                        "broken",
                        e -> e.getStatus().getPhase() == EnvironmentPhase.Failed,
                        BUILD);
        ImageBuild build =
                ns.client()
                        .resources(ImageBuild.class)
                        .withName(failed.getStatus().getLatestBuild())
                        .get();
        assertThat(build.getStatus().getPhase()).isEqualTo(ImageBuildPhase.Failed);
        assertThat(build.getStatus().getFailure().getReason()).isEqualTo("Error");
        assertThat(build.getStatus().getFailure().getExitCode()).isEqualTo(3);
        assertThat(build.getStatus().getFailure().getMessage())
                .as("the step that failed is named, and its log is the tail")
                .contains("The build step exited with code 3");
        assertThat(build.getStatus().getFailure().getLogTail())
                .contains(
                        "error building at STEP \"RUN install\": error while running runtime: exit status 3")
                .doesNotContain("STEP 1/5");
        assertThat(
                        ns.client()
                                .configMaps()
                                .withName(build.getMetadata().getName() + "-log")
                                .get()
                                .getData()
                                .get("log"))
                .as("the whole log of the failed build, from its first step")
                .contains("STEP 1/5", "exit status 3");
        assertThat(failed.getStatus().getImage()).isNull();
        assertThat(Conditions.isTrue(failed.getStatus().getConditions(), Condition.STALLED))
                .isTrue();
        assertThat(reasons(ns, "broken")).contains("BuildFailed");

        String resourceVersion = build.getMetadata().getResourceVersion();
        await().during(Duration.ofSeconds(8))
                .atMost(Duration.ofSeconds(12))
                .untilAsserted(
                        () -> {
                            assertThat(jobsOf(ns.client(), ns.name(), "broken")).hasSize(1);
                            assertThat(
                                            ns.client()
                                                    .resources(ImageBuild.class)
                                                    .withName(build.getMetadata().getName())
                                                    .get()
                                                    .getMetadata()
                                                    .getResourceVersion())
                                    .isEqualTo(resourceVersion);
                        });

        ns.client()
                .resources(Environment.class)
                .withName("broken")
                .edit(
                        e -> {
                            e.getMetadata().setAnnotations(Map.of("terrarium.dev/rebuild", "1"));
                            return e;
                        });
        Environment retried =
                awaitEnvironment(
                        ns.client(),
                        ns.name(),
                        "broken",
                        e ->
                                !build.getMetadata()
                                                .getName()
                                                .equals(e.getStatus().getLatestBuild())
                                        && e.getStatus().getPhase() == EnvironmentPhase.Failed,
                        BUILD);
        assertThat(retried.getStatus().getLatestBuild())
                .startsWith("broken-" + failed.getStatus().getSpecHash().substring(0, 10) + "-")
                .isNotEqualTo(build.getMetadata().getName());
        assertThat(retried.getStatus().getSpecHash()).isEqualTo(failed.getStatus().getSpecHash());
        assertThat(jobsOf(ns.client(), ns.name(), "broken")).hasSize(2);
    }

    @Test
    void aBuildThatRunsOutOfMemoryIsOomKilled(TestNamespace ns) {
        assertThat(failureOf(ns, onNode(venv("hungry", uniquePackage()), "oom")).getReason())
                .isEqualTo("OOMKilled");
    }

    @Test
    void aBuildPastItsTimeoutIsDeadlineExceeded(TestNamespace ns) {
        Environment slow = onNode(venv("sluggish", uniquePackage()), "slow");
        slow.getSpec().getBuild().setTimeout("2s");
        var failure = failureOf(ns, slow);
        assertThat(failure.getReason()).isEqualTo("DeadlineExceeded");
    }

    @Test
    void aBuilderImageThatCannotBePulledFailsAtOnce(TestNamespace ns) {
        var failure = failureOf(ns, onNode(venv("unpullable", uniquePackage()), "pullfail"));
        assertThat(failure.getReason()).isEqualTo("ImagePullBackOff");
        assertThat(failure.getMessage())
                .contains(OperatorProcess.get().settings().get("TERRARIUM_BUILDS_IMAGE"));
    }

    private static dev.terrarium.api.BuildFailure failureOf(
            TestNamespace ns, Environment environment) {
        ns.client().resource(environment).create();
        Environment failed =
                awaitEnvironment(
                        ns.client(),
                        ns.name(),
                        environment.getMetadata().getName(),
                        e -> e.getStatus().getPhase() == EnvironmentPhase.Failed,
                        BUILD);
        return ns.client()
                .resources(ImageBuild.class)
                .withName(failed.getStatus().getLatestBuild())
                .get()
                .getStatus()
                .getFailure();
    }

    /**
     * An image the operator signed for the hash (its record is elsewhere, e.g. in another cluster
     * that shares the key): RegistryTrustIT shows that an unsigned one is built again.
     */
    @Test
    void aRebuildOfAMovingReferenceBuildsAgainInItsNamespaceAndLeavesTheOtherAlone(
            TestNamespace ns) {
        String moving = "git+https://github.com/example/moving.git";
        String probe = uniquePackage();
        ns.client().resource(venv("tracking", moving, probe)).create();
        Environment first =
                awaitEnvironment(
                        ns.client(),
                        ns.name(),
                        "tracking",
                        e -> e.getStatus().getPhase() == EnvironmentPhase.Ready,
                        BUILD);
        assertThat(first.getStatus().getConditions())
                .filteredOn(c -> c.getType().equals("Warning"))
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.getReason()).isEqualTo("NotReproducible");
                            assertThat(c.getMessage())
                                    .contains(
                                            "set a new value of the annotation terrarium.dev/rebuild");
                        });

        try (TemporaryNamespace other =
                new TemporaryNamespace(ns.plane().adminClient(), "moving")) {
            other.client()
                    .resource(venv("tracking", moving, probe))
                    .inNamespace(other.name())
                    .create();
            Environment elsewhere =
                    awaitEnvironment(
                            other.client(),
                            other.name(),
                            "tracking",
                            e -> e.getStatus().getPhase() == EnvironmentPhase.Ready,
                            BUILD);
            assertThat(elsewhere.getStatus().getSpecHash())
                    .as("without the annotation, equal specs are one content")
                    .isEqualTo(first.getStatus().getSpecHash());

            ns.client()
                    .resources(Environment.class)
                    .withName("tracking")
                    .edit(
                            e -> {
                                e.getMetadata()
                                        .setAnnotations(Map.of("terrarium.dev/rebuild", "newest"));
                                return e;
                            });
            Environment rebuilt =
                    awaitEnvironment(
                            ns.client(),
                            ns.name(),
                            "tracking",
                            e ->
                                    !first.getStatus()
                                                    .getSpecHash()
                                                    .equals(e.getStatus().getSpecHash())
                                            && e.getStatus().getPhase() == EnvironmentPhase.Ready,
                            BUILD);
            ImageBuild newest =
                    ns.client()
                            .resources(ImageBuild.class)
                            .withName(rebuilt.getStatus().getLatestBuild())
                            .get();
            assertThat(newest.getSpec().getResolved().getRebuildOfMovingReferences())
                    .isEqualTo(ns.name() + "/newest");
            assertThat(newest.getStatus().getCacheHit())
                    .as("a new hash is a new tag: the build runs again")
                    .isNotEqualTo(Boolean.TRUE);
            assertThat(buildsOf(ns.client(), ns.name(), "tracking")).hasSize(2);

            Environment untouched =
                    other.client()
                            .resources(Environment.class)
                            .inNamespace(other.name())
                            .withName("tracking")
                            .get();
            assertThat(untouched.getStatus().getSpecHash())
                    .isEqualTo(elsewhere.getStatus().getSpecHash());
            assertThat(untouched.getStatus().getImage())
                    .isEqualTo(elsewhere.getStatus().getImage());
            assertThat(untouched.getStatus().getLatestBuild())
                    .isEqualTo(elsewhere.getStatus().getLatestBuild());
        }
    }

    @Test
    void aSignedImageAlreadyInTheRegistryIsACacheHitInAnotherNamespace(TestNamespace ns) {
        String registry = ns.plane().registry();
        String repository = registry + "/cache-" + UUID.randomUUID().toString().substring(0, 8);
        String probe = uniquePackage();
        ns.client().resource(pushingTo(venv("original", probe), repository, null)).create();
        Environment original =
                awaitEnvironment(
                        ns.client(),
                        ns.name(),
                        "original",
                        e -> e.getStatus().getPhase() == EnvironmentPhase.Ready,
                        BUILD);
        String hash = original.getStatus().getSpecHash();
        String pushed =
                TestImages.push(
                        registry,
                        repository.substring(registry.length() + 1),
                        hash,
                        Map.of(
                                "opt/terrarium/lock",
                                "rich==13.7.1\nmarkdown-it-py==3.0.0\nmdurl==0.1.2\n"),
                        Credentials.ANONYMOUS);
        OperatorKey.sign(
                ns.plane(),
                ImageReference.parse(repository + "@" + pushed),
                hash,
                Credentials.ANONYMOUS);

        try (TemporaryNamespace other =
                new TemporaryNamespace(ns.plane().adminClient(), "cache-hit")) {
            other.client()
                    .resource(pushingTo(venv("copy", probe), repository, null))
                    .inNamespace(other.name())
                    .create();
            Environment copy =
                    awaitEnvironment(
                            other.client(),
                            other.name(),
                            "copy",
                            e -> e.getStatus().getPhase() == EnvironmentPhase.Ready,
                            BUILD);
            ImageBuild hit =
                    other.client()
                            .resources(ImageBuild.class)
                            .inNamespace(other.name())
                            .withName(copy.getStatus().getLatestBuild())
                            .get();
            assertThat(hit.getStatus().getCacheHit()).isTrue();
            assertThat(hit.getStatus().getDigest()).isEqualTo(pushed);
            assertThat(copy.getStatus().getImage()).isEqualTo(repository + "@" + pushed);
            assertThat(copy.getStatus().getLock().getPackages()).isEqualTo(3);
            assertThat(BuildNamespace.jobs(ns.plane().adminClient(), other.name())).isEmpty();
            assertThat(reasons(other.client(), other.name(), "copy")).contains("CacheHit");
        }
    }

    @Test
    void aBuildWhosePodTheQuotaRefusesFailsInSecondsAndAnEqualBuildElsewhereGoesOn(
            TestNamespace ns) {
        KubernetesClient admin = ns.plane().adminClient();
        String probe = uniquePackage();
        // Build pods run in the build namespace: its quota is the one that can refuse them (a
        // tenant's own does not, see the next test).
        ResourceQuota noPods =
                new ResourceQuotaBuilder()
                        .withNewMetadata()
                        .withName("no-pods")
                        .withNamespace(BuildNamespace.NAME)
                        .endMetadata()
                        .withNewSpec()
                        .addToHard("pods", new Quantity("0"))
                        .endSpec()
                        .build();
        try (TemporaryNamespace tight = new TemporaryNamespace(admin, "quota")) {
            admin.resource(noPods).create();
            admin.resource(venv("over-quota", probe)).inNamespace(tight.name()).create();
            Environment refused =
                    awaitEnvironment(
                            admin,
                            tight.name(),
                            "over-quota",
                            e -> e.getStatus().getPhase() == EnvironmentPhase.Failed,
                            BUILD);
            String name = refused.getStatus().getLatestBuild();
            ImageBuild failed =
                    admin.resources(ImageBuild.class)
                            .inNamespace(tight.name())
                            .withName(name)
                            .get();
            assertThat(failed.getStatus().getFailure().getReason()).isEqualTo("QuotaExceeded");
            assertThat(failed.getStatus().getFailure().getMessage())
                    .contains(
                            "exceeded quota: no-pods",
                            "ResourceQuota of namespace " + BuildNamespace.NAME);
            assertThat(reasons(admin, tight.name(), name)).contains("BuildFailed");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> BuildNamespace.job(admin, tight.name(), name) == null);
            admin.resource(noPods).delete();

            ns.client().resource(venv("equal-elsewhere", probe)).create();
            Environment equal =
                    awaitEnvironment(
                            ns.client(),
                            ns.name(),
                            "equal-elsewhere",
                            e -> e.getStatus().getPhase() == EnvironmentPhase.Ready,
                            BUILD);
            ImageBuild built =
                    ns.client()
                            .resources(ImageBuild.class)
                            .withName(equal.getStatus().getLatestBuild())
                            .get();
            assertThat(built.getStatus().getCacheHit())
                    .as("built in its own namespace, not taken from the refused one")
                    .isFalse();
        } finally {
            admin.resource(noPods).delete();
        }
    }

    @Test
    void aTenantsOwnQuotaOfNoPodsDoesNotStopItsBuilds(TestNamespace ns) {
        KubernetesClient admin = ns.plane().adminClient();
        try (TemporaryNamespace tight = new TemporaryNamespace(admin, "nopods")) {
            admin.resource(
                            new ResourceQuotaBuilder()
                                    .withNewMetadata()
                                    .withName("no-pods")
                                    .withNamespace(tight.name())
                                    .endMetadata()
                                    .withNewSpec()
                                    .addToHard("pods", new Quantity("0"))
                                    .endSpec()
                                    .build())
                    .create();
            admin.resource(venv("tight", uniquePackage())).inNamespace(tight.name()).create();

            Environment ready =
                    awaitEnvironment(
                            admin,
                            tight.name(),
                            "tight",
                            e -> e.getStatus().getPhase() == EnvironmentPhase.Ready,
                            BUILD);
            assertThat(BuildNamespace.job(admin, tight.name(), ready.getStatus().getLatestBuild()))
                    .isNotNull();
        }
    }

    @Test
    void aBuildPodThatNoNodeTakesFailsUnschedulable(TestNamespace ns) {
        Environment environment = venv("nowhere", uniquePackage());
        BuildOptions options = new BuildOptions();
        options.setNodeSelector(Map.of("terrarium.dev/pool", "no-such-pool"));
        environment.getSpec().setBuild(options);
        ns.client().resource(environment).create();

        Environment failed =
                awaitEnvironment(
                        ns.client(),
                        ns.name(),
                        "nowhere",
                        e -> e.getStatus().getPhase() == EnvironmentPhase.Failed,
                        BUILD);
        ImageBuild build =
                ns.client()
                        .resources(ImageBuild.class)
                        .withName(failed.getStatus().getLatestBuild())
                        .get();
        assertThat(build.getStatus().getFailure().getReason()).isEqualTo("Unschedulable");
        assertThat(build.getStatus().getFailure().getMessage())
                .contains("(for 20s)", "build.nodeSelector");
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                BuildNamespace.job(
                                                ns.client(),
                                                ns.name(),
                                                build.getMetadata().getName())
                                        == null);
    }

    /**
     * The point of the build namespace: a tenant namespace that admits only restricted pods still
     * builds (on the simulated nodes), and holds no build Job, pod, context or builder account.
     */
    @Test
    void anEnvironmentInANamespaceEnforcingRestrictedBuildsAndGoesReady(TestNamespace ns) {
        KubernetesClient admin = ns.plane().adminClient();
        try (TemporaryNamespace restricted = new TemporaryNamespace(admin, "restricted")) {
            admin.namespaces()
                    .withName(restricted.name())
                    .edit(
                            n -> {
                                n.getMetadata()
                                        .getLabels()
                                        .put("pod-security.kubernetes.io/enforce", "restricted");
                                return n;
                            });
            admin.resource(venv("locked", uniquePackage())).inNamespace(restricted.name()).create();

            Environment ready =
                    awaitEnvironment(
                            admin,
                            restricted.name(),
                            "locked",
                            e -> e.getStatus().getPhase() == EnvironmentPhase.Ready,
                            BUILD);
            String name = ready.getStatus().getLatestBuild();
            ImageBuild built =
                    admin.resources(ImageBuild.class)
                            .inNamespace(restricted.name())
                            .withName(name)
                            .get();
            assertThat(built.getStatus().getCacheHit()).isFalse();
            assertThat(BuildNamespace.job(admin, restricted.name(), name)).isNotNull();
            assertThat(BuildNamespace.context(admin, restricted.name(), name)).isNotNull();
            assertThat(admin.batch().v1().jobs().inNamespace(restricted.name()).list().getItems())
                    .isEmpty();
            assertThat(admin.pods().inNamespace(restricted.name()).list().getItems()).isEmpty();
            assertThat(
                            admin.configMaps()
                                    .inNamespace(restricted.name())
                                    .withLabel("app.kubernetes.io/component", "build")
                                    .list()
                                    .getItems())
                    .isEmpty();
            assertThat(
                            admin.serviceAccounts()
                                    .inNamespace(restricted.name())
                                    .withName("locked-builder")
                                    .get())
                    .isNull();
        }
    }

    @Test
    void aForgedImageBuildFailsUntrustedAndIsNeverBuilt(TestNamespace ns) {
        ns.client().resource(venv("genuine", uniquePackage())).create();
        Environment genuine =
                awaitEnvironment(
                        ns.client(),
                        ns.name(),
                        "genuine",
                        e -> e.getStatus().getPhase() == EnvironmentPhase.Ready,
                        BUILD);
        ImageBuild made =
                ns.client()
                        .resources(ImageBuild.class)
                        .withName(genuine.getStatus().getLatestBuild())
                        .get();

        // The attack of the trust issue: the shared repository, a builder image of the user's
        // choosing, and a
        // spec hash that matches it, created by hand.
        ImageBuild foreignBuilder = forgery(ns.client(), made, "forged-builder");
        foreignBuilder.getMetadata().setOwnerReferences(List.of());
        foreignBuilder.getSpec().getBuild().setBuilderImage("127.0.0.1:1/attacker/builder:1");
        foreignBuilder
                .getSpec()
                .setSpecHash(
                        new SpecHasher()
                                .hash(
                                        foreignBuilder.getSpec().getResolved(),
                                        foreignBuilder.getSpec().getBuild()));
        ImageBuild unowned = forgery(ns.client(), made, "forged-unowned");
        unowned.getMetadata().setOwnerReferences(List.of());
        // Owned by the Environment but not what its hash says: the Environment's retention may
        // remove it first.
        ImageBuild wrongHash = forgery(ns.client(), made, "forged-hash");
        wrongHash.getSpec().getResolved().setPip(List.of("attacker-package==6.6.6"));
        for (ImageBuild forged : List.of(foreignBuilder, unowned, wrongHash)) {
            ns.client().resource(forged).create();
        }

        for (String name : List.of("forged-builder", "forged-unowned")) {
            ImageBuild failed =
                    await().atMost(Duration.ofSeconds(30))
                            .until(
                                    () ->
                                            ns.client()
                                                    .resources(ImageBuild.class)
                                                    .withName(name)
                                                    .get(),
                                    b ->
                                            b.getStatus() != null
                                                    && b.getStatus().getPhase()
                                                            == ImageBuildPhase.Failed);
            assertThat(failed.getStatus().getFailure().getReason()).as(name).isEqualTo("Untrusted");
            assertThat(failed.getStatus().getFailure().getMessage())
                    .as(name)
                    .contains("No Environment owns this ImageBuild", "Nothing is built for it");
            assertThat(reasons(ns, name)).as(name).contains("BuildFailed");
        }
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> {
                            ImageBuild b =
                                    ns.client()
                                            .resources(ImageBuild.class)
                                            .withName("forged-hash")
                                            .get();
                            return b == null
                                    || b.getStatus() != null
                                            && b.getStatus().getPhase() == ImageBuildPhase.Failed
                                            && "Untrusted"
                                                    .equals(b.getStatus().getFailure().getReason());
                        });
        for (String name : List.of("forged-builder", "forged-unowned", "forged-hash")) {
            assertThat(BuildNamespace.job(ns.client(), ns.name(), name)).as(name).isNull();
            assertThat(BuildNamespace.pods(ns.client(), ns.name(), name)).as(name).isEmpty();
        }
        assertThat(
                        ns.client()
                                .resources(Environment.class)
                                .withName("genuine")
                                .get()
                                .getStatus()
                                .getImage())
                .isEqualTo(genuine.getStatus().getImage());
    }

    @Test
    void anEqualEnvironmentBuildsForItselfBesideAForgedImageBuild(TestNamespace ns) {
        KubernetesClient admin = ns.plane().adminClient();
        String genuineProbe = uniquePackage();
        ns.client().resource(venv("genuine-source", genuineProbe)).create();
        Environment genuine =
                awaitEnvironment(
                        ns.client(),
                        ns.name(),
                        "genuine-source",
                        e -> e.getStatus().getPhase() == EnvironmentPhase.Ready,
                        BUILD);
        ImageBuild made =
                ns.client()
                        .resources(ImageBuild.class)
                        .withName(genuine.getStatus().getLatestBuild())
                        .get();

        // A forgery of a spec nothing has built yet, with the hash it really has and the operator's
        // builder image: only its owner gives it away.
        String probe = uniquePackage();
        String genuineId = genuineProbe.substring(0, genuineProbe.indexOf("=="));
        String id = probe.substring(0, probe.indexOf("=="));
        ImageBuild forged = forgery(ns.client(), made, "forged-leader");
        forged.getMetadata().setOwnerReferences(List.of());
        forged.getSpec()
                .getResolved()
                .setPip(
                        forged.getSpec().getResolved().getPip().stream()
                                .map(p -> p.replace(genuineId, id))
                                .toList());
        forged.getSpec()
                .setSpecHash(
                        new SpecHasher()
                                .hash(forged.getSpec().getResolved(), forged.getSpec().getBuild()));
        admin.resource(forged).inNamespace(ns.name()).create();

        try (TemporaryNamespace other = new TemporaryNamespace(admin, "beside-forged")) {
            admin.resource(venv("equal", probe)).inNamespace(other.name()).create();
            // Every status the equal build shows on its way, so that a moment of waiting for the
            // forgery is seen too.
            Set<String> seen = new HashSet<>();
            Environment ready =
                    await().atMost(BUILD)
                            .pollInterval(Duration.ofMillis(200))
                            .until(
                                    () -> {
                                        admin.resources(ImageBuild.class)
                                                .inNamespace(other.name())
                                                .list()
                                                .getItems()
                                                .forEach(
                                                        b ->
                                                                seen.add(
                                                                        admin.getKubernetesSerialization()
                                                                                .asJson(
                                                                                        b
                                                                                                .getStatus())));
                                        Environment e =
                                                admin.resources(Environment.class)
                                                        .inNamespace(other.name())
                                                        .withName("equal")
                                                        .get();
                                        seen.add(
                                                admin.getKubernetesSerialization()
                                                        .asJson(e.getStatus()));
                                        return e;
                                    },
                                    e ->
                                            e.getStatus() != null
                                                    && e.getStatus().getPhase()
                                                            == EnvironmentPhase.Ready);
            ImageBuild own =
                    admin.resources(ImageBuild.class)
                            .inNamespace(other.name())
                            .withName(ready.getStatus().getLatestBuild())
                            .get();
            assertThat(own.getSpec().target())
                    .as("the forgery claims the very image this Environment needs")
                    .isEqualTo(forged.getSpec().target());
            assertThat(own.getStatus().getCacheHit()).isFalse();
            assertThat(own.getStatus().getSharedBuild()).isNull();
            assertThat(BuildNamespace.job(admin, other.name(), own.getMetadata().getName()))
                    .isNotNull();
            assertThat(seen).isNotEmpty().noneMatch(text -> text.contains("forged-leader"));
            assertThat(
                            admin.v1().events().inNamespace(other.name()).list().getItems().stream()
                                    .map(Event::getMessage)
                                    .toList())
                    .noneMatch(m -> m != null && m.contains("forged-leader"));
            assertThat(reasons(admin, other.name(), "equal"))
                    .contains("BuildStarted", "BuildSucceeded")
                    .doesNotContain("CacheHit");

            ImageBuild refused =
                    await().atMost(Duration.ofSeconds(30))
                            .until(
                                    () ->
                                            ns.client()
                                                    .resources(ImageBuild.class)
                                                    .withName("forged-leader")
                                                    .get(),
                                    b ->
                                            b.getStatus() != null
                                                    && b.getStatus().getPhase()
                                                            == ImageBuildPhase.Failed);
            assertThat(refused.getStatus().getFailure().getReason()).isEqualTo("Untrusted");
            assertThat(refused.getStatus().getDigest()).isNull();
            assertThat(BuildNamespace.job(admin, ns.name(), "forged-leader")).isNull();
        }
    }

    /**
     * A copy of an ImageBuild the operator made, under another name, as {@code kubectl create}
     * would make it.
     */
    private static ImageBuild forgery(KubernetesClient client, ImageBuild made, String name) {
        ImageBuild forged = client.getKubernetesSerialization().clone(made);
        forged.setStatus(null);
        forged.getMetadata().setName(name);
        forged.getMetadata().setLabels(Map.of());
        forged.getMetadata().setResourceVersion(null);
        forged.getMetadata().setUid(null);
        forged.getMetadata().setCreationTimestamp(null);
        forged.getMetadata().setManagedFields(null);
        forged.getMetadata().setGeneration(null);
        return forged;
    }

    @Test
    void theRegistryIsAskedWithThePushSecretsCredentials(TestNamespace ns) {
        try (TestRegistry registry = TestRegistry.startWithHtpasswd("builder", "s3cret")) {
            String repository = registry.hostPort() + "/private/envs";
            ns.client()
                    .resource(dockerConfig("push", registry.hostPort(), "builder", "s3cret"))
                    .create();
            ns.client()
                    .resource(dockerConfig("wrong", registry.hostPort(), "builder", "guess"))
                    .create();
            String probe = uniquePackage();
            ns.client().resource(pushingTo(venv("first", probe), repository, "push")).create();
            Environment first =
                    awaitEnvironment(
                            ns.client(),
                            ns.name(),
                            "first",
                            e -> e.getStatus().getPhase() == EnvironmentPhase.Ready,
                            BUILD);
            String pushed =
                    TestImages.push(
                            registry.hostPort(),
                            "private/envs",
                            first.getStatus().getSpecHash(),
                            Map.of("opt/terrarium/lock", "rich==13.7.1\n"),
                            Credentials.basic("builder", "s3cret"));
            OperatorKey.sign(
                    ns.plane(),
                    ImageReference.parse(repository + "@" + pushed),
                    first.getStatus().getSpecHash(),
                    Credentials.basic("builder", "s3cret"));

            ns.client().resource(pushingTo(venv("second", probe), repository, "push")).create();
            Environment second =
                    awaitEnvironment(
                            ns.client(),
                            ns.name(),
                            "second",
                            e -> e.getStatus().getPhase() == EnvironmentPhase.Ready,
                            BUILD);
            assertThat(second.getStatus().getImage()).isEqualTo(repository + "@" + pushed);

            ns.client().resource(pushingTo(venv("refused", probe), repository, "wrong")).create();
            Environment refused =
                    awaitEnvironment(
                            ns.client(),
                            ns.name(),
                            "refused",
                            e -> e.getStatus().getPhase() == EnvironmentPhase.Building,
                            BUILD);
            ImageBuild waiting =
                    awaitBuild(
                            ns.client(),
                            ns.name(),
                            refused.getStatus().getLatestBuild(),
                            b ->
                                    Conditions.find(b.getStatus().getConditions(), Condition.READY)
                                            != null,
                            BUILD);
            assertThat(
                            Conditions.find(waiting.getStatus().getConditions(), Condition.READY)
                                    .getReason())
                    .isEqualTo("RegistryUnavailable");
            assertThat(
                            Conditions.find(waiting.getStatus().getConditions(), Condition.READY)
                                    .getMessage())
                    .contains("401");
            assertThat(BuildNamespace.job(ns.client(), ns.name(), waiting.getMetadata().getName()))
                    .isNull();
        }
    }

    /**
     * A tenant's push secret reaches the build namespace as a copy for its build's run only; the
     * build's Job and context are there and not in the tenant namespace, and deleting the
     * ImageBuild removes them (no owner reference can cross namespaces: the operator's finalizer
     * does it).
     */
    @Test
    void aPushSecretIsCopiedForTheBuildOnlyAndDeletingTheImageBuildClearsTheBuildNamespace(
            TestNamespace ns) {
        KubernetesClient admin = ns.plane().adminClient();
        try (TestRegistry registry = TestRegistry.startWithHtpasswd("builder", "s3cret")) {
            String repository = registry.hostPort() + "/private/copied";
            ns.client()
                    .resource(dockerConfig("copied-push", registry.hostPort(), "builder", "s3cret"))
                    .create();
            ns.client()
                    .resource(
                            onNode(
                                    pushingTo(
                                            venv("copied", uniquePackage()),
                                            repository,
                                            "copied-push"),
                                    "slow"))
                    .create();
            ImageBuild running =
                    await().atMost(BUILD)
                            .until(
                                    () -> buildsOf(ns.client(), ns.name(), "copied"),
                                    builds ->
                                            builds.size() == 1
                                                    && builds.get(0).getStatus() != null
                                                    && builds.get(0).getStatus().getPhase()
                                                            == ImageBuildPhase.Running)
                            .get(0);
            String name = running.getMetadata().getName();
            await().atMost(BUILD)
                    .until(() -> BuildNamespace.pushSecretCopy(admin, ns.name(), name) != null);
            io.fabric8.kubernetes.api.model.Secret copy =
                    BuildNamespace.pushSecretCopy(admin, ns.name(), name);
            io.fabric8.kubernetes.api.model.Secret original =
                    ns.client().secrets().withName("copied-push").get();
            assertThat(copy.getType()).isEqualTo("kubernetes.io/dockerconfigjson");
            assertThat(copy.getData()).isEqualTo(original.getData());
            assertThat(copy.getMetadata().getOwnerReferences()).isEmpty();
            Job job = BuildNamespace.job(admin, ns.name(), name);
            assertThat(job).isNotNull();
            assertThat(job.getSpec().getTemplate().getSpec().getVolumes())
                    .anyMatch(
                            v ->
                                    v.getSecret() != null
                                            && v.getSecret()
                                                    .getSecretName()
                                                    .equals(copy.getMetadata().getName()));
            assertThat(ns.client().batch().v1().jobs().list().getItems()).isEmpty();
            assertThat(
                            ns.client()
                                    .secrets()
                                    .withLabel("terrarium.dev/imagebuild")
                                    .list()
                                    .getItems())
                    .isEmpty();

            awaitEnvironment(
                    ns.client(),
                    ns.name(),
                    "copied",
                    e -> e.getStatus().getPhase() == EnvironmentPhase.Ready,
                    BUILD);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> BuildNamespace.pushSecretCopy(admin, ns.name(), name) == null);
            String jobUid = BuildNamespace.job(admin, ns.name(), name).getMetadata().getUid();
            String contextUid =
                    BuildNamespace.context(admin, ns.name(), name).getMetadata().getUid();

            // The Environment makes its build again under the same name, and that build its own
            // Job and context: what must go are the deleted build's, by uid.
            ns.client().resources(ImageBuild.class).withName(name).delete();
            await().atMost(Duration.ofSeconds(30))
                    .until(
                            () ->
                                    !uidOf(BuildNamespace.job(admin, ns.name(), name))
                                                    .equals(jobUid)
                                            && !uidOf(
                                                            BuildNamespace.context(
                                                                    admin, ns.name(), name))
                                                    .equals(contextUid));
        }
    }

    private static String uidOf(io.fabric8.kubernetes.api.model.HasMetadata object) {
        return object == null ? "" : object.getMetadata().getUid();
    }

    @Test
    void twentyEnvironmentsInThreeNamespacesWithFourSpecsBuildFourTimes(TestNamespace ns)
            throws Exception {
        List<String> probes =
                List.of(uniquePackage(), uniquePackage(), uniquePackage(), uniquePackage());
        List<TemporaryNamespace> namespaces = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                namespaces.add(new TemporaryNamespace(ns.plane().adminClient(), "fanout"));
            }
            for (int i = 0; i < 20; i++) {
                TemporaryNamespace target = namespaces.get(i % 3);
                target.client()
                        .resource(venv("env-" + i, "rich==13.7.1", probes.get(i % 4)))
                        .inNamespace(target.name())
                        .create();
            }
            Map<String, Set<String>> imagesBySpec = new HashMap<>();
            for (int i = 0; i < 20; i++) {
                TemporaryNamespace target = namespaces.get(i % 3);
                Environment ready =
                        awaitEnvironment(
                                target.client(),
                                target.name(),
                                "env-" + i,
                                e -> e.getStatus().getPhase() == EnvironmentPhase.Ready,
                                Duration.ofSeconds(180));
                imagesBySpec
                        .computeIfAbsent(probes.get(i % 4), k -> new HashSet<>())
                        .add(ready.getStatus().getImage());
            }
            int jobs = 0;
            for (TemporaryNamespace target : namespaces) {
                jobs += BuildNamespace.jobs(ns.plane().adminClient(), target.name()).size();
            }
            assertThat(jobs).isEqualTo(4);
            assertThat(imagesBySpec.values()).allSatisfy(images -> assertThat(images).hasSize(1));
            assertThat(imagesBySpec.values().stream().flatMap(Set::stream).distinct()).hasSize(4);
        } finally {
            namespaces.forEach(TemporaryNamespace::close);
        }
    }

    @Test
    void buildsWaitForSlotsWithinTheClusterAndNamespaceLimits(TestNamespace ns) {
        try (TemporaryNamespace second =
                new TemporaryNamespace(ns.plane().adminClient(), "queue")) {
            Set<String> busy = new HashSet<>();
            for (int i = 0; i < 5; i++) {
                ns.client().resource(onNode(venv("busy-" + i, uniquePackage()), "slow")).create();
                busy.add("busy-" + i);
            }
            second.client()
                    .resource(onNode(venv("quiet", uniquePackage()), "slow"))
                    .inNamespace(second.name())
                    .create();
            int mostRunning = 0;
            Set<String> sawQueued = new HashSet<>();
            Instant deadline = Instant.now().plus(Duration.ofSeconds(150));
            while (Instant.now().isBefore(deadline)) {
                List<ImageBuild> builds =
                        new ArrayList<>(
                                ns.client().resources(ImageBuild.class).list().getItems().stream()
                                        .filter(b -> busy.contains(b.getSpec().getEnvironment()))
                                        .toList());
                builds.addAll(
                        second.client()
                                .resources(ImageBuild.class)
                                .inNamespace(second.name())
                                .list()
                                .getItems());
                int runningHere =
                        (int)
                                busy.stream()
                                        .mapToLong(env -> activeJobs(ns.client(), ns.name(), env))
                                        .sum();
                int runningThere = activeJobs(second.client(), second.name(), "quiet");
                assertThat(runningHere)
                        .as("build Jobs running in one namespace")
                        .isLessThanOrEqualTo(2);
                assertThat(runningHere + runningThere)
                        .as("build Jobs running in the cluster")
                        .isLessThanOrEqualTo(3);
                mostRunning = Math.max(mostRunning, runningHere + runningThere);
                builds.stream()
                        .filter(
                                b ->
                                        b.getStatus() != null
                                                && b.getStatus().getPhase()
                                                        == ImageBuildPhase.Queued)
                        .forEach(b -> sawQueued.add(b.getMetadata().getName()));
                if (builds.size() == 6
                        && builds.stream()
                                .allMatch(
                                        b ->
                                                b.getStatus() != null
                                                        && b.getStatus().getPhase()
                                                                == ImageBuildPhase.Succeeded)) {
                    break;
                }
                sleep(Duration.ofMillis(200));
            }
            assertThat(mostRunning).isEqualTo(3);
            assertThat(sawQueued).isNotEmpty();
            ImageBuild quiet =
                    second.client()
                            .resources(ImageBuild.class)
                            .inNamespace(second.name())
                            .list()
                            .getItems()
                            .get(0);
            assertThat(quiet.getStatus().getPhase()).isEqualTo(ImageBuildPhase.Succeeded);
            List<Instant> busyStarts =
                    ns.client().resources(ImageBuild.class).list().getItems().stream()
                            .filter(b -> busy.contains(b.getSpec().getEnvironment()))
                            .map(b -> Instant.parse(b.getStatus().getStartTime()))
                            .sorted()
                            .toList();
            assertThat(busyStarts).hasSize(5);
            assertThat(Instant.parse(quiet.getStatus().getStartTime()))
                    .as("the namespace with one build is not starved by the one with five")
                    .isBefore(busyStarts.get(2));
        }
    }

    @Test
    void anEqualBuildIsNotHeldInTheQueueOfAnotherNamespace(TestNamespace ns) {
        KubernetesClient admin = ns.plane().adminClient();
        String probe = uniquePackage();
        try (TemporaryNamespace busy = new TemporaryNamespace(admin, "busy")) {
            // Six slow builds against a limit of two per namespace: the namespace stays busy for
            // three rounds of slow builds, and its equal build queues behind them.
            List<String> slow = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                admin.resource(onNode(venv("slow-" + i, uniquePackage()), "slow"))
                        .inNamespace(busy.name())
                        .create();
                slow.add("slow-" + i);
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(
                            () ->
                                    inPhase(
                                                    builds(admin, busy.name(), slow),
                                                    ImageBuildPhase.Running)
                                            == 2);
            admin.resource(venv("shared", probe)).inNamespace(busy.name()).create();
            ImageBuild queued =
                    await().atMost(Duration.ofSeconds(30))
                            .until(
                                    () -> builds(admin, busy.name(), List.of("shared")),
                                    l ->
                                            l.size() == 1
                                                    && l.get(0).getStatus() != null
                                                    && l.get(0).getStatus().getPhase()
                                                            == ImageBuildPhase.Queued)
                            .get(0);
            // Creation times count in whole seconds: the busy namespace's build is the older.
            sleep(Duration.ofMillis(1100));

            ns.client().resource(venv("shared", probe)).create();
            Environment ready =
                    awaitEnvironment(
                            ns.client(),
                            ns.name(),
                            "shared",
                            e -> e.getStatus().getPhase() == EnvironmentPhase.Ready,
                            BUILD);
            ImageBuild own =
                    ns.client()
                            .resources(ImageBuild.class)
                            .withName(ready.getStatus().getLatestBuild())
                            .get();
            assertThat(own.getSpec().getSpecHash()).isEqualTo(queued.getSpec().getSpecHash());
            assertThat(own.getStatus().getCacheHit())
                    .as(
                            "built for itself, not held behind the equal build %s/%s: %s",
                            busy.name(),
                            queued.getMetadata().getName(),
                            own.getStatus().getConditions())
                    .isFalse();
            assertThat(BuildNamespace.job(admin, ns.name(), own.getMetadata().getName()))
                    .isNotNull();
            assertThat(
                            builds(admin, busy.name(), slow).stream()
                                    .filter(b -> b.getStatus().getStartTime() != null)
                                    .count())
                    .as("built while the busy namespace still had builds waiting")
                    .isLessThan(6);

            Environment taken =
                    awaitEnvironment(
                            admin,
                            busy.name(),
                            "shared",
                            e -> e.getStatus().getPhase() == EnvironmentPhase.Ready,
                            Duration.ofSeconds(150));
            assertThat(taken.getStatus().getImage()).isEqualTo(ready.getStatus().getImage());
            ImageBuild reused =
                    admin.resources(ImageBuild.class)
                            .inNamespace(busy.name())
                            .withName(queued.getMetadata().getName())
                            .get();
            assertThat(reused.getStatus().getCacheHit()).isTrue();
            assertThat(reused.getStatus().getSharedBuild())
                    .isEqualTo(ns.name() + "/" + own.getMetadata().getName());
            assertThat(BuildNamespace.job(admin, busy.name(), queued.getMetadata().getName()))
                    .as("no second build")
                    .isNull();

            // The slow builds still hold build slots: end them before the next test counts slots.
            admin.resources(Environment.class).inNamespace(busy.name()).delete();
            await().atMost(Duration.ofSeconds(60))
                    .until(
                            () ->
                                    admin.resources(ImageBuild.class)
                                            .inNamespace(busy.name())
                                            .list()
                                            .getItems()
                                            .isEmpty());
        }
    }

    private static long inPhase(List<ImageBuild> builds, ImageBuildPhase phase) {
        return builds.stream()
                .filter(b -> b.getStatus() != null && b.getStatus().getPhase() == phase)
                .count();
    }

    private static List<ImageBuild> builds(
            KubernetesClient client, String namespace, List<String> environments) {
        return client.resources(ImageBuild.class).inNamespace(namespace).list().getItems().stream()
                .filter(b -> environments.contains(b.getSpec().getEnvironment()))
                .toList();
    }

    @Test
    void retentionKeepsOnlyTheNewestBuilds(TestNamespace ns) {
        Environment environment = venv("pruned", "rich==13.0.0", uniquePackage());
        Retention retention = new Retention();
        retention.setSuccessful(1);
        environment.getSpec().setRetention(retention);
        ns.client().resource(environment).create();
        String last = null;
        for (String version : List.of("13.0.0", "13.1.0", "13.2.0")) {
            // A status write of the operator between edit's read and its patch is a conflict: read
            // again.
            await().atMost(Duration.ofSeconds(10))
                    .ignoreExceptionsMatching(
                            e ->
                                    e instanceof KubernetesClientException
                                            && ((KubernetesClientException) e).getCode() == 409)
                    .until(
                            () ->
                                    ns.client()
                                                    .resources(Environment.class)
                                                    .withName("pruned")
                                                    .edit(
                                                            e -> {
                                                                e.getSpec()
                                                                        .setPip(
                                                                                List.of(
                                                                                        "rich=="
                                                                                                + version,
                                                                                        e.getSpec()
                                                                                                .getPip()
                                                                                                .get(
                                                                                                        1)));
                                                                return e;
                                                            })
                                            != null);
            // Until the operator has seen this edit, the status still shows the previous spec as
            // Ready.
            last =
                    awaitEnvironment(
                                    ns.client(),
                                    ns.name(),
                                    "pruned",
                                    e ->
                                            e.getMetadata()
                                                            .getGeneration()
                                                            .equals(
                                                                    e.getStatus()
                                                                            .getObservedGeneration())
                                                    && e.getStatus().getPhase()
                                                            == EnvironmentPhase.Ready
                                                    && e.getStatus().getPython() != null
                                                    && ns.client()
                                                                    .resources(ImageBuild.class)
                                                                    .withName(
                                                                            e.getStatus()
                                                                                    .getLatestBuild())
                                                                    .get()
                                                            != null
                                                    && e.getStatus()
                                                            .getImageSpecHash()
                                                            .equals(e.getStatus().getSpecHash()),
                                    BUILD)
                            .getStatus()
                            .getLatestBuild();
        }
        String current = last;
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(buildsOf(ns.client(), ns.name(), "pruned"))
                                        .extracting(b -> b.getMetadata().getName())
                                        .containsExactly(current));
        // The Jobs of the deleted builds go with them, from the build namespace.
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(jobsOf(ns.client(), ns.name(), "pruned"))
                                        .extracting(j -> j.getMetadata().getName())
                                        .containsExactly(Names.buildJob(ns.name(), current)));
    }

    static List<ImageBuild> buildsOf(
            KubernetesClient client, String namespace, String environment) {
        return client.resources(ImageBuild.class)
                .inNamespace(namespace)
                .withLabel("terrarium.dev/environment", environment)
                .list()
                .getItems();
    }

    static List<Job> jobsOf(KubernetesClient client, String namespace, String environment) {
        return client.batch()
                .v1()
                .jobs()
                .inNamespace(BuildNamespace.NAME)
                .withLabel("terrarium.dev/imagebuild-namespace", namespace)
                .withLabel("terrarium.dev/environment", environment)
                .list()
                .getItems();
    }

    private static int activeJobs(KubernetesClient client, String namespace, String environment) {
        return (int)
                jobsOf(client, namespace, environment).stream()
                        .filter(
                                j ->
                                        j.getStatus() == null
                                                || j.getStatus().getConditions() == null
                                                || j.getStatus().getConditions().stream()
                                                        .noneMatch(
                                                                c ->
                                                                        "True".equals(c.getStatus())
                                                                                && ("Complete"
                                                                                                .equals(
                                                                                                        c
                                                                                                                .getType())
                                                                                        || "Failed"
                                                                                                .equals(
                                                                                                        c
                                                                                                                .getType()))))
                        .count();
    }

    private static io.fabric8.kubernetes.api.model.Secret dockerConfig(
            String name, String registry, String user, String password) {
        String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes());
        String config = "{\"auths\":{\"" + registry + "\":{\"auth\":\"" + auth + "\"}}}";
        return new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withType("kubernetes.io/dockerconfigjson")
                .addToStringData(".dockerconfigjson", config)
                .build();
    }

    static List<String> reasons(TestNamespace ns, String object) {
        return reasons(ns.client(), ns.name(), object);
    }

    static List<String> reasons(KubernetesClient client, String namespace, String object) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> object.equals(e.getInvolvedObject().getName()))
                .map(Event::getReason)
                .toList();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An extra namespace for tests that span several, deleted at the end. */
    static final class TemporaryNamespace implements AutoCloseable {
        private final KubernetesClient admin;
        private final String name;

        TemporaryNamespace(KubernetesClient admin, String prefix) {
            this.admin = admin;
            this.name = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
            admin.resource(
                            new NamespaceBuilder()
                                    .withNewMetadata()
                                    .withName(name)
                                    .addToLabels("terrarium.dev/test", "true")
                                    .endMetadata()
                                    .build())
                    .create();
        }

        String name() {
            return name;
        }

        KubernetesClient client() {
            return admin;
        }

        @Override
        public void close() {
            admin.namespaces().withName(name).delete();
        }
    }
}
