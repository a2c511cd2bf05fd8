package dev.terrarium.dependent;

import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.PipIndex;
import dev.terrarium.builder.BuildPlacement;
import dev.terrarium.credentials.IndexCredentials;
import dev.terrarium.naming.Labels;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.BooleanWithUndefined;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The netrc file of an ImageBuild's package-index credentials, as a Secret where its build runs,
 * for as long as the build runs: made from the Secrets its spec names in its own namespace ({@link
 * IndexCredentials}), mounted only in the build step and handed to buildah as a build secret. Its
 * informer watches only the operator's build Secrets, so the operator never lists tenants' Secrets.
 */
@KubernetesDependent(
        useSSA = BooleanWithUndefined.TRUE,
        informer =
                @Informer(
                        labelSelector =
                                Labels.MANAGED_SELECTOR + "," + Labels.COMPONENT + "=build"))
public class BuildNetrcSecretDependent extends BuildNamespaceDependent<Secret> {

    private final BuildPlacement placement;

    public BuildNetrcSecretDependent(BuildPlacement placement) {
        this.placement = placement;
    }

    @Override
    protected BuildPlacement placement() {
        return placement;
    }

    /**
     * The netrc Secret's name; for a build without one, a name no object has: this informer also
     * sees the build's copy of its push secret, and the workflow asks for the netrc to delete it.
     */
    @Override
    protected String objectName(ImageBuild build) {
        return placement.netrcSecret(build).orElse(NO_OBJECT);
    }

    @Override
    protected Secret desired(ImageBuild build, Context<ImageBuild> context) {
        List<IndexCredentials.Source> sources = new ArrayList<>();
        List<PipIndex> secrets = build.getSpec().getIndexSecrets();
        String namespace = build.getMetadata().getNamespace();
        for (int i = 0; i < secrets.size(); i++) {
            PipIndex index = secrets.get(i);
            String field = "spec.indexSecrets[" + i + "].secretName";
            Secret secret =
                    context.getClient()
                            .secrets()
                            .inNamespace(namespace)
                            .withName(index.getSecretName())
                            .get();
            if (secret == null) {
                throw new IllegalStateException(
                        field
                                + ": the Secret "
                                + index.getSecretName()
                                + " is not found in namespace "
                                + namespace
                                + "; the build needs it for "
                                + index.getUrl());
            }
            sources.add(
                    new IndexCredentials.Source(
                            field, index.getUrl(), index.getSecretName(), secret.getData()));
        }
        return desired(build, placement, IndexCredentials.netrc(sources));
    }

    /** The Secret holding {@code netrc} under its key, with the build's name and labels. */
    static Secret desired(ImageBuild build, BuildPlacement placement, String netrc) {
        return new SecretBuilder()
                .withNewMetadata()
                .withName(placement.netrcSecret(build).orElseThrow())
                .withNamespace(placement.namespace(build))
                .withLabels(placement.labels(build))
                .endMetadata()
                .withType("Opaque")
                .withData(
                        Map.of(
                                IndexCredentials.NETRC_KEY,
                                Base64.getEncoder()
                                        .encodeToString(netrc.getBytes(StandardCharsets.UTF_8))))
                .build();
    }
}
