package dev.terrarium.reconciler;

import dev.terrarium.api.BuildFailure;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildPhase;
import dev.terrarium.api.ImageBuildStatus;
import dev.terrarium.api.LockStatus;
import dev.terrarium.build.BuildResultParser;
import dev.terrarium.build.BuilderPod;
import dev.terrarium.build.LockExtractor;
import dev.terrarium.build.LogTail;
import dev.terrarium.build.ResolvedLock;
import dev.terrarium.dependent.BuildContextConfigMapDependent;
import dev.terrarium.dependent.BuildJobDependent;
import dev.terrarium.dependent.BuildJobs;
import dev.terrarium.registry.RegistryAccess;
import dev.terrarium.registry.RegistryException;
import dev.terrarium.scheduling.BuildPlan;
import dev.terrarium.scheduling.BuildQueue;
import dev.terrarium.scheduling.BuildSlots;
import dev.terrarium.support.BuildMetrics;
import dev.terrarium.support.EventRecorder;
import dev.terrarium.support.Labels;
import dev.terrarium.support.Names;
import dev.terrarium.support.StatusComparison;
import dev.terrarium.support.TerrariumConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Reconciles one build attempt: registry first (an image that exists is never built again), then an equal build
 * already done or under way anywhere in the cluster, then a fair build slot, then the build Job; the outcome
 * (digest, lock, or the failure and its log tail) goes into status. A finished ImageBuild never changes again.
 */
@Workflow(dependents = {
        @Dependent(name = "context", type = BuildContextConfigMapDependent.class,
                reconcilePrecondition = BuildJobWanted.class),
        @Dependent(name = "job", type = BuildJobDependent.class, dependsOn = "context",
                reconcilePrecondition = BuildJobWanted.class)
})
@ControllerConfiguration(name = "imagebuild")
public class ImageBuildReconciler implements Reconciler<ImageBuild> {

    private static final Logger LOG = Logger.getLogger(ImageBuildReconciler.class);

    /** How often a waiting build looks again, in case a wake-up was missed (an operator restart, a lost event). */
    static final Duration QUEUE_RECHECK = Duration.ofSeconds(30);
    static final Duration REGISTRY_RETRY = Duration.ofSeconds(30);
    /** The whole log is read for the lock; builds print far less, this bounds a runaway one. */
    static final int MAX_LOG_BYTES = 8 * 1024 * 1024;

    private final BuildSlots slots;
    private final RegistryAccess registry;
    private final EventRecorder events;
    private final BuildMetrics metrics;
    private final BuildQueue.Limits limits;
    private final Clock clock;
    private final SimpleInboundEventSource<ImageBuild> wakeUps = new SimpleInboundEventSource<>("build-queue");

    public ImageBuildReconciler(BuildSlots slots, RegistryAccess registry, EventRecorder events,
            BuildMetrics metrics, TerrariumConfig config) {
        this.slots = slots;
        this.registry = registry;
        this.events = events;
        this.metrics = metrics;
        this.limits = new BuildQueue.Limits(config.builds().maxConcurrent(), config.builds().maxPerNamespace());
        this.clock = Clock.systemUTC();
    }

    @Override
    public List<EventSource<?, ImageBuild>> prepareEventSources(EventSourceContext<ImageBuild> context) {
        var pods = InformerEventSourceConfiguration.from(Pod.class, ImageBuild.class)
                .withName("build-pods")
                .withLabelSelector(Labels.MANAGED_SELECTOR + "," + Labels.IMAGE_BUILD)
                .withSecondaryToPrimaryMapper(pod -> Set.of(new ResourceID(
                        pod.getMetadata().getLabels().get(Labels.IMAGE_BUILD), pod.getMetadata().getNamespace())))
                .build();
        return List.of(new InformerEventSource<>(pods, context), wakeUps);
    }

    @Override
    public UpdateControl<ImageBuild> reconcile(ImageBuild build, Context<ImageBuild> context) {
        ImageBuildPhase phase = build.getStatus() == null ? null : build.getStatus().getPhase();
        if (phase == ImageBuildPhase.Succeeded || phase == ImageBuildPhase.Failed) {
            return UpdateControl.noUpdate();
        }
        if (phase == ImageBuildPhase.Running) {
            return observeBuild(build, context);
        }
        return decide(build, context);
    }

