package dev.terrarium.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PatternsTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "1", "2", "500m", "0.5", ".5", "1.", "1Gi", "512Mi", "+1", "1e3", "1E-3", "10k",
                "100n", "0010", "1.25Ti"
            })
    void aQuantityGreaterThanZeroIsAccepted(String quantity) {
        assertThat(quantity).matches(Patterns.POSITIVE_QUANTITY);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "0", "00", "0.0", ".0", "0Gi", "0m", "-1", "-500m", "-1Gi", "", "lots", "1Zi",
                "1 Gi", "1GB", "1gi", "Gi", ".", "1..5", "1e", "--1", "1.5.5"
            })
    void zeroANegativeOrAMalformedQuantityIsRefused(String quantity) {
        assertThat(quantity).doesNotMatch(Patterns.POSITIVE_QUANTITY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"30m", "1h30m", "24h", "2s", "999999h", "1h2m3s"})
    void aDurationIsAccepted(String duration) {
        assertThat(duration).matches(Patterns.DURATION);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "9999999h",
                "1d",
                "-1h",
                "1.5h",
                "30",
                "1m30h",
                "1h 30m",
                "PT1H",
                "1H",
                "12345678m",
                "1234567890s"
            })
    void aMalformedOrOverlongDurationIsRefused(String duration) {
        assertThat(duration).doesNotMatch(Patterns.DURATION);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"/data", "/dev/shm", "/home/jovyan/work", "/opt/app", "/opt/venvs", "/a"})
    void aMountPathIsAbsoluteWithoutEmptyElements(String path) {
        assertThat(path).matches(Patterns.ABSOLUTE_PATH);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "", "data", "/data/", "//data", "/a//b"})
    void aRelativeOrUntidyMountPathIsRefused(String path) {
        assertThat(path).doesNotMatch(Patterns.ABSOLUTE_PATH);
    }

    @ParameterizedTest
    @ValueSource(strings = {"conf/app.toml", "a", "..a/b", "a.b"})
    void anItemPathIsRelative(String path) {
        assertThat(path).matches(Patterns.RELATIVE_PATH);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/passwd", "", "a/", "a//b"})
    void anAbsoluteOrUntidyItemPathIsRefused(String path) {
        assertThat(path).doesNotMatch(Patterns.RELATIVE_PATH);
    }
}
