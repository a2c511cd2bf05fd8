package dev.terrarium.status;

import dev.terrarium.api.Condition;
import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentPhase;
import dev.terrarium.api.EnvironmentStatus;
import dev.terrarium.api.Workload;
import dev.terrarium.api.WorkloadMode;
import dev.terrarium.api.WorkloadPhase;
import dev.terrarium.api.WorkloadPort;
import dev.terrarium.api.WorkloadStatus;
import dev.terrarium.status.Conditions.Health;
import dev.terrarium.workload.WorkloadImage;
import dev.terrarium.workload.WorkloadPods;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The status of a Workload from what was observed. Pure: the same observation gives the same
 * status.
 */
public final class WorkloadStatusBuilder {

    /**
     * What the reconciler saw of a Workload and its children; {@code runtimeClassMissing} says why
     * no pods can be made when the cluster lacks the RuntimeClass they ask for.
     */
    public record Observation(
            Workload workload,
            Optional<Environment> environment,
            Optional<WorkloadImage> image,
            Optional<Deployment> deployment,
            Optional<Job> job,
            JobOutcome jobOutcome,
            Optional<String> runtimeClassMissing) {

        public Observation(
                Workload workload,
                Optional<Environment> environment,
                Optional<WorkloadImage> image,
                Optional<Deployment> deployment,
                Optional<Job> job,
                JobOutcome jobOutcome) {
            this(workload, environment, image, deployment, job, jobOutcome, Optional.empty());
        }
    }

    /**
     * The exit code and log tail of a finished Job's container, read once when the Job finished.
     */
    public record JobOutcome(Integer exitCode, String logTail) {
        public static final JobOutcome NONE = new JobOutcome(null, null);
    }

    private record Verdict(WorkloadPhase phase, Health health, String reason, String message) {}

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private WorkloadStatusBuilder() {}

    public static WorkloadStatus build(Observation seen, Instant now) {
        Workload workload = seen.workload();
        long generation = workload.getMetadata().getGeneration();
        WorkloadStatus previous =
                workload.getStatus() != null ? workload.getStatus() : new WorkloadStatus();
        WorkloadStatus status = new WorkloadStatus();
        status.setObservedGeneration(generation);
        status.setImage(previous.getImage());

        Verdict verdict;
        if (seen.image().isEmpty()) {
            verdict = waitingForEnvironment(workload, seen.environment());
        } else if (seen.runtimeClassMissing().isPresent()) {
            verdict =
                    new Verdict(
                            WorkloadPhase.Degraded,
                            Health.STALLED,
                            "RuntimeClassNotFound",
                            seen.runtimeClassMissing().get());
        } else if (workload.getSpec().getMode() == WorkloadMode.Job) {
            verdict = job(seen, status);
        } else {
            verdict = service(seen, status);
            status.setEndpoint(endpoint(workload));
            status.setSelector(WorkloadPods.selectorString(workload.getMetadata().getName()));
        }
        status.setPhase(verdict.phase());
        String message = verdict.message();
        if (verdict.health() == Health.READY) {
            message += environmentNote(workload, seen.environment(), status.getImage());
        }
        status.setConditions(
                Conditions.merge(
                        previous.getConditions(),
                        Conditions.kstatus(generation, verdict.health(), verdict.reason(), message),
                        now));
        return status;
    }

    /**
     * The status after a reconcile attempt failed: what the last good round found stays (the image,
     * replicas, endpoint), the conditions report the error, and a new Workload shows Progressing.
     */
    public static WorkloadStatus failedAttempt(
            Workload workload, ReconcileError error, Instant now) {
        long generation =
                workload.getMetadata().getGeneration() == null
                        ? 1
                        : workload.getMetadata().getGeneration();
        WorkloadStatus status =
                workload.getStatus() == null
                        ? new WorkloadStatus()
                        : SERIALIZATION.clone(workload.getStatus());
        if (status.getPhase() == null) {
            status.setPhase(WorkloadPhase.Progressing);
        }
        status.setObservedGeneration(generation);
        status.setConditions(error.conditions(status.getConditions(), generation, now));
        return status;
    }

