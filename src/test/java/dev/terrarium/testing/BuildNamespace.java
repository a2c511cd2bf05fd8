package dev.terrarium.testing;

import dev.terrarium.naming.Labels;
import dev.terrarium.naming.Names;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/**
 * What the test operator (run as the chart installs it) has in the build namespace that deploy/
 * creates, for one ImageBuild or one tenant namespace: read with the admin client, as tenants have
 * no access there.
 */
public final class BuildNamespace {

    /** The build namespace of deploy/ (deploy/rbac/build-namespace.yaml). */
    public static final String NAME = "terrarium-builds";

    private BuildNamespace() {}

    /** The build Job of the ImageBuild namespace/name, or null. */
    public static Job job(KubernetesClient admin, String namespace, String imageBuild) {
        return admin.batch()
                .v1()
                .jobs()
                .inNamespace(NAME)
                .withName(Names.buildJob(namespace, imageBuild))
                .get();
    }

    public static ConfigMap context(KubernetesClient admin, String namespace, String imageBuild) {
        return admin.configMaps()
                .inNamespace(NAME)
                .withName(Names.buildContext(namespace, imageBuild))
                .get();
    }

    public static Secret pushSecretCopy(
            KubernetesClient admin, String namespace, String imageBuild) {
        return admin.secrets()
                .inNamespace(NAME)
                .withName(Names.pushSecretCopy(namespace, imageBuild))
                .get();
    }

    /** The build Jobs of every ImageBuild of a tenant namespace. */
    public static List<Job> jobs(KubernetesClient admin, String namespace) {
        return admin.batch()
                .v1()
                .jobs()
                .inNamespace(NAME)
                .withLabel(Labels.IMAGE_BUILD_NAMESPACE, namespace)
                .list()
                .getItems();
    }

    /** The build pods of the ImageBuild namespace/name. */
    public static List<Pod> pods(KubernetesClient admin, String namespace, String imageBuild) {
        return admin.pods()
                .inNamespace(NAME)
                .withLabel(Labels.IMAGE_BUILD_NAMESPACE, namespace)
                .withLabel(Labels.IMAGE_BUILD, imageBuild)
                .list()
                .getItems();
    }
}
