package dev.terrarium.scheduling;

import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildPhase;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Serialises build admission. Reconciles of different ImageBuilds run in parallel and each sees the
 * informer cache, which shows an admitted build as Running only after its status write comes back;
 * until then the admission is remembered here, so two reconciles can never both take the last slot.
 * One leader operator holds this state; a new leader starts empty and rebuilds it from the builds'
 * phases.
 */
@ApplicationScoped
public class BuildSlots {

    /**
     * An admission whose Running status never shows up (the write failed) is forgotten after this.
     */
    static final Duration ADMISSION_TTL = Duration.ofMinutes(2);

    private final Map<String, Instant> admitted = new HashMap<>();
    private final Clock clock;

    public BuildSlots() {
        this(Clock.systemUTC());
    }

    BuildSlots(Clock clock) {
        this.clock = clock;
    }

    /**
     * Decides for a waiting build; a {@link BuildPlan.Start} holds the slot until the build shows
     * as Running.
     */
    public synchronized BuildPlan.Decision decide(
            ImageBuild self, Collection<ImageBuild> all, BuildQueue.Limits limits) {
        forgetSettled(all);
        BuildPlan.Decision decision = BuildPlan.decide(self, all, admitted.keySet(), limits);
        if (decision instanceof BuildPlan.Start) {
            admitted.put(BuildPlan.key(self), clock.instant());
        }
        return decision;
    }

    /** The waiting builds that the queue admits now: those to wake up after a build finished. */
    public synchronized List<BuildQueue.Waiting> admissible(
            Collection<ImageBuild> all, BuildQueue.Limits limits) {
        forgetSettled(all);
        return BuildPlan.admissible(all, Set.copyOf(admitted.keySet()), limits);
    }

    private void forgetSettled(Collection<ImageBuild> all) {
        if (admitted.isEmpty()) {
            return;
        }
        Map<String, ImageBuildPhase> phases = new HashMap<>();
        for (ImageBuild build : all) {
            phases.put(BuildPlan.key(build), BuildPlan.phase(build));
        }
        Instant expiry = clock.instant().minus(ADMISSION_TTL);
        admitted.entrySet()
                .removeIf(
                        entry ->
                                !phases.containsKey(entry.getKey())
                                        || (phases.get(entry.getKey()) != null
                                                && phases.get(entry.getKey())
                                                        != ImageBuildPhase.Queued)
                                        || entry.getValue().isBefore(expiry));
    }
}
