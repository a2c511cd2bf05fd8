package dev.terrarium.dependent;

import dev.terrarium.api.BuildSettings;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.build.BuildContext;
import dev.terrarium.build.BuildContextGenerator;
import dev.terrarium.build.BuildContextOptions;
import dev.terrarium.build.BuildRequest;
import dev.terrarium.build.BuilderPod;
import dev.terrarium.build.BuilderPodSpec;
import dev.terrarium.support.Names;

/**
 * The build context and builder pod of an ImageBuild, from its immutable spec alone, so that the context ConfigMap
 * and the Job always agree and never change for a given ImageBuild.
 */
public final class BuildJobs {

    private BuildJobs() {
    }

    public static BuildContext context(ImageBuild build) {
        BuildSettings settings = build.getSpec().getBuild();
        BuildContextOptions options = BuildContextOptions.defaults().forStrategy(settings.getStrategy());
        if (settings.getUvVersion() != null) {
            options = options.withUvVersion(settings.getUvVersion());
        }
        return new BuildContextGenerator(options).generate(build.getSpec().getResolved(),
                build.getSpec().getSpecHash());
    }

    public static BuilderPod builderPod(ImageBuild build) {
        BuildSettings settings = build.getSpec().getBuild();
        String target = build.getSpec().getRepository() + ":" + build.getSpec().getSpecHash();
        BuildRequest request = BuildRequest.of(target, Names.buildContext(build.getMetadata().getName()),
                context(build))
                .withBuilderImage(settings.getBuilderImage())
                .withPushSecret(build.getSpec().getPushSecret())
                .withInsecureRegistry(Boolean.TRUE.equals(settings.getInsecureRegistry()))
                .withResources(settings.getResources());
        return BuilderPodSpec.forStrategy(settings.getStrategy()).pod(request);
    }
}
