package dev.terrarium.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class BuildResultParserTest {

    private static final String DIGEST =
            "sha256:19ffeab6f8bc9293ac2c3fdf94ebe28396254c993aea0b5a542cfb02e0883fa3";

    @Test
    void aBareDigestAsBuildahWritesIt() {
        assertThat(BuildResultParser.digest(DIGEST)).isEqualTo(DIGEST);
    }

    @Test
    void surroundingWhitespaceIsIgnored() {
        assertThat(BuildResultParser.digest(DIGEST + "\n")).isEqualTo(DIGEST);
        assertThat(BuildResultParser.digest("  " + DIGEST + "\r\n")).isEqualTo(DIGEST);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" \n"})
    void anEmptyMessageIsRefused(String message) {
        assertThatThrownBy(() -> BuildResultParser.digest(message))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no termination message");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "sha256:19FFEAB6F8BC9293AC2C3FDF94EBE28396254C993AEA0B5A542CFB02E0883FA3",
                "sha256:19ffeab6f8bc9293ac2c3fdf94ebe28396254c993aea0b5a542cfb02e0883fa",
                "sha512:19ffeab6f8bc9293ac2c3fdf94ebe28396254c993aea0b5a542cfb02e0883fa3",
                "19ffeab6f8bc9293ac2c3fdf94ebe28396254c993aea0b5a542cfb02e0883fa3",
                "registry.example.com/team/env@sha256:19ffeab6f8bc9293ac2c3fdf94ebe28396254c993aea0b5a542cfb02e0883fa3",
                "sha256:19ffeab6f8bc9293ac2c3fdf94ebe28396254c993aea0b5a542cfb02e0883fa3\nsha256:"
                        + "2937f66a9722f7f4a2df583de2f8cb97fc9196059a410e7f00072fc918930e66",
                "error: failed to solve: process did not complete successfully: exit code: 1",
                "{\"containerimage.digest\": \"sha256:19ffeab6f8bc9293ac2c3fdf94ebe28396254c993aea0b5a542cfb02e0883fa3\"}",
            })
    void anythingButOneDigestIsRefused(String message) {
        assertThatThrownBy(() -> BuildResultParser.digest(message))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