    private UpdateControl<ImageBuild> decide(ImageBuild build, Context<ImageBuild> context) {
        Instant now = clock.instant();
        if (build.getStatus() == null || build.getStatus().getPhase() == null) {
            try {
                Optional<String> existing = registry.existingDigest(build);
                if (existing.isPresent()) {
                    LockStatus lock = lockFromImage(build, existing.get(), context.getClient());
                    return finish(build, ImageBuildStatusBuilder.succeeded(build, existing.get(), true, null, lock,
                            now), context);
                }
            } catch (RegistryException e) {
                LOG.infof("registry lookup for %s failed: %s", BuildPlan.key(build), e.getMessage());
                return record(build, ImageBuildStatusBuilder.queued(build, null, "RegistryUnavailable",
                        "Cannot ask the registry whether " + BuildPlan.target(build) + " exists: " + e.getMessage()
                                + " Retrying.", now), context).rescheduleAfter(REGISTRY_RETRY);
            }
        }
        Collection<ImageBuild> all = latestBuilds(context);
        BuildPlan.Decision decision = slots.decide(build, all, limits);
        metrics.queue((int) all.stream().filter(b -> b.getStatus() == null || b.getStatus().getPhase() == null
                || b.getStatus().getPhase() == ImageBuildPhase.Queued).count(),
                (int) all.stream().filter(b -> b.getStatus() != null
                        && b.getStatus().getPhase() == ImageBuildPhase.Running).count());
        if (decision instanceof BuildPlan.Reuse reuse) {
            ImageBuild source = reuse.source();
            LockStatus lock = copyLock(build, source, context.getClient());
            return finish(build, ImageBuildStatusBuilder.succeeded(build, source.getStatus().getDigest(), true,
                    BuildPlan.key(source), lock, now), context);
        }
        if (decision instanceof BuildPlan.Follow follow) {
            return record(build, ImageBuildStatusBuilder.queued(build, BuildPlan.key(follow.leader()), "SharedBuild",
                    "Waiting for the equal build " + BuildPlan.key(follow.leader()) + " and will take its image.",
                    now), context).rescheduleAfter(QUEUE_RECHECK);
        }
        if (decision instanceof BuildPlan.Wait wait) {
            return record(build, ImageBuildStatusBuilder.queued(build, null, "WaitingForBuildSlot",
                    "Waiting for a build slot: " + wait.running() + " of " + wait.limit() + " builds run in the "
                            + "cluster (at most " + limits.maxPerNamespace() + " per namespace).", now), context)
                    .rescheduleAfter(QUEUE_RECHECK);
        }
        try {
            BuildJobs.builderPod(build);
        } catch (IllegalArgumentException e) {
            return finish(build, ImageBuildStatusBuilder.failed(build, ImageBuildStatusBuilder.failure("InvalidBuild",
                    "The build cannot be generated: " + e.getMessage(), null, null), null, now), context);
        }
        // The status write is filtered as our own, so ask for the next round, in which the workflow makes the Job.
        return record(build, ImageBuildStatusBuilder.running(build, build.getMetadata().getName(), now), context)
                .reschedule();
    }

