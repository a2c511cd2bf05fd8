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
 * Activates a dependent only in single-team mode, where builds run in the Environment's own
 * namespace; the opposite of {@link BuildsApart}.
 */
@ApplicationScoped
@Unremovable
public class BuildsBesideEnvironments implements Condition<Object, HasMetadata> {

    @Inject BuildPlacement placement;

    @Override
    public boolean isMet(
            DependentResource<Object, HasMetadata> dependent,
            HasMetadata primary,
            Context<HasMetadata> context) {
        return !placement.separate();
    }
}
