package dev.terrarium.dependent;

import dev.terrarium.api.ImageBuild;
import dev.terrarium.builder.BuildPlacement;
import dev.terrarium.naming.Labels;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.BooleanWithUndefined;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * The copy, in the build namespace, of the push secret that an ImageBuild names in its own
 * namespace, for as long as its build runs: the build pod there cannot mount a Secret of another
 * namespace. Made only when builds run in a namespace of their own; its informer watches only the
 * operator's build Secrets there, so the operator never lists tenants' Secrets.
 */
@KubernetesDependent(
        useSSA = BooleanWithUndefined.TRUE,
        informer =
                @Informer(
                        labelSelector =
                                Labels.MANAGED_SELECTOR + "," + Labels.COMPONENT + "=build"))
public class BuildPushSecretDependent extends BuildNamespaceDependent<Secret> {

    private final BuildPlacement placement;

    public BuildPushSecretDependent(BuildPlacement placement) {
        this.placement = placement;
    }

    @Override
    protected BuildPlacement placement() {
        return placement;
    }

    /**
     * The copy's name; for a build without one, a name no object has: this informer also sees the
     * build's other Secrets (its netrc), and the workflow asks for the copy to delete it.
     */
    @Override
    protected String objectName(ImageBuild build) {
        return placement.pushSecretCopy(build).orElse(NO_OBJECT);
    }

    @Override
    protected Secret desired(ImageBuild build, Context<ImageBuild> context) {
        Secret original = tenantSecret(build, context);
        return desired(build, placement, original);
    }

    /** The copy of {@code original}: its type and data, under the build's name and labels. */
    static Secret desired(ImageBuild build, BuildPlacement placement, Secret original) {
        return new SecretBuilder()
                .withNewMetadata()
                .withName(placement.pushSecretCopy(build).orElseThrow())
                .withNamespace(placement.namespace(build))
                .withLabels(placement.labels(build))
                .endMetadata()
                .withType(original.getType())
                .withData(original.getData())
                .build();
    }

    private static Secret tenantSecret(ImageBuild build, Context<ImageBuild> context) {
        String namespace = build.getMetadata().getNamespace();
        String name = build.getSpec().getPushSecret();
        Secret secret = context.getClient().secrets().inNamespace(namespace).withName(name).get();
        if (secret == null) {
            throw new IllegalStateException(
                    "spec.pushSecret: the Secret "
                            + name
                            + " is not found in namespace "
                            + namespace
                            + "; the build needs it to push.");
        }
        return secret;
    }
}
