package dev.terrarium.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ImageRecordTest {

    private static final String DIGEST = "sha256:" + "3".repeat(64);

    @Test
    void aRecordRoundTripsThroughItsConfigMapInTheOperatorsNamespace() {
        ImageRecord record = new ImageRecord("127.0.0.1:5001/team/env", "h1", DIGEST);
        ConfigMap configMap = record.toConfigMap("terrarium-system");

        assertThat(configMap.getMetadata().getNamespace()).isEqualTo("terrarium-system");
        assertThat(configMap.getMetadata().getName())
                .isEqualTo(ImageRecord.configMapName("127.0.0.1:5001/team/env", "h1"))
                .matches("terrarium-image-[a-f0-9]{40}");
        assertThat(configMap.getMetadata().getLabels())
                .containsEntry(ImageRecord.LABEL, "true")
                .containsEntry("app.kubernetes.io/managed-by", "terrarium");
        assertThat(ImageRecord.fromConfigMap(configMap, "127.0.0.1:5001/team/env", "h1"))
                .contains(record);
    }

    @Test
    void namesDifferByRepositoryAndHashAndFitAnyRepository() {
        String longRepository = "registry.example:5000/" + "a/".repeat(120) + "env";
        assertThat(ImageRecord.configMapName("r/a", "h1"))
                .isNotEqualTo(ImageRecord.configMapName("r/b", "h1"))
                .isNotEqualTo(ImageRecord.configMapName("r/a", "h2"));
        assertThat(ImageRecord.configMapName(longRepository, "h1")).hasSize(56);
    }

    @Test
    void aConfigMapForAnotherRepositoryOrHashOrWithoutAValidDigestIsNoRecord() {
        ConfigMap configMap = new ImageRecord("r/a", "h1", DIGEST).toConfigMap("ns");

        assertThat(ImageRecord.fromConfigMap(configMap, "r/b", "h1")).isEmpty();
        assertThat(ImageRecord.fromConfigMap(configMap, "r/a", "h2")).isEmpty();
        assertThat(ImageRecord.fromConfigMap(null, "r/a", "h1")).isEmpty();
        configMap.getData().put("digest", "latest");
        assertThat(ImageRecord.fromConfigMap(configMap, "r/a", "h1")).isEqualTo(Optional.empty());
        assertThatThrownBy(() -> new ImageRecord("r/a", "h1", "sha256:short"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
