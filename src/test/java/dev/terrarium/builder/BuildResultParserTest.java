package dev.terrarium.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class BuildResultParserTest {

    private static final String DIGEST = "sha256:19ffeab6f8bc9293ac2c3fdf94ebe28396254c993aea0b5a542cfb02e0883fa3";
    private static final String BUILDKIT_METADATA = """
            {
              "containerimage.config.digest": "sha256:2937f66a9722f7f4a2df583de2f8cb97fc9196059a410e7f00072fc918930e66",
              "containerimage.descriptor": {
                "annotations": {
                  "config.digest": "sha256:2937f66a9722f7f4a2df583de2f8cb97fc9196059a410e7f00072fc918930e66",
                  "org.opencontainers.image.created": "2025-01-07T10:00:00Z"
                },
                "digest": "sha256:19ffeab6f8bc9293ac2c3fdf94ebe28396254c993aea0b5a542cfb02e0883fa3",
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "size": 1423
              },
              "containerimage.digest": "sha256:19ffeab6f8bc9293ac2c3fdf94ebe28396254c993aea0b5a542cfb02e0883fa3",
              "image.name": "registry.example.com/team/env:latest"
            }""";

    @Test
    void aBareDigestAsKanikoAndBuildahWriteIt() {
        assertThat(BuildResultParser.digest(DIGEST)).isEqualTo(DIGEST);
    }

    @Test
    void surroundingWhitespaceIsIgnored() {
        assertThat(BuildResultParser.digest(DIGEST + "\n")).isEqualTo(DIGEST);
        assertThat(BuildResultParser.digest("  " + DIGEST + "\r\n")).isEqualTo(DIGEST);
    }

    @Test
    void buildKitMetadataGivesTheManifestDigestNotTheConfigDigest() {
        assertThat(BuildResultParser.digest(BUILDKIT_METADATA)).isEqualTo(DIGEST);
        assertThat(BuildResultParser.digest(BUILDKIT_METADATA + "\n")).isEqualTo(DIGEST);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" \n"})
    void anEmptyMessageIsRefused(String message) {
        assertThatThrownBy(() -> BuildResultParser.digest(message))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no termination message");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "sha256:19FFEAB6F8BC9293AC2C3FDF94EBE28396254C993AEA0B5A542CFB02E0883FA3",
        "sha256:19ffeab6f8bc9293ac2c3fdf94ebe28396254c993aea0b5a542cfb02e0883fa",
        "sha512:19ffeab6f8bc9293ac2c3fdf94ebe28396254c993aea0b5a542cfb02e0883fa3",
        "19ffeab6f8bc9293ac2c3fdf94ebe28396254c993aea0b5a542cfb02e0883fa3",
        "registry.example.com/team/env@sha256:19ffeab6f8bc9293ac2c3fdf94ebe28396254c993aea0b5a542cfb02e0883fa3",
        "sha256:19ffeab6f8bc9293ac2c3fdf94ebe28396254c993aea0b5a542cfb02e0883fa3\nsha256:"
                + "2937f66a9722f7f4a2df583de2f8cb97fc9196059a410e7f00072fc918930e66",
        "error: failed to solve: process did not complete successfully: exit code: 1",
    })
    void anythingButOneDigestIsRefused(String message) {
        assertThatThrownBy(() -> BuildResultParser.digest(message)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"containerimage.config.digest\": "
                + "\"sha256:2937f66a9722f7f4a2df583de2f8cb97fc9196059a410e7f00072fc918930e66\"}",
        "{\"containerimage.digest\": 42}",
        "{\"containerimage.digest\": \"sha256:nothex\"}",
        "{\"containerimage.digest\": null}",
        "{\"containerimage.descriptor\": {\"digest\": "
                + "\"sha256:19ffeab6f8bc9293ac2c3fdf94ebe28396254c993aea0b5a542cfb02e0883fa3\"}}",
        "[\"sha256:19ffeab6f8bc9293ac2c3fdf94ebe28396254c993aea0b5a542cfb02e0883fa3\"]",
    })
    void metadataWithoutATopLevelManifestDigestIsRefused(String message) {
        assertThatThrownBy(() -> BuildResultParser.digest(message)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void truncatedOrTrailingJsonIsRefused() {
        assertThatThrownBy(() -> BuildResultParser.digest(BUILDKIT_METADATA.substring(0, 300)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> BuildResultParser.digest(BUILDKIT_METADATA + " {}"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDuplicatedDigestKeyIsRefused() {
        String twice = "{\"containerimage.digest\": \"" + DIGEST + "\", \"containerimage.digest\": \"sha256:"
                + "2937f66a9722f7f4a2df583de2f8cb97fc9196059a410e7f00072fc918930e66\"}";

        assertThatThrownBy(() -> BuildResultParser.digest(twice)).isInstanceOf(IllegalArgumentException.class);
    }
}
