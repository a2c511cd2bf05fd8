package dev.terrarium.reconciler;

import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildPhase;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * The copy of an ImageBuild's push secret exists while its build runs, and only then: once the
 * build ends (or before it was admitted) the workflow deletes it, so a tenant's credentials stay in
 * the build namespace no longer than a build needs them.
 */
public class PushSecretCopyWanted implements Condition<Object, ImageBuild> {

    @Override
    public boolean isMet(
            DependentResource<Object, ImageBuild> dependent,
            ImageBuild build,
            Context<ImageBuild> context) {
        return build.getSpec().getPushSecret() != null
                && build.getStatus() != null
                && build.getStatus().getPhase() == ImageBuildPhase.Running;
    }
}
