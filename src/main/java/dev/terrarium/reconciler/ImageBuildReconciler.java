package dev.terrarium.reconciler;

import dev.terrarium.api.Environment;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildPhase;
import dev.terrarium.api.ImageBuildStatus;
import dev.terrarium.api.LockStatus;
import dev.terrarium.builder.BuildJobs;
import dev.terrarium.builder.BuildOutcome;
import dev.terrarium.builder.BuildPlacement;
import dev.terrarium.builder.BuilderPod;
import dev.terrarium.buildlogs.BuildLogStore;
import dev.terrarium.dependent.BuildContextConfigMapDependent;
import dev.terrarium.dependent.BuildCredentialsSecretDependent;
import dev.terrarium.dependent.BuildJobDependent;
import dev.terrarium.dependent.BuildPushSecretDependent;
import dev.terrarium.kube.ContainerStates;
import dev.terrarium.kube.JobEvents;
import dev.terrarium.kube.LogTail;
import dev.terrarium.kube.PodLogs;
import dev.terrarium.locks.LockStore;
import dev.terrarium.naming.Labels;
import dev.terrarium.operator.BuildMetrics;
import dev.terrarium.operator.EventRecorder;
import dev.terrarium.operator.TerrariumConfig;
import dev.terrarium.records.CacheHitRule;
import dev.terrarium.records.ImageTrust;
import dev.terrarium.registry.RegistryException;
import dev.terrarium.resolution.EnvironmentResolution;
import dev.terrarium.scheduling.BuildPlan;
import dev.terrarium.scheduling.BuildQueue;
import dev.terrarium.scheduling.BuildSlots;
import dev.terrarium.signing.ImageSigner;
import dev.terrarium.status.ImageBuildStatusBuilder;
import dev.terrarium.status.ReconcileError;
import dev.terrarium.status.StatusComparison;
import dev.terrarium.trust.BuildTrust;
import dev.terrarium.trust.TrustedBuilds;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
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
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Reconciles one build attempt: only one the operator made ({@link BuildTrust}: anything else fails
 * as {@code Untrusted}, unbuilt), registry first (an image that the operator's record or signature
 * vouches for, {@link CacheHitRule}, is never built again), then an equal build already done or
 * under way anywhere in the cluster, then a fair build slot, then the build Job; the outcome
 * (digest, lock, or the failure and its log tail) goes into status. A finished ImageBuild never
 * changes again.
 *
 * <p>The workflow makes the build's context, Job and the copy of its push secret where builds run
 * ({@link BuildPlacement}): in the operator's build namespace, mapped back by annotations and
 * deleted through the ImageBuild's finalizer, or beside the ImageBuild and owned by it.
 *
 * <p>Writes outside its workflow, and why:
 *
 * <ul>
 *   <li>its own status, through the operator SDK's primary cache rather than by returning {@code
 *       patchStatus}, so that the builds it wakes right after (followers, the queue) already see
 *       its new phase;
 *   <li>the build's lock ConfigMap ({@link LockStore}) and log ConfigMap ({@link BuildLogStore}),
 *       once, when the build ends: their content comes from the build log or the image, which the
 *       workflow's desired state cannot know;
 *   <li>the deletion of a build Job whose pod can never start (its image cannot be pulled), which
 *       would otherwise wait until its deadline;
 *   <li>the operator's {@link dev.terrarium.records.ImageRecord} of a build that pushed (or of an
 *       image taken on its signature), in the operator's own namespace, and the build's cosign
 *       signature in the registry, signed with the operator's key ({@link ImageTrust}): nothing
 *       else vouches for an image;
 *   <li>Warning events on failures, on an image found under the hash tag and not taken ({@code
 *       UnverifiedImage}), on a signature that could not be written ({@code SigningFailed}), and on
 *       a failed reconcile attempt ({@link #updateErrorStatus}).
 * </ul>
 */
@Workflow(
        dependents = {
            @Dependent(
                    name = ImageBuildReconciler.PUSH_SECRET,
                    type = BuildPushSecretDependent.class,
                    activationCondition = BuildsApart.class,
                    reconcilePrecondition = PushSecretCopyWanted.class),
            @Dependent(
                    name = ImageBuildReconciler.CREDENTIALS,
                    type = BuildCredentialsSecretDependent.class,
                    activationCondition = BuildsApart.class,
                    reconcilePrecondition = CredentialsSecretWanted.class),
            @Dependent(
                    name = "context",
                    type = BuildContextConfigMapDependent.class,
                    reconcilePrecondition = BuildJobWanted.class),
            @Dependent(
                    name = "job",
                    type = BuildJobDependent.class,
                    dependsOn = "context",
                    reconcilePrecondition = BuildJobWanted.class)
        })
@ControllerConfiguration(name = "imagebuild")
public class ImageBuildReconciler implements Reconciler<ImageBuild> {

    private static final Logger LOG = Logger.getLogger(ImageBuildReconciler.class);

    /** The workflow's names of its two Secret dependents. */
    static final String PUSH_SECRET = "push-secret";

    static final String CREDENTIALS = "credentials";
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /**
     * How often a waiting build looks again, in case a wake-up was missed (an operator restart, a
     * lost event).
     */
    static final Duration QUEUE_RECHECK = Duration.ofSeconds(30);

    static final Duration REGISTRY_RETRY = Duration.ofSeconds(30);
    static final Duration NO_POD_RECHECK = Duration.ofSeconds(3);

    /** How often a running build's log tail in status is refreshed, at most. */
    static final Duration LOG_REFRESH = Duration.ofSeconds(15);

    /** The whole log is read for the lock; builds print far less, this bounds a runaway one. */
    static final int MAX_LOG_BYTES = 8 * 1024 * 1024;

    private final BuildSlots slots;
    private final ImageTrust images;
    private final LockStore locks;
    private final BuildLogStore logs;
    private final EventRecorder events;
    private final BuildMetrics metrics;
    private final BuildQueue.Limits limits;
    private final Clock clock;
    private final TrustedBuilds trust;
    private final Duration podStartTimeout;
    private final BuildPlacement placement;
    private final SimpleInboundEventSource<ImageBuild> wakeUps =
            new SimpleInboundEventSource<>("build-queue");

    public ImageBuildReconciler(
            BuildSlots slots,
            ImageTrust images,
            LockStore locks,
            BuildLogStore logs,
            EventRecorder events,
            BuildMetrics metrics,
            BuildPlacement placement,
            TerrariumConfig config) {
        this.slots = slots;
        this.images = images;
        this.locks = locks;
        this.logs = logs;
        this.events = events;
        this.metrics = metrics;
        this.limits =
                new BuildQueue.Limits(
                        config.builds().maxConcurrent(), config.builds().maxPerNamespace());
        this.clock = Clock.systemUTC();
        this.trust = new TrustedBuilds(EnvironmentResolution.builderImages(config));
        this.podStartTimeout = config.builds().podStartTimeout();
        this.placement = placement;
    }

    /**
     * Build pods, to follow a build as it runs. In the build namespace (and only there: the
     * operator watches no other pods for builds) a pod's labels name its ImageBuild's namespace; in
     * single-team mode it is the pod's own.
     */
    @Override
    public List<EventSource<?, ImageBuild>> prepareEventSources(
            EventSourceContext<ImageBuild> context) {
        var pods =
                InformerEventSourceConfiguration.from(Pod.class, ImageBuild.class)
                        .withName("build-pods")
                        .withLabelSelector(Labels.MANAGED_SELECTOR + "," + Labels.IMAGE_BUILD)
                        .withSecondaryToPrimaryMapper(pod -> Set.of(imageBuildOf(pod)));
        if (placement.separate()) {
            pods.withNamespaces(Set.of(placement.buildNamespace()));
        }
        return List.of(new InformerEventSource<>(pods.build(), context), wakeUps);
    }

    static ResourceID imageBuildOf(Pod pod) {
        var labels = pod.getMetadata().getLabels();
        return new ResourceID(
                labels.get(Labels.IMAGE_BUILD),
                labels.getOrDefault(
                        Labels.IMAGE_BUILD_NAMESPACE, pod.getMetadata().getNamespace()));
    }

    @Override
    public UpdateControl<ImageBuild> reconcile(ImageBuild build, Context<ImageBuild> context) {
        ImageBuildPhase phase = build.getStatus() == null ? null : build.getStatus().getPhase();
        if (phase == ImageBuildPhase.Succeeded || phase == ImageBuildPhase.Failed) {
            // The workflow deletes a finished build's push secret copy and netrc Secret; a deletion
            // that found one not yet in its cache (a busy informer) is tried again until it is
            // gone.
            boolean copyLeft = secretsLeft(build, context);
            return copyLeft
                    ? UpdateControl.<ImageBuild>noUpdate().rescheduleAfter(NO_POD_RECHECK)
                    : UpdateControl.noUpdate();
        }
        if (phase == ImageBuildPhase.Running) {
            return observeBuild(build, context);
        }
        return decide(build, context);
    }

    /**
     * A failed attempt (a context or Job the API server refused, an unreachable server) shows as
     * Ready=False with the server's message and one Warning event, from the first attempt on, while
     * the operator SDK retries. A finished build keeps its final status.
     */
    @Override
    public ErrorStatusUpdateControl<ImageBuild> updateErrorStatus(
            ImageBuild build, Context<ImageBuild> context, Exception e) {
        ImageBuildStatus previous = build.getStatus();
        ImageBuildPhase phase = previous == null ? null : previous.getPhase();
        if (phase == ImageBuildPhase.Succeeded || phase == ImageBuildPhase.Failed) {
            return ErrorStatusUpdateControl.noStatusUpdate();
        }
        ReconcileError error = ReconcileError.of(e);
        if (!error.reportedIn(previous == null ? null : previous.getConditions())) {
            events.warning(build, ReconcileError.REASON, error.message());
        }
        ImageBuildStatus next =
                ImageBuildStatusBuilder.failedAttempt(build, error, clock.instant());
        if (StatusComparison.same(previous, next)) {
            return ErrorStatusUpdateControl.noStatusUpdate();
        }
        return ErrorStatusUpdateControl.patchStatus(statusOnly(build, next));
    }

    private UpdateControl<ImageBuild> decide(ImageBuild build, Context<ImageBuild> context) {
        Instant now = clock.instant();
        boolean first = build.getStatus() == null || build.getStatus().getPhase() == null;
        Optional<String> distrust =
                trust.distrust(build)
                        .or(
                                () ->
                                        !first
                                                ? Optional.empty()
                                                : BuildTrust.distrustOwner(
                                                        build,
                                                        context.getClient()
                                                                .resources(Environment.class)
                                                                .inNamespace(
                                                                        build.getMetadata()
                                                                                .getNamespace())
                                                                .withName(
                                                                        build.getSpec()
                                                                                .getEnvironment())
                                                                .get()));
        if (distrust.isPresent()) {
            return finish(
                    build,
                    ImageBuildStatusBuilder.failed(
                            build,
                            ImageBuildStatusBuilder.failure(
                                    BuildTrust.REASON,
                                    distrust.get() + " Nothing is built for it.",
                                    null,
                                    null),
                            null,
                            now),
                    context);
        }
        if (first) {
            try {
                CacheHitRule.Decision found = images.lookUp(build);
                if (found instanceof CacheHitRule.Hit hit) {
                    LockStatus lock = locks.fromImage(build, hit.digest());
                    return finish(
                            build,
                            ImageBuildStatusBuilder.succeeded(
                                    build, hit.digest(), true, null, lock, now),
                            context);
                }
                if (found instanceof CacheHitRule.Rebuild rebuild) {
                    events.warning(build, CacheHitRule.UNVERIFIED, rebuild.message());
                }
            } catch (RegistryException e) {
                LOG.infof(
                        "registry lookup for %s failed: %s", BuildPlan.key(build), e.getMessage());
                return record(
                                build,
                                ImageBuildStatusBuilder.queued(
                                        build,
                                        null,
                                        "RegistryUnavailable",
                                        "Cannot ask the registry whether "
                                                + build.getSpec().target()
                                                + " exists: "
                                                + e.getMessage()
                                                + " Retrying.",
                                        now),
                                context)
                        .rescheduleAfter(REGISTRY_RETRY);
            }
        }
        // Only builds the operator made can be a source or a leader for another namespace.
        // ... and only those whose image the operator's own record names can lend it.
        Collection<ImageBuild> all =
                images.withoutUnrecordedSources(
                        build, latestBuilds(context).stream().filter(trust::trusted).toList());
        BuildPlan.Decision decision = slots.decide(build, all, limits);
        metrics.queue(
                (int)
                        all.stream()
                                .filter(
                                        b ->
                                                b.getStatus() == null
                                                        || b.getStatus().getPhase() == null
                                                        || b.getStatus().getPhase()
                                                                == ImageBuildPhase.Queued)
                                .count(),
                (int)
                        all.stream()
                                .filter(
                                        b ->
                                                b.getStatus() != null
                                                        && b.getStatus().getPhase()
                                                                == ImageBuildPhase.Running)
                                .count());
        if (decision instanceof BuildPlan.Reuse reuse) {
            ImageBuild source = reuse.source();
            LockStatus lock = locks.copyOf(build, source);
            return finish(
                    build,
                    ImageBuildStatusBuilder.succeeded(
                            build,
                            source.getStatus().getDigest(),
                            true,
                            BuildPlan.key(source),
                            lock,
                            now),
                    context);
        }
        if (decision instanceof BuildPlan.Follow follow) {
            return record(
                            build,
                            ImageBuildStatusBuilder.queued(
                                    build,
                                    BuildPlan.key(follow.leader()),
                                    "SharedBuild",
                                    "Waiting for the equal build "
                                            + BuildPlan.key(follow.leader())
                                            + " and will take its image.",
                                    now),
                            context)
                    .rescheduleAfter(QUEUE_RECHECK);
        }
        if (decision instanceof BuildPlan.Wait wait) {
            return record(
                            build,
                            ImageBuildStatusBuilder.queued(
                                    build,
                                    null,
                                    "WaitingForBuildSlot",
                                    "Waiting for a build slot: "
                                            + wait.running()
                                            + " of "
                                            + wait.limit()
                                            + " builds run in the "
                                            + "cluster (at most "
                                            + limits.maxPerNamespace()
                                            + " per namespace).",
                                    now),
                            context)
                    .rescheduleAfter(QUEUE_RECHECK);
        }
        Optional<String> caBundleMissing = caBundleMissing(build, context);
        if (caBundleMissing.isPresent()) {
            return record(
                            build,
                            ImageBuildStatusBuilder.queued(
                                    build, null, "CABundleMissing", caBundleMissing.get(), now),
                            context)
                    .rescheduleAfter(QUEUE_RECHECK);
        }
        if (BuildJobs.prepare(build, placement) instanceof BuildJobs.Refused refused) {
            return finish(
                    build,
                    ImageBuildStatusBuilder.failed(
                            build,
                            ImageBuildStatusBuilder.failure(
                                    "InvalidBuild",
                                    "The build cannot be generated: " + refused.message(),
                                    null,
                                    null),
                            null,
                            now),
                    context);
        }
        // The status write is filtered as our own, so ask for the next round, in which the workflow
        // makes the Job.
        return record(
                        build,
                        ImageBuildStatusBuilder.running(build, placement.jobName(build), now),
                        context)
                .reschedule();
    }

    private UpdateControl<ImageBuild> observeBuild(ImageBuild build, Context<ImageBuild> context) {
        Optional<Job> job = context.getSecondaryResource(Job.class);
        if (job.isEmpty()) {
            return UpdateControl.noUpdate();
        }
        Set<Pod> pods = context.getSecondaryResources(Pod.class);
        Instant now = clock.instant();
        BuildOutcome outcome =
                BuildOutcome.of(job.get(), pods, build.getSpec().getBuild().getBuilderImage());
        if (outcome instanceof BuildOutcome.Running running) {
            Optional<BuildOutcome> refused =
                    running.podName() != null
                            ? Optional.empty()
                            : JobEvents.failedCreate(context.getClient(), job.get())
                                    .map(message -> BuildOutcome.podRefused(job.get(), message));
            outcome =
                    refused.or(
                                    () ->
                                            BuildOutcome.notStarted(
                                                            job.get(), pods, podStartTimeout, now)
                                                    .map(BuildOutcome.class::cast))
                            .orElse(outcome);
        }
        if (outcome instanceof BuildOutcome.Succeeded succeeded) {
            // The lock step prints the lock; when the pod's log is gone (its node was lost), the
            // lock is read from the pushed image, where the step wrote it.
            Optional<String> log =
                    wholeLog(pods, succeeded.podName(), BuilderPod.BUILD_CONTAINER, context);
            LockStatus lock =
                    log.flatMap(text -> locks.fromLog(build, text))
                            .orElseGet(() -> locks.fromImage(build, succeeded.digest()));
            images.recordBuilt(build, succeeded.digest());
            sign(build, succeeded.digest());
            ImageBuildStatus status =
                    ImageBuildStatusBuilder.succeeded(
                            build, succeeded.digest(), false, null, lock, now);
            log.ifPresent(text -> keepLog(build, status, text));
            return finish(build, status, context);
        }
        if (outcome instanceof BuildOutcome.Failed failed) {
            if (failed.stopJob()) {
                context.getClient()
                        .resource(job.get())
                        .withPropagationPolicy(DeletionPropagation.BACKGROUND)
                        .delete();
            }
            String logTail =
                    podNamed(pods, failed.logPod())
                            .map(
                                    pod ->
                                            PodLogs.tail(
                                                    context.getClient(),
                                                    pod,
                                                    failed.logContainer()))
                            .orElse(null);
            ImageBuildStatus status =
                    ImageBuildStatusBuilder.failed(
                            build,
                            ImageBuildStatusBuilder.failure(
                                    failed.reason(), failed.message(), failed.exitCode(), logTail),
                            null,
                            now);
            wholeLog(pods, failed.logPod(), failed.logContainer(), context)
                    .filter(text -> !text.isEmpty())
                    .ifPresent(text -> keepLog(build, status, text));
            return finish(build, status, context);
        }
        String podName = ((BuildOutcome.Running) outcome).podName();
        if (podName == null) {
            // A pod event ends this wait; without one, the Job's events are read again shortly (the
            // Job controller
            // reports a refused pod within seconds) and at the limit the Job counts as refused
            // anyway.
            Instant limit =
                    Instant.parse(job.get().getMetadata().getCreationTimestamp())
                            .plus(podStartTimeout);
            Duration untilLimit = Duration.between(now, limit).plusSeconds(1);
            return UpdateControl.<ImageBuild>noUpdate()
                    .rescheduleAfter(
                            untilLimit.compareTo(NO_POD_RECHECK) < 0 ? untilLimit : NO_POD_RECHECK);
        }
        // A pod no node takes changes nothing the operator watches until one does: look again at
        // the limit.
        if (unscheduled(pods)) {
            return podName.equals(build.getStatus().getPodName())
                    ? UpdateControl.<ImageBuild>noUpdate().rescheduleAfter(podStartTimeout)
                    : record(
                                    build,
                                    ImageBuildStatusBuilder.podObserved(build, podName, now),
                                    context)
                            .rescheduleAfter(podStartTimeout);
        }
        if (!podName.equals(build.getStatus().getPodName())) {
            record(build, ImageBuildStatusBuilder.podObserved(build, podName, now), context);
        }
        // The log tail in status is what tenants see of a running build (its Job may run where
        // they cannot read): refreshed on this timer, which bounds the writes per build. A merge
        // patch of that one field: a whole status written from a copy the cache had not yet
        // brought up to date could set a finished build back to Running.
        Optional<Pod> pod = podNamed(pods, podName).filter(ImageBuildReconciler::started);
        Optional<String> tail =
                pod.flatMap(
                        p -> PodLogs.lastLines(context.getClient(), p, BuilderPod.BUILD_CONTAINER));
        tail.filter(text -> !text.equals(build.getStatus().getLogTail()))
                .ifPresent(text -> patchLogTail(build, text, context));
        return UpdateControl.<ImageBuild>noUpdate()
                .rescheduleAfter(pod.isPresent() && tail.isEmpty() ? NO_POD_RECHECK : LOG_REFRESH);
    }

    private static void patchLogTail(ImageBuild build, String tail, Context<ImageBuild> context) {
        context.getClient()
                .resources(ImageBuild.class)
                .inNamespace(build.getMetadata().getNamespace())
                .withName(build.getMetadata().getName())
                .subresource("status")
                .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        SERIALIZATION.asJson(Map.of("status", Map.of("logTail", tail))));
    }

    /** The build step has started, so it has a log; the pod stays Pending while it runs. */
    private static boolean started(Pod pod) {
        return ContainerStates.of(pod, BuilderPod.BUILD_CONTAINER)
                .map(ContainerStatus::getState)
                .filter(state -> state.getRunning() != null || state.getTerminated() != null)
                .isPresent();
    }

    private static Optional<String> wholeLog(
            Set<Pod> pods, String podName, String container, Context<ImageBuild> context) {
        return podNamed(pods, podName)
                .flatMap(pod -> PodLogs.read(context.getClient(), pod, container, MAX_LOG_BYTES));
    }

    /**
     * The finished build's log, kept beside it (its Job and pod go, by retention or with the build
     * namespace's cleanup), and its final tail in status.
     */
    private void keepLog(ImageBuild build, ImageBuildStatus status, String log) {
        try {
            status.setLogConfigMap(logs.store(build, log));
        } catch (KubernetesClientException e) {
            LOG.infof("cannot keep the log of %s: %s", BuildPlan.key(build), e.getMessage());
        }
        status.setLogTail(LogTail.last(log, PodLogs.LINES));
    }

    /**
     * Signs the pushed image. A signature that cannot be written does not fail the build: the
     * record already vouches for the image in this cluster; the Warning event says what is missing
     * for verifiers outside it.
     */
    private void sign(ImageBuild build, String digest) {
        try {
            ImageSigner.Result signed = images.sign(build, digest);
            LOG.debugf("signed %s: %s", signed.signatures(), signed.outcome());
        } catch (RegistryException | IllegalStateException | KubernetesClientException e) {
            events.warning(
                    build,
                    "SigningFailed",
                    "The image "
                            + build.getSpec().getRepository()
                            + "@"
                            + digest
                            + " was built but not signed: "
                            + e.getMessage());
        }
    }

    private static boolean unscheduled(Set<Pod> pods) {
        return pods.stream()
                .anyMatch(p -> p.getSpec() != null && p.getSpec().getNodeName() == null);
    }

    private static Optional<Pod> podNamed(Set<Pod> pods, String name) {
        return pods.stream().filter(p -> p.getMetadata().getName().equals(name)).findFirst();
    }

    /**
     * A final status, and a wake-up for the builds that this one's end lets go: its followers and
     * the queue.
     */
    private UpdateControl<ImageBuild> finish(
            ImageBuild build, ImageBuildStatus status, Context<ImageBuild> context) {
        metrics.finished(
                result(status),
                status.getStartTime() == null
                        ? null
                        : Duration.between(
                                Instant.parse(status.getStartTime()),
                                Instant.parse(status.getCompletionTime())));
        if (status.getPhase() == ImageBuildPhase.Failed) {
            events.warning(
                    build,
                    "BuildFailed",
                    status.getFailure().getReason() + ": " + status.getFailure().getMessage());
        }
        UpdateControl<ImageBuild> recorded = record(build, status, context);
        wakeWaitingBuilds(build, context);
        // The status write is filtered as our own: one more round lets the workflow see the end
        // and delete the copy of the push secret.
        return placement.pushSecretCopy(build).isPresent()
                        || placement.credentialsSecret(build).isPresent()
                ? recorded.reschedule()
                : recorded;
    }

    /**
     * Whether a Secret of a finished build (the copy of its push secret, its netrc) is still where
     * it ran. Both informers see both Secrets of a build, so they are told apart by name.
     */
    private boolean secretsLeft(ImageBuild build, Context<ImageBuild> context) {
        Set<String> names = new HashSet<>();
        placement.pushSecretCopy(build).ifPresent(names::add);
        placement.credentialsSecret(build).ifPresent(names::add);
        return !names.isEmpty()
                && context.getSecondaryResources(Secret.class).stream()
                        .anyMatch(secret -> names.contains(secret.getMetadata().getName()));
    }

    private static String result(ImageBuildStatus status) {
        if (status.getPhase() == ImageBuildPhase.Failed) {
            return "failed";
        }
        if (!Boolean.TRUE.equals(status.getCacheHit())) {
            return "succeeded";
        }
        return status.getSharedBuild() != null ? "shared" : "cache_hit";
    }

    /**
     * Writes the status unless it is unchanged. The write goes through the operator SDK's primary
     * cache, so that builds woken right after it (followers, the queue) already see this one's new
     * phase.
     */
    private static UpdateControl<ImageBuild> record(
            ImageBuild build, ImageBuildStatus status, Context<ImageBuild> context) {
        if (!StatusComparison.same(build.getStatus(), status)) {
            context.resourceOperations().serverSideApplyPrimaryStatus(statusOnly(build, status));
        }
        return UpdateControl.noUpdate();
    }

    /**
     * The status to apply, under the build's name alone: no resourceVersion, so an apply never
     * conflicts.
     */
    private static ImageBuild statusOnly(ImageBuild build, ImageBuildStatus status) {
        ImageBuild applied = new ImageBuild();
        applied.setMetadata(
                new ObjectMetaBuilder()
                        .withName(build.getMetadata().getName())
                        .withNamespace(build.getMetadata().getNamespace())
                        .build());
        applied.setStatus(status);
        return applied;
    }

    /**
     * Every ImageBuild as last written: the informer's copy, or this operator's own newer status
     * write.
     */
    private static List<ImageBuild> latestBuilds(Context<ImageBuild> context) {
        var cache = context.getPrimaryCache();
        return cache.list().map(b -> cache.get(ResourceID.fromResource(b)).orElse(b)).toList();
    }

    /**
     * Whether the CA bundle the build trusts is missing; read only for a build about to start, so
     * an operator at rest reads nothing.
     */
    private Optional<String> caBundleMissing(ImageBuild build, Context<ImageBuild> context) {
        String name =
                build.getSpec().getBuild() == null
                        ? null
                        : build.getSpec().getBuild().getCaBundle();
        if (name == null) {
            return Optional.empty();
        }
        return BuildJobs.caBundleMissing(
                build,
                placement,
                context.getClient()
                        .configMaps()
                        .inNamespace(placement.namespace(build))
                        .withName(name)
                        .get());
    }

    private void wakeWaitingBuilds(ImageBuild build, Context<ImageBuild> context) {
        List<ImageBuild> all = latestBuilds(context);
        String target = build.getSpec().target();
        List<ResourceID> waiting = new ArrayList<>();
        all.stream()
                .filter(
                        b ->
                                !BuildPlan.key(b).equals(BuildPlan.key(build))
                                        && target.equals(b.getSpec().target())
                                        && (b.getStatus() == null
                                                || b.getStatus().getPhase()
                                                        == ImageBuildPhase.Queued
                                                || b.getStatus().getPhase() == null))
                .forEach(b -> waiting.add(ResourceID.fromResource(b)));
        slots.admissible(all, limits)
                .forEach(w -> waiting.add(new ResourceID(w.name(), w.namespace())));
        waiting.forEach(wakeUps::propagateEvent);
    }
}
