package dev.terrarium.reconciler;

import dev.terrarium.builder.BuildPlacement;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Activates a dependent only when builds run in the build namespace: its informer is not even
 * started otherwise, so the operator needs no rights for a kind it does not make. {@link
 * BuildsBesideEnvironments} is its opposite. A bean, so that the operator SDK takes it with the
 * operator's settings (a condition is otherwise made with its no-argument constructor).
 */
@ApplicationScoped
@Unremovable
public class BuildsApart implements Condition<Object, HasMetadata> {

    @Inject BuildPlacement placement;

    @Override
    public boolean isMet(
            DependentResource<Object, HasMetadata> dependent,
            HasMetadata primary,
            Context<HasMetadata> context) {
        return placement.separate();
    }
}
