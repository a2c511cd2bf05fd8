package dev.terrarium.operator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Build meters on /q/metrics, beside the operator SDK's reconcile meters: builds by result, build
 * duration, and the queue (builds waiting for a slot, builds running).
 */
@ApplicationScoped
public class BuildMetrics {

    private final MeterRegistry registry;
    private final Timer duration;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();

    public BuildMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.duration =
                Timer.builder("terrarium.build.duration")
                        .description("Time from a build Job's start to its end")
                        .register(registry);
        registry.gauge("terrarium.builds.queued", queued);
        registry.gauge("terrarium.builds.running", running);
    }

    /**
     * A build ended: result is succeeded, failed, cache_hit (registry) or shared (an equal build's
     * image).
     */
    public void finished(String result, Duration took) {
        Counter.builder("terrarium.builds")
                .description("Builds by result")
                .tag("result", result)
                .register(registry)
                .increment();
        if (took != null) {
            duration.record(took);
        }
    }

    /** The queue as the scheduler last saw it. */
    public void queue(int waiting, int building) {
        queued.set(waiting);
        running.set(building);
    }
}
