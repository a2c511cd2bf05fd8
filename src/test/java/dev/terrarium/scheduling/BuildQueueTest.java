package dev.terrarium.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrarium.scheduling.BuildQueue.Limits;
import dev.terrarium.scheduling.BuildQueue.Waiting;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuildQueueTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static Waiting waiting(String namespace, String name, int second) {
        return new Waiting(namespace, name, T0.plusSeconds(second));
    }

    @Test
    void admitsUpToTheClusterLimitInArrivalOrder() {
        List<Waiting> queue =
                List.of(waiting("a", "b3", 3), waiting("a", "b1", 1), waiting("a", "b2", 2));

        assertThat(BuildQueue.admit(Map.of(), queue, new Limits(2, 5)))
                .extracting(Waiting::name)
                .containsExactly("b1", "b2");
    }

    @Test
    void respectsThePerNamespaceLimit() {
        List<Waiting> queue =
                List.of(waiting("a", "a1", 1), waiting("a", "a2", 2), waiting("a", "a3", 3));

        assertThat(BuildQueue.admit(Map.of("a", 1), queue, new Limits(10, 2)))
                .extracting(Waiting::name)
                .containsExactly("a1");
    }

    @Test
    void countsRunningBuildsAgainstTheClusterLimit() {
        List<Waiting> queue = List.of(waiting("a", "a1", 1), waiting("b", "b1", 2));

        assertThat(BuildQueue.admit(Map.of("c", 3), queue, new Limits(4, 3)))
                .extracting(Waiting::name)
                .containsExactly("a1");
        assertThat(BuildQueue.admit(Map.of("c", 4), queue, new Limits(4, 3))).isEmpty();
    }

    @Test
    void aNamespaceWithOneBuildIsNotStarvedByOneWithFiveHundred() {
        List<Waiting> queue = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            queue.add(waiting("busy", "busy-" + i, i));
        }
        queue.add(waiting("quiet", "quiet-0", 1000));

        List<Waiting> admitted = BuildQueue.admit(Map.of("busy", 2), queue, new Limits(3, 3));

        assertThat(admitted).extracting(Waiting::name).containsExactly("quiet-0");
    }

    @Test
    void sharesFreeSlotsRoundRobinAcrossNamespaces() {
        List<Waiting> queue = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            queue.add(waiting("a", "a" + i, i));
            queue.add(waiting("b", "b" + i, 100 + i));
            queue.add(waiting("c", "c" + i, 200 + i));
        }

        List<Waiting> admitted = BuildQueue.admit(Map.of(), queue, new Limits(6, 5));

        assertThat(admitted)
                .extracting(Waiting::name)
                .containsExactly("a0", "b0", "c0", "a1", "b1", "c1");
    }

    @Test
    void theEarliestHeadWinsBetweenEquallyBusyNamespaces() {
        List<Waiting> queue = List.of(waiting("a", "late", 50), waiting("b", "early", 10));

        assertThat(BuildQueue.admit(Map.of("a", 1, "b", 1), queue, new Limits(3, 3)))
                .extracting(Waiting::name)
                .containsExactly("early");
    }

    @Test
    void waitingBuildsThatMakeOneBuildTakeOneSlot() {
        List<Waiting> queue =
                List.of(waiting("a", "x", 1), waiting("b", "x", 2), waiting("c", "y", 3));

        assertThat(BuildQueue.admit(Map.of(), queue, new Limits(2, 2), Waiting::name))
                .extracting(Waiting::namespace)
                .containsExactly("a", "c");
    }

    @Test
    void limitsBelowOneAreRefused() {
        assertThatThrownBy(() -> new Limits(0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
