package dev.terrarium.reconciler;

import dev.terrarium.api.Condition;
import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentPhase;
import dev.terrarium.api.EnvironmentStatus;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildPhase;
import dev.terrarium.api.Retention;
import dev.terrarium.dependent.BuilderServiceAccountDependent;
import dev.terrarium.dependent.EnvironmentLockConfigMapDependent;
import dev.terrarium.dependent.ImageBuildDependent;
import dev.terrarium.naming.Labels;
import dev.terrarium.operator.EventRecorder;
import dev.terrarium.registry.RegistryAccess;
import dev.terrarium.registry.RegistryException;
import dev.terrarium.resolution.EnvironmentImages;
import dev.terrarium.resolution.EnvironmentLocks;
import dev.terrarium.resolution.EnvironmentResolution;
import dev.terrarium.resolution.EnvironmentResolver;
import dev.terrarium.resolution.ImageTags;
import dev.terrarium.status.Conditions;
import dev.terrarium.status.EnvironmentStatusBuilder;
import dev.terrarium.status.ReconcileError;
import dev.terrarium.status.StatusComparison;
import io.fabric8.kubernetes.api.model.ConfigMap;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reconciles an Environment: validates and normalises its spec, makes (or follows) the ImageBuild
 * of its content hash, moves status.image only when a build succeeded, publishes the lock, and
 * deletes builds past retention. Not generation-aware: the terrarium.dev/rebuild annotation changes
 * no generation but must start a new build.
 *
 * <p>Writes outside its workflow, and why: the Environment's tags in the registry (a manifest PUT
 * each, with the build's push credentials), once its current spec's build succeeded and only for
 * tags that status does not already show at that digest and the registry does not have there;
 * Normal events for moved tags, Warning events for failed attempts and refused specs; the deletion
 * of builds past retention.
 */
@Workflow(
        dependents = {
            // Not a parent of the ImageBuild: an inactive parent would delete it. The account is
            // made in the same round as the ImageBuild, long before that build's Job.
            @Dependent(
                    name = "builder-account",
                    type = BuilderServiceAccountDependent.class,
                    activationCondition = BuildsBesideEnvironments.class,
                    reconcilePrecondition = EnvironmentPreconditions.SpecResolved.class),
            @Dependent(
                    name = "imagebuild",
                    type = ImageBuildDependent.class,
                    reconcilePrecondition = EnvironmentPreconditions.SpecResolved.class),
            @Dependent(
                    name = "lock",
                    type = EnvironmentLockConfigMapDependent.class,
                    reconcilePrecondition = EnvironmentPreconditions.LockKnown.class)
        })
@ControllerConfiguration(name = "environment", generationAwareEventProcessing = false)
public class EnvironmentReconciler implements Reconciler<Environment> {

    static final String BY_SOURCE = "environment-by-configmap";

    /**
     * A fromConfigMap source that does not exist yet is looked for again this often (it may not be
     * watched).
     */
    static final Duration SOURCE_RECHECK = Duration.ofSeconds(60);

    /** Tags that the registry did not take are tried again this often. */
    static final Duration TAG_RETRY = Duration.ofSeconds(30);

    private final EnvironmentResolver resolver;
    private final EventRecorder events;
    private final RegistryAccess registry;
    private final Clock clock = Clock.systemUTC();

    public EnvironmentReconciler(
            EnvironmentResolver resolver, EventRecorder events, RegistryAccess registry) {
        this.resolver = resolver;
        this.events = events;
        this.registry = registry;
    }

    @Override
    public List<EventSource<?, Environment>> prepareEventSources(
            EventSourceContext<Environment> context) {
        var environments = context.getPrimaryCache();
        environments.addIndexer(
                BY_SOURCE,
                env ->
                        env.getSpec() == null || env.getSpec().getFromConfigMap() == null
                                ? List.of()
                                : List.of(
                                        env.getMetadata().getNamespace()
                                                + "/"
                                                + env.getSpec().getFromConfigMap().getName()));
        var sources =
                InformerEventSourceConfiguration.from(ConfigMap.class, Environment.class)
                        .withName("watched-sources")
                        .withLabelSelector(Labels.WATCH + "=true")
                        .withPrimaryToSecondaryMapper(
                                (Environment env) ->
                                        env.getSpec() == null
                                                        || env.getSpec().getFromConfigMap() == null
                                                ? Set.<ResourceID>of()
                                                : Set.of(
                                                        new ResourceID(
                                                                env.getSpec()
                                                                        .getFromConfigMap()
                                                                        .getName(),
                                                                env.getMetadata().getNamespace())))
                        .withSecondaryToPrimaryMapper(
                                cm ->
                                        environments
                                                .byIndex(
                                                        BY_SOURCE,
                                                        cm.getMetadata().getNamespace()
                                                                + "/"
                                                                + cm.getMetadata().getName())
                                                .stream()
                                                .map(ResourceID::fromResource)
                                                .collect(Collectors.toSet()))
                        .build();
        var buildLocks =
                InformerEventSourceConfiguration.from(ConfigMap.class, Environment.class)
                        .withName("build-locks")
                        .withLabelSelector(
                                Labels.MANAGED_SELECTOR + "," + Labels.COMPONENT + "=lock")
                        .withSecondaryToPrimaryMapper(
                                cm ->
                                        Set.of(
                                                new ResourceID(
                                                        cm.getMetadata()
                                                                .getLabels()
                                                                .get(Labels.ENVIRONMENT),
                                                        cm.getMetadata().getNamespace())))
                        .build();
        return List.of(
                new InformerEventSource<>(sources, context),
                new InformerEventSource<>(buildLocks, context));
    }

