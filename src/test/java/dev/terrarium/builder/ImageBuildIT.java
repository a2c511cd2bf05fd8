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
import dev.terrarium.registry.Credentials;
import dev.terrarium.registry.ImageReference;
import dev.terrarium.requirements.SpecHasher;
import dev.terrarium.status.Conditions;
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

        Job job = ns.client().batch().v1().jobs().withName(build.getMetadata().getName()).get();
        assertThat(job.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(o -> assertThat(o.getUid()).isEqualTo(build.getMetadata().getUid()));
        assertThat(job.getMetadata().getLabels())
                .containsEntry("terrarium.dev/environment", "science")
                .containsEntry("terrarium.dev/imagebuild", build.getMetadata().getName())
                .containsEntry("app.kubernetes.io/managed-by", "terrarium");
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(1800L);
        var pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getServiceAccountName()).isEqualTo("science-builder");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getContainers().get(0).getArgs())
                .anyMatch(a -> a.contains(ready.getStatus().getSpecHash()));
        assertThat(
                        ns.client()
                                .serviceAccounts()
                                .withName("science-builder")
                                .get()
                                .getAutomountServiceAccountToken())
                .isFalse();
        ConfigMap context =
                ns.client().configMaps().withName(build.getMetadata().getName() + "-context").get();
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
        assertThat(running.getStatus().getJobName()).isEqualTo(running.getMetadata().getName());
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
        assertThat(build.getStatus().getFailure().getMessage()).contains("exited with code 3");
        assertThat(build.getStatus().getFailure().getLogTail())
                .contains(
                        "error building at STEP \"RUN install\": error while running runtime: exit status 3")
                .doesNotContain("STEP 1/5");
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
            assertThat(
                            other.client()
                                    .batch()
                                    .v1()
                                    .jobs()
                                    .inNamespace(other.name())
                                    .list()
                                    .getItems())
                    .isEmpty();
            assertThat(reasons(other.client(), other.name(), "copy")).contains("CacheHit");
        }
    }

    @Test
    void aBuildWhosePodTheQuotaRefusesFailsInSecondsAndAnEqualBuildElsewhereGoesOn(
            TestNamespace ns) {
        KubernetesClient admin = ns.plane().adminClient();
        String probe = uniquePackage();
        try (TemporaryNamespace tight = new TemporaryNamespace(admin, "quota")) {
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
            admin.resource(venv("over-quota", probe)).inNamespace(tight.name()).create();
            await().atMost(BUILD)
                    .until(
                            () -> buildsOf(admin, tight.name(), "over-quota"),
                            builds ->
                                    builds.stream()
                                            .anyMatch(
                                                    // The refusal can come within the second:
                                                    // Running or already Failed.
                                                    b ->
                                                            b.getStatus() != null
                                                                    && b.getStatus().getPhase()
                                                                            != null
                                                                    && b.getStatus().getPhase()
                                                                            != ImageBuildPhase
                                                                                    .Queued));
            ns.client().resource(venv("equal-elsewhere", probe)).create();

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
                            "ResourceQuota of namespace " + tight.name());
            assertThat(reasons(admin, tight.name(), name)).contains("BuildFailed");
            await().atMost(Duration.ofSeconds(30))
                    .until(
                            () ->
                                    admin.batch()
                                                    .v1()
                                                    .jobs()
                                                    .inNamespace(tight.name())
                                                    .withName(name)
                                                    .get()
                                            == null);

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
                    .as("built in its own namespace, not taken from the " + "refused one")
                    .isFalse();
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
                                ns.client()
                                                .batch()
                                                .v1()
                                                .jobs()
                                                .withName(build.getMetadata().getName())
                                                .get()
                                        == null);
    }

    @Test
    void aBuildInANamespaceEnforcingRestrictedFailsPodSecurityNamingTheLabel(TestNamespace ns) {
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

            Environment locked =
                    awaitEnvironment(
                            admin,
                            restricted.name(),
                            "locked",
                            e -> e.getStatus().getPhase() == EnvironmentPhase.Failed,
                            BUILD);
            ImageBuild failed =
                    admin.resources(ImageBuild.class)
                            .inNamespace(restricted.name())
                            .withName(locked.getStatus().getLatestBuild())
                            .get();
            assertThat(failed.getStatus().getFailure().getReason()).isEqualTo("PodSecurity");
            assertThat(failed.getStatus().getFailure().getMessage())
                    .contains(
                            "violates PodSecurity",
                            "pod-security.kubernetes.io/enforce=privileged on namespace "
                                    + restricted.name());
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
            assertThat(ns.client().batch().v1().jobs().withName(name).get()).as(name).isNull();
            assertThat(ns.client().pods().withLabel("job-name", name).list().getItems())
                    .as(name)
                    .isEmpty();
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
            assertThat(
                            ns.client()
                                    .batch()
                                    .v1()
                                    .jobs()
                                    .withName(waiting.getMetadata().getName())
                                    .get())
                    .isNull();
        }
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
                jobs +=
                        target.client()
                                .batch()
                                .v1()
                                .jobs()
                                .inNamespace(target.name())
                                .list()
                                .getItems()
                                .size();
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
                .inNamespace(namespace)
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
