package dev.terrarium.reconciler;

import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildPhase;
import dev.terrarium.builder.BuildPlacement;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * The credentials Secret of an ImageBuild (its indexes', channels' and git SSH key) exists while
 * its build runs, and only then: once the build ends (or before it was admitted) the workflow
 * deletes it, as it does the copy of the push secret.
 */
public class CredentialsSecretWanted implements Condition<Object, ImageBuild> {

    @Override
    public boolean isMet(
            DependentResource<Object, ImageBuild> dependent,
            ImageBuild build,
            Context<ImageBuild> context) {
        return wanted(build);
    }

    static boolean wanted(ImageBuild build) {
        return BuildPlacement.hasCredentials(build)
                && build.getStatus() != null
                && build.getStatus().getPhase() == ImageBuildPhase.Running;
    }
}
