package dev.terrarium.reconciler;

import dev.terrarium.api.Condition;
import dev.terrarium.api.Environment;
import dev.terrarium.api.Workload;
import dev.terrarium.api.WorkloadMode;
import dev.terrarium.api.WorkloadPhase;
import dev.terrarium.api.WorkloadStatus;
import dev.terrarium.dependent.WorkloadClaimDependent;
import dev.terrarium.dependent.WorkloadDeploymentDependent;
import dev.terrarium.dependent.WorkloadJobDependent;
import dev.terrarium.dependent.WorkloadServiceDependent;
import dev.terrarium.kube.ContainerStates;
import dev.terrarium.kube.JobConditions;
import dev.terrarium.kube.PodLogs;
import dev.terrarium.operator.EventRecorder;
import dev.terrarium.status.Conditions;
import dev.terrarium.status.ReconcileError;
import dev.terrarium.status.StatusComparison;
import dev.terrarium.status.WorkloadStatusBuilder;
import dev.terrarium.status.WorkloadStatusBuilder.JobOutcome;
import dev.terrarium.status.WorkloadStatusBuilder.Observation;
import dev.terrarium.workload.WorkloadImage;
import dev.terrarium.workload.WorkloadJobs;
import dev.terrarium.workload.WorkloadPods;
import dev.terrarium.workload.WorkloadRuntime;
import dev.terrarium.workload.WorkloadSecondaries;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reconciles a Workload into a Deployment and Service (mode: Service) or a Job (mode: Job).
 *
 * <p>Writes outside its workflow, and why: it deletes the Jobs of superseded templates (a changed
 * command or image makes a Job of another name, and the workflow only knows the current one), and
 * it records events on phase transitions and failed attempts. Its status goes back through {@code
 * patchStatus}. While the cluster lacks the RuntimeClass the pods ask for, nothing is created,
 * changed or deleted, and the Workload looks for it again every {@link #RUNTIME_CLASS_RECHECK}.
 */
@Workflow(
        dependents = {
            @Dependent(
                    name = "deployment",
                    type = WorkloadDeploymentDependent.class,
                    reconcilePrecondition = WorkloadPreconditions.RunsAsService.class),
            @Dependent(
                    name = "claim",
                    type = WorkloadClaimDependent.class,
                    reconcilePrecondition = WorkloadPreconditions.MakesClaim.class),
            @Dependent(
                    name = "service",
                    type = WorkloadServiceDependent.class,
                    reconcilePrecondition = WorkloadPreconditions.PublishesPorts.class),
            @Dependent(
                    name = "job",
                    type = WorkloadJobDependent.class,
                    reconcilePrecondition = WorkloadPreconditions.RunsAsJob.class)
        })
@ControllerConfiguration(name = "workload")
public class WorkloadReconciler implements Reconciler<Workload> {

    static final String BY_ENVIRONMENT = "workload-by-environment";

    /**
     * A RuntimeClass that does not exist yet is looked for again this often: the operator does not
     * watch them.
     */
    static final Duration RUNTIME_CLASS_RECHECK = Duration.ofSeconds(20);

    private final EventRecorder events;
    private final WorkloadRuntime runtime;
    private final Clock clock = Clock.systemUTC();

    public WorkloadReconciler(EventRecorder events, WorkloadRuntime runtime) {
        this.events = events;
        this.runtime = runtime;
    }

    @Override
    public List<EventSource<?, Workload>> prepareEventSources(
            EventSourceContext<Workload> context) {
        var workloads = context.getPrimaryCache();
        workloads.addIndexer(
                BY_ENVIRONMENT,
                workload ->
                        workload.getSpec().getEnvironment() == null
                                ? List.of()
                                : List.of(
                                        indexKey(
                                                workload.getMetadata().getNamespace(),
                                                workload.getSpec().getEnvironment())));
        // Both directions: the index finds the Workloads of a changed Environment; the Workload
        // names its
        // Environment, so a Workload created after its Environment settled still finds it.
        var environments =
                InformerEventSourceConfiguration.from(Environment.class, Workload.class)
                        .withPrimaryToSecondaryMapper(
                                (Workload workload) ->
                                        workload.getSpec().getEnvironment() == null
                                                ? Set.<ResourceID>of()
                                                : Set.of(
                                                        new ResourceID(
                                                                workload.getSpec().getEnvironment(),
                                                                workload.getMetadata()
                                                                        .getNamespace())))
                        .withSecondaryToPrimaryMapper(
                                environment ->
                                        workloads
                                                .byIndex(
                                                        BY_ENVIRONMENT,
                                                        indexKey(
                                                                environment
                                                                        .getMetadata()
                                                                        .getNamespace(),
                                                                environment
                                                                        .getMetadata()
                                                                        .getName()))
                                                .stream()
                                                .map(ResourceID::fromResource)
                                                .collect(Collectors.toSet()))
                        .build();
        return List.of(new InformerEventSource<>(environments, context));
    }

    private static String indexKey(String namespace, String environment) {
        return namespace + "/" + environment;
    }

    @Override
    public UpdateControl<Workload> reconcile(Workload workload, Context<Workload> context) {
        Optional<Environment> environment = WorkloadSecondaries.environment(context);
        Optional<WorkloadImage> image = WorkloadImage.resolve(workload, environment);
        Optional<Deployment> deployment = context.getSecondaryResource(Deployment.class);
        Optional<String> runtimeClassMissing =
                WorkloadSecondaries.runtimeClassMissing(workload, context, runtime);
        Optional<String> wantedJob =
                runtimeClassMissing.isPresent() ? Optional.empty() : wantedJob(workload, image);
        wantedJob.ifPresent(name -> deleteSupersededJobs(name, context));
        Optional<Job> job =
                wantedJob.flatMap(
                        name ->
                                context.getSecondaryResources(Job.class).stream()
                                        .filter(j -> name.equals(j.getMetadata().getName()))
                                        .findFirst());
        JobOutcome outcome = job.map(j -> jobOutcome(workload, j, context)).orElse(JobOutcome.NONE);

        WorkloadStatus previous = workload.getStatus();
        WorkloadStatus next =
                WorkloadStatusBuilder.build(
                        new Observation(
                                workload,
                                environment,
                                image,
                                deployment,
                                job,
                                outcome,
                                runtimeClassMissing),
                        clock.instant());
        announce(workload, previous, next, image);
        UpdateControl<Workload> control;
        if (StatusComparison.same(previous, next)) {
            control = UpdateControl.noUpdate();
        } else {
            workload.setStatus(next);
            control = UpdateControl.patchStatus(workload);
        }
        return runtimeClassMissing.isPresent()
                ? control.rescheduleAfter(RUNTIME_CLASS_RECHECK)
                : control;
    }

    /**
     * A failed attempt (a Deployment, Service or Job the API server refused, an unreachable server)
     * shows as Ready=False with the server's message and one Warning event, from the first attempt
     * on, while the operator SDK retries.
     */
    @Override
    public ErrorStatusUpdateControl<Workload> updateErrorStatus(
            Workload workload, Context<Workload> context, Exception e) {
        ReconcileError error = ReconcileError.of(e);
        WorkloadStatus previous = workload.getStatus();
        if (!error.reportedIn(previous == null ? null : previous.getConditions())) {
            events.warning(workload, ReconcileError.REASON, error.message());
        }
        WorkloadStatus next = WorkloadStatusBuilder.failedAttempt(workload, error, clock.instant());
        if (StatusComparison.same(previous, next)) {
            return ErrorStatusUpdateControl.noStatusUpdate();
        }
        workload.setStatus(next);
        return ErrorStatusUpdateControl.patchStatus(workload);
    }

    /** The name of the Job of the current template, for a Workload in Job mode with an image. */
    private Optional<String> wantedJob(Workload workload, Optional<WorkloadImage> image) {
        if (workload.getSpec().getMode() != WorkloadMode.Job) {
            return Optional.empty();
        }
        return image.map(i -> WorkloadJobs.name(workload, i, runtime));
    }

    /**
     * Jobs of earlier templates (a changed command or image) run what the Workload no longer says.
     */
    private static void deleteSupersededJobs(String wanted, Context<Workload> context) {
        context.getSecondaryResources(Job.class).stream()
                .filter(j -> !wanted.equals(j.getMetadata().getName()))
                .forEach(
                        superseded ->
                                context.getClient()
                                        .resource(superseded)
                                        .withPropagationPolicy(DeletionPropagation.BACKGROUND)
                                        .delete());
    }

    /**
     * The exit code and, for a failure, the log tail of a finished Job, read from its pod once: a
     * status that already holds them for this image keeps them, so a Workload at rest reads
     * nothing.
     */
    private static JobOutcome jobOutcome(Workload workload, Job job, Context<Workload> context) {
        if (!JobConditions.finished(job)) {
            return JobOutcome.NONE;
        }
        WorkloadStatus previous = workload.getStatus();
        String image = job.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
        if (previous != null
                && previous.getExitCode() != null
                && image.equals(previous.getImage())
                && (previous.getPhase() == WorkloadPhase.Succeeded
                        || previous.getPhase() == WorkloadPhase.Failed)) {
            return new JobOutcome(previous.getExitCode(), previous.getLogTail());
        }
        List<Pod> pods =
                context.getClient()
                        .pods()
                        .inNamespace(job.getMetadata().getNamespace())
                        .withLabel("job-name", job.getMetadata().getName())
                        .list()
                        .getItems();
        Optional<Pod> last = ContainerStates.newest(pods);
        Integer exitCode =
                last.flatMap(pod -> ContainerStates.of(pod, WorkloadPods.CONTAINER))
                        .map(s -> s.getState().getTerminated())
                        .map(ContainerStateTerminated::getExitCode)
                        .orElse(null);
        boolean failed = exitCode != null && exitCode != 0;
        String logTail =
                failed
                        ? last.map(
                                        pod ->
                                                PodLogs.tail(
                                                        context.getClient(),
                                                        pod,
                                                        WorkloadPods.CONTAINER))
                                .orElse(null)
                        : null;
        return new JobOutcome(exitCode, logTail);
    }

    private void announce(
            Workload workload,
            WorkloadStatus previous,
            WorkloadStatus next,
            Optional<WorkloadImage> image) {
        WorkloadPhase before = previous == null ? null : previous.getPhase();
        WorkloadPhase after = next.getPhase();
        String deployed = previous == null ? null : previous.getImage();
        if (image.isPresent()
                && deployed != null
                && !deployed.equals(image.get().image())
                && after == WorkloadPhase.Progressing
                && before != WorkloadPhase.Progressing) {
            events.normal(
                    workload,
                    "RolloutStarted",
                    "Rolling out " + image.get().image() + " (was " + deployed + ").");
        }
        if (before == after) {
            return;
        }
        switch (after) {
            case Running -> events.normal(workload, "Running", "Running " + next.getImage() + ".");
            case Stopped -> events.normal(workload, "Stopped", "Stopped.");
            case Succeeded -> events.normal(workload, "Succeeded", "The Job ran to completion.");
            case Failed ->
                    events.warning(
                            workload,
                            "Failed",
                            "The Job failed with exit code " + next.getExitCode() + ".");
            case Degraded -> events.warning(workload, "Degraded", readyMessage(next));
            default -> {}
        }
    }

    private static String readyMessage(WorkloadStatus status) {
        Condition ready = Conditions.find(status.getConditions(), Condition.READY);
        return ready == null ? "" : ready.getMessage();
    }
}
