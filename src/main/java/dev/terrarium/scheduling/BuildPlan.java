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

    /**
     * An equal build is building, is admitted now, or waits ahead in this build's own namespace:
     * wait for it and take its image.
     */
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
     * <p>A build follows an equal build only when that one builds (Running, or admitted to a slot),
     * is the one the queue admits now, or waits ahead of it in its own namespace. It never follows
     * an equal build that waits in another namespace's queue: that namespace's limit would hold it
     * there without bound. Such builds queue each in their own namespace; the first of them the
     * queue admits builds and the others follow it.
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
        Queue queue = Queue.of(all, admitted, limits);
        ImageBuild leader = queue.building().get(target);
        if (leader != null && !key(leader).equals(key(self))) {
            return new Follow(leader);
        }
        ImageBuild ahead = queue.heads().get(Lane.of(self));
        if (ahead != null && !key(ahead).equals(key(self))) {
            return new Follow(ahead);
        }
        for (ImageBuild next : queue.admit()) {
            if (key(next).equals(key(self))) {
                return new Start();
            }
            // Admitted now, so it takes a slot as soon as its own reconcile runs.
            if (target.equals(next.getSpec().target())) {
                return new Follow(next);
            }
        }
        return new Wait(
                queue.running().values().stream().mapToInt(Integer::intValue).sum(),
                limits.maxConcurrent());
    }

    /**
     * The builds the queue would admit now besides those already running: the ones to wake up when
     * a slot frees.
     */
    public static List<BuildQueue.Waiting> admissible(
            Collection<ImageBuild> all, Set<String> admitted, BuildQueue.Limits limits) {
        return Queue.of(all, admitted, limits).admit().stream().map(BuildPlan::waiting).toList();
    }

    private static BuildQueue.Waiting waiting(ImageBuild build) {
        return new BuildQueue.Waiting(
                build.getMetadata().getNamespace(),
                build.getMetadata().getName(),
                Instant.parse(build.getMetadata().getCreationTimestamp()));
    }

    private static boolean isBuilding(ImageBuild build, Set<String> admitted) {
        return phase(build) == ImageBuildPhase.Running || admitted.contains(key(build));
    }

    /** A target's queue within one namespace. */
    private record Lane(String target, String namespace) {
        static Lane of(ImageBuild build) {
            return new Lane(build.getSpec().target(), build.getMetadata().getNamespace());
        }
    }

    /**
     * The queue as it stands.
     *
     * @param building per target, the build that builds it
     * @param running builds building per namespace
     * @param heads per target and namespace without a build building that target, the oldest build:
     *     the one that competes for a slot
     * @param admit the heads the queue admits now, in order, at most one per target
     */
    private record Queue(
            Map<String, ImageBuild> building,
            Map<String, Integer> running,
            Map<Lane, ImageBuild> heads,
            List<ImageBuild> admit) {

        static Queue of(
                Collection<ImageBuild> all, Set<String> admitted, BuildQueue.Limits limits) {
            Map<String, ImageBuild> building = new HashMap<>();
            Map<String, Integer> running = new HashMap<>();
            List<ImageBuild> unfinished = unfinished(all);
            for (ImageBuild build : unfinished) {
                if (isBuilding(build, admitted)) {
                    building.merge(
                            build.getSpec().target(), build, (a, b) -> better(a, b, admitted));
                    running.merge(build.getMetadata().getNamespace(), 1, Integer::sum);
                }
            }
            Map<Lane, ImageBuild> heads = new HashMap<>();
            for (ImageBuild build : unfinished) {
                if (!building.containsKey(build.getSpec().target())) {
                    heads.merge(
                            Lane.of(build),
                            build,
                            (a, b) -> OLDEST_FIRST.compare(a, b) <= 0 ? a : b);
                }
            }
            Map<BuildQueue.Waiting, ImageBuild> byWaiting = new HashMap<>();
            heads.values().forEach(build -> byWaiting.put(waiting(build), build));
            List<ImageBuild> admit =
                    BuildQueue.admit(
                                    running,
                                    byWaiting.keySet(),
                                    limits,
                                    w -> byWaiting.get(w).getSpec().target())
                            .stream()
                            .map(byWaiting::get)
                            .toList();
            return new Queue(building, running, heads, admit);
        }
    }

    /** Builds that may still build: not finished, not being deleted, their target not built. */
    private static List<ImageBuild> unfinished(Collection<ImageBuild> all) {
        Set<String> done =
                all.stream()
                        .filter(b -> phase(b) == ImageBuildPhase.Succeeded)
                        .map(b -> b.getSpec().target())
                        .collect(Collectors.toSet());
        List<ImageBuild> unfinished = new ArrayList<>();
        for (ImageBuild build : all) {
            ImageBuildPhase phase = phase(build);
            if (phase == ImageBuildPhase.Succeeded
                    || phase == ImageBuildPhase.Failed
                    || done.contains(build.getSpec().target())
                    || build.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            unfinished.add(build);
        }
        return unfinished;
    }

    /**
     * Of two builds of one target, the one that builds it: one already building, else the oldest.
     */
    private static ImageBuild better(ImageBuild a, ImageBuild b, Set<String> admitted) {
        boolean aBuilding = isBuilding(a, admitted);
        boolean bBuilding = isBuilding(b, admitted);
        if (aBuilding != bBuilding) {
            return aBuilding ? a : b;
        }
        return OLDEST_FIRST.compare(a, b) <= 0 ? a : b;
    }
}
