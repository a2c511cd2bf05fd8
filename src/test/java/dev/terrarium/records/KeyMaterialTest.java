package dev.terrarium.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrarium.signing.SigningKey;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyMaterialTest {

    @Test
    void theKeyRoundTripsThroughItsSecret() {
        SigningKey key = SigningKey.generate();
        Secret secret = KeyMaterial.toSecret(key, "terrarium-system");

        assertThat(secret.getMetadata().getName()).isEqualTo(KeyMaterial.GENERATED_SECRET);
        assertThat(secret.getMetadata().getNamespace()).isEqualTo("terrarium-system");
        assertThat(KeyMaterial.fromSecret(secret).keyId()).isEqualTo(key.keyId());
    }

    @Test
    void aSecretWithoutAKeyPairIsRefusedWithoutShowingItsContent() {
        SigningKey key = SigningKey.generate();
        Secret secret = KeyMaterial.toSecret(key, "ns");
        secret.getData()
                .put(
                        KeyMaterial.PUBLIC_KEY,
                        java.util.Base64.getEncoder()
                                .encodeToString(
                                        SigningKey.generate()
                                                .publicKeyPem()
                                                .getBytes(StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> KeyMaterial.fromSecret(secret))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not hold a P-256 key pair")
                .hasMessageNotContaining("PRIVATE KEY");
        secret.setData(Map.of());
        assertThatThrownBy(() -> KeyMaterial.fromSecret(secret))
                .hasMessageContaining("has no " + KeyMaterial.PRIVATE_KEY);
    }

    @Test
    void publishingARotatedKeyKeepsTheOldOneTrusted() {
        SigningKey old = SigningKey.generate();
        SigningKey rotated = SigningKey.generate();
        ConfigMap first = KeyMaterial.publish(null, old.publicKey(), "ns").orElseThrow();

        assertThat(first.getData())
                .containsEntry(KeyMaterial.CURRENT_PUBLIC_KEY, old.publicKeyPem())
                .containsEntry("key-" + old.keyId() + ".pub", old.publicKeyPem());
        assertThat(KeyMaterial.publish(first, old.publicKey(), "ns")).as("unchanged").isEmpty();

        ConfigMap second = KeyMaterial.publish(first, rotated.publicKey(), "ns").orElseThrow();
        assertThat(second.getData())
                .containsEntry(KeyMaterial.CURRENT_PUBLIC_KEY, rotated.publicKeyPem())
                .containsKeys("key-" + old.keyId() + ".pub", "key-" + rotated.keyId() + ".pub");
        assertThat(KeyMaterial.trusted(second))
                .containsExactlyInAnyOrder(old.publicKey(), rotated.publicKey());
    }

    @Test
    void entriesThatAreNoKeysVerifyNothing() {
        SigningKey key = SigningKey.generate();
        ConfigMap published = KeyMaterial.publish(null, key.publicKey(), "ns").orElseThrow();
        published.getData().put("notes.txt", "not a key");

        assertThat(KeyMaterial.trusted(published)).containsExactly(key.publicKey());
        assertThat(KeyMaterial.trusted(null)).isEmpty();
    }
}
