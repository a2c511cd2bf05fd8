package dev.terrarium.builder;

import dev.terrarium.api.ImageBuild;
import dev.terrarium.naming.Labels;
import dev.terrarium.naming.Names;
import java.util.Map;
import java.util.Optional;

/**
 * Where the objects of a build run (its Job, build context and push credentials) and what they are
 * called: in the build namespace the operator owns, named apart per tenant namespace, or, without
 * one (single-team mode), beside the ImageBuild under its own name. Pure.
 *
 * @param buildNamespace the namespace the operator owns for builds, or null for single-team mode
 * @param serviceAccount the ServiceAccount, without a token, of every build pod in the build
 *     namespace
 * @param defaultRepository the repository shared by every namespace
 * @param sharedPushSecret the Secret in the build namespace with the credentials for the default
 *     repository, or null
 */
public record BuildPlacement(
        String buildNamespace,
        String serviceAccount,
        String defaultRepository,
        String sharedPushSecret) {

    /** Builds in the ImageBuild's own namespace (single-team mode). */
    public static BuildPlacement tenantNamespaces() {
        return new BuildPlacement(null, null, null, null);
    }

    /** Whether builds run in a namespace of their own, apart from the ImageBuilds. */
    public boolean separate() {
        return buildNamespace != null;
    }

    /** The namespace of the build's Job, context and secret copies. */
    public String namespace(ImageBuild build) {
        return separate() ? buildNamespace : build.getMetadata().getNamespace();
    }

    public String jobName(ImageBuild build) {
        return separate()
                ? Names.buildJob(build.getMetadata().getNamespace(), build.getMetadata().getName())
                : build.getMetadata().getName();
    }

    public String contextName(ImageBuild build) {
        return separate()
                ? Names.buildContext(
                        build.getMetadata().getNamespace(), build.getMetadata().getName())
                : Names.buildContext(build.getMetadata().getName());
    }

    /**
     * The name of the copy of the build's push secret in the build namespace, when there is one to
     * make: the build names a push secret, and builds run apart from it.
     */
    public Optional<String> pushSecretCopy(ImageBuild build) {
        if (!separate() || build.getSpec().getPushSecret() == null) {
            return Optional.empty();
        }
        return Optional.of(
                Names.pushSecretCopy(
                        build.getMetadata().getNamespace(), build.getMetadata().getName()));
    }

    /**
     * The name of the build's credentials Secret (of its package indexes and channels, and its git
     * SSH key), when its spec names Secrets of credentials: in the build namespace, or beside the
     * ImageBuild.
     */
    public Optional<String> credentialsSecret(ImageBuild build) {
        if (!hasCredentials(build)) {
            return Optional.empty();
        }
        String namespace = build.getMetadata().getNamespace();
        String name = build.getMetadata().getName();
        return Optional.of(
                separate()
                        ? Names.credentialsSecret(namespace, name)
                        : Names.credentialsSecret(name));
    }

    /** Whether the build's spec names Secrets of credentials for its install step. */
    public static boolean hasCredentials(ImageBuild build) {
        return (build.getSpec().getIndexSecrets() != null
                        && !build.getSpec().getIndexSecrets().isEmpty())
                || (build.getSpec().getChannelSecrets() != null
                        && !build.getSpec().getChannelSecrets().isEmpty())
                || build.getSpec().getGitSshSecretName() != null;
    }

    /**
     * The Secret the build pod pushes with: the copy of the tenant's own, else in the build
     * namespace the shared one for the default repository, else the ImageBuild's (single-team
     * mode), or null for none.
     */
    public String podPushSecret(ImageBuild build) {
        if (!separate()) {
            return build.getSpec().getPushSecret();
        }
        return pushSecretCopy(build).orElseGet(() -> sharedPushSecretFor(build).orElse(null));
    }

    /**
     * The shared push secret, when the build pushes to the default repository without a secret of
     * its own: the only case in which a build gets it.
     */
    public Optional<String> sharedPushSecretFor(ImageBuild build) {
        if (!separate()
                || sharedPushSecret == null
                || build.getSpec().getPushSecret() != null
                || !build.getSpec().getRepository().equals(defaultRepository)) {
            return Optional.empty();
        }
        return Optional.of(sharedPushSecret);
    }

    /** The ServiceAccount the build pod runs as. */
    public String podServiceAccount(ImageBuild build) {
        return separate() ? serviceAccount : build.getSpec().getBuild().getServiceAccountName();
    }

    /**
     * The labels of the build's objects and pods; in the build namespace they name the ImageBuild's
     * namespace too, which maps a build pod back to its ImageBuild.
     */
    public Map<String, String> labels(ImageBuild build) {
        String environment = build.getSpec().getEnvironment();
        String name = build.getMetadata().getName();
        return separate()
                ? Labels.forBuildIn(build.getMetadata().getNamespace(), environment, name)
                : Labels.forBuild(environment, name);
    }
}
