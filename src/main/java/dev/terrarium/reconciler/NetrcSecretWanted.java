package dev.terrarium.reconciler;

import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildPhase;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * The netrc Secret of an ImageBuild's package-index credentials exists while its build runs, and
 * only then: once the build ends (or before it was admitted) the workflow deletes it, as it does
 * the copy of the push secret.
 */
public class NetrcSecretWanted implements Condition<Object, ImageBuild> {

    @Override
    public boolean isMet(
            DependentResource<Object, ImageBuild> dependent,
            ImageBuild build,
            Context<ImageBuild> context) {
        return wanted(build);
    }

    static boolean wanted(ImageBuild build) {
        return build.getSpec().getIndexSecrets() != null
                && !build.getSpec().getIndexSecrets().isEmpty()
                && build.getStatus() != null
                && build.getStatus().getPhase() == ImageBuildPhase.Running;
    }
}
