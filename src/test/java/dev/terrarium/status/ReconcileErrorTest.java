package dev.terrarium.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.Condition;
import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentPhase;
import dev.terrarium.api.EnvironmentStatus;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildPhase;
import dev.terrarium.api.ImageBuildStatus;
import dev.terrarium.api.Workload;
import dev.terrarium.api.WorkloadPhase;
import dev.terrarium.api.WorkloadStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import io.javaoperatorsdk.operator.OperatorException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReconcileErrorTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final Instant T1 = T0.plusSeconds(64);
    private static final String INVALID_SERVICE =
            "Service \"1web\" is invalid: metadata.name: Invalid value: "
                    + "\"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
                    + "alphabetic character, and end with an alphanumeric character";

    private static KubernetesClientException refused(int code, String message) {
        return new KubernetesClientException(
                new StatusBuilder()
                        .withCode(code)
                        .withMessage(message)
                        .withReason(code == 422 ? "Invalid" : "Conflict")
                        .build());
    }

    private static AggregatedOperatorException workflowFailed(Map<String, Exception> causes) {
        return new AggregatedOperatorException("Exception(s) during workflow execution.", causes);
    }

    private static Condition find(List<Condition> conditions, String type) {
        return Conditions.find(conditions, type);
    }

    @Test
    void theApiServersMessageIsReportedNamingTheDependentAndNoStackTrace() {
        ReconcileError error =
                ReconcileError.of(
                        workflowFailed(
                                Map.of(
                                        "service",
                                        new OperatorException(
                                                "wrapped", refused(422, INVALID_SERVICE)))));

        assertThat(error.message()).isEqualTo("service: " + INVALID_SERVICE);
        assertThat(error.permanent()).isTrue();
        assertThat(error.message()).doesNotContain("at io.").doesNotContain("Exception(s)");
    }

    @Test
    void theWorkflowsFailuresAreFoundWhereverTheyAreWrapped() {
        ReconcileError error =
                ReconcileError.of(
                        new OperatorException(
                                "reconcile failed",
                                workflowFailed(
                                        Map.of(
                                                "job",
                                                refused(
                                                        422,
                                                        "Job.batch \"b\" is invalid: spec.template.spec.tolerations[0].operator")))));

        assertThat(error.message())
                .isEqualTo(
                        "job: Job.batch \"b\" is invalid: "
                                + "spec.template.spec.tolerations[0].operator");
    }

    @Test
    void severalFailedDependentsAreNamedInAStableOrder() {
        Map<String, Exception> causes = new LinkedHashMap<>();
        causes.put("service", refused(422, "bad service"));
        causes.put("deployment", refused(422, "bad deployment"));
        Map<String, Exception> reversed = new LinkedHashMap<>();
        reversed.put("deployment", refused(422, "bad deployment"));
        reversed.put("service", refused(422, "bad service"));

        assertThat(ReconcileError.of(workflowFailed(causes)).message())
                .isEqualTo("deployment: bad deployment; service: bad service")
                .isEqualTo(ReconcileError.of(workflowFailed(reversed)).message());
    }

    @Test
    void aConflictOrAnUnreachableServerIsNotPermanent() {
        assertThat(ReconcileError.of(refused(409, "the object has been modified")).permanent())
                .isFalse();
        assertThat(ReconcileError.of(refused(429, "too many requests")).permanent()).isFalse();
        assertThat(ReconcileError.of(refused(500, "etcd timeout")).permanent()).isFalse();
        assertThat(
                        ReconcileError.of(
                                        new IllegalStateException(
                                                "outer",
                                                new java.net.ConnectException(
                                                        "Connection refused")))
                                .message())
                .isEqualTo("Connection refused");
        assertThat(ReconcileError.of(new NullPointerException()).message())
                .isEqualTo("NullPointerException");
        assertThat(ReconcileError.of(refused(403, "forbidden: exceeded quota")).permanent())
                .isTrue();
    }

    @Test
    void aLongMessageIsCut() {
        ReconcileError error = ReconcileError.of(refused(422, "x".repeat(10_000)));

        assertThat(error.message()).hasSize(ReconcileError.MAX_MESSAGE).endsWith("…");
    }

    @Test
    void aPermanentErrorStallsAndATransientOneKeepsReconciling() {
        List<Condition> stalled =
                ReconcileError.of(refused(422, INVALID_SERVICE)).conditions(null, 3, T0);
        List<Condition> retrying =
                ReconcileError.of(refused(409, "modified")).conditions(null, 3, T0);

        assertThat(find(stalled, Condition.READY).getStatus()).isEqualTo(Condition.FALSE);
        assertThat(find(stalled, Condition.READY).getReason()).isEqualTo(ReconcileError.REASON);
        assertThat(find(stalled, Condition.READY).getMessage())
                .contains(INVALID_SERVICE)
                .endsWith("Retrying with " + "back-off.");
        assertThat(find(stalled, Condition.READY).getObservedGeneration()).isEqualTo(3L);
        assertThat(find(stalled, Condition.STALLED).getStatus()).isEqualTo(Condition.TRUE);
        assertThat(find(retrying, Condition.STALLED).getStatus()).isEqualTo(Condition.FALSE);
        assertThat(find(retrying, Condition.RECONCILING).getStatus()).isEqualTo(Condition.TRUE);
    }

    @Test
    void theSameErrorOnALaterAttemptGivesTheSameConditionsAndIsAlreadyReported() {
        ReconcileError first = ReconcileError.of(refused(422, INVALID_SERVICE));
        List<Condition> afterFirst = first.conditions(null, 1, T0);
        ReconcileError again = ReconcileError.of(refused(422, INVALID_SERVICE));

        assertThat(first.reportedIn(null)).isFalse();
        assertThat(again.reportedIn(afterFirst)).isTrue();
        assertThat(again.conditions(afterFirst, 1, T1)).isEqualTo(afterFirst);
        assertThat(ReconcileError.of(refused(422, "another refusal")).reportedIn(afterFirst))
                .isFalse();
    }

    @Test
    void aNewEnvironmentThatFailsShowsPendingWithTheError() {
        Environment environment = new Environment();
        environment.setMetadata(
                new ObjectMetaBuilder().withName("e".repeat(63)).withGeneration(1L).build());

        EnvironmentStatus status =
                EnvironmentStatusBuilder.failedAttempt(
                        environment, ReconcileError.of(refused(422, "ImageBuild is invalid")), T0);

        assertThat(status.getPhase()).isEqualTo(EnvironmentPhase.Pending);
        assertThat(status.getObservedGeneration()).isEqualTo(1L);
        assertThat(find(status.getConditions(), Condition.READY).getReason())
                .isEqualTo(ReconcileError.REASON);
        assertThat(find(status.getConditions(), Condition.READY).getMessage())
                .contains("ImageBuild is invalid");
    }

    @Test
    void aFailedAttemptKeepsTheEnvironmentsImageAndPhase() {
        Environment environment = new Environment();
        environment.setMetadata(new ObjectMetaBuilder().withName("ds").withGeneration(4L).build());
        EnvironmentStatus previous = new EnvironmentStatus();
        previous.setPhase(EnvironmentPhase.Ready);
        previous.setImage("registry.test/envs@sha256:" + "1".repeat(64));
        environment.setStatus(previous);

        EnvironmentStatus status =
                EnvironmentStatusBuilder.failedAttempt(
                        environment, ReconcileError.of(refused(500, "etcd timeout")), T0);

        assertThat(status.getPhase()).isEqualTo(EnvironmentPhase.Ready);
        assertThat(status.getImage()).isEqualTo(previous.getImage());
        assertThat(find(status.getConditions(), Condition.READY).getStatus())
                .isEqualTo(Condition.FALSE);
        assertThat(environment.getStatus().getConditions())
                .as("the previous status is not changed")
                .isNullOrEmpty();
    }

    @Test
    void aNewWorkloadThatFailsShowsProgressingWithTheError() {
        Workload workload = new Workload();
        workload.setMetadata(new ObjectMetaBuilder().withName("web").withGeneration(2L).build());

        WorkloadStatus status =
                WorkloadStatusBuilder.failedAttempt(
                        workload,
                        ReconcileError.of(
                                workflowFailed(
                                        Map.of(
                                                "deployment",
                                                refused(422, "Deployment is invalid")))),
                        T0);

        assertThat(status.getPhase()).isEqualTo(WorkloadPhase.Progressing);
        assertThat(status.getObservedGeneration()).isEqualTo(2L);
        assertThat(find(status.getConditions(), Condition.READY).getMessage())
                .contains("deployment: Deployment is invalid");
        assertThat(find(status.getConditions(), Condition.STALLED).getStatus())
                .isEqualTo(Condition.TRUE);
    }

    @Test
    void aFailedAttemptLeavesTheImageBuildsPhase() {
        ImageBuild build = new ImageBuild();
        build.setMetadata(
                new ObjectMetaBuilder().withName("ds-0123456789").withGeneration(1L).build());
        ImageBuildStatus previous = new ImageBuildStatus();
        previous.setPhase(ImageBuildPhase.Running);
        previous.setJobName("ds-0123456789");
        build.setStatus(previous);

        ImageBuildStatus status =
                ImageBuildStatusBuilder.failedAttempt(
                        build,
                        ReconcileError.of(
                                workflowFailed(Map.of("job", refused(422, "Job is invalid")))),
                        T0);

        assertThat(status.getPhase()).isEqualTo(ImageBuildPhase.Running);
        assertThat(status.getJobName()).isEqualTo("ds-0123456789");
        assertThat(find(status.getConditions(), Condition.READY).getMessage())
                .contains("job: Job is invalid");
    }
}
