package dev.terrarium.builder;

import dev.terrarium.kube.ContainerStates;
import dev.terrarium.kube.JobConditions;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Where a build Job stands, read from the Job's conditions and its pod's container states: still
 * running, succeeded with the digest the builder reported, or failed with a reason. Pure: the
 * caller reads the log tail of a failure (of {@link Failed#logContainer()} in the pod {@link
 * Failed#logPod()} names) and writes the status.
 */
public sealed interface BuildOutcome {

    /** The Job runs; {@code podName} is its newest pod, or null before it has one. */
    record Running(String podName) implements BuildOutcome {}

    /** The builder pushed the image with this digest. */
    record Succeeded(String digest, String podName) implements BuildOutcome {}

    /**
     * The build failed for good.
     *
     * @param logPod the pod whose log explains the failure, or null when no build ran
     * @param logContainer the step of that pod whose log explains it ({@link BuilderPod#STEPS}), or
     *     null with {@code logPod}
     * @param stopJob whether the Job is still alive and must be removed (a pod that can never
     *     start)
     */
    record Failed(
            String reason,
            String message,
            Integer exitCode,
            String logPod,
            String logContainer,
            boolean stopJob)
            implements BuildOutcome {}

    Set<String> PULL_FAILURES = Set.of("ImagePullBackOff", "ErrImagePull", "InvalidImageName");

    /**
     * The outcome of a build Job as its conditions and its pod say.
     *
     * @param job the build Job
     * @param pods the Job's pods (usually one: a build is never retried)
     * @param builderImage the image the build pod names, for the message of a pull failure
     */
    static BuildOutcome of(Job job, Collection<Pod> pods, String builderImage) {
        Optional<Pod> pod = ContainerStates.newest(pods);
        String podName = pod.map(p -> p.getMetadata().getName()).orElse(null);
        List<ContainerStatus> steps =
                pod.map(
                                p ->
                                        BuilderPod.STEPS.stream()
                                                .map(step -> ContainerStates.of(p, step))
                                                .flatMap(Optional::stream)
                                                .toList())
                        .orElse(List.of());
        Optional<ContainerStateWaiting> pullFailure =
                steps.stream()
                        .map(s -> s.getState().getWaiting())
                        .filter(w -> w != null && PULL_FAILURES.contains(w.getReason()))
                        .findFirst();
        if (pullFailure.isPresent()) {
            return new Failed(
                    "ImagePullBackOff",
                    "The builder image "
                            + builderImage
                            + " cannot be pulled: "
                            + pullFailure.get().getMessage(),
                    null,
                    null,
                    null,
                    true);
        }
        Optional<ContainerStatus> step = decisiveStep(steps);
        String stepName = step.map(ContainerStatus::getName).orElse(BuilderPod.BUILD_CONTAINER);
        String logContainer = podName == null ? null : stepName;
        Optional<ContainerStateTerminated> terminated = step.map(s -> s.getState().getTerminated());
        Integer exitCode = terminated.map(ContainerStateTerminated::getExitCode).orElse(null);
        if (JobConditions.whenTrue(job, JobConditions.COMPLETE).isPresent()) {
            String message =
                    steps.stream()
                            .filter(s -> BuilderPod.PUSH_CONTAINER.equals(s.getName()))
                            .map(s -> s.getState().getTerminated())
                            .filter(Objects::nonNull)
                            .findFirst()
                            .map(ContainerStateTerminated::getMessage)
                            .orElse(null);
            try {
                return new Succeeded(BuildResultParser.digest(message), podName);
            } catch (IllegalArgumentException e) {
                return new Failed(
                        "NoDigest",
                        "The build finished but reported no image digest: " + e.getMessage(),
                        exitCode,
                        podName,
                        podName == null ? null : BuilderPod.PUSH_CONTAINER,
                        false);
            }
        }
        Optional<JobCondition> failed = JobConditions.whenTrue(job, JobConditions.FAILED);
        if (failed.isEmpty()) {
            return new Running(podName);
        }
        if ("DeadlineExceeded".equals(failed.get().getReason())) {
            return new Failed(
                    "DeadlineExceeded",
                    "The build ran longer than its timeout of "
                            + timeout(job)
                            + " and was stopped.",
                    exitCode,
                    podName,
                    logContainer,
                    false);
        }
        if (terminated.map(t -> "OOMKilled".equals(t.getReason())).orElse(false)) {
            return new Failed(
                    "OOMKilled",
                    "The "
                            + stepName
                            + " step ran out of memory (exit code "
                            + exitCode
                            + "); raise build.resources.limits.memory.",
                    exitCode,
                    podName,
                    logContainer,
                    false);
        }
        return new Failed(
                "Error",
                "The "
                        + stepName
                        + " step exited with code "
                        + exitCode
                        + (failed.get().getMessage() != null
                                ? " (" + failed.get().getMessage() + ")"
                                : "")
                        + ".",
                exitCode,
                podName,
                logContainer,
                false);
    }

    /**
     * The step whose state explains the pod: the first that failed, else the last one that started
     * (the one running, or the push once both finished), else the build step.
     */
    private static Optional<ContainerStatus> decisiveStep(List<ContainerStatus> steps) {
        Optional<ContainerStatus> failed =
                steps.stream()
                        .filter(
                                s ->
                                        s.getState().getTerminated() != null
                                                && !Integer.valueOf(0)
                                                        .equals(
                                                                s.getState()
                                                                        .getTerminated()
                                                                        .getExitCode()))
                        .findFirst();
        if (failed.isPresent()) {
            return failed;
        }
        Optional<ContainerStatus> started =
                steps.stream()
                        .filter(
                                s ->
                                        s.getState().getRunning() != null
                                                || s.getState().getTerminated() != null)
                        .reduce((first, second) -> second);
        return started.or(() -> steps.stream().findFirst());
    }

    /**
     * The namespace label whose Pod Security level admits build pods (they need Unconfined
     * seccomp).
     */
    String POD_SECURITY_LABEL = "pod-security.kubernetes.io/enforce=privileged";

    /**
     * A Job whose pod the API server refused, with the API server's message (the Job controller's
     * FailedCreate event): the Job controller would only retry, and the build would wait for good.
     */
    static Failed podRefused(Job job, String apiMessage) {
        String name = job.getMetadata().getName();
        String namespace = job.getMetadata().getNamespace();
        String message = apiMessage == null ? "" : apiMessage;
        String prefix = "The build Job " + name + " cannot make its pod: " + message;
        if (message.contains("exceeded quota")) {
            return new Failed(
                    "QuotaExceeded",
                    prefix
                            + " Raise the ResourceQuota of namespace "
                            + namespace
                            + " or lower build.resources, then set the annotation terrarium.dev/rebuild on the Environment.",
                    null,
                    null,
                    null,
                    true);
        }
        if (message.contains("violates PodSecurity")) {
            return new Failed(
                    "PodSecurity",
                    prefix
                            + " Build pods need the namespace label "
                            + POD_SECURITY_LABEL
                            + " on namespace "
                            + namespace
                            + " (they run buildah with Unconfined seccomp), then set the "
                            + "annotation terrarium.dev/rebuild on the Environment.",
                    null,
                    null,
                    null,
                    true);
        }
        return new Failed(
                "InvalidBuildPod",
                prefix
                        + " Fix what the message names (a LimitRange, an admission "
                        + "policy, build.resources), then set the annotation terrarium.dev/rebuild on the Environment.",
                null,
                null,
                null,
                true);
    }

    /**
     * A build that has not started within {@code limit}: its Job has made no pod since it was
     * created (the namespace refuses the pod and no refusal was reported, or it cannot admit it),
     * or its pod has been unschedulable that long (no node matches its node selector, tolerations
     * or requests). Either would wait for good, and equal builds of other namespaces with it. Empty
     * while the build is younger than that, or has started.
     */
    static Optional<Failed> notStarted(Job job, Collection<Pod> pods, Duration limit, Instant now) {
        if (job.getMetadata().getCreationTimestamp() == null
                || JobConditions.whenTrue(job, JobConditions.COMPLETE).isPresent()
                || JobConditions.whenTrue(job, JobConditions.FAILED).isPresent()) {
            return Optional.empty();
        }
        String name = job.getMetadata().getName();
        Optional<Pod> pod = ContainerStates.newest(pods);
        if (pod.isEmpty()) {
            Instant created = Instant.parse(job.getMetadata().getCreationTimestamp());
            if (now.isBefore(created.plus(limit))) {
                return Optional.empty();
            }
            return Optional.of(
                    new Failed(
                            "PodNotCreated",
                            "The build Job "
                                    + name
                                    + " made no pod in "
                                    + text(limit)
                                    + ": the namespace refuses it (a ResourceQuota, a LimitRange or its Pod Security "
                                    + "level) or cannot admit it. `kubectl describe job "
                                    + name
                                    + " -n "
                                    + job.getMetadata().getNamespace()
                                    + "` shows why; once that is fixed, set the annotation "
                                    + "terrarium.dev/rebuild on the Environment to build again.",
                            null,
                            null,
                            null,
                            true));
        }
        Optional<PodCondition> unschedulable =
                pod.get().getStatus() == null || pod.get().getStatus().getConditions() == null
                        ? Optional.empty()
                        : pod.get().getStatus().getConditions().stream()
                                .filter(
                                        c ->
                                                "PodScheduled".equals(c.getType())
                                                        && "False".equals(c.getStatus())
                                                        && "Unschedulable".equals(c.getReason())
                                                        && c.getLastTransitionTime() != null)
                                .findFirst();
        if (unschedulable.isEmpty()
                || now.isBefore(
                        Instant.parse(unschedulable.get().getLastTransitionTime()).plus(limit))) {
            return Optional.empty();
        }
        return Optional.of(
                new Failed(
                        "Unschedulable",
                        "No node takes the build pod "
                                + pod.get().getMetadata().getName()
                                + " (for "
                                + text(limit)
                                + "): "
                                + unschedulable.get().getMessage()
                                + " Check build.nodeSelector, build.tolerations and build.resources against the cluster's nodes, "
                                + "then set the annotation terrarium.dev/rebuild on the Environment.",
                        null,
                        null,
                        null,
                        true));
    }

    /** The Job's deadline as a build.timeout would say it: 1h30m, 45m, 90s. */
    static String timeout(Job job) {
        Long seconds = job.getSpec() == null ? null : job.getSpec().getActiveDeadlineSeconds();
        if (seconds == null) {
            return "(none set)";
        }
        return text(Duration.ofSeconds(seconds));
    }

    private static String text(Duration duration) {
        StringBuilder text = new StringBuilder();
        if (duration.toHours() > 0) {
            text.append(duration.toHours()).append('h');
        }
        if (duration.toMinutesPart() > 0) {
            text.append(duration.toMinutesPart()).append('m');
        }
        if (duration.toSecondsPart() > 0 || text.length() == 0) {
            text.append(duration.toSecondsPart()).append('s');
        }
        return text.toString();
    }
}
