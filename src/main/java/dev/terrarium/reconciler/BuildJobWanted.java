package dev.terrarium.reconciler;

import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildPhase;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * An ImageBuild has a build context and a Job once it was admitted to a build slot (phase Running),
 * and keeps them after it finished, for {@code kubectl logs job/<status.jobName>} (in the build
 * namespace when builds run there), until the ImageBuild goes. Builds served from a cache never get
 * one.
 */
public class BuildJobWanted implements Condition<Object, ImageBuild> {

    @Override
    public boolean isMet(
            DependentResource<Object, ImageBuild> dependent,
            ImageBuild build,
            Context<ImageBuild> context) {
        boolean admitted =
                build.getStatus() != null
                        && build.getStatus().getPhase() == ImageBuildPhase.Running;
        return admitted || context.getSecondaryResource(Job.class).isPresent();
    }
}
