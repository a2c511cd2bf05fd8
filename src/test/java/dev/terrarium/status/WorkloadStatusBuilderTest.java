package dev.terrarium.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.Condition;
import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentPhase;
import dev.terrarium.api.EnvironmentSpec;
import dev.terrarium.api.EnvironmentStatus;
import dev.terrarium.api.Workload;
import dev.terrarium.api.WorkloadMode;
import dev.terrarium.api.WorkloadPhase;
import dev.terrarium.api.WorkloadPort;
import dev.terrarium.api.WorkloadSpec;
import dev.terrarium.api.WorkloadStatus;
import dev.terrarium.status.WorkloadStatusBuilder.JobOutcome;
import dev.terrarium.status.WorkloadStatusBuilder.Observation;
import dev.terrarium.workload.WorkloadImage;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkloadStatusBuilderTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final Instant T1 = T0.plusSeconds(90);
    private static final String OLD = "registry.test/envs@sha256:" + "1".repeat(64);
    private static final String NEW = "registry.test/envs@sha256:" + "2".repeat(64);
    private static final long GENERATION = 7;

    private static Workload workload(WorkloadMode mode, WorkloadPort... ports) {
        Workload workload = new Workload();
        workload.setMetadata(
                new ObjectMetaBuilder()
                        .withName("web")
                        .withNamespace("team")
                        .withGeneration(GENERATION)
                        .build());
        WorkloadSpec spec = new WorkloadSpec();
        spec.setEnvironment("ds");
        spec.setMode(mode);
        spec.setPorts(ports.length == 0 ? null : List.of(ports));
        workload.setSpec(spec);
        workload.setStatus(null);
        return workload;
    }

    private static Workload service() {
        return workload(null, new WorkloadPort("http", 8000, 80));
    }

    private static Workload deployed(Workload workload, String image) {
        WorkloadStatus status = new WorkloadStatus();
        status.setImage(image);
        workload.setStatus(status);
        return workload;
    }

    private static Environment environment(EnvironmentPhase phase, String image) {
        Environment environment = new Environment();
        environment.setMetadata(
                new ObjectMetaBuilder()
                        .withName("ds")
                        .withNamespace("team")
                        .withGeneration(1L)
                        .build());
        environment.setSpec(new EnvironmentSpec());
        EnvironmentStatus status = new EnvironmentStatus();
        status.setPhase(phase);
        status.setImage(image);
        status.setLatestBuild("ds-0123456789");
        environment.setStatus(status);
        return environment;
    }

    private static Environment refused(EnvironmentPhase phase, String readyMessage) {
        Environment environment = environment(phase, null);
        environment
                .getStatus()
                .setConditions(
                        Conditions.merge(
                                null,
                                Conditions.kstatus(
                                        1,
                                        Conditions.Health.STALLED,
                                        phase == EnvironmentPhase.Invalid
                                                ? "InvalidSpec"
                                                : "BuildFailed",
                                        readyMessage),
                                T0));
        return environment;
    }

    private static DeploymentBuilder deploymentBuilder(
            String image, int desired, int total, int updated, int ready) {
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName("web")
                .withNamespace("team")
                .withGeneration(4L)
                .endMetadata()
                .withNewSpec()
                .withReplicas(desired)
                .withNewTemplate()
                .withNewSpec()
                .addNewContainer()
                .withName("main")
                .withImage(image)
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .withNewStatus()
                .withObservedGeneration(4L)
                .withReplicas(total)
                .withUpdatedReplicas(updated)
                .withReadyReplicas(ready)
                .endStatus();
    }

    private static Deployment deployment(
            String image, int desired, int total, int updated, int ready) {
        return deploymentBuilder(image, desired, total, updated, ready).build();
    }

    private static JobBuilder jobBuilder(String image) {
        return new JobBuilder()
                .withNewMetadata()
                .withName("web-0a1b2c3d")
                .withNamespace("team")
                .withGeneration(1L)
                .endMetadata()
                .withNewSpec()
                .withNewTemplate()
                .withNewSpec()
                .addNewContainer()
                .withName("main")
                .withImage(image)
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec();
    }

    private static Job finishedJob(String type, String message) {
        return jobBuilder(NEW)
                .withNewStatus()
                .withConditions(
                        new JobConditionBuilder()
                                .withType(type)
                                .withStatus("True")
                                .withReason(type.equals("Failed") ? "BackoffLimitExceeded" : null)
                                .withMessage(message)
                                .build())
                .endStatus()
                .build();
    }

    private static WorkloadStatus serviceStatus(
            Workload workload, Optional<Environment> environment, Deployment deployment) {
        return WorkloadStatusBuilder.build(
                new Observation(
                        workload,
                        environment,
                        Optional.of(new WorkloadImage(NEW, null)),
                        Optional.ofNullable(deployment),
                        Optional.empty(),
                        JobOutcome.NONE),
                T0);
    }

    private static WorkloadStatus jobStatus(Workload workload, Job job, JobOutcome outcome) {
        return WorkloadStatusBuilder.build(
                new Observation(
                        workload,
                        Optional.of(environment(EnvironmentPhase.Ready, NEW)),
                        Optional.of(new WorkloadImage(NEW, null)),
                        Optional.empty(),
                        Optional.ofNullable(job),
                        outcome),
                T0);
    }

    private static WorkloadStatus waiting(Optional<Environment> environment) {
        return WorkloadStatusBuilder.build(
                new Observation(
                        service(),
                        environment,
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        JobOutcome.NONE),
                T0);
    }

    private static Condition condition(WorkloadStatus status, String type) {
        return Conditions.find(status.getConditions(), type);
    }

    private static void assertHealth(WorkloadStatus status, String trueCondition, String reason) {
        for (String type : List.of(Condition.READY, Condition.RECONCILING, Condition.STALLED)) {
            assertThat(condition(status, type).getStatus())
                    .as(type)
                    .isEqualTo(type.equals(trueCondition) ? Condition.TRUE : Condition.FALSE);
        }
        assertThat(condition(status, Condition.READY).getReason()).isEqualTo(reason);
    }

    private static String readyMessage(WorkloadStatus status) {
        return condition(status, Condition.READY).getMessage();
    }

    @Test
    void aWorkloadWhoseRuntimeClassDoesNotExistIsDegradedWithTheMessageThatNamesIt() {
        String message =
                "spec.isolation vm runs pods in RuntimeClass kata (operator setting "
                        + "terrarium.isolation.vm-runtime-class), which does not exist";
        WorkloadStatus status =
                WorkloadStatusBuilder.build(
                        new Observation(
                                service(),
                                Optional.of(environment(EnvironmentPhase.Ready, NEW)),
                                Optional.of(new WorkloadImage(NEW, null)),
                                Optional.empty(),
                                Optional.empty(),
                                JobOutcome.NONE,
                                Optional.of(message)),
                        T0);

        assertThat(status.getPhase()).isEqualTo(WorkloadPhase.Degraded);
        assertHealth(status, Condition.STALLED, "RuntimeClassNotFound");
        assertThat(readyMessage(status)).isEqualTo(message);
        assertThat(status.getImage()).isNull();
    }

    @Test
    void aWorkloadWhoseEnvironmentDoesNotExistWaitsForIt() {
        WorkloadStatus status = waiting(Optional.empty());

        assertThat(status.getPhase()).isEqualTo(WorkloadPhase.WaitingForEnvironment);
        assertHealth(status, Condition.RECONCILING, "EnvironmentNotFound");
        assertThat(readyMessage(status)).contains("Environment ds does not exist");
    }

    @Test
    void anInvalidEnvironmentWithoutImageStallsTheWorkload() {
        WorkloadStatus status =
                waiting(
                        Optional.of(
                                refused(
                                        EnvironmentPhase.Invalid,
                                        "spec.python: \"2.6\" is not a supported Python version")));

        assertThat(status.getPhase()).isEqualTo(WorkloadPhase.WaitingForEnvironment);
        assertHealth(status, Condition.STALLED, "EnvironmentInvalid");
        assertThat(readyMessage(status))
                .contains("Environment ds has no image")
                .contains("spec.python: \"2.6\" is not a supported Python version");
    }

    @Test
    void aFailedEnvironmentWithoutImageStallsTheWorkload() {
        WorkloadStatus status =
                waiting(Optional.of(refused(EnvironmentPhase.Failed, "ImageBuild ds-1 failed")));

        assertThat(status.getPhase()).isEqualTo(WorkloadPhase.WaitingForEnvironment);
        assertHealth(status, Condition.STALLED, "EnvironmentFailed");
        assertThat(readyMessage(status)).contains("ImageBuild ds-1 failed");
    }

    @Test
    void anEnvironmentBuildingItsFirstImageKeepsTheWorkloadWaiting() {
        WorkloadStatus status = waiting(Optional.of(environment(EnvironmentPhase.Building, null)));

        assertThat(status.getPhase()).isEqualTo(WorkloadPhase.WaitingForEnvironment);
        assertHealth(status, Condition.RECONCILING, "EnvironmentNotReady");
        assertThat(readyMessage(status))
                .contains("first image of Environment ds")
                .contains("Building");
        assertThat(status.getImage()).isNull();
    }

    @Test
    void aServiceWithoutDeploymentIsBeingCreated() {
        WorkloadStatus status = serviceStatus(service(), Optional.empty(), null);

        assertThat(status.getPhase()).isEqualTo(WorkloadPhase.Progressing);
        assertHealth(status, Condition.RECONCILING, "Creating");
    }

    @Test
    void aFirstRolloutWithFewerUpdatedPodsThanDesiredIsProgressing() {
        WorkloadStatus status =
                serviceStatus(service(), Optional.empty(), deployment(NEW, 3, 1, 1, 0));

        assertThat(status.getPhase()).isEqualTo(WorkloadPhase.Progressing);
        assertHealth(status, Condition.RECONCILING, "Progressing");
        assertThat(readyMessage(status)).contains("1/3 updated", "0/3 ready");
        assertThat(status.getImage()).isNull();
        assertThat(status.getReady()).isEqualTo("0/3");
    }

    @Test
    void aNewImageRollsOutWhileTheOldOneStaysDeployed() {
        WorkloadStatus status =
                serviceStatus(
                        deployed(service(), OLD), Optional.empty(), deployment(NEW, 2, 3, 1, 2));

        assertThat(status.getPhase()).isEqualTo(WorkloadPhase.Progressing);
        assertHealth(status, Condition.RECONCILING, "RollingOut");
        assertThat(readyMessage(status)).contains(NEW, OLD);
        assertThat(status.getImage()).isEqualTo(OLD);
    }

    @Test
    void aDeploymentThatHasNotSeenItsNewGenerationIsNotRunningYet() {
        Deployment stale =
                deploymentBuilder(NEW, 2, 2, 2, 2)
                        .editStatus()
                        .withObservedGeneration(3L)
                        .endStatus()
                        .build();

        WorkloadStatus status = serviceStatus(deployed(service(), OLD), Optional.empty(), stale);

        assertThat(status.getPhase()).isEqualTo(WorkloadPhase.Progressing);
        assertThat(status.getImage()).isEqualTo(OLD);
    }

    @Test
    void aFullyReadyDeploymentIsRunningItsTemplateImage() {
        WorkloadStatus status =
                serviceStatus(
                        deployed(service(), OLD), Optional.empty(), deployment(NEW, 2, 2, 2, 2));

        assertThat(status.getPhase()).isEqualTo(WorkloadPhase.Running);
        assertHealth(status, Condition.READY, "Running");
        assertThat(status.getImage()).isEqualTo(NEW);
        assertThat(status.getReplicas()).isEqualTo(2);
        assertThat(status.getReadyReplicas()).isEqualTo(2);
        assertThat(status.getReady()).isEqualTo("2/2");
        assertThat(status.getEndpoint()).isEqualTo("web.team.svc:80");
        assertThat(status.getSelector()).isEqualTo("terrarium.dev/workload=web");
    }

    @Test
    void theEndpointListsEveryPortAndDefaultsToTheContainerPort() {
        Workload workload =
                workload(
                        null,
                        new WorkloadPort("http", 8000, 80),
                        new WorkloadPort("metrics", 9090, null));

        WorkloadStatus status =
                serviceStatus(workload, Optional.empty(), deployment(NEW, 1, 1, 1, 1));

        assertThat(status.getEndpoint()).isEqualTo("web.team.svc:80,web.team.svc:9090");
    }

    @Test
    void aServiceWithoutPortsHasNoEndpoint() {
        WorkloadStatus status =
                serviceStatus(workload(null), Optional.empty(), deployment(NEW, 1, 1, 1, 1));

        assertThat(status.getPhase()).isEqualTo(WorkloadPhase.Running);
        assertThat(status.getEndpoint()).isNull();
    }

    @Test
    void aSuspendedWorkloadWithoutPodsIsStopped() {
        Workload workload = deployed(service(), NEW);
        workload.getSpec().setSuspend(true);

        WorkloadStatus status =
                serviceStatus(workload, Optional.empty(), deployment(NEW, 0, 0, 0, 0));

        assertThat(status.getPhase()).isEqualTo(WorkloadPhase.Stopped);
        assertHealth(status, Condition.READY, "Suspended");
        assertThat(status.getReady()).isEqualTo("0/0");
    }

    @Test
    void aSuspendedWorkloadIsStoppingWhileTheDeploymentStillCountsItsPodsAsUpdatedAndReady() {
        // The Deployment controller writes the new generation's status before the ReplicaSet
        // controller removed the pods: desired 0, but 2 updated and ready pods still counted.
        Workload workload = deployed(service(), NEW);
        workload.getSpec().setSuspend(true);

        WorkloadStatus status =
                serviceStatus(workload, Optional.empty(), deployment(NEW, 0, 2, 2, 2));

        assertThat(status.getPhase()).isEqualTo(WorkloadPhase.Progressing);
        assertHealth(status, Condition.RECONCILING, "Stopping");
        assertThat(status.getReadyReplicas()).isEqualTo(2);
    }

    @Test
    void aSuspendedWorkloadWithPodsLeftIsStopping() {
        Workload workload = deployed(service(), NEW);
        workload.getSpec().setSuspend(true);

        WorkloadStatus status =
                serviceStatus(workload, Optional.empty(), deployment(NEW, 0, 2, 0, 2));

        assertThat(status.getPhase()).isEqualTo(WorkloadPhase.Progressing);
        assertHealth(status, Condition.RECONCILING, "Stopping");
        assertThat(readyMessage(status)).contains("2 pods left");
    }

    @Test
    void aRolloutPastItsProgressDeadlineIsDegraded() {
        Deployment stuck =
                deploymentBuilder(NEW, 2, 3, 1, 2)
                        .editStatus()
                        .withConditions(
                                new DeploymentConditionBuilder()
                                        .withType("Progressing")
                                        .withStatus("False")
                                        .withReason("ProgressDeadlineExceeded")
                                        .withMessage(
                                                "ReplicaSet \"web-5d8\" has timed out progressing.")
                                        .build())
                        .endStatus()
                        .build();

        WorkloadStatus status = serviceStatus(deployed(service(), OLD), Optional.empty(), stuck);

        assertThat(status.getPhase()).isEqualTo(WorkloadPhase.Degraded);
        assertHealth(status, Condition.STALLED, "ProgressDeadlineExceeded");
        assertThat(readyMessage(status)).contains(NEW).contains("has timed out progressing");
        assertThat(status.getImage()).isEqualTo(OLD);
    }

    @Test
    void aRunningWorkloadTellsThatANewerEnvironmentBuildIsInProgress() {
        WorkloadStatus status =
                serviceStatus(
                        service(),
                        Optional.of(environment(EnvironmentPhase.Building, NEW)),
                        deployment(NEW, 1, 1, 1, 1));

        assertHealth(status, Condition.READY, "Running");
        assertThat(readyMessage(status))
                .contains("A newer build of Environment ds is in progress (ds-0123456789)")
                .contains("pods stay on " + NEW);
    }

    @Test
    void aRunningWorkloadTellsThatTheNewerEnvironmentBuildFailed() {
        WorkloadStatus status =
                serviceStatus(
                        service(),
                        Optional.of(environment(EnvironmentPhase.Failed, NEW)),
                        deployment(NEW, 1, 1, 1, 1));

        assertHealth(status, Condition.READY, "Running");
        assertThat(readyMessage(status))
                .contains("The newer build of Environment ds failed (ds-0123456789)")
                .contains("pods stay on " + NEW);
    }

    @Test
    void aRunningWorkloadOfAReadyEnvironmentHasNoNote() {
        WorkloadStatus status =
                serviceStatus(
                        service(),
                        Optional.of(environment(EnvironmentPhase.Ready, NEW)),
                        deployment(NEW, 1, 1, 1, 1));

        assertThat(readyMessage(status)).isEqualTo("1/1 pods ready, running " + NEW + ".");
    }

    @Test
    void aJobWorkloadWithoutJobIsBeingCreated() {
        WorkloadStatus status = jobStatus(workload(WorkloadMode.Job), null, JobOutcome.NONE);

        assertThat(status.getPhase()).isEqualTo(WorkloadPhase.Progressing);
        assertHealth(status, Condition.RECONCILING, "Creating");
        assertThat(status.getEndpoint()).isNull();
        assertThat(status.getSelector()).as("a Job has no scale").isNull();
    }

    @Test
    void aJobWithoutAReadyPodIsStarting() {
        Job job = jobBuilder(NEW).withNewStatus().withActive(1).withReady(0).endStatus().build();

        WorkloadStatus status = jobStatus(workload(WorkloadMode.Job), job, JobOutcome.NONE);

        assertThat(status.getPhase()).isEqualTo(WorkloadPhase.Progressing);
        assertHealth(status, Condition.RECONCILING, "Starting");
    }

    @Test
    void aJobWithAReadyActivePodIsRunning() {
        Job job = jobBuilder(NEW).withNewStatus().withActive(1).withReady(1).endStatus().build();

        WorkloadStatus status = jobStatus(workload(WorkloadMode.Job), job, JobOutcome.NONE);

        assertThat(status.getPhase()).isEqualTo(WorkloadPhase.Running);
        assertHealth(status, Condition.RECONCILING, "Running");
        assertThat(status.getImage()).isEqualTo(NEW);
    }

    @Test
    void aCompletedJobSucceeded() {
        WorkloadStatus status =
                jobStatus(
                        workload(WorkloadMode.Job),
                        finishedJob("Complete", null),
                        new JobOutcome(0, null));

        assertThat(status.getPhase()).isEqualTo(WorkloadPhase.Succeeded);
        assertHealth(status, Condition.READY, "Succeeded");
        assertThat(status.getExitCode()).isZero();
        assertThat(status.getLogTail()).isNull();
        assertThat(readyMessage(status)).contains("web-0a1b2c3d ran to completion");
    }

    @Test
    void aFailedJobReportsItsExitCodeAndLogTail() {
        WorkloadStatus status =
                jobStatus(
                        workload(WorkloadMode.Job),
                        finishedJob("Failed", "Job has reached the specified backoff limit"),
                        new JobOutcome(3, "Traceback (most recent call last):\nValueError: boom"));

        assertThat(status.getPhase()).isEqualTo(WorkloadPhase.Failed);
        assertHealth(status, Condition.STALLED, "JobFailed");
        assertThat(status.getExitCode()).isEqualTo(3);
        assertThat(status.getLogTail()).endsWith("ValueError: boom");
        assertThat(readyMessage(status))
                .contains("failed with exit code 3")
                .contains("reached the specified backoff limit");
    }

    @Test
    void aSuspendedJobIsStopped() {
        Workload workload = workload(WorkloadMode.Job);
        workload.getSpec().setSuspend(true);
        Job job = jobBuilder(NEW).editSpec().withSuspend(true).endSpec().build();

        WorkloadStatus status = jobStatus(workload, job, JobOutcome.NONE);

        assertThat(status.getPhase()).isEqualTo(WorkloadPhase.Stopped);
        assertHealth(status, Condition.READY, "Suspended");
    }

    @Test
    void conditionsKeepTheirTransitionTimeWhileTheirStatusHoldsAndChangeItWhenItFlips() {
        Workload workload = service();
        WorkloadStatus progressing =
                serviceStatus(workload, Optional.empty(), deployment(NEW, 2, 1, 1, 0));
        workload.setStatus(progressing);

        WorkloadStatus running =
                WorkloadStatusBuilder.build(
                        new Observation(
                                workload,
                                Optional.empty(),
                                Optional.of(new WorkloadImage(NEW, null)),
                                Optional.of(deployment(NEW, 2, 2, 2, 2)),
                                Optional.empty(),
                                JobOutcome.NONE),
                        T1);

        assertThat(condition(running, Condition.READY).getStatus()).isEqualTo(Condition.TRUE);
        assertThat(condition(running, Condition.READY).getLastTransitionTime())
                .isEqualTo(T1.toString());
        assertThat(condition(running, Condition.RECONCILING).getLastTransitionTime())
                .isEqualTo(T1.toString());
        assertThat(condition(running, Condition.STALLED).getLastTransitionTime())
                .isEqualTo(T0.toString());
    }

    @Test
    void aChangedMessageWithTheSameStatusKeepsTheTransitionTime() {
        Workload workload = service();
        workload.setStatus(serviceStatus(workload, Optional.empty(), deployment(NEW, 3, 1, 1, 0)));

        WorkloadStatus later =
                WorkloadStatusBuilder.build(
                        new Observation(
                                workload,
                                Optional.empty(),
                                Optional.of(new WorkloadImage(NEW, null)),
                                Optional.of(deployment(NEW, 3, 2, 2, 1)),
                                Optional.empty(),
                                JobOutcome.NONE),
                        T1);

        assertThat(readyMessage(later)).contains("2/3 updated");
        assertThat(later.getConditions())
                .extracting(Condition::getLastTransitionTime)
                .containsOnly(T0.toString());
    }

    @Test
    void observedGenerationIsTheWorkloadsGeneration() {
        WorkloadStatus status =
                serviceStatus(service(), Optional.empty(), deployment(NEW, 1, 1, 1, 1));

        assertThat(status.getObservedGeneration()).isEqualTo(GENERATION);
        assertThat(status.getConditions())
                .extracting(Condition::getObservedGeneration)
                .containsOnly(GENERATION);
    }

    @Test
    void theSameObservationGivesTheSameStatus() {
        Observation seen =
                new Observation(
                        deployed(service(), OLD),
                        Optional.of(environment(EnvironmentPhase.Building, NEW)),
                        Optional.of(new WorkloadImage(NEW, "pull")),
                        Optional.of(deployment(NEW, 2, 3, 1, 1)),
                        Optional.empty(),
                        JobOutcome.NONE);

        assertThat(
                        StatusComparison.same(
                                WorkloadStatusBuilder.build(seen, T0),
                                WorkloadStatusBuilder.build(seen, T0)))
                .isTrue();
    }

    @Test
    void aWorkloadAtRestGetsBackTheStatusItAlreadyHas() {
        Workload workload = service();
        Optional<Environment> environment = Optional.of(environment(EnvironmentPhase.Ready, NEW));
        Observation first =
                new Observation(
                        workload,
                        environment,
                        Optional.of(new WorkloadImage(NEW, null)),
                        Optional.of(deployment(NEW, 2, 2, 2, 2)),
                        Optional.empty(),
                        JobOutcome.NONE);
        WorkloadStatus settled = WorkloadStatusBuilder.build(first, T0);
        workload.setStatus(settled);

        WorkloadStatus again = WorkloadStatusBuilder.build(first, T1);

        assertThat(StatusComparison.same(settled, again)).isTrue();
    }

    @Test
    void aJobWorkloadAtRestGetsBackTheStatusItAlreadyHas() {
        Workload workload = workload(WorkloadMode.Job);
        Observation first =
                new Observation(
                        workload,
                        Optional.of(environment(EnvironmentPhase.Ready, NEW)),
                        Optional.of(new WorkloadImage(NEW, null)),
                        Optional.empty(),
                        Optional.of(finishedJob("Failed", "BackoffLimitExceeded")),
                        new JobOutcome(1, "boom"));
        WorkloadStatus settled = WorkloadStatusBuilder.build(first, T0);
        workload.setStatus(settled);

        assertThat(StatusComparison.same(settled, WorkloadStatusBuilder.build(first, T1))).isTrue();
    }
}
