package dev.terrarium.status;

import dev.terrarium.api.Condition;
import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentPhase;
import dev.terrarium.api.EnvironmentStatus;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildPhase;
import dev.terrarium.api.LockStatus;
import dev.terrarium.naming.Names;
import dev.terrarium.requirements.SpecWarning;
import dev.terrarium.resolution.EnvironmentLocks;
import dev.terrarium.resolution.EnvironmentResolution;
import dev.terrarium.status.Conditions.Health;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The status of an Environment from its resolution and its builds. Pure. */
public final class EnvironmentStatusBuilder {

    /**
     * What the reconciler saw: the resolution, the current spec's build, and the build the image
     * comes from.
     */
    public record Observation(
            Environment environment,
            EnvironmentResolution resolution,
            Optional<ImageBuild> currentBuild,
            Optional<ImageBuild> imageBuild,
            Optional<EnvironmentLocks.Lock> lock) {}

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private EnvironmentStatusBuilder() {}

    public static EnvironmentStatus build(Observation seen, Instant now) {
        Environment environment = seen.environment();
        long generation =
                environment.getMetadata().getGeneration() == null
                        ? 1
                        : environment.getMetadata().getGeneration();
        EnvironmentStatus previous =
                environment.getStatus() != null ? environment.getStatus() : new EnvironmentStatus();
        EnvironmentStatus status = new EnvironmentStatus();
        status.setObservedGeneration(generation);
        status.setImage(previous.getImage());
        status.setImageSpecHash(previous.getImageSpecHash());
        status.setLock(previous.getLock());
        seen.imageBuild()
                .ifPresent(
                        build -> {
                            status.setImage(build.getStatus().getImage());
                            status.setImageSpecHash(build.getSpec().getSpecHash());
                        });
        seen.lock()
                .ifPresent(
                        lock ->
                                status.setLock(
                                        new LockStatus(
                                                Names.environmentLock(
                                                        environment.getMetadata().getName()),
                                                lock.packages())));
        if (seen.imageBuild().isPresent() && seen.lock().isEmpty()) {
            status.setLock(null);
        }

        EnvironmentResolution resolution = seen.resolution();
        Health health;
        String reason;
        String message;
        if (resolution.missingSource() != null) {
            status.setPhase(EnvironmentPhase.Pending);
            health = Health.RECONCILING;
            reason = resolution.missingReason();
            message = resolution.missingSource() + " Waiting for it.";
        } else if (!resolution.valid()) {
            status.setPhase(EnvironmentPhase.Invalid);
            health = Health.STALLED;
            reason = "InvalidSpec";
            message = resolution.violationMessage();
        } else {
            status.setSpecHash(resolution.specHash());
            status.setPython(resolution.resolved().getPython());
            status.setManager(resolution.resolved().getManager().value());
            status.setLatestBuild(resolution.buildName());
            ImageBuild build = seen.currentBuild().orElse(null);
            ImageBuildPhase phase =
                    build == null || build.getStatus() == null
                            ? null
                            : build.getStatus().getPhase();
            String buildMessage = phase == null ? null : readyMessage(build);
            if (phase == ImageBuildPhase.Succeeded) {
                status.setPhase(EnvironmentPhase.Ready);
                health = Health.READY;
                reason =
                        Boolean.TRUE.equals(build.getStatus().getCacheHit()) ? "CacheHit" : "Built";
                message = "Image " + build.getStatus().getImage() + " is ready.";
            } else if (phase == ImageBuildPhase.Failed) {
                status.setPhase(EnvironmentPhase.Failed);
                health = Health.STALLED;
                reason = "BuildFailed";
                message =
                        "ImageBuild "
                                + build.getMetadata().getName()
                                + " failed: "
                                + build.getStatus().getFailure().getReason()
                                + ": "
                                + build.getStatus().getFailure().getMessage()
                                + keptImage(status);
            } else if (phase == ImageBuildPhase.Queued || phase == ImageBuildPhase.Running) {
                status.setPhase(EnvironmentPhase.Building);
                health = Health.RECONCILING;
                reason = phase == ImageBuildPhase.Queued ? "Queued" : "Building";
                message =
                        "ImageBuild "
                                + build.getMetadata().getName()
                                + ": "
                                + buildMessage
                                + keptImage(status);
            } else {
                status.setPhase(EnvironmentPhase.Pending);
                health = Health.RECONCILING;
                reason = "BuildPending";
                message = "Creating ImageBuild " + resolution.buildName() + ".";
            }
        }
        List<Condition> conditions =
                new ArrayList<>(Conditions.kstatus(generation, health, reason, message));
        if (resolution.warnings() != null && !resolution.warnings().isEmpty()) {
            conditions.add(
                    Conditions.of(
                            Condition.WARNING,
                            true,
                            resolution.warnings().get(0).reason(),
                            resolution.warnings().stream()
                                            .map(SpecWarning::message)
                                            .collect(Collectors.joining(". "))
                                    + ".",
                            generation));
        }
        status.setConditions(Conditions.merge(previous.getConditions(), conditions, now));
        return status;
    }

    /**
     * The status after a reconcile attempt failed: everything the last good round found stays (the
     * image in use, the build, the lock), the conditions report the error, and a new Environment
     * shows Pending.
     */
    public static EnvironmentStatus failedAttempt(
            Environment environment, ReconcileError error, Instant now) {
        long generation =
                environment.getMetadata().getGeneration() == null
                        ? 1
                        : environment.getMetadata().getGeneration();
        EnvironmentStatus status =
                environment.getStatus() == null
                        ? new EnvironmentStatus()
                        : SERIALIZATION.clone(environment.getStatus());
        if (status.getPhase() == null) {
            status.setPhase(EnvironmentPhase.Pending);
        }
        status.setObservedGeneration(generation);
        status.setConditions(error.conditions(status.getConditions(), generation, now));
        return status;
    }

    private static String keptImage(EnvironmentStatus status) {
        return status.getImage() == null
                ? ""
                : " The previous image " + status.getImage() + " stays in use.";
    }

    private static String readyMessage(ImageBuild build) {
        Condition ready = Conditions.find(build.getStatus().getConditions(), Condition.READY);
        return ready == null ? build.getStatus().getPhase().name() : ready.getMessage();
    }
}
