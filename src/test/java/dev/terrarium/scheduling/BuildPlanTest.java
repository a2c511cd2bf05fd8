package dev.terrarium.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildPhase;
import dev.terrarium.api.ImageBuildSpec;
import dev.terrarium.api.ImageBuildStatus;
import dev.terrarium.scheduling.BuildPlan.Follow;
import dev.terrarium.scheduling.BuildPlan.Reuse;
import dev.terrarium.scheduling.BuildPlan.Start;
import dev.terrarium.scheduling.BuildPlan.Wait;
import dev.terrarium.scheduling.BuildQueue.Limits;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BuildPlanTest {

    private static final Limits ROOMY = new Limits(10, 10);
    private static final String HASH_A = "a".repeat(64);
    private static final String HASH_B = "b".repeat(64);

    static ImageBuild build(
            String namespace, String name, int createdSecond, String hash, ImageBuildPhase phase) {
        ImageBuild build = new ImageBuild();
        build.setMetadata(
                new ObjectMetaBuilder()
                        .withNamespace(namespace)
                        .withName(name)
                        .withCreationTimestamp(
                                Instant.parse("2026-01-01T00:00:00Z")
                                        .plusSeconds(createdSecond)
                                        .toString())
                        .build());
        ImageBuildSpec spec = new ImageBuildSpec();
        spec.setRepository("registry.test/envs");
        spec.setSpecHash(hash);
        build.setSpec(spec);
        if (phase != null) {
            ImageBuildStatus status = new ImageBuildStatus();
            status.setPhase(phase);
            if (phase == ImageBuildPhase.Succeeded) {
                status.setDigest("sha256:" + "0".repeat(64));
            }
            build.setStatus(status);
        }
        return build;
    }

    @Test
    void aLoneBuildStarts() {
        ImageBuild self = build("a", "env-1", 0, HASH_A, null);

        assertThat(BuildPlan.decide(self, List.of(self), Set.of(), ROOMY))
                .isInstanceOf(Start.class);
    }

    @Test
    void anEqualSucceededBuildInAnotherNamespaceIsReused() {
        ImageBuild done = build("other", "env-1", 0, HASH_A, ImageBuildPhase.Succeeded);
        ImageBuild self = build("a", "env-1", 10, HASH_A, null);

        assertThat(BuildPlan.decide(self, List.of(done, self), Set.of(), ROOMY))
                .isEqualTo(new Reuse(done));
    }

    @Test
    void aFailedEqualBuildIsNotReused() {
        ImageBuild failed = build("other", "env-1", 0, HASH_A, ImageBuildPhase.Failed);
        ImageBuild self = build("a", "env-1", 10, HASH_A, null);

        assertThat(BuildPlan.decide(self, List.of(failed, self), Set.of(), ROOMY))
                .isInstanceOf(Start.class);
    }

    @Test
    void aNewerEqualBuildFollowsTheOldestAndTheOldestStarts() {
        ImageBuild oldest = build("x", "env", 0, HASH_A, null);
        ImageBuild newer = build("y", "env", 5, HASH_A, null);
        List<ImageBuild> all = List.of(newer, oldest);

        assertThat(BuildPlan.decide(newer, all, Set.of(), ROOMY)).isEqualTo(new Follow(oldest));
        assertThat(BuildPlan.decide(oldest, all, Set.of(), ROOMY)).isInstanceOf(Start.class);
    }

    @Test
    void aRunningEqualBuildLeadsEvenWhenYounger() {
        ImageBuild older = build("x", "env", 0, HASH_A, null);
        ImageBuild running = build("y", "env", 5, HASH_A, ImageBuildPhase.Running);

        assertThat(BuildPlan.decide(older, List.of(older, running), Set.of(), ROOMY))
                .isEqualTo(new Follow(running));
    }

    @Test
    void aFollowerLeadsOnceItsLeaderFailed() {
        ImageBuild leader = build("x", "env", 0, HASH_A, ImageBuildPhase.Failed);
        ImageBuild follower = build("y", "env", 5, HASH_A, ImageBuildPhase.Queued);

        assertThat(BuildPlan.decide(follower, List.of(leader, follower), Set.of(), ROOMY))
                .isInstanceOf(Start.class);
    }

    @Test
    void aFollowerIsNeverStalledByTheQueueOfAnotherNamespace() {
        Limits limits = new Limits(10, 2);
        ImageBuild busy1 = build("a", "busy-1", 0, HASH_B, ImageBuildPhase.Running);
        ImageBuild busy2 = build("a", "busy-2", 1, "c".repeat(64), ImageBuildPhase.Running);
        ImageBuild queuedInA = build("a", "env", 2, HASH_A, ImageBuildPhase.Queued);
        ImageBuild inB = build("b", "env", 5, HASH_A, null);
        List<ImageBuild> all = List.of(busy1, busy2, queuedInA, inB);

        assertThat(BuildPlan.decide(inB, all, Set.of(), limits)).isInstanceOf(Start.class);
        assertThat(BuildPlan.decide(queuedInA, all, Set.of("b/env"), limits))
                .isEqualTo(new Follow(inB));
        assertThat(BuildPlan.admissible(all, Set.of(), limits))
                .extracting(BuildQueue.Waiting::name, BuildQueue.Waiting::namespace)
                .containsExactly(tuple("env", "b"));
    }

    @Test
    void aBuildFollowsAnOlderEqualBuildQueuedInItsOwnNamespace() {
        ImageBuild older = build("a", "env-1", 0, HASH_A, ImageBuildPhase.Queued);
        ImageBuild newer = build("a", "env-2", 5, HASH_A, null);

        assertThat(BuildPlan.decide(newer, List.of(older, newer), Set.of(), ROOMY))
                .isEqualTo(new Follow(older));
    }

    @Test
    void equalBuildsOfTwoNamespacesTakeOneSlotBetweenThem() {
        Limits limits = new Limits(2, 2);
        ImageBuild inA = build("a", "env", 0, HASH_A, ImageBuildPhase.Queued);
        ImageBuild inB = build("b", "env", 1, HASH_A, ImageBuildPhase.Queued);
        ImageBuild other = build("c", "other", 2, HASH_B, ImageBuildPhase.Queued);
        List<ImageBuild> all = List.of(inA, inB, other);

        assertThat(BuildPlan.admissible(all, Set.of(), limits))
                .extracting(BuildQueue.Waiting::name)
                .containsExactly("env", "other");
        assertThat(BuildPlan.decide(other, all, Set.of(), limits)).isInstanceOf(Start.class);
        assertThat(BuildPlan.decide(inB, all, Set.of(), limits)).isEqualTo(new Follow(inA));
    }

    @Test
    void aFullClusterMakesBuildsWait() {
        ImageBuild running = build("a", "r", 0, HASH_B, ImageBuildPhase.Running);
        ImageBuild self = build("b", "env", 5, HASH_A, null);

        assertThat(BuildPlan.decide(self, List.of(running, self), Set.of(), new Limits(1, 1)))
                .isEqualTo(new Wait(1, 1));
    }

    @Test
    void admittedBuildsHoldTheirSlotBeforeTheirPhaseShows() {
        ImageBuild first = build("a", "first", 0, HASH_B, ImageBuildPhase.Queued);
        ImageBuild second = build("b", "second", 5, HASH_A, null);

        assertThat(
                        BuildPlan.decide(
                                second,
                                List.of(first, second),
                                Set.of("a/first"),
                                new Limits(1, 1)))
                .isInstanceOf(Wait.class);
    }

    @Test
    void concurrentDecisionsNeverAdmitMoreThanTheLimit() throws Exception {
        List<ImageBuild> all = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            all.add(
                    build(
                            "ns-" + (i % 4),
                            "b-" + i,
                            i,
                            Integer.toHexString(i).repeat(64).substring(0, 64),
                            null));
        }
        BuildSlots slots = new BuildSlots();
        ConcurrentLinkedQueue<String> started = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        for (ImageBuild build : all) {
            pool.submit(
                    () -> {
                        go.await();
                        if (slots.decide(build, all, new Limits(5, 2)) instanceof Start) {
                            started.add(BuildPlan.key(build));
                        }
                        return null;
                    });
        }
        go.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

        assertThat(started).hasSize(5);
        assertThat(started.stream().map(k -> k.substring(0, k.indexOf('/'))).distinct().count())
                .isGreaterThan(2);
    }
}
