package dev.terrarium.records;

import dev.terrarium.operator.TerrariumConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * The operator's {@link ImageRecord}s, one ConfigMap each in the records namespace ({@code
 * terrarium.records.namespace}, the operator's own), where only the operator writes.
 */
@ApplicationScoped
public class ImageRecordStore {

    static final String DEFAULT_NAMESPACE = "terrarium-system";

    private static final String FIELD_MANAGER = "terrarium-records";

    private final KubernetesClient client;
    private final String namespace;

    public ImageRecordStore(KubernetesClient client, TerrariumConfig config) {
        this.client = client;
        this.namespace = namespace(config);
    }

    /**
     * The records namespace; {@code terrarium-system}, the namespace the operator is installed in
     * by default, when the setting is blank.
     */
    static String namespace(TerrariumConfig config) {
        return config.records().namespace().filter(ns -> !ns.isBlank()).orElse(DEFAULT_NAMESPACE);
    }

    public Optional<ImageRecord> find(String repository, String specHash) {
        ConfigMap configMap =
                client.configMaps()
                        .inNamespace(namespace)
                        .withName(ImageRecord.configMapName(repository, specHash))
                        .get();
        return ImageRecord.fromConfigMap(configMap, repository, specHash);
    }

    /** Writes the record, replacing an earlier one for the same repository and hash. */
    public void write(ImageRecord record) {
        client.resource(record.toConfigMap(namespace))
                .fieldManager(FIELD_MANAGER)
                .forceConflicts()
                .serverSideApply();
    }
}
