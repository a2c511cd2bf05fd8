package dev.terrarium.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.Condition;
import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentPhase;
import dev.terrarium.api.EnvironmentSpec;
import dev.terrarium.api.EnvironmentStatus;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildPhase;
import dev.terrarium.api.ImageBuildSpec;
import dev.terrarium.api.ImageBuildStatus;
import dev.terrarium.api.Manager;
import dev.terrarium.api.ResolvedEnvironment;
import dev.terrarium.naming.Names;
import dev.terrarium.requirements.SpecWarning;
import dev.terrarium.requirements.Violation;
import dev.terrarium.resolution.EnvironmentLocks;
import dev.terrarium.resolution.EnvironmentResolution;
import dev.terrarium.status.Conditions.Health;
import dev.terrarium.status.EnvironmentStatusBuilder.Observation;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnvironmentStatusBuilderTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final Instant T1 = T0.plusSeconds(30);
    private static final String REPOSITORY = "registry.test/envs";
    private static final String OLD_HASH = "1".repeat(64);
    private static final String HASH = "a".repeat(64);
    private static final String OLD = REPOSITORY + "@sha256:" + "1".repeat(64);
    private static final String NEW = REPOSITORY + "@sha256:" + "2".repeat(64);
    private static final String BUILD = Names.imageBuild("ds", HASH, null);
    private static final String OLD_BUILD = Names.imageBuild("ds", OLD_HASH, null);

    private static Environment environment(String previousImage) {
        Environment environment = new Environment();
        environment.setMetadata(
                new ObjectMetaBuilder()
                        .withName("ds")
                        .withNamespace("team")
                        .withGeneration(5L)
                        .build());
        environment.setSpec(new EnvironmentSpec());
        if (previousImage != null) {
            EnvironmentStatus status = new EnvironmentStatus();
            status.setImage(previousImage);
            status.setImageSpecHash(OLD_HASH);
            environment.setStatus(status);
        } else {
            environment.setStatus(null);
        }
        return environment;
    }

    private static EnvironmentResolution valid() {
        ResolvedEnvironment resolved = new ResolvedEnvironment();
        resolved.setManager(Manager.CONDA);
        resolved.setPython("3.12");
        resolved.setPackages(List.of("numpy==1.26.4"));
        return new EnvironmentResolution(
                resolved, HASH, BUILD, REPOSITORY, null, null, List.of(), null, List.of());
    }

    private static EnvironmentResolution invalid(Violation... violations) {
        return new EnvironmentResolution(
                null, null, null, null, null, null, List.of(violations), null, List.of());
    }

    private static ImageBuild build(
            String name,
            String specHash,
            ImageBuildPhase phase,
            String image,
            Health health,
            String reason,
            String message) {
        ImageBuild build = new ImageBuild();
        build.setMetadata(
                new ObjectMetaBuilder()
                        .withName(name)
                        .withNamespace("team")
                        .withGeneration(1L)
                        .withCreationTimestamp(T0.toString())
                        .build());
        ImageBuildSpec spec = new ImageBuildSpec();
        spec.setEnvironment("ds");
        spec.setSpecHash(specHash);
        spec.setRepository(REPOSITORY);
        build.setSpec(spec);
        ImageBuildStatus status = new ImageBuildStatus();
        status.setPhase(phase);
        status.setImage(image);
        if (health != null) {
            status.setConditions(
                    Conditions.merge(null, Conditions.kstatus(1, health, reason, message), T0));
        }
        build.setStatus(status);
        return build;
    }

    private static ImageBuild oldBuild() {
        return build(
                OLD_BUILD,
                OLD_HASH,
                ImageBuildPhase.Succeeded,
                OLD,
                Health.READY,
                "Built",
                "Image built.");
    }

    private static ImageBuild succeeded(boolean cacheHit) {
        ImageBuild build =
                build(
                        BUILD,
                        HASH,
                        ImageBuildPhase.Succeeded,
                        NEW,
                        Health.READY,
                        cacheHit ? "CacheHit" : "Built",
                        "Image " + NEW + " ready.");
        build.getStatus().setCacheHit(cacheHit);
        return build;
    }

    private static ImageBuild failed() {
        ImageBuild build =
                build(
                        BUILD,
                        HASH,
                        ImageBuildPhase.Failed,
                        null,
                        Health.STALLED,
                        "OOMKilled",
                        "The builder ran out of memory.");
        build.getStatus()
                .setFailure(
                        ImageBuildStatusBuilder.failure(
                                "OOMKilled",
                                "The builder ran out of memory (exit code 137); give it more in spec.build.resources.",
                                137,
                                "Killed"));
        return build;
    }

    private static EnvironmentStatus status(
            Environment environment,
            EnvironmentResolution resolution,
            ImageBuild current,
            ImageBuild imageBuild) {
        return EnvironmentStatusBuilder.build(
                new Observation(
                        environment,
                        resolution,
                        Optional.ofNullable(current),
                        Optional.ofNullable(imageBuild),
                        Optional.empty()),
                T0);
    }

    private static Condition condition(EnvironmentStatus status, String type) {
        return Conditions.find(status.getConditions(), type);
    }

    private static void assertHealth(
            EnvironmentStatus status, String trueCondition, String reason) {
        for (String type : List.of(Condition.READY, Condition.RECONCILING, Condition.STALLED)) {
            assertThat(condition(status, type).getStatus())
                    .as(type)
                    .isEqualTo(type.equals(trueCondition) ? Condition.TRUE : Condition.FALSE);
        }
        assertThat(condition(status, Condition.READY).getReason()).isEqualTo(reason);
    }

    private static String readyMessage(EnvironmentStatus status) {
        return condition(status, Condition.READY).getMessage();
    }

    @Test
    void keysReadPastShowAsAWarningConditionBesideTheHealthAndGoWithThem() {
        EnvironmentResolution valid = valid();
        EnvironmentResolution warned =
                new EnvironmentResolution(
                        valid.resolved(),
                        HASH,
                        BUILD,
                        REPOSITORY,
                        null,
                        null,
                        List.of(),
                        null,
                        List.of(
                                new SpecWarning(
                                        SpecWarning.IGNORED_KEYS,
                                        "spec.files.environmentYml: key \"platforms\" not read")));

        EnvironmentStatus status = status(environment(null), warned, succeeded(false), null);

        Condition warning = Conditions.find(status.getConditions(), Condition.WARNING);
        assertThat(warning.getStatus()).isEqualTo(Condition.TRUE);
        assertThat(warning.getReason()).isEqualTo("IgnoredKeys");
        assertThat(warning.getMessage())
                .isEqualTo("spec.files.environmentYml: key \"platforms\" not read.");
        assertThat(Conditions.isTrue(status.getConditions(), Condition.READY)).isTrue();

        Environment fixed = environment(null);
        fixed.setStatus(status);
        assertThat(
                        Conditions.find(
                                status(fixed, valid, succeeded(false), null).getConditions(),
                                Condition.WARNING))
                .as("gone once the file no longer has the key")
                .isNull();
    }

    @Test
    void anInvalidSpecIsStalledWithAMessageNamingTheField() {
        EnvironmentStatus status =
                status(
                        environment(null),
                        invalid(
                                Violation.of(
                                        "spec.python", "\"2.6\" is not a supported Python version"),
                                Violation.of(
                                        "spec.build.timeout", "\"0s\" must be longer than zero")),
                        null,
                        null);

        assertThat(status.getPhase()).isEqualTo(EnvironmentPhase.Invalid);
        assertHealth(status, Condition.STALLED, "InvalidSpec");
        assertThat(readyMessage(status))
                .isEqualTo(
                        "spec.python: \"2.6\" is not a supported Python version; "
                                + "spec.build.timeout: \"0s\" must be longer than zero");
        assertThat(status.getLatestBuild()).isNull();
    }

    @Test
    void anInvalidSpecKeepsThePreviousImage() {
        EnvironmentStatus status =
                status(environment(OLD), invalid(Violation.of("spec.pip[0]", "bad")), null, null);

        assertThat(status.getImage()).isEqualTo(OLD);
        assertThat(status.getImageSpecHash()).isEqualTo(OLD_HASH);
    }

    @Test
    void aMissingConfigMapSourceKeepsTheEnvironmentPending() {
        EnvironmentResolution missing =
                new EnvironmentResolution(
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        List.of(),
                        "ConfigMap conda-files with key environment.yml does not exist in this namespace "
                                + "(spec.fromConfigMap).",
                        List.of());

        EnvironmentStatus status = status(environment(null), missing, null, null);

        assertThat(status.getPhase()).isEqualTo(EnvironmentPhase.Pending);
        assertHealth(status, Condition.RECONCILING, "SourceNotFound");
        assertThat(readyMessage(status))
                .contains("ConfigMap conda-files with key environment.yml")
                .endsWith("Waiting for it.");
    }

    @Test
    void aMissingCredentialsSecretKeepsTheEnvironmentPendingNamingFieldAndSecret() {
        EnvironmentResolution missing =
                new EnvironmentResolution(
                                null, null, null, null, null, null, List.of(), null, List.of())
                        .waitingFor(
                                EnvironmentResolution.CREDENTIALS_NOT_FOUND,
                                "spec.pipIndexes.extraIndexUrls[0].secretName: Secret index-creds "
                                        + "with the credentials of https://private.example.com/simple/ "
                                        + "does not exist in this namespace.");

        EnvironmentStatus status = status(environment(null), missing, null, null);

        assertThat(status.getPhase()).isEqualTo(EnvironmentPhase.Pending);
        assertHealth(status, Condition.RECONCILING, "CredentialsNotFound");
        assertThat(readyMessage(status))
                .contains("spec.pipIndexes.extraIndexUrls[0].secretName: Secret index-creds")
                .endsWith("Waiting for it.");
        assertThat(status.getLatestBuild()).isNull();
    }

    @Test
    void aValidSpecWithoutBuildIsPending() {
        EnvironmentStatus status = status(environment(null), valid(), null, null);

        assertThat(status.getPhase()).isEqualTo(EnvironmentPhase.Pending);
        assertHealth(status, Condition.RECONCILING, "BuildPending");
        assertThat(readyMessage(status)).isEqualTo("Creating ImageBuild " + BUILD + ".");
        assertThat(status.getLatestBuild()).isEqualTo(BUILD);
        assertThat(status.getSpecHash()).isEqualTo(HASH);
        assertThat(status.getPython()).isEqualTo("3.12");
        assertThat(status.getManager()).isEqualTo("conda");
        assertThat(status.getImage()).isNull();
    }

    @Test
    void aBuildWithoutStatusIsPending() {
        ImageBuild fresh = build(BUILD, HASH, null, null, null, null, null);
        fresh.setStatus(null);

        EnvironmentStatus status = status(environment(null), valid(), fresh, null);

        assertThat(status.getPhase()).isEqualTo(EnvironmentPhase.Pending);
        assertHealth(status, Condition.RECONCILING, "BuildPending");
    }

    @Test
    void aQueuedBuildMakesTheEnvironmentBuildingWithTheBuildsMessage() {
        ImageBuild queued =
                build(
                        BUILD,
                        HASH,
                        ImageBuildPhase.Queued,
                        null,
                        Health.RECONCILING,
                        "WaitingForSlot",
                        "Waiting for a build slot: 2 builds ahead in this namespace.");

        EnvironmentStatus status = status(environment(null), valid(), queued, null);

        assertThat(status.getPhase()).isEqualTo(EnvironmentPhase.Building);
        assertHealth(status, Condition.RECONCILING, "Queued");
        assertThat(readyMessage(status))
                .isEqualTo(
                        "ImageBuild "
                                + BUILD
                                + ": Waiting for a build slot: 2 builds ahead in this namespace.");
    }

    @Test
    void aRunningBuildKeepsAndMentionsThePreviousImage() {
        ImageBuild running =
                build(
                        BUILD,
                        HASH,
                        ImageBuildPhase.Running,
                        null,
                        Health.RECONCILING,
                        "Building",
                        "Build Job " + BUILD + " runs.");

        EnvironmentStatus status = status(environment(OLD), valid(), running, oldBuild());

        assertThat(status.getPhase()).isEqualTo(EnvironmentPhase.Building);
        assertHealth(status, Condition.RECONCILING, "Building");
        assertThat(status.getImage()).isEqualTo(OLD);
        assertThat(status.getImageSpecHash()).isEqualTo(OLD_HASH);
        assertThat(readyMessage(status))
                .contains("Build Job " + BUILD + " runs.")
                .contains("The previous image " + OLD + " stays in use.");
    }

    @Test
    void aBuildWithoutReadyConditionIsDescribedByItsPhase() {
        ImageBuild running = build(BUILD, HASH, ImageBuildPhase.Running, null, null, null, null);

        EnvironmentStatus status = status(environment(null), valid(), running, null);

        assertThat(readyMessage(status)).isEqualTo("ImageBuild " + BUILD + ": Running");
    }

    @Test
    void aBuiltImageMakesTheEnvironmentReady() {
        ImageBuild done = succeeded(false);

        EnvironmentStatus status = status(environment(OLD), valid(), done, done);

        assertThat(status.getPhase()).isEqualTo(EnvironmentPhase.Ready);
        assertHealth(status, Condition.READY, "Built");
        assertThat(status.getImage()).isEqualTo(NEW);
        assertThat(status.getImageSpecHash()).isEqualTo(HASH);
        assertThat(readyMessage(status)).isEqualTo("Image " + NEW + " is ready.");
    }

    @Test
    void anImageFoundInTheRegistryIsACacheHit() {
        ImageBuild done = succeeded(true);

        EnvironmentStatus status = status(environment(null), valid(), done, done);

        assertThat(status.getPhase()).isEqualTo(EnvironmentPhase.Ready);
        assertHealth(status, Condition.READY, "CacheHit");
        assertThat(status.getImage()).isEqualTo(NEW);
    }

    @Test
    void aFailedBuildKeepsThePreviousImageAndTellsWhy() {
        EnvironmentStatus status = status(environment(OLD), valid(), failed(), oldBuild());

        assertThat(status.getPhase()).isEqualTo(EnvironmentPhase.Failed);
        assertHealth(status, Condition.STALLED, "BuildFailed");
        assertThat(status.getImage()).isEqualTo(OLD);
        assertThat(readyMessage(status))
                .contains(
                        "ImageBuild "
                                + BUILD
                                + " failed: OOMKilled: The builder ran out "
                                + "of memory (exit code 137)")
                .contains("The previous image " + OLD + " stays in use.");
    }

    @Test
    void aFailedFirstBuildLeavesNoImage() {
        EnvironmentStatus status = status(environment(null), valid(), failed(), null);

        assertThat(status.getPhase()).isEqualTo(EnvironmentPhase.Failed);
        assertThat(status.getImage()).isNull();
        assertThat(readyMessage(status)).doesNotContain("previous image");
    }

    @Test
    void theLockOfTheImageBuildIsNamedInTheStatus() {
        ImageBuild done = succeeded(false);

        EnvironmentStatus status =
                EnvironmentStatusBuilder.build(
                        new Observation(
                                environment(null),
                                valid(),
                                Optional.of(done),
                                Optional.of(done),
                                Optional.of(
                                        new EnvironmentLocks.Lock(
                                                "numpy=1.26.4", null, 42, NEW, BUILD, null))),
                        T0);

        assertThat(status.getLock().getConfigMap()).isEqualTo(Names.environmentLock("ds"));
        assertThat(status.getLock().getPackages()).isEqualTo(42);
    }

    @Test
    void observedGenerationIsTheEnvironmentsGeneration() {
        EnvironmentStatus status = status(environment(null), valid(), null, null);

        assertThat(status.getObservedGeneration()).isEqualTo(5L);
        assertThat(status.getConditions())
                .extracting(Condition::getObservedGeneration)
                .containsOnly(5L);
    }

    @Test
    void anEnvironmentAtRestGetsBackTheStatusItAlreadyHas() {
        Environment environment = environment(OLD);
        ImageBuild done = succeeded(false);
        Observation seen =
                new Observation(
                        environment,
                        valid(),
                        Optional.of(done),
                        Optional.of(done),
                        Optional.empty());
        EnvironmentStatus settled = EnvironmentStatusBuilder.build(seen, T0);
        environment.setStatus(settled);

        EnvironmentStatus again = EnvironmentStatusBuilder.build(seen, T1);

        assertThat(StatusComparison.same(settled, again)).isTrue();
    }

    @Test
    void aFinishedBuildFlipsTheTransitionTimesOfReadyAndReconcilingOnly() {
        Environment environment = environment(OLD);
        ImageBuild running =
                build(
                        BUILD,
                        HASH,
                        ImageBuildPhase.Running,
                        null,
                        Health.RECONCILING,
                        "Building",
                        "Build Job runs.");
        environment.setStatus(status(environment, valid(), running, oldBuild()));
        ImageBuild done = succeeded(false);

        EnvironmentStatus ready =
                EnvironmentStatusBuilder.build(
                        new Observation(
                                environment,
                                valid(),
                                Optional.of(done),
                                Optional.of(done),
                                Optional.empty()),
                        T1);

        assertThat(condition(ready, Condition.READY).getLastTransitionTime())
                .isEqualTo(T1.toString());
        assertThat(condition(ready, Condition.RECONCILING).getLastTransitionTime())
                .isEqualTo(T1.toString());
        assertThat(condition(ready, Condition.STALLED).getLastTransitionTime())
                .isEqualTo(T0.toString());
    }
}
