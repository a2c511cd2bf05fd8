package dev.terrarium.status;

import dev.terrarium.api.BuildFailure;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildPhase;
import dev.terrarium.api.ImageBuildStatus;
import dev.terrarium.api.LockStatus;
import dev.terrarium.status.Conditions.Health;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The status of an ImageBuild after one of its transitions. Pure: each method takes the previous
 * status and what happened, and returns a new status whose conditions follow the phase.
 */
public final class ImageBuildStatusBuilder {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private ImageBuildStatusBuilder() {}

    public static ImageBuildStatus queued(
            ImageBuild build, String sharedBuild, String reason, String message, Instant now) {
        ImageBuildStatus status = copy(build);
        status.setPhase(ImageBuildPhase.Queued);
        status.setSharedBuild(sharedBuild);
        return withConditions(build, status, Health.RECONCILING, reason, message, now);
    }

    public static ImageBuildStatus running(ImageBuild build, String jobName, Instant now) {
        ImageBuildStatus status = copy(build);
        status.setPhase(ImageBuildPhase.Running);
        status.setSharedBuild(null);
        status.setJobName(jobName);
        status.setStartTime(timestamp(now));
        return withConditions(
                build,
                status,
                Health.RECONCILING,
                "Building",
                "Build Job " + jobName + " runs.",
                now);
    }

    public static ImageBuildStatus podObserved(ImageBuild build, String podName, Instant now) {
        ImageBuildStatus status = copy(build);
        status.setPodName(podName);
        return withConditions(
                build,
                status,
                Health.RECONCILING,
                "Building",
                "Build pod " + podName + " runs.",
                now);
    }

    /**
     * The image exists: built by this build's Job, or (cacheHit) found in the registry or taken
     * from an equal build, named by sharedBuild.
     */
    public static ImageBuildStatus succeeded(
            ImageBuild build,
            String digest,
            boolean cacheHit,
            String sharedBuild,
            LockStatus lock,
            Instant now) {
        ImageBuildStatus status = copy(build);
        status.setPhase(ImageBuildPhase.Succeeded);
        status.setDigest(digest);
        status.setImage(build.getSpec().getRepository() + "@" + digest);
        status.setCacheHit(cacheHit);
        status.setSharedBuild(sharedBuild);
        status.setLock(lock);
        status.setFailure(null);
        finish(status, now);
        String source =
                !cacheHit
                        ? "built by Job " + status.getJobName()
                        : sharedBuild != null
                                ? "taken from the equal build " + sharedBuild
                                : "found in the registry";
        String lockNote = lock == null ? " The resolved lock could not be read." : "";
        return withConditions(
                build,
                status,
                Health.READY,
                cacheHit ? "CacheHit" : "Built",
                "Image " + status.getImage() + " " + source + "." + lockNote,
                now);
    }

    public static ImageBuildStatus failed(
            ImageBuild build, BuildFailure failure, String sharedBuild, Instant now) {
        ImageBuildStatus status = copy(build);
        status.setPhase(ImageBuildPhase.Failed);
        status.setFailure(failure);
        status.setSharedBuild(sharedBuild);
        finish(status, now);
        return withConditions(
                build,
                status,
                Health.STALLED,
                failure.getReason(),
                failure.getMessage()
                        + " A failed build is not retried: change the spec, or set a new value on the Environment's "
                        + "terrarium.dev/rebuild annotation.",
                now);
    }

    /**
     * The status after a reconcile attempt failed: the phase and everything else stay as they were
     * (an attempt that failed decided nothing), the conditions report the error.
     */
    public static ImageBuildStatus failedAttempt(
            ImageBuild build, ReconcileError error, Instant now) {
        ImageBuildStatus status = copy(build);
        long generation =
                build.getMetadata().getGeneration() == null
                        ? 1
                        : build.getMetadata().getGeneration();
        status.setObservedGeneration(generation);
        status.setConditions(error.conditions(status.getConditions(), generation, now));
        return status;
    }

    public static BuildFailure failure(
            String reason, String message, Integer exitCode, String logTail) {
        BuildFailure failure = new BuildFailure();
        failure.setReason(reason);
        failure.setMessage(message);
        failure.setExitCode(exitCode);
        failure.setLogTail(logTail);
        return failure;
    }

    private static void finish(ImageBuildStatus status, Instant now) {
        status.setCompletionTime(timestamp(now));
        status.setDuration(
                status.getStartTime() == null
                        ? "0s"
                        : humanDuration(
                                Duration.between(Instant.parse(status.getStartTime()), now)));
    }

    /** 1h2m3s, 4m5s, 6s: how kubectl prints durations. */
    static String humanDuration(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        StringBuilder text = new StringBuilder();
        if (seconds >= 3600) {
            text.append(seconds / 3600).append('h');
        }
        if (seconds >= 60) {
            text.append(seconds % 3600 / 60).append('m');
        }
        return text.append(seconds % 60).append('s').toString();
    }

    private static ImageBuildStatus copy(ImageBuild build) {
        return build.getStatus() == null
                ? new ImageBuildStatus()
                : SERIALIZATION.clone(build.getStatus());
    }

    private static ImageBuildStatus withConditions(
            ImageBuild build,
            ImageBuildStatus status,
            Health health,
            String reason,
            String message,
            Instant now) {
        long generation =
                build.getMetadata().getGeneration() == null
                        ? 1
                        : build.getMetadata().getGeneration();
        status.setObservedGeneration(generation);
        status.setConditions(
                Conditions.merge(
                        build.getStatus() == null ? null : build.getStatus().getConditions(),
                        Conditions.kstatus(generation, health, reason, message),
                        now));
        return status;
    }

    private static String timestamp(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