    private static Verdict waitingForEnvironment(
            Workload workload, Optional<Environment> environment) {
        String name = workload.getSpec().getEnvironment();
        if (environment.isEmpty()) {
            return new Verdict(
                    WorkloadPhase.WaitingForEnvironment,
                    Health.RECONCILING,
                    "EnvironmentNotFound",
                    "Environment "
                            + name
                            + " does not exist in this namespace; waiting for it to be created.");
        }
        EnvironmentStatus envStatus = environment.get().getStatus();
        EnvironmentPhase phase = envStatus == null ? null : envStatus.getPhase();
        if (phase == EnvironmentPhase.Invalid || phase == EnvironmentPhase.Failed) {
            Condition ready = Conditions.find(envStatus.getConditions(), Condition.READY);
            return new Verdict(
                    WorkloadPhase.WaitingForEnvironment,
                    Health.STALLED,
                    phase == EnvironmentPhase.Invalid ? "EnvironmentInvalid" : "EnvironmentFailed",
                    "Environment "
                            + name
                            + " has no image: "
                            + (ready != null ? ready.getMessage() : phase));
        }
        return new Verdict(
                WorkloadPhase.WaitingForEnvironment,
                Health.RECONCILING,
                "EnvironmentNotReady",
                "Waiting for the first image of Environment "
                        + name
                        + " ("
                        + (phase == null ? "Pending" : phase)
                        + ").");
    }

    private static Verdict service(Observation seen, WorkloadStatus status) {
        Workload workload = seen.workload();
        String wanted = seen.image().get().image();
        if (seen.deployment().isEmpty()) {
            return new Verdict(
                    WorkloadPhase.Progressing,
                    Health.RECONCILING,
                    "Creating",
                    "Creating Deployment " + workload.getMetadata().getName() + ".");
        }
        Deployment deployment = seen.deployment().get();
        DeploymentStatus observed =
                deployment.getStatus() != null ? deployment.getStatus() : new DeploymentStatus();
        int desired =
                deployment.getSpec().getReplicas() != null ? deployment.getSpec().getReplicas() : 1;
        int ready = orZero(observed.getReadyReplicas());
        int updated = orZero(observed.getUpdatedReplicas());
        int total = orZero(observed.getReplicas());
        status.setReplicas(desired);
        status.setReadyReplicas(ready);
        status.setReady(ready + "/" + desired);
        String templateImage =
                deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
        boolean observedCurrent =
                observed.getObservedGeneration() != null
                        && observed.getObservedGeneration()
                                >= deployment.getMetadata().getGeneration();
        boolean rolledOut =
                observedCurrent
                        && templateImage.equals(wanted)
                        && updated >= desired
                        && total == updated
                        && ready >= desired;
        if (rolledOut) {
            status.setImage(templateImage);
        }
        if (Boolean.TRUE.equals(workload.getSpec().getSuspend())) {
            // Not rolledOut: with zero desired it holds as soon as the Deployment controller saw
            // the
            // new generation, while the pods it still counts as updated and ready are being
            // removed.
            boolean stopped = observedCurrent && total == 0 && ready == 0;
            return stopped
                    ? new Verdict(
                            WorkloadPhase.Stopped,
                            Health.READY,
                            "Suspended",
                            "Stopped: scaled to zero.")
                    : new Verdict(
                            WorkloadPhase.Progressing,
                            Health.RECONCILING,
                            "Stopping",
                            "Stopping: " + total + " pods left.");
        }
        DeploymentCondition progressing =
                deployment.getStatus() == null
                        ? null
                        : deployment.getStatus().getConditions().stream()
                                .filter(c -> "Progressing".equals(c.getType()))
                                .findFirst()
                                .orElse(null);
        if (progressing != null
                && "False".equals(progressing.getStatus())
                && "ProgressDeadlineExceeded".equals(progressing.getReason())) {
            return new Verdict(
                    WorkloadPhase.Degraded,
                    Health.STALLED,
                    "ProgressDeadlineExceeded",
                    "The rollout of " + wanted + " made no progress: " + progressing.getMessage());
        }
        if (rolledOut) {
            return new Verdict(
                    WorkloadPhase.Running,
                    Health.READY,
                    "Running",
                    ready + "/" + desired + " pods ready, running " + templateImage + ".");
        }
        boolean rolling = status.getImage() != null && !wanted.equals(status.getImage());
        return new Verdict(
                WorkloadPhase.Progressing,
                Health.RECONCILING,
                rolling ? "RollingOut" : "Progressing",
                (rolling
                                ? "Rolling out " + wanted + " (was " + status.getImage() + "): "
                                : "Starting " + wanted + ": ")
                        + updated
                        + "/"
                        + desired
                        + " updated, "
                        + ready
                        + "/"
                        + desired
                        + " ready.");
    }

