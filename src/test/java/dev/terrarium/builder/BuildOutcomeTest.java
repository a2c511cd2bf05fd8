package dev.terrarium.builder;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuildOutcomeTest {

    private static final String IMAGE = "registry.example.com/terrarium/builder:1";
    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    private static Job job(String condition, String reason, String message, Long deadlineSeconds) {
        var builder =
                new JobBuilder()
                        .withNewMetadata()
                        .withName("env-0123456789")
                        .endMetadata()
                        .withNewSpec()
                        .withActiveDeadlineSeconds(deadlineSeconds)
                        .endSpec()
                        .withNewStatus()
                        .endStatus();
        if (condition != null) {
            builder.editStatus()
                    .addNewCondition()
                    .withType(condition)
                    .withStatus("True")
                    .withReason(reason)
                    .withMessage(message)
                    .endCondition()
                    .endStatus();
        }
        return builder.build();
    }

    private static Job running() {
        return job(null, null, null, 1800L);
    }

    private static PodBuilder pod(String name, String created) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withCreationTimestamp(created)
                .endMetadata()
                .withNewStatus()
                .endStatus();
    }

    private static ContainerState done(int exitCode, String reason, String message) {
        return new ContainerStateBuilder()
                .withNewTerminated()
                .withExitCode(exitCode)
                .withReason(reason)
                .withMessage(message)
                .endTerminated()
                .build();
    }

    private static ContainerState waitingFor(String reason, String message) {
        return new ContainerStateBuilder()
                .withNewWaiting()
                .withReason(reason)
                .withMessage(message)
                .endWaiting()
                .build();
    }

    private static final ContainerState RUNNING =
            new ContainerStateBuilder().withNewRunning().endRunning().build();

    /** A build pod as the kubelet reports it: the build as an init container, the push after. */
    private static Pod steps(String name, ContainerState build, ContainerState push) {
        return pod(name, "2026-01-01T00:00:00Z")
                .editStatus()
                .withInitContainerStatuses(
                        new ContainerStatusBuilder()
                                .withName(BuilderPod.BUILD_CONTAINER)
                                .withState(build)
                                .build())
                .withContainerStatuses(
                        new ContainerStatusBuilder()
                                .withName(BuilderPod.PUSH_CONTAINER)
                                .withState(push)
                                .build())
                .endStatus()
                .build();
    }

    /** The build step ended so; the push never started. */
    private static Pod buildEnded(String name, int exitCode, String reason) {
        return steps(name, done(exitCode, reason, null), waitingFor("PodInitializing", null));
    }

    /** Both steps ended; the push with this exit code and termination message. */
    private static Pod pushEnded(String name, int exitCode, String reason, String message) {
        return steps(name, done(0, "Completed", null), done(exitCode, reason, message));
    }

    @Test
    void aJobWithoutPodOrConditionRuns() {
        assertThat(BuildOutcome.of(running(), List.of(), IMAGE))
                .isEqualTo(new BuildOutcome.Running(null));
    }

    @Test
    void aJobWithoutAPodPastTheLimitIsRefusedAndStopped() {
        Job job = running();
        job.getMetadata().setNamespace("team");
        job.getMetadata().setCreationTimestamp("2026-01-01T00:00:00Z");
        Duration limit = Duration.ofMinutes(2);

        assertThat(
                        BuildOutcome.notStarted(
                                job, List.of(), limit, Instant.parse("2026-01-01T00:01:59Z")))
                .isEmpty();
        BuildOutcome.Failed refused =
                BuildOutcome.notStarted(
                                job, List.of(), limit, Instant.parse("2026-01-01T00:02:00Z"))
                        .orElseThrow();

        assertThat(refused.reason()).isEqualTo("PodNotCreated");
        assertThat(refused.message())
                .contains(
                        "env-0123456789 made no pod in 2m",
                        "ResourceQuota",
                        "kubectl describe job env-0123456789 -n team",
                        "terrarium.dev/rebuild");
        assertThat(refused.stopJob()).isTrue();
        assertThat(refused.logPod()).isNull();
    }

    @Test
    void aPodThatNoNodeTakesPastTheLimitIsUnschedulable() {
        Job job = running();
        job.getMetadata().setCreationTimestamp("2026-01-01T00:00:00Z");
        Pod pending =
                pod("env-0123456789-abcde", "2026-01-01T00:00:01Z")
                        .editStatus()
                        .addNewCondition()
                        .withType("PodScheduled")
                        .withStatus("False")
                        .withReason("Unschedulable")
                        .withMessage(
                                "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.")
                        .withLastTransitionTime("2026-01-01T00:00:02Z")
                        .endCondition()
                        .endStatus()
                        .build();
        Duration limit = Duration.ofMinutes(10);

        assertThat(
                        BuildOutcome.notStarted(
                                job,
                                List.of(pending),
                                limit,
                                Instant.parse("2026-01-01T00:10:01Z")))
                .isEmpty();
        BuildOutcome.Failed failed =
                BuildOutcome.notStarted(
                                job, List.of(pending), limit, Instant.parse("2026-01-01T00:10:02Z"))
                        .orElseThrow();

        assertThat(failed.reason()).isEqualTo("Unschedulable");
        assertThat(failed.message())
                .contains(
                        "env-0123456789-abcde",
                        "(for 10m)",
                        "didn't match Pod's node",
                        "build.nodeSelector");
        assertThat(failed.stopJob()).isTrue();
    }

    @Test
    void theApiServersRefusalOfThePodNamesTheReasonAndWhatToChange() {
        Job job = running();
        job.getMetadata().setNamespace("team");

        BuildOutcome.Failed quota =
                BuildOutcome.podRefused(
                        job,
                        "Error creating: pods \"env-0123456789-x\" is "
                                + "forbidden: exceeded quota: no-pods, requested: pods=1, used: pods=0, limited: pods=0");
        BuildOutcome.Failed podSecurity =
                BuildOutcome.podRefused(
                        job,
                        "Error creating: pods \"env-0123456789-x\" "
                                + "is forbidden: violates PodSecurity \"restricted:latest\": seccompProfile");
        BuildOutcome.Failed other =
                BuildOutcome.podRefused(
                        job,
                        "Error creating: pods \"x\" is forbidden: "
                                + "maximum cpu usage per Container is 1, but limit is 2");

        assertThat(quota.reason()).isEqualTo("QuotaExceeded");
        assertThat(quota.message())
                .contains("exceeded quota: no-pods", "ResourceQuota of namespace team");
        assertThat(podSecurity.reason()).isEqualTo("PodSecurity");
        assertThat(podSecurity.message())
                .contains(
                        "violates PodSecurity",
                        "pod-security.kubernetes.io/enforce=privileged on namespace team");
        assertThat(other.reason()).isEqualTo("InvalidBuildPod");
        assertThat(other.message()).contains("maximum cpu usage per Container is 1");
        assertThat(List.of(quota, podSecurity, other))
                .allSatisfy(
                        f -> {
                            assertThat(f.stopJob()).isTrue();
                            assertThat(f.logPod()).isNull();
                            assertThat(f.message()).contains("terrarium.dev/rebuild");
                        });
    }

    @Test
    void aJobWithAPodOrAFinalConditionIsNeverRefusedForWantOfAPod() {
        Instant late = Instant.parse("2026-01-02T00:00:00Z");
        Job withPod = running();
        withPod.getMetadata().setCreationTimestamp("2026-01-01T00:00:00Z");
        Job failed = job("Failed", "DeadlineExceeded", null, 60L);
        failed.getMetadata().setCreationTimestamp("2026-01-01T00:00:00Z");
        Job unstamped = running();

        assertThat(
                        BuildOutcome.notStarted(
                                withPod,
                                List.of(pod("p", "2026-01-01T00:00:01Z").build()),
                                Duration.ofMinutes(2),
                                late))
                .isEmpty();
        assertThat(BuildOutcome.notStarted(failed, List.of(), Duration.ofMinutes(2), late))
                .isEmpty();
        assertThat(BuildOutcome.notStarted(unstamped, List.of(), Duration.ofMinutes(2), late))
                .isEmpty();
    }

    @Test
    void aRunningJobNamesItsNewestPod() {
        List<Pod> pods =
                List.of(
                        pod("old", "2026-01-01T00:00:00Z").build(),
                        pod("new", "2026-01-01T00:05:00Z").build());

        assertThat(BuildOutcome.of(running(), pods, IMAGE))
                .isEqualTo(new BuildOutcome.Running("new"));
    }

    @Test
    void aBuilderImageThatCannotBePulledForEitherStepFailsAndStopsTheJob() {
        BuildOutcome.Failed expected =
                new BuildOutcome.Failed(
                        "ImagePullBackOff",
                        "The builder image " + IMAGE + " cannot be pulled: manifest unknown",
                        null,
                        null,
                        null,
                        true);
        Pod forTheBuild =
                steps(
                        "p",
                        waitingFor("ErrImagePull", "manifest unknown"),
                        waitingFor("PodInitializing", null));
        Pod forThePush =
                steps(
                        "p",
                        done(0, "Completed", null),
                        waitingFor("ImagePullBackOff", "manifest unknown"));

        assertThat(BuildOutcome.of(running(), List.of(forTheBuild), IMAGE)).isEqualTo(expected);
        assertThat(BuildOutcome.of(running(), List.of(forThePush), IMAGE)).isEqualTo(expected);
    }

    @Test
    void aPodInitializingOrPushingIsStillRunning() {
        Pod creating =
                steps(
                        "p",
                        waitingFor("ContainerCreating", null),
                        waitingFor("PodInitializing", null));
        Pod pushing = steps("p", done(0, "Completed", null), RUNNING);

        assertThat(BuildOutcome.of(running(), List.of(creating), IMAGE))
                .isEqualTo(new BuildOutcome.Running("p"));
        assertThat(BuildOutcome.of(running(), List.of(pushing), IMAGE))
                .isEqualTo(new BuildOutcome.Running("p"));
    }

    @Test
    void aCompleteJobSucceedsWithTheDigestOfThePushStepsTerminationMessage() {
        Pod pod = pushEnded("p", 0, "Completed", DIGEST + "\n");

        BuildOutcome outcome =
                BuildOutcome.of(job("Complete", null, null, 1800L), List.of(pod), IMAGE);

        assertThat(outcome).isEqualTo(new BuildOutcome.Succeeded(DIGEST, "p"));
    }

    @Test
    void aDigestInTheBuildStepsMessageIsNoDigest() {
        Pod pod = steps("p", done(0, "Completed", DIGEST), done(0, "Completed", null));

        BuildOutcome.Failed failed =
                (BuildOutcome.Failed)
                        BuildOutcome.of(job("Complete", null, null, 1800L), List.of(pod), IMAGE);

        assertThat(failed.reason()).isEqualTo("NoDigest");
    }

    @Test
    void aCompleteJobWithoutDigestFailsWithThePushLog() {
        Pod pod = pushEnded("p", 0, "Completed", null);

        BuildOutcome.Failed failed =
                (BuildOutcome.Failed)
                        BuildOutcome.of(job("Complete", null, null, 1800L), List.of(pod), IMAGE);

        assertThat(failed.reason()).isEqualTo("NoDigest");
        assertThat(failed.message()).contains("no termination message");
        assertThat(failed.logPod()).isEqualTo("p");
        assertThat(failed.logContainer()).isEqualTo("push");
        assertThat(failed.stopJob()).isFalse();
    }

    @Test
    void aDeadlineNamesTheTimeoutInTheUsersUnitsAndTheStepThatRan() {
        Pod pod = buildEnded("p", 137, "Error");

        BuildOutcome.Failed failed =
                (BuildOutcome.Failed)
                        BuildOutcome.of(
                                job(
                                        "Failed",
                                        "DeadlineExceeded",
                                        "Job was active longer than specified deadline",
                                        5400L),
                                List.of(pod),
                                IMAGE);

        assertThat(failed.reason()).isEqualTo("DeadlineExceeded");
        assertThat(failed.message())
                .isEqualTo("The build ran longer than its timeout of 1h30m and was stopped.");
        assertThat(failed.exitCode()).isEqualTo(137);
        assertThat(failed.logContainer()).isEqualTo("build");
    }

    @Test
    void timeoutsReadAsTheyWereWritten() {
        assertThat(BuildOutcome.timeout(job(null, null, null, 45L))).isEqualTo("45s");
        assertThat(BuildOutcome.timeout(job(null, null, null, 1800L))).isEqualTo("30m");
        assertThat(BuildOutcome.timeout(job(null, null, null, 3601L))).isEqualTo("1h1s");
        assertThat(BuildOutcome.timeout(job(null, null, null, null))).isEqualTo("(none set)");
    }

    @Test
    void anOutOfMemoryKillSaysWhichLimitToRaise() {
        Pod pod = buildEnded("p", 137, "OOMKilled");

        BuildOutcome.Failed failed =
                (BuildOutcome.Failed)
                        BuildOutcome.of(
                                job(
                                        "Failed",
                                        "BackoffLimitExceeded",
                                        "Job has reached the specified backoff limit",
                                        1800L),
                                List.of(pod),
                                IMAGE);

        assertThat(failed.reason()).isEqualTo("OOMKilled");
        assertThat(failed.message())
                .contains("The build step ran out of memory")
                .contains("build.resources.limits.memory")
                .contains("137");
        assertThat(failed.logPod()).isEqualTo("p");
        assertThat(failed.logContainer()).isEqualTo("build");
    }

    @Test
    void anyOtherFailureGivesTheStepItsExitCodeAndTheJobsMessage() {
        Pod pod = buildEnded("p", 3, "Error");

        BuildOutcome.Failed failed =
                (BuildOutcome.Failed)
                        BuildOutcome.of(
                                job(
                                        "Failed",
                                        "BackoffLimitExceeded",
                                        "Job has reached the specified backoff limit",
                                        1800L),
                                List.of(pod),
                                IMAGE);

        assertThat(failed)
                .isEqualTo(
                        new BuildOutcome.Failed(
                                "Error",
                                "The build step exited with code 3 (Job has reached the specified backoff limit).",
                                3,
                                "p",
                                "build",
                                false));
    }

    @Test
    void aRefusedPushIsThePushStepsFailureWithItsLog() {
        Pod pod = pushEnded("p", 1, "Error", null);

        BuildOutcome.Failed failed =
                (BuildOutcome.Failed)
                        BuildOutcome.of(
                                job(
                                        "Failed",
                                        "BackoffLimitExceeded",
                                        "Job has reached the specified backoff limit",
                                        1800L),
                                List.of(pod),
                                IMAGE);

        assertThat(failed.message()).startsWith("The push step exited with code 1");
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.logPod()).isEqualTo("p");
        assertThat(failed.logContainer()).isEqualTo("push");
    }
}
