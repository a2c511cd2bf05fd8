package dev.terrarium.scheduling;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Fair admission of waiting builds to build slots: at most {@code maxConcurrent} in the cluster and
 * {@code maxPerNamespace} per namespace; first in, first out within a namespace; across namespaces
 * the next slot goes to the namespace with the fewest builds running, so one namespace with 500
 * builds waiting cannot starve another with one. Pure.
 */
public final class BuildQueue {

    /** A build waiting for a slot. */
    public record Waiting(String namespace, String name, Instant created) {}

    public record Limits(int maxConcurrent, int maxPerNamespace) {
        public Limits {
            if (maxConcurrent < 1 || maxPerNamespace < 1) {
                throw new IllegalArgumentException(
                        "build limits must be at least 1: "
                                + maxConcurrent
                                + ", "
                                + maxPerNamespace);
            }
        }
    }

    static final Comparator<Waiting> FIFO =
            Comparator.comparing(Waiting::created).thenComparing(Waiting::name);

    private BuildQueue() {}

    /**
     * The waiting builds that may start now, in the order they take the free slots.
     *
     * @param runningPerNamespace builds running (or admitted) per namespace
     */
    public static List<Waiting> admit(
            Map<String, Integer> runningPerNamespace, Collection<Waiting> waiting, Limits limits) {
        return admit(runningPerNamespace, waiting, limits, w -> w);
    }

    /**
     * As {@link #admit(Map, Collection, Limits)}, where waiting builds that {@code sameBuild} maps
     * to one value make one build: the first of them to reach a slot takes it, the others take no
     * slot and are not admitted (they take its image).
     */
    public static List<Waiting> admit(
            Map<String, Integer> runningPerNamespace,
            Collection<Waiting> waiting,
            Limits limits,
            Function<Waiting, ?> sameBuild) {
        Set<Object> taken = new HashSet<>();
        Map<String, Integer> running = new HashMap<>(runningPerNamespace);
        int free =
                limits.maxConcurrent()
                        - running.values().stream().mapToInt(Integer::intValue).sum();
        Map<String, Deque<Waiting>> queues = new TreeMap<>();
        waiting.stream()
                .sorted(FIFO)
                .forEach(
                        w ->
                                queues.computeIfAbsent(w.namespace(), ns -> new ArrayDeque<>())
                                        .addLast(w));
        List<Waiting> admitted = new ArrayList<>();
        while (free > 0) {
            String next = null;
            for (var entry : queues.entrySet()) {
                String namespace = entry.getKey();
                int busy = running.getOrDefault(namespace, 0);
                if (entry.getValue().isEmpty() || busy >= limits.maxPerNamespace()) {
                    continue;
                }
                if (next == null
                        || busy < running.getOrDefault(next, 0)
                        || (busy == running.getOrDefault(next, 0)
                                && FIFO.compare(
                                                entry.getValue().peekFirst(),
                                                queues.get(next).peekFirst())
                                        < 0)) {
                    next = namespace;
                }
            }
            if (next == null) {
                break;
            }
            Waiting head = queues.get(next).pollFirst();
            if (!taken.add(sameBuild.apply(head))) {
                continue;
            }
            admitted.add(head);
            running.merge(next, 1, Integer::sum);
            free--;
        }
        return admitted;
    }
}
