package dev.terrarium.dependent;

import dev.terrarium.api.Environment;
import dev.terrarium.api.Workload;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.ResourceOperations;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.api.reconciler.dependent.managed.ManagedWorkflowAndDependentResourceContext;
import io.javaoperatorsdk.operator.processing.event.EventSourceRetriever;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.stream.Stream;

/**
 * A reconcile context that holds a Workload and the Environments in its namespace, and nothing
 * else.
 */
final class FakeContext implements Context<Workload> {

    private final Workload primary;
    private final Set<Environment> environments;

    FakeContext(Workload primary, Environment... environments) {
        this.primary = primary;
        this.environments = Set.of(environments);
    }

    @Override
    public Workload getPrimaryResource() {
        return primary;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> Set<R> getSecondaryResources(Class<R> type) {
        if (type != Environment.class) {
            throw new UnsupportedOperationException(
                    "secondary resources of " + type.getSimpleName());
        }
        return (Set<R>) environments;
    }

    @Override
    public <R> Set<R> getSecondaryResources(Class<R> type, boolean deduplicate) {
        return getSecondaryResources(type);
    }

    private static UnsupportedOperationException unused() {
        return new UnsupportedOperationException("not used by desired()");
    }

    @Override
    public Optional<RetryInfo> getRetryInfo() {
        throw unused();
    }

    @Override
    public <R> Stream<R> getSecondaryResourcesAsStream(Class<R> type, boolean deduplicate) {
        throw unused();
    }

    @Override
    public <R> Optional<R> getSecondaryResource(Class<R> type, String eventSourceName) {
        throw unused();
    }

    @Override
    public ControllerConfiguration<Workload> getControllerConfiguration() {
        throw unused();
    }

    @Override
    public ManagedWorkflowAndDependentResourceContext managedWorkflowAndDependentResourceContext() {
        throw unused();
    }

    @Override
    public EventSourceRetriever<Workload> eventSourceRetriever() {
        throw unused();
    }

    @Override
    public KubernetesClient getClient() {
        throw unused();
    }

    @Override
    public ResourceOperations<Workload> resourceOperations() {
        throw unused();
    }

    @Override
    public ExecutorService getWorkflowExecutorService() {
        throw unused();
    }

    @Override
    public IndexedResourceCache<Workload> getPrimaryCache() {
        throw unused();
    }

    @Override
    public boolean isNextReconciliationImminent() {
        throw unused();
    }

    @Override
    public boolean isPrimaryResourceDeleted() {
        throw unused();
    }

    @Override
    public boolean isPrimaryResourceFinalStateUnknown() {
        throw unused();
    }
}