    @Override
    public UpdateControl<Environment> reconcile(
            Environment environment, Context<Environment> context) {
        EnvironmentResolution resolution = resolver.resolve(environment, context);
        Set<ImageBuild> builds = context.getSecondaryResources(ImageBuild.class);
        Optional<ImageBuild> current =
                builds.stream()
                        .filter(b -> b.getMetadata().getName().equals(resolution.buildName()))
                        .findFirst();
        Optional<ImageBuild> imageBuild =
                EnvironmentImages.imageBuild(environment, resolution.buildName(), builds);
        Optional<EnvironmentLocks.Lock> lock =
                EnvironmentLocks.current(environment, resolution.buildName(), context);

        EnvironmentStatus previous = environment.getStatus();
        EnvironmentStatus next =
                EnvironmentStatusBuilder.build(
                        new EnvironmentStatusBuilder.Observation(
                                environment, resolution, current, imageBuild, lock),
                        clock.instant());
        boolean tagged = tag(environment, current, previous, next);
        deleteBeyondRetention(environment, builds, resolution, imageBuild, context);
        announce(environment, previous, next, current);

        UpdateControl<Environment> control =
                StatusComparison.same(previous, next)
                        ? UpdateControl.noUpdate()
                        : UpdateControl.patchStatus(withStatus(environment, next));
        if (resolution.missingSource() != null) {
            control.rescheduleAfter(SOURCE_RECHECK);
        } else if (!tagged) {
            control.rescheduleAfter(TAG_RETRY);
        } else if (imageChanged(previous, next)) {
            // The lock ConfigMap follows status.image; our own status write does not trigger a
            // reconcile.
            control.reschedule();
        }
        return control;
    }

    /**
     * A failed attempt (a write the API server refused, an unreachable server) shows as Ready=False
     * with the server's message and one Warning event, from the first attempt on, while the
     * operator SDK retries.
     */
    @Override
    public ErrorStatusUpdateControl<Environment> updateErrorStatus(
            Environment environment, Context<Environment> context, Exception e) {
        ReconcileError error = ReconcileError.of(e);
        EnvironmentStatus previous = environment.getStatus();
        if (!error.reportedIn(previous == null ? null : previous.getConditions())) {
            events.warning(environment, ReconcileError.REASON, error.message());
        }
        EnvironmentStatus next =
                EnvironmentStatusBuilder.failedAttempt(environment, error, clock.instant());
        return StatusComparison.same(previous, next)
                ? ErrorStatusUpdateControl.noStatusUpdate()
                : ErrorStatusUpdateControl.patchStatus(withStatus(environment, next));
    }

