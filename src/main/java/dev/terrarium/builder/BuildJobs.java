package dev.terrarium.builder;

import dev.terrarium.api.BuildSettings;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.buildcontext.BuildContext;
import dev.terrarium.buildcontext.BuildContextGenerator;
import dev.terrarium.buildcontext.BuildContextOptions;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The build context and builder pod of an ImageBuild, from its immutable spec and where builds run
 * alone, so that the context ConfigMap and the Job always agree and never change for a given
 * ImageBuild. Pure.
 */
public final class BuildJobs {

    /** What a build Job of an ImageBuild runs, or why none can be made for it. */
    public sealed interface Preparation {}

    /** The context files and the builder's pod. */
    public record Prepared(BuildContext context, BuilderPod pod) implements Preparation {}

    /** The spec cannot become a build; the message says which value and why. */
    public record Refused(String message) implements Preparation {}

    private BuildJobs() {}

    /**
     * The generator and the request refuse a malformed value by throwing, so that no code path can
     * ever build from one; this is the one place where that refusal becomes an answer the
     * reconciler reports.
     */
    public static Preparation prepare(ImageBuild build, BuildPlacement placement) {
        Long timeout = build.getSpec().getBuild().getTimeoutSeconds();
        if (timeout != null && (timeout < 1 || timeout > BuildSettings.MAX_TIMEOUT_SECONDS)) {
            return new Refused(
                    "spec.build.timeoutSeconds: "
                            + timeout
                            + " is not between 1 and "
                            + BuildSettings.MAX_TIMEOUT_SECONDS
                            + " seconds");
        }
        try {
            BuildContext context = context(build);
            return new Prepared(context, builderPod(build, placement, context));
        } catch (IllegalArgumentException e) {
            return new Refused(e.getMessage());
        }
    }

    /**
     * Why a build that is told to trust a CA bundle cannot start yet: the ConfigMap the operator
     * setting names is not in the build's namespace, or lacks the key. Its pod would wait for the
     * volume without a word until the build timed out, so the build waits in the queue instead,
     * saying what it waits for. Empty when the build names no bundle or the bundle is there.
     *
     * @param found the ConfigMap of that name in {@link BuildPlacement#namespace}, or null
     */
    public static Optional<String> caBundleMissing(
            ImageBuild build, BuildPlacement placement, ConfigMap found) {
        BuildSettings settings = build.getSpec().getBuild();
        if (settings == null || settings.getCaBundle() == null) {
            return Optional.empty();
        }
        String key =
                settings.getCaBundleKey() == null
                        ? BuildNetwork.DEFAULT_CA_BUNDLE_KEY
                        : settings.getCaBundleKey();
        String where =
                "the ConfigMap "
                        + settings.getCaBundle()
                        + " in namespace "
                        + placement.namespace(build)
                        + ", which the operator setting terrarium.builds.ca-bundle names";
        if (found == null) {
            return Optional.of(
                    "Waiting for "
                            + where
                            + ": builds trust its certificates and do not start without them.");
        }
        String pem = found.getData() == null ? null : found.getData().get(key);
        if (pem == null || pem.isBlank()) {
            return Optional.of(
                    "Waiting for the key "
                            + key
                            + " of "
                            + where
                            + " (terrarium.builds.ca-bundle-key): it has "
                            + (found.getData() == null || found.getData().isEmpty()
                                    ? "no keys"
                                    : "only "
                                            + String.join(
                                                    ", ", new TreeSet<>(found.getData().keySet())))
                            + ".");
        }
        return Optional.empty();
    }

    /**
     * The preparation of a build that the reconciler admitted, which it does only for prepared
     * ones.
     */
    public static Prepared prepared(ImageBuild build, BuildPlacement placement) {
        Preparation preparation = prepare(build, placement);
        if (preparation instanceof Prepared prepared) {
            return prepared;
        }
        throw new IllegalStateException(
                "ImageBuild "
                        + build.getMetadata().getName()
                        + " was admitted but cannot "
                        + "be built: "
                        + ((Refused) preparation).message());
    }

    private static BuildContext context(ImageBuild build) {
        BuildSettings settings = build.getSpec().getBuild();
        BuildContextOptions options = BuildContextOptions.defaults();
        if (settings.getUvVersion() != null) {
            options = options.withUvVersion(settings.getUvVersion());
        }
        if (settings.getCondaImage() != null) {
            options = options.withCondaImage(settings.getCondaImage());
        }
        if (settings.getChannelPriority() != null) {
            options = options.withChannelPriority(settings.getChannelPriority());
        }
        options = options.withChannelAlias(settings.getChannelAlias());
        options =
                options.withPipIndexUrl(settings.getPipIndexUrl())
                        .withCaBundle(settings.getCaBundle() != null);
        return new BuildContextGenerator(options)
                .generate(build.getSpec().getResolved(), build.getSpec().getSpecHash());
    }

    /** The network settings the ImageBuild was made with, checked again as the pod takes them. */
    static BuildNetwork network(BuildSettings settings) {
        return new BuildNetwork(
                settings.getPipIndexUrl(),
                settings.getCaBundle(),
                settings.getCaBundleKey(),
                settings.getHttpProxy(),
                settings.getHttpsProxy(),
                settings.getNoProxy());
    }

    private static BuilderPod builderPod(
            ImageBuild build, BuildPlacement placement, BuildContext context) {
        BuildSettings settings = build.getSpec().getBuild();
        BuildRequest request =
                BuildRequest.of(
                                settings.getBuilderImage(),
                                build.getSpec().target(),
                                placement.contextName(build),
                                context)
                        .withPushSecret(placement.podPushSecret(build))
                        .withCredentialsSecret(placement.credentialsSecret(build).orElse(null))
                        .withInsecureRegistry(Boolean.TRUE.equals(settings.getInsecureRegistry()))
                        .withResources(settings.getResources())
                        .withNetwork(network(settings));
        return BuilderPodSpec.forStrategy(settings.getStrategy()).pod(request);
    }
}
