package dev.terrarium.operator;

import dev.terrarium.workload.WorkloadRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The RuntimeClasses that Workloads' isolation levels map to, from the operator's settings. */
@ApplicationScoped
public class IsolationSettings {

    @Produces
    @Singleton
    WorkloadRuntime workloadRuntime(TerrariumConfig config) {
        return new WorkloadRuntime(
                config.isolation().sandboxedRuntimeClass(), config.isolation().vmRuntimeClass());
    }
}
