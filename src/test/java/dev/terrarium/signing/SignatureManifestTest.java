package dev.terrarium.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignatureManifestTest {

    private static final byte[] PAYLOAD = CosignSample.PAYLOAD.getBytes(StandardCharsets.UTF_8);

    @Test
    void theSampleWasTranscribedExactly() {
        assertThat(SignatureManifest.sha256(CosignSample.MANIFEST.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(
                        "sha256:97b8e00f283e5d1b733dcbb6cf18d3fcdb5b737d2d8fb7f8c80f470344295db4");
        assertThat(SignatureManifest.sha256(CosignSample.CONFIG.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(
                        "sha256:9ceba51a656c3f01e22c00993e9a9298a8044d733c7160755b039d1fe0d886ed");
    }

    @Test
    void oneSignatureGivesTheManifestAndConfigCosignWrites() {
        SignatureManifest.Layer layer =
                SignatureManifest.signatureLayer(
                        PAYLOAD, Base64.getDecoder().decode(CosignSample.SIGNATURE));

        SignatureManifest.Written written = SignatureManifest.write(List.of(layer), null);

        assertThat(new String(written.manifest(), StandardCharsets.UTF_8))
                .isEqualTo(CosignSample.MANIFEST);
        assertThat(new String(written.config(), StandardCharsets.UTF_8))
                .isEqualTo(CosignSample.CONFIG);
    }

    @Test
    void theTagIsTheDigestWithADashAndSig() {
        assertThat(SignatureManifest.tagFor(CosignSample.DIGEST))
                .isEqualTo(
                        "sha256-c161e5793e329443a4f2f8ac143a78379f6b6c4dc7fdbd43a252c608b2fceffb.sig");
        assertThatThrownBy(() -> SignatureManifest.tagFor("sha256:ABC"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readingAndWritingAgainKeepsEveryDescriptorAndTheManifestAnnotations() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode foreign = (ObjectNode) json.readTree(CosignSample.MANIFEST);
        foreign.putObject("annotations").put("org.example/kept", "yes");
        ((ObjectNode) foreign.get("layers").get(0)).put("urls", "kept too");

        SignatureManifest.Contents contents =
                SignatureManifest.parse(json.writeValueAsBytes(foreign));
        List<SignatureManifest.Layer> layers = new ArrayList<>(contents.layers());
        layers.add(
                SignatureManifest.signatureLayer(
                        "second".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2}));
        SignatureManifest.Written written = SignatureManifest.write(layers, contents.annotations());

        var manifest = json.readTree(written.manifest());
        assertThat(manifest.get("layers")).hasSize(2);
        assertThat(manifest.get("layers").get(0)).isEqualTo(foreign.get("layers").get(0));
        assertThat(
                        manifest.get("layers")
                                .get(1)
                                .path("annotations")
                                .path(SignatureManifest.SIGNATURE_ANNOTATION)
                                .asText())
                .isEqualTo("AQI=");
        assertThat(manifest.path("annotations").path("org.example/kept").asText()).isEqualTo("yes");
        var config = json.readTree(written.config());
        assertThat(config.path("rootfs").path("diff_ids")).hasSize(2);
        assertThat(config.path("rootfs").path("diff_ids").get(1).asText())
                .isEqualTo(SignatureManifest.sha256("second".getBytes(StandardCharsets.UTF_8)));
        assertThat(config.path("history")).hasSize(2);
        assertThat(manifest.path("config").path("digest").asText())
                .isEqualTo(SignatureManifest.sha256(written.config()));
    }

    @Test
    void layersAreReadWithWhatMakesThemSignatures() {
        SignatureManifest.Contents contents =
                SignatureManifest.parse(CosignSample.MANIFEST.getBytes(StandardCharsets.UTF_8));

        assertThat(contents.layers())
                .singleElement()
                .satisfies(
                        layer -> {
                            assertThat(layer.isSignature()).isTrue();
                            assertThat(layer.size()).isEqualTo(297);
                            assertThat(layer.base64Signature()).contains(CosignSample.SIGNATURE);
                        });
        String attestation =
                CosignSample.MANIFEST.replace(
                        "application/vnd.dev.cosign.simplesigning.v1+json",
                        "application/vnd.dsse.envelope.v1+json");
        assertThat(
                        SignatureManifest.parse(attestation.getBytes(StandardCharsets.UTF_8))
                                .layers()
                                .get(0)
                                .isSignature())
                .isFalse();
    }

    @Test
    void malformedOrOversizedManifestsAreRefused() {
        StringBuilder many = new StringBuilder("{\"schemaVersion\":2,\"layers\":[");
        for (int i = 0; i <= SignatureManifest.MAX_LAYERS; i++) {
            many.append(i == 0 ? "" : ",")
                    .append("{\"digest\":\"sha256:")
                    .append("a".repeat(64))
                    .append("\"}");
        }
        many.append("]}");

        assertThatThrownBy(
                        () ->
                                SignatureManifest.parse(
                                        many.toString().getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("1001 layers, more than 1000");
        assertThatThrownBy(
                        () ->
                                SignatureManifest.parse(
                                        "{\"layers\":[{\"digest\":\"x\"}]}"
                                                .getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("no valid digest");
        assertThatThrownBy(
                        () ->
                                SignatureManifest.parse(
                                        ("{\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                                                        + "\"manifests\":[]}")
                                                .getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not an image manifest");
        assertThatThrownBy(
                        () ->
                                SignatureManifest.parse(
                                        "{\"layers\":1}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("no layers array");
        assertThatThrownBy(
                        () ->
                                SignatureManifest.parse(
                                        "{\"layers\":[],\"layers\":[]}"
                                                .getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("duplicate keys");
        assertThatThrownBy(() -> SignatureManifest.write(List.of(), null))
                .hasMessageContaining("1 to 1000 layers");
    }
}