    private static Verdict job(Observation seen, WorkloadStatus status) {
        Workload workload = seen.workload();
        if (seen.job().isEmpty()) {
            return new Verdict(
                    WorkloadPhase.Progressing, Health.RECONCILING, "Creating", "Creating the Job.");
        }
        Job job = seen.job().get();
        String image = job.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
        status.setImage(image);
        status.setExitCode(seen.jobOutcome().exitCode());
        String jobName = job.getMetadata().getName();
        if (hasCondition(job, "Complete")) {
            return new Verdict(
                    WorkloadPhase.Succeeded,
                    Health.READY,
                    "Succeeded",
                    "Job " + jobName + " ran to completion.");
        }
        JobCondition failed = condition(job, "Failed");
        if (failed != null) {
            status.setLogTail(seen.jobOutcome().logTail());
            Integer exit = seen.jobOutcome().exitCode();
            return new Verdict(
                    WorkloadPhase.Failed,
                    Health.STALLED,
                    "JobFailed",
                    "Job "
                            + jobName
                            + " failed"
                            + (exit != null ? " with exit code " + exit : "")
                            + ": "
                            + failed.getMessage());
        }
        if (Boolean.TRUE.equals(workload.getSpec().getSuspend())) {
            return new Verdict(
                    WorkloadPhase.Stopped,
                    Health.READY,
                    "Suspended",
                    "Job " + jobName + " is suspended.");
        }
        int active = job.getStatus() != null ? orZero(job.getStatus().getActive()) : 0;
        int ready = job.getStatus() != null ? orZero(job.getStatus().getReady()) : 0;
        if (active > 0 && ready > 0) {
            return new Verdict(
                    WorkloadPhase.Running,
                    Health.RECONCILING,
                    "Running",
                    "Job " + jobName + " is running.");
        }
        return new Verdict(
                WorkloadPhase.Progressing,
                Health.RECONCILING,
                "Starting",
                "Job " + jobName + " is starting.");
    }

    /**
     * Tells a healthy Workload's reader that its Environment moved on without it (building, or
     * failed).
     */
    private static String environmentNote(
            Workload workload, Optional<Environment> environment, String running) {
        if (workload.getSpec().getEnvironment() == null) {
            return "";
        }
        if (environment.isEmpty()) {
            return " Environment "
                    + workload.getSpec().getEnvironment()
                    + " no longer exists; the last image keeps "
                    + "running.";
        }
        EnvironmentStatus envStatus = environment.get().getStatus();
        if (envStatus == null || envStatus.getPhase() == null) {
            return "";
        }
        return switch (envStatus.getPhase()) {
            case Building ->
                    " A newer build of Environment "
                            + workload.getSpec().getEnvironment()
                            + " is in progress ("
                            + envStatus.getLatestBuild()
                            + "); pods stay on "
                            + running
                            + " until it "
                            + "succeeds.";
            case Failed ->
                    " The newer build of Environment "
                            + workload.getSpec().getEnvironment()
                            + " failed ("
                            + envStatus.getLatestBuild()
                            + "); pods stay on "
                            + running
                            + ".";
            case Invalid ->
                    " Environment "
                            + workload.getSpec().getEnvironment()
                            + " has an invalid spec; pods stay "
                            + "on "
                            + running
                            + ".";
            default -> "";
        };
    }

    static String endpoint(Workload workload) {
        List<WorkloadPort> ports = workload.getSpec().getPorts();
        if (ports == null || ports.isEmpty()) {
            return null;
        }
        String host =
                workload.getMetadata().getName()
                        + "."
                        + workload.getMetadata().getNamespace()
                        + ".svc";
        return ports.stream()
                .map(p -> host + ":" + (p.getPort() != null ? p.getPort() : p.getContainerPort()))
                .collect(Collectors.joining(","));
    }

    private static boolean hasCondition(Job job, String type) {
        return condition(job, type) != null;
    }

    private static JobCondition condition(Job job, String type) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) {
            return null;
        }
        return job.getStatus().getConditions().stream()
                .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
                .findFirst()
                .orElse(null);
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }
}
