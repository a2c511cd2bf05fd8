package dev.terrarium.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.terrarium.registry.Credentials;
import dev.terrarium.registry.ImageReference;
import dev.terrarium.registry.RegistryClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A one-layer OCI image (an uncompressed tar of the given files) as the bytes a client pushes, for
 * tests that push with {@link RegistryClient} itself rather than with {@link TestImages}'
 * independent client.
 *
 * @param layer the layer blob
 * @param config the image config blob
 * @param manifest the OCI image manifest
 */
public record TinyImage(byte[] layer, byte[] config, byte[] manifest) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** An image whose single layer holds these files (paths without a leading slash). */
    public static TinyImage of(Map<String, String> files) {
        byte[] layer = TestImages.tar(files);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("architecture", "amd64");
        config.put("os", "linux");
        config.put("config", Map.of());
        config.put(
                "rootfs", Map.of("type", "layers", "diff_ids", List.of(TestImages.sha256(layer))));
        byte[] configBytes = json(config);
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", TestImages.OCI_MANIFEST);
        manifest.put("config", descriptor("application/vnd.oci.image.config.v1+json", configBytes));
        manifest.put(
                "layers", List.of(descriptor("application/vnd.oci.image.layer.v1.tar", layer)));
        return new TinyImage(layer, configBytes, json(manifest));
    }

    /** The manifest digest, {@code sha256:<hex>}. */
    public String digest() {
        return TestImages.sha256(manifest);
    }

    /**
     * Pushes the blobs, then the manifest under the reference's tag, with the client under test.
     *
     * @return the digest the registry stored the manifest as
     */
    public String push(RegistryClient client, ImageReference target, Credentials credentials) {
        client.pushBlob(target, credentials, layer);
        client.pushBlob(target, credentials, config);
        return client.putManifest(target, credentials, TestImages.OCI_MANIFEST, manifest);
    }

    private static Map<String, Object> descriptor(String mediaType, byte[] content) {
        Map<String, Object> descriptor = new LinkedHashMap<>();
        descriptor.put("mediaType", mediaType);
        descriptor.put("digest", TestImages.sha256(content));
        descriptor.put("size", content.length);
        return descriptor;
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
