package dev.terrarium.buildlogs;

import dev.terrarium.api.ImageBuild;
import dev.terrarium.kube.LogTail;
import dev.terrarium.kube.Owners;
import dev.terrarium.naming.Labels;
import dev.terrarium.naming.Names;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * The log record of a finished build: {@code <imagebuild>-log}, an immutable ConfigMap beside the
 * ImageBuild and owned by it, so that the build's history keeps its log after the Job and its pod
 * are gone, and tenants read it where the Job runs in a namespace they cannot see. It keeps the
 * log's end, which says how the build finished, within {@link #MAX_BYTES}: a ConfigMap holds at
 * most 1 MiB.
 */
@ApplicationScoped
public class BuildLogStore {

    public static final String LOG_KEY = "log";

    public static final int MAX_BYTES = 512 * 1024;

    private final KubernetesClient client;

    public BuildLogStore(KubernetesClient client) {
        this.client = client;
    }

    /** Stores the end of the build's log and returns the record's name. */
    public String store(ImageBuild build, String log) {
        String name = Names.buildLog(build.getMetadata().getName());
        client.resource(record(build, name, LogTail.lastBytes(log, MAX_BYTES)))
                .fieldManager("imagebuild")
                .forceConflicts()
                .serverSideApply();
        return name;
    }

    static ConfigMap record(ImageBuild build, String name, String log) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(build.getMetadata().getNamespace())
                .withLabels(
                        Labels.forBuildLog(
                                build.getSpec().getEnvironment(), build.getMetadata().getName()))
                .withOwnerReferences(Owners.controller(build))
                .endMetadata()
                .withImmutable(true)
                .withData(Map.of(LOG_KEY, log))
                .build();
    }
}
