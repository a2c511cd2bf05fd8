package dev.terrarium.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.BuildFailure;
import dev.terrarium.api.Condition;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildPhase;
import dev.terrarium.api.ImageBuildSpec;
import dev.terrarium.api.ImageBuildStatus;
import dev.terrarium.api.LockStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageBuildStatusBuilderTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.750Z");
    private static final String DIGEST = "sha256:" + "3".repeat(64);

    private static ImageBuild build(ImageBuildStatus status) {
        ImageBuild build = new ImageBuild();
        build.setMetadata(
                new ObjectMetaBuilder()
                        .withName("ds-aaaaaaaaaa")
                        .withNamespace("team")
                        .withGeneration(1L)
                        .build());
        ImageBuildSpec spec = new ImageBuildSpec();
        spec.setRepository("registry.test/envs");
        spec.setSpecHash("a".repeat(64));
        build.setSpec(spec);
        build.setStatus(status);
        return build;
    }

    private static ImageBuild fresh() {
        return build(null);
    }

    private static ImageBuild running() {
        return build(ImageBuildStatusBuilder.running(fresh(), "ds-aaaaaaaaaa", T0));
    }

    private static Condition condition(ImageBuildStatus status, String type) {
        return Conditions.find(status.getConditions(), type);
    }

    private static void assertHealth(ImageBuildStatus status, String trueCondition, String reason) {
        for (String type : List.of(Condition.READY, Condition.RECONCILING, Condition.STALLED)) {
            assertThat(condition(status, type).getStatus())
                    .as(type)
                    .isEqualTo(type.equals(trueCondition) ? Condition.TRUE : Condition.FALSE);
        }
        assertThat(condition(status, Condition.READY).getReason()).isEqualTo(reason);
    }

    @Test
    void aQueuedBuildIsReconciling() {
        ImageBuildStatus status =
                ImageBuildStatusBuilder.queued(
                        fresh(),
                        "ds-bbbbbbbbbb",
                        "WaitingForEqualBuild",
                        "Waiting for the equal build ds-bbbbbbbbbb.",
                        T0);

        assertThat(status.getPhase()).isEqualTo(ImageBuildPhase.Queued);
        assertThat(status.getSharedBuild()).isEqualTo("ds-bbbbbbbbbb");
        assertHealth(status, Condition.RECONCILING, "WaitingForEqualBuild");
        assertThat(condition(status, Condition.READY).getMessage())
                .isEqualTo("Waiting for the equal build ds-bbbbbbbbbb.");
        assertThat(status.getObservedGeneration()).isEqualTo(1L);
    }

    @Test
    void aRunningBuildRecordsItsJobAndStartTime() {
        ImageBuild queued =
                build(
                        ImageBuildStatusBuilder.queued(
                                fresh(), "ds-bbbbbbbbbb", "Queued", "Queued.", T0));

        ImageBuildStatus status =
                ImageBuildStatusBuilder.running(queued, "ds-aaaaaaaaaa", T0.plusSeconds(5));

        assertThat(status.getPhase()).isEqualTo(ImageBuildPhase.Running);
        assertThat(status.getJobName()).isEqualTo("ds-aaaaaaaaaa");
        assertThat(status.getSharedBuild()).isNull();
        assertThat(status.getStartTime()).isEqualTo("2026-03-01T10:00:05Z");
        assertHealth(status, Condition.RECONCILING, "Building");
        assertThat(condition(status, Condition.RECONCILING).getLastTransitionTime())
                .isEqualTo("2026-03-01T10:00:00Z");
    }

    @Test
    void aSucceededBuildPinsTheImageByDigest() {
        LockStatus lock = new LockStatus("ds-aaaaaaaaaa-lock", 12);

        ImageBuildStatus status =
                ImageBuildStatusBuilder.succeeded(
                        running(), DIGEST, false, null, lock, T0.plusSeconds(3723));

        assertThat(status.getPhase()).isEqualTo(ImageBuildPhase.Succeeded);
        assertThat(status.getDigest()).isEqualTo(DIGEST);
        assertThat(status.getImage()).isEqualTo("registry.test/envs@" + DIGEST);
        assertThat(status.getCacheHit()).isFalse();
        assertThat(status.getLock()).isSameAs(lock);
        assertThat(status.getCompletionTime()).isEqualTo("2026-03-01T11:02:03Z");
        assertThat(status.getDuration()).isEqualTo("1h2m3s");
        assertHealth(status, Condition.READY, "Built");
        assertThat(condition(status, Condition.READY).getMessage())
                .isEqualTo("Image registry.test/envs@" + DIGEST + " built by Job ds-aaaaaaaaaa.");
    }

    @Test
    void aCacheHitWithoutJobSucceedsInNoTime() {
        ImageBuildStatus status =
                ImageBuildStatusBuilder.succeeded(fresh(), DIGEST, true, null, null, T0);

        assertThat(status.getCacheHit()).isTrue();
        assertThat(status.getDuration()).isEqualTo("0s");
        assertThat(status.getCompletionTime()).isEqualTo("2026-03-01T10:00:00Z");
        assertHealth(status, Condition.READY, "CacheHit");
        assertThat(condition(status, Condition.READY).getMessage())
                .contains("found in the registry")
                .contains("The resolved lock could not be read.");
    }

    @Test
    void anImageTakenFromAnEqualBuildNamesIt() {
        ImageBuildStatus status =
                ImageBuildStatusBuilder.succeeded(
                        fresh(),
                        DIGEST,
                        true,
                        "ds-bbbbbbbbbb",
                        new LockStatus("ds-bbbbbbbbbb-lock", 3),
                        T0);

        assertThat(status.getSharedBuild()).isEqualTo("ds-bbbbbbbbbb");
        assertThat(condition(status, Condition.READY).getMessage())
                .isEqualTo(
                        "Image registry.test/envs@"
                                + DIGEST
                                + " taken from the equal build ds-bbbbbbbbbb.");
    }

    @Test
    void aFailedBuildIsStalledAndTellsHowToRetry() {
        BuildFailure failure =
                ImageBuildStatusBuilder.failure(
                        "OOMKilled", "The builder ran out of memory.", 137, "Killed");

        ImageBuildStatus status =
                ImageBuildStatusBuilder.failed(running(), failure, null, T0.plusSeconds(59));

        assertThat(status.getPhase()).isEqualTo(ImageBuildPhase.Failed);
        assertThat(status.getFailure()).isSameAs(failure);
        assertThat(status.getFailure().getExitCode()).isEqualTo(137);
        assertThat(status.getDuration()).isEqualTo("59s");
        assertThat(status.getCompletionTime()).isEqualTo("2026-03-01T10:00:59Z");
        assertThat(status.getImage()).isNull();
        assertHealth(status, Condition.STALLED, "OOMKilled");
        assertThat(condition(status, Condition.STALLED).getMessage())
                .startsWith("The builder ran out of memory.")
                .contains("not retried")
                .contains("terrarium.dev/rebuild");
    }

    @Test
    void aSuccessClearsAnEarlierFailure() {
        ImageBuild failedBefore =
                build(
                        ImageBuildStatusBuilder.failed(
                                running(),
                                ImageBuildStatusBuilder.failure("Error", "exit 1", 1, null),
                                null,
                                T0));

        ImageBuildStatus status =
                ImageBuildStatusBuilder.succeeded(failedBefore, DIGEST, true, null, null, T0);

        assertThat(status.getFailure()).isNull();
    }

    @Test
    void theBuildsOwnStatusIsLeftUntouched() {
        ImageBuild build = running();

        ImageBuildStatusBuilder.succeeded(build, DIGEST, false, null, null, T0.plusSeconds(10));

        assertThat(build.getStatus().getPhase()).isEqualTo(ImageBuildPhase.Running);
        assertThat(build.getStatus().getDigest()).isNull();
        assertThat(condition(build.getStatus(), Condition.READY).getStatus())
                .isEqualTo(Condition.FALSE);
    }

    @Test
    void durationsPrintLikeKubectl() {
        assertThat(ImageBuildStatusBuilder.humanDuration(Duration.ZERO)).isEqualTo("0s");
        assertThat(ImageBuildStatusBuilder.humanDuration(Duration.ofSeconds(59))).isEqualTo("59s");
        assertThat(ImageBuildStatusBuilder.humanDuration(Duration.ofSeconds(60))).isEqualTo("1m0s");
        assertThat(ImageBuildStatusBuilder.humanDuration(Duration.ofSeconds(3600)))
                .isEqualTo("1h0m0s");
        assertThat(ImageBuildStatusBuilder.humanDuration(Duration.ofSeconds(3723)))
                .isEqualTo("1h2m3s");
        assertThat(ImageBuildStatusBuilder.humanDuration(Duration.ofMillis(1999))).isEqualTo("1s");
    }

    @Test
    void aNegativeDurationFromClockSkewPrintsAsZero() {
        assertThat(ImageBuildStatusBuilder.humanDuration(Duration.ofSeconds(-5))).isEqualTo("0s");
    }
}
