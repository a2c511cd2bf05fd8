package dev.terrarium.scheduling;

import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildPhase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a waiting ImageBuild does next, decided over every ImageBuild in the cluster: take the image
 * of an equal build that already succeeded, wait for an equal build that is under way (so equal
 * specs arriving together share one Job), start its own build when the queue admits it, or keep
 * waiting. Pure.
 */
public final class BuildPlan {

    /** The next step of a waiting ImageBuild. */
    public sealed interface Decision {}

    /** An equal build already succeeded: take its image, build nothing. */
    public record Reuse(ImageBuild source) implements Decision {}

    /** An equal build is queued or running elsewhere: wait for it and take its image. */
    public record Follow(ImageBuild leader) implements Decision {}

    /** A build slot is free for this build: start its Job. */
    public record Start() implements Decision {}

    /** No slot yet. */
    public record Wait(int running, int limit) implements Decision {}

    static final Comparator<ImageBuild> OLDEST_FIRST =
            Comparator.comparing(
                            (ImageBuild b) -> Instant.parse(b.getMetadata().getCreationTimestamp()))
                    .thenComparing(b -> b.getMetadata().getNamespace())
                    .thenComparing(b -> b.getMetadata().getName());

    private BuildPlan() {}

    public static String key(ImageBuild build) {
        return build.getMetadata().getNamespace() + "/" + build.getMetadata().getName();
    }

    static ImageBuildPhase phase(ImageBuild build) {
        return build.getStatus() == null ? null : build.getStatus().getPhase();
    }

    /**
     * The next step of {@code self}.
     *
     * @param self a build that is not finished and has no Job yet
     * @param all every ImageBuild in the cluster, self included
     * @param admitted keys of builds admitted to a slot whose Running phase may not be visible yet
     */
    public static Decision decide(
            ImageBuild self,
            Collection<ImageBuild> all,
            Set<String> admitted,
            BuildQueue.Limits limits) {
        String target = self.getSpec().target();
        Optional<ImageBuild> succeeded =
                all.stream()
                        .filter(
                                b ->
                                        !key(b).equals(key(self))
                                                && phase(b) == ImageBuildPhase.Succeeded
                                                && target.equals(b.getSpec().target())
                                                && b.getStatus().getDigest() != null)
                        .min(OLDEST_FIRST);
        if (succeeded.isPresent()) {
            return new Reuse(succeeded.get());
        }
        Map<String, ImageBuild> leaders = leaders(all, admitted);
        ImageBuild leader = leaders.get(target);
        if (leader != null && !key(leader).equals(key(self))) {
            return new Follow(leader);
        }
        Map<String, Integer> running = new HashMap<>();
        List<BuildQueue.Waiting> waiting = new ArrayList<>();
        for (ImageBuild build : leaders.values()) {
            if (isBuilding(build, admitted)) {
                running.merge(build.getMetadata().getNamespace(), 1, Integer::sum);
            } else {
                waiting.add(
                        new BuildQueue.Waiting(
                                build.getMetadata().getNamespace(),
                                build.getMetadata().getName(),
                                Instant.parse(build.getMetadata().getCreationTimestamp())));
            }
        }
        List<BuildQueue.Waiting> admit = BuildQueue.admit(running, waiting, limits);
        boolean selfAdmitted =
                admit.stream()
                        .anyMatch(
                                w ->
                                        w.namespace().equals(self.getMetadata().getNamespace())
                                                && w.name().equals(self.getMetadata().getName()));
        if (selfAdmitted) {
            return new Start();
        }
        return new Wait(
                running.values().stream().mapToInt(Integer::intValue).sum(),
                limits.maxConcurrent());
    }

    /**
     * The builds the queue would admit now besides those already running: the ones to wake up when
     * a slot frees.
     */
    public static List<BuildQueue.Waiting> admissible(
            Collection<ImageBuild> all, Set<String> admitted, BuildQueue.Limits limits) {
        Map<String, Integer> running = new HashMap<>();
        List<BuildQueue.Waiting> waiting = new ArrayList<>();
        for (ImageBuild build : leaders(all, admitted).values()) {
            if (isBuilding(build, admitted)) {
                running.merge(build.getMetadata().getNamespace(), 1, Integer::sum);
            } else {
                waiting.add(
                        new BuildQueue.Waiting(
                                build.getMetadata().getNamespace(),
                                build.getMetadata().getName(),
                                Instant.parse(build.getMetadata().getCreationTimestamp())));
            }
        }
        return BuildQueue.admit(running, waiting, limits);
    }

    private static boolean isBuilding(ImageBuild build, Set<String> admitted) {
        return phase(build) == ImageBuildPhase.Running || admitted.contains(key(build));
    }

    /**
     * Per target, the unfinished build that builds it: the one already building, else the oldest,
     * so the choice is stable while builds wait and moves to a follower only when its leader is
     * gone or failed. Targets that succeeded have no leader: their builds take the image.
     */
    static Map<String, ImageBuild> leaders(Collection<ImageBuild> all, Set<String> admitted) {
        Set<String> done =
                all.stream()
                        .filter(b -> phase(b) == ImageBuildPhase.Succeeded)
                        .map(b -> b.getSpec().target())
                        .collect(Collectors.toSet());
        Map<String, ImageBuild> leaders = new HashMap<>();
        for (ImageBuild build : all) {
            ImageBuildPhase phase = phase(build);
            if (phase == ImageBuildPhase.Succeeded
                    || phase == ImageBuildPhase.Failed
                    || done.contains(build.getSpec().target())
                    || build.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            leaders.merge(build.getSpec().target(), build, (a, b) -> better(a, b, admitted));
        }
        return leaders;
    }

    private static ImageBuild better(ImageBuild a, ImageBuild b, Set<String> admitted) {
        boolean aBuilding = isBuilding(a, admitted);
        boolean bBuilding = isBuilding(b, admitted);
        if (aBuilding != bBuilding) {
            return aBuilding ? a : b;
        }
        return OLDEST_FIRST.compare(a, b) <= 0 ? a : b;
    }
}