    private UpdateControl<ImageBuild> observeBuild(ImageBuild build, Context<ImageBuild> context) {
        Instant now = clock.instant();
        Optional<Job> job = context.getSecondaryResource(Job.class);
        Optional<Pod> pod = context.getSecondaryResources(Pod.class).stream()
                .max(java.util.Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()));
        Optional<ContainerStatus> builder = pod.flatMap(ImageBuildReconciler::builderStatus);
        if (job.isEmpty()) {
            return UpdateControl.noUpdate();
        }
        Optional<ContainerStateWaiting> pullFailure = builder.map(s -> s.getState().getWaiting())
                .filter(w -> "ImagePullBackOff".equals(w.getReason()) || "ErrImagePull".equals(w.getReason())
                        || "InvalidImageName".equals(w.getReason()));
        if (pullFailure.isPresent()) {
            context.getClient().resource(job.get()).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
            return finish(build, ImageBuildStatusBuilder.failed(build, ImageBuildStatusBuilder.failure(
                    "ImagePullBackOff", "The builder image " + build.getSpec().getBuild().getBuilderImage()
                            + " cannot be pulled: " + pullFailure.get().getMessage(), null, null), null, now),
                    context);
        }
        JobCondition failed = condition(job.get(), "Failed");
        if (condition(job.get(), "Complete") != null) {
            return succeeded(build, pod, builder, context, now);
        }
        if (failed != null) {
            return finish(build, ImageBuildStatusBuilder.failed(build, failure(failed, pod, builder,
                    context.getClient()), null, now), context);
        }
        String podName = pod.map(p -> p.getMetadata().getName()).orElse(null);
        if (podName != null && !podName.equals(build.getStatus().getPodName())) {
            return record(build, ImageBuildStatusBuilder.podObserved(build, podName, now), context);
        }
        return UpdateControl.noUpdate();
    }

    private UpdateControl<ImageBuild> succeeded(ImageBuild build, Optional<Pod> pod,
            Optional<ContainerStatus> builder, Context<ImageBuild> context, Instant now) {
        String message = builder.map(s -> s.getState().getTerminated()).map(ContainerStateTerminated::getMessage)
                .orElse(null);
        String digest;
        try {
            digest = BuildResultParser.digest(message);
        } catch (IllegalArgumentException e) {
            return finish(build, ImageBuildStatusBuilder.failed(build, ImageBuildStatusBuilder.failure("NoDigest",
                    "The build finished but reported no image digest: " + e.getMessage(), 0,
                    pod.map(p -> tail(context.getClient(), p)).orElse(null)), null, now), context);
        }
        // The lock step prints the lock; a builder that reused that step from its layer cache prints nothing,
        // and then the lock is read from the pushed image, where the step wrote it.
        LockStatus lock = pod.map(p -> readLog(context.getClient(), p))
                .flatMap(log -> LockExtractor.extract(log, build.getSpec().getSpecHash(),
                        build.getSpec().getResolved().getManager()))
                .map(found -> storeLock(build, found.text(), found.packages(), context.getClient()))
                .orElseGet(() -> lockFromImage(build, digest, context.getClient()));
        return finish(build, ImageBuildStatusBuilder.succeeded(build, digest, false, null, lock, now), context);
    }

    private BuildFailure failure(JobCondition failed, Optional<Pod> pod, Optional<ContainerStatus> builder,
            KubernetesClient client) {
        Optional<ContainerStateTerminated> terminated = builder.map(s -> s.getState().getTerminated());
        String logTail = pod.map(p -> tail(client, p)).orElse(null);
        Integer exitCode = terminated.map(ContainerStateTerminated::getExitCode).orElse(null);
        if ("DeadlineExceeded".equals(failed.getReason())) {
            return ImageBuildStatusBuilder.failure("DeadlineExceeded", "The build ran longer than its timeout of "
                    + failed.getMessage() + ".", exitCode, logTail);
        }
        if (terminated.map(t -> "OOMKilled".equals(t.getReason())).orElse(false)) {
            return ImageBuildStatusBuilder.failure("OOMKilled", "The builder ran out of memory (exit code "
                    + exitCode + "); raise build.resources.limits.memory.", exitCode, logTail);
        }
        return ImageBuildStatusBuilder.failure("Error", "The builder exited with code " + exitCode
                + (failed.getMessage() != null ? " (" + failed.getMessage() + ")" : "") + ".", exitCode, logTail);
    }

    private static Optional<ContainerStatus> builderStatus(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getContainerStatuses().stream()
                .filter(s -> BuilderPod.CONTAINER_NAME.equals(s.getName()) && s.getState() != null).findFirst();
    }

    private static JobCondition condition(Job job, String type) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) {
            return null;
        }
        return job.getStatus().getConditions().stream()
                .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus())).findFirst().orElse(null);
    }

    private static String readLog(KubernetesClient client, Pod pod) {
        try {
            return client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .inContainer(BuilderPod.CONTAINER_NAME).limitBytes(MAX_LOG_BYTES).getLog();
        } catch (KubernetesClientException e) {
            LOG.infof("cannot read the build log of %s: %s", pod.getMetadata().getName(), e.getMessage());
            return "";
        }
    }

    private static String tail(KubernetesClient client, Pod pod) {
        String log = readLog(client, pod);
        return log.isEmpty() ? "(the build log is empty or unavailable)" : LogTail.last(log, 40);
    }

    private LockStatus lockFromImage(ImageBuild build, String digest, KubernetesClient client) {
        try {
            return registry.lockInImage(build, digest)
                    .map(text -> storeLock(build, text, LockExtractor.countPackages(text,
                            build.getSpec().getResolved().getManager()), client))
                    .orElse(null);
        } catch (RegistryException e) {
            LOG.infof("cannot read the lock from %s: %s", digest, e.getMessage());
            return null;
        }
    }

    /** An equal build's lock, copied so that this build's record stands alone when the other is deleted. */
    private static LockStatus copyLock(ImageBuild build, ImageBuild source, KubernetesClient client) {
        if (source.getStatus().getLock() == null) {
            return null;
        }
        ConfigMap lock = client.configMaps().inNamespace(source.getMetadata().getNamespace())
                .withName(source.getStatus().getLock().getConfigMap()).get();
        if (lock == null || lock.getData() == null || lock.getData().get("lock") == null) {
            return null;
        }
        return storeLock(build, lock.getData().get("lock"), source.getStatus().getLock().getPackages(), client);
    }

    private static LockStatus storeLock(ImageBuild build, String text, int packages, KubernetesClient client) {
        String name = Names.buildLock(build.getMetadata().getName());
        ConfigMap lock = new ConfigMapBuilder()
                .withNewMetadata().withName(name).withNamespace(build.getMetadata().getNamespace())
                .withLabels(Labels.forBuildLock(build.getSpec().getEnvironment(), build.getMetadata().getName()))
                .addNewOwnerReference().withApiVersion(build.getApiVersion()).withKind(build.getKind())
                .withName(build.getMetadata().getName()).withUid(build.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true).endOwnerReference()
                .endMetadata()
                .withImmutable(true)
                .withData(Map.of("lock", text))
                .build();
        client.resource(lock).fieldManager("imagebuild").forceConflicts().serverSideApply();
        return new LockStatus(name, packages);
    }

    /** A final status, and a wake-up for the builds that this one's end lets go: its followers and the queue. */
    private UpdateControl<ImageBuild> finish(ImageBuild build, ImageBuildStatus status, Context<ImageBuild> context) {
        metrics.finished(result(status), status.getStartTime() == null ? null
                : Duration.between(Instant.parse(status.getStartTime()), Instant.parse(status.getCompletionTime())));
        if (status.getPhase() == ImageBuildPhase.Failed) {
            events.warning(build, "BuildFailed", status.getFailure().getReason() + ": "
                    + status.getFailure().getMessage());
        }
        UpdateControl<ImageBuild> recorded = record(build, status, context);
        wakeWaitingBuilds(build, context);
        return recorded;
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
     * Writes the status unless it is unchanged. The write goes through the operator SDK's primary cache, so that
     * builds woken right after it (followers, the queue) already see this one's new phase.
     */
    private static UpdateControl<ImageBuild> record(ImageBuild build, ImageBuildStatus status,
            Context<ImageBuild> context) {
        if (!StatusComparison.same(build.getStatus(), status)) {
            ImageBuild applied = new ImageBuild();
            applied.setMetadata(new ObjectMetaBuilder().withName(build.getMetadata().getName())
                    .withNamespace(build.getMetadata().getNamespace()).build());
            applied.setStatus(status);
            context.resourceOperations().serverSideApplyPrimaryStatus(applied);
        }
        return UpdateControl.noUpdate();
    }

    /** Every ImageBuild as last written: the informer's copy, or this operator's own newer status write. */
    private static List<ImageBuild> latestBuilds(Context<ImageBuild> context) {
        var cache = context.getPrimaryCache();
        return cache.list().map(b -> cache.get(ResourceID.fromResource(b)).orElse(b)).toList();
    }

    private void wakeWaitingBuilds(ImageBuild build, Context<ImageBuild> context) {
        List<ImageBuild> all = latestBuilds(context);
        String target = BuildPlan.target(build);
        List<ResourceID> waiting = new ArrayList<>();
        all.stream().filter(b -> !BuildPlan.key(b).equals(BuildPlan.key(build)) && target.equals(BuildPlan.target(b))
                && (b.getStatus() == null || b.getStatus().getPhase() == ImageBuildPhase.Queued
                        || b.getStatus().getPhase() == null))
                .forEach(b -> waiting.add(ResourceID.fromResource(b)));
        slots.admissible(all, limits).forEach(w -> waiting.add(new ResourceID(w.name(), w.namespace())));
        waiting.forEach(wakeUps::propagateEvent);
    }
}