    /**
     * Points the spec's tags at the current spec's image once its build succeeded (built or found
     * in the registry), and lists them in {@code next}. A tag is looked up only when status does
     * not show it at that digest, and written only when the registry does not have it there.
     *
     * @return false when the registry refused a lookup or a tag, to be tried again
     */
    private boolean tag(
            Environment environment,
            Optional<ImageBuild> current,
            EnvironmentStatus previous,
            EnvironmentStatus next) {
        List<String> wanted = ImageTags.wanted(environment);
        String repository =
                environment.getSpec().getOutput() == null
                        ? null
                        : environment.getSpec().getOutput().getImage();
        var recorded = previous == null ? null : previous.getTags();
        Optional<ImageBuild> built =
                current.filter(
                        b ->
                                b.getStatus() != null
                                        && b.getStatus().getPhase() == ImageBuildPhase.Succeeded
                                        && b.getStatus().getDigest() != null
                                        && b.getSpec().getRepository().equals(repository));
        if (wanted.isEmpty() || built.isEmpty()) {
            next.setTags(
                    wanted.isEmpty()
                            ? null
                            : ImageTags.status(
                                    wanted, repository, Optional.empty(), Set.of(), recorded));
            return true;
        }
        ImageBuild build = built.get();
        String digest = build.getStatus().getDigest();
        List<String> toCheck = ImageTags.toCheck(wanted, repository, digest, recorded);
        Set<String> atDigest = new HashSet<>(wanted);
        atDigest.removeAll(toCheck);
        boolean complete = true;
        try {
            Map<String, String> inRegistry = new HashMap<>();
            for (String tag : toCheck) {
                registry.tagDigest(build, tag).ifPresent(d -> inRegistry.put(tag, d));
            }
            for (String tag : toCheck) {
                if (digest.equals(inRegistry.get(tag))) {
                    atDigest.add(tag);
                }
            }
            for (ImageTags.Move move : ImageTags.moves(toCheck, digest, inRegistry)) {
                registry.moveTag(build, digest, move.tag());
                atDigest.add(move.tag());
                events.normal(
                        environment,
                        "TagMoved",
                        repository
                                + ":"
                                + move.tag()
                                + " now points at "
                                + digest
                                + (move.from() == null
                                        ? " (a new tag)."
                                        : " (was " + move.from() + ")."));
            }
        } catch (RegistryException e) {
            complete = false;
            events.warning(
                    environment,
                    "TagFailed",
                    "Cannot point the tags of "
                            + repository
                            + " at "
                            + digest
                            + ": "
                            + e.getMessage()
                            + " Retrying.");
        }
        next.setTags(ImageTags.status(wanted, repository, Optional.of(digest), atDigest, recorded));
        return complete;
    }

    private static boolean imageChanged(EnvironmentStatus previous, EnvironmentStatus next) {
        String before = previous == null ? null : previous.getImage();
        return next.getImage() != null && !next.getImage().equals(before);
    }

    private static void deleteBeyondRetention(
            Environment environment,
            Set<ImageBuild> builds,
            EnvironmentResolution resolution,
            Optional<ImageBuild> imageBuild,
            Context<Environment> context) {
        Set<String> keep = new HashSet<>();
        if (resolution.buildName() != null) {
            keep.add(resolution.buildName());
        }
        imageBuild.ifPresent(b -> keep.add(b.getMetadata().getName()));
        if (!resolution.valid()) {
            // Never prune while the spec is refused: the user may be mid-edit, and nothing replaces
            // the builds.
            return;
        }
        Retention retention = environment.getSpec().getRetention();
        int successful =
                retention != null && retention.getSuccessful() != null
                        ? retention.getSuccessful()
                        : RetentionPolicy.DEFAULT_SUCCESSFUL;
        int failed =
                retention != null && retention.getFailed() != null
                        ? retention.getFailed()
                        : RetentionPolicy.DEFAULT_FAILED;
        for (ImageBuild old : RetentionPolicy.toDelete(builds, successful, failed, keep)) {
            context.getClient().resource(old).delete();
        }
    }

    private void announce(
            Environment environment,
            EnvironmentStatus previous,
            EnvironmentStatus next,
            Optional<ImageBuild> current) {
        EnvironmentPhase before = previous == null ? null : previous.getPhase();
        String beforeBuild = previous == null ? null : previous.getLatestBuild();
        boolean sameBuild =
                next.getLatestBuild() != null && next.getLatestBuild().equals(beforeBuild);
        if (sameBuild && before == next.getPhase()) {
            return;
        }
        String build = next.getLatestBuild();
        switch (next.getPhase()) {
            case Building -> {
                if (!(sameBuild && before == EnvironmentPhase.Building)) {
                    events.normal(
                            environment,
                            "BuildStarted",
                            "Building ImageBuild "
                                    + build
                                    + " for spec "
                                    + next.getSpecHash().substring(0, 12)
                                    + ".");
                }
            }
            case Ready -> {
                boolean cacheHit =
                        current.map(b -> Boolean.TRUE.equals(b.getStatus().getCacheHit()))
                                .orElse(false);
                events.normal(
                        environment,
                        cacheHit ? "CacheHit" : "BuildSucceeded",
                        (cacheHit ? "Image found, no build needed: " : "Built ")
                                + next.getImage()
                                + " ("
                                + build
                                + ").");
            }
            case Failed ->
                    events.warning(
                            environment,
                            "BuildFailed",
                            "ImageBuild "
                                    + build
                                    + " failed; the "
                                    + "previous image stays in use.");
            case Invalid ->
                    events.warning(
                            environment,
                            "InvalidSpec",
                            Conditions.find(next.getConditions(), Condition.READY).getMessage());
            default -> {}
        }
    }

    private static Environment withStatus(Environment environment, EnvironmentStatus status) {
        environment.setStatus(status);
        return environment;
    }
}
