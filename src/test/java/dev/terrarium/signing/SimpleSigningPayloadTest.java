package dev.terrarium.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrarium.registry.ImageReference;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimpleSigningPayloadTest {

    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    @Test
    void thePayloadIsByteForByteWhatCosignSignsForTheSameAnnotations() {
        byte[] payload =
                SimpleSigningPayload.forImage(CosignSample.IMAGE, CosignSample.SPEC_HASH).toBytes();

        assertThat(new String(payload, StandardCharsets.UTF_8)).isEqualTo(CosignSample.PAYLOAD);
        assertThat(SignatureManifest.sha256(payload))
                .isEqualTo(
                        "sha256:82a1908d956e2ed56ab0ecade8bf3def729cab29ac34ccaa7d6bc859a096ae24");
    }

    @Test
    void dockerHubIsNamedAsGoContainerregistryNamesIt() {
        ImageReference python = ImageReference.parse("python@" + DIGEST);

        SimpleSigningPayload payload = SimpleSigningPayload.forImage(python, "h");

        assertThat(payload.dockerReference()).isEqualTo("index.docker.io/library/python");
        assertThat(payload.identifies(python)).isTrue();
        assertThat(
                        new SimpleSigningPayload("docker.io/library/python", DIGEST, Map.of())
                                .identifies(python))
                .isTrue();
        assertThat(payload.identifies(ImageReference.parse("python2@" + DIGEST))).isFalse();
        assertThat(payload.identifies(ImageReference.parse("ghcr.io/library/python@" + DIGEST)))
                .isFalse();
        assertThat(new SimpleSigningPayload("not a reference", DIGEST, Map.of()).identifies(python))
                .isFalse();
    }

    @Test
    void equalInputsGiveEqualBytesAndParsingGivesThemBack() {
        ImageReference image = ImageReference.parse("registry.example:5000/team/env@" + DIGEST);
        byte[] first = SimpleSigningPayload.forImage(image, "0f3a").toBytes();

        SimpleSigningPayload parsed = SimpleSigningPayload.parse(first);

        assertThat(SimpleSigningPayload.forImage(image, "0f3a").toBytes()).isEqualTo(first);
        assertThat(parsed).isEqualTo(SimpleSigningPayload.forImage(image, "0f3a"));
        assertThat(parsed.toBytes()).isEqualTo(first);
        assertThat(parsed.specHash()).contains("0f3a");
    }

    @Test
    void parsingTakesKeysInAnyOrderAndIgnoresOptionalEntriesThatAreNotStrings() {
        String json =
                "{\"optional\":{\"n\":1,\"dev.terrarium/spec-hash\":\"x\"},\"critical\":{\"type\":"
                        + "\"cosign container image signature\",\"image\":{\"docker-manifest-digest\":\""
                        + DIGEST
                        + "\"},"
                        + "\"identity\":{\"docker-reference\":\"r.example/a\"}}}";

        SimpleSigningPayload payload =
                SimpleSigningPayload.parse(json.getBytes(StandardCharsets.UTF_8));

        assertThat(payload.optional()).containsExactly(Map.entry("dev.terrarium/spec-hash", "x"));
        assertThat(payload.manifestDigest()).isEqualTo(DIGEST);
        assertThat(payload.dockerReference()).isEqualTo("r.example/a");
    }

    @Test
    void aPayloadWithoutOptionalIsWrittenWithNullAsGoDoes() {
        String json =
                new String(
                        new SimpleSigningPayload("r.example/a", DIGEST, Map.of()).toBytes(),
                        StandardCharsets.UTF_8);

        assertThat(json).endsWith(",\"optional\":null}");
        assertThat(SimpleSigningPayload.parse(json.getBytes(StandardCharsets.UTF_8)).specHash())
                .isEmpty();
    }

    @Test
    void duplicateKeysAreRefusedSoNoReaderSeesAnotherDigest() {
        String json =
                "{\"critical\":{\"identity\":{\"docker-reference\":\"r.example/a\"},\"image\":{"
                        + "\"docker-manifest-digest\":\""
                        + DIGEST
                        + "\",\"docker-manifest-digest\":\"sha256:"
                        + "0".repeat(64)
                        + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}";

        assertThatThrownBy(() -> SimpleSigningPayload.parse(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duplicate");
    }

    @Test
    void payloadsOfOtherKindsAreRefused() {
        assertThatThrownBy(() -> SimpleSigningPayload.parse("[]".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not a JSON object");
        assertThatThrownBy(
                        () ->
                                SimpleSigningPayload.parse(
                                        "{\"critical\":{\"type\":\"atomic container signature\"}}"
                                                .getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("critical.type is 'atomic container signature'");
        assertThatThrownBy(
                        () ->
                                SimpleSigningPayload.parse(
                                        ("{\"critical\":{\"type\":\"cosign container image "
                                                        + "signature\",\"identity\":{\"docker-reference\":\"r.example/a\"}}}")
                                                .getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("no string critical.image.docker-manifest-digest");
        assertThatThrownBy(
                        () ->
                                SimpleSigningPayload.parse(
                                        "{\"critical\":".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void stringsAreEscapedAsGoEscapesThem() {
        StringBuilder out = new StringBuilder();

        SimpleSigningPayload.goString(out, "a\"b\\c\n\t\b\f\u0001<>&\u2028\u2029é😀\ud800x");

        assertThat(out.toString())
                .isEqualTo(
                        "\"a\\\"b\\\\c\\n\\t\\b\\f\\u0001\\u003c\\u003e\\u0026\\u2028\\u2029"
                                + "é😀\\ufffdx\"");
    }

    @Test
    void onlySha256DigestsAndNonBlankHashesAreSigned() {
        assertThatThrownBy(
                        () ->
                                SimpleSigningPayload.forImage(
                                        ImageReference.parse("r.example/a:1"), "h"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sha256 digest");
        assertThatThrownBy(
                        () ->
                                SimpleSigningPayload.forImage(
                                        ImageReference.parse(
                                                "r.example/a@sha512:" + "a".repeat(128)),
                                        "h"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sha256 digest");
        assertThatThrownBy(
                        () ->
                                SimpleSigningPayload.forImage(
                                        ImageReference.parse("r.example/a@" + DIGEST), " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spec hash");
    }
}
