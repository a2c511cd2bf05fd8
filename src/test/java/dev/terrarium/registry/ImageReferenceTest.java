package dev.terrarium.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {

    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    @ParameterizedTest
    @CsvSource(
            nullValues = "-",
            value = {
                "python,                              docker.io,        library/python,   latest, -",
                "python:3.12-slim,                    docker.io,        library/python,   3.12-slim, -",
                "bitnami/redis:7,                     docker.io,        bitnami/redis,    7,      -",
                "docker.io/python,                    docker.io,        library/python,   latest, -",
                "index.docker.io/library/python:3,    docker.io,        library/python,   3,      -",
                "registry-1.docker.io/org/app,        docker.io,        org/app,          latest, -",
                "localhost/app,                       localhost,        app,              latest, -",
                "localhost:5000/team/env:abc123,      localhost:5000,   team/env,         abc123, -",
                "127.0.0.1:5000/terrarium/ds:0f3a,    127.0.0.1:5000,   terrarium/ds,     0f3a,   -",
                "GHCR.io/org/app:v1,                  ghcr.io,          org/app,          v1,     -",
                "[::1]:5000/app:1,                    [::1]:5000,       app,              1,      -",
                "quay.io/a/b/c__d.e-f:tag_1.0,        quay.io,          a/b/c__d.e-f,     tag_1.0, -",
            })
    void parsesAndNormalises(
            String text, String registry, String repository, String tag, String digest) {
        ImageReference reference = ImageReference.parse(text);

        assertThat(reference).isEqualTo(new ImageReference(registry, repository, tag, digest));
    }

    @Test
    void digestWithAndWithoutTag() {
        ImageReference pinned = ImageReference.parse("ghcr.io/org/app@" + DIGEST);
        assertThat(pinned.tag()).isNull();
        assertThat(pinned.digest()).isEqualTo(DIGEST);
        assertThat(pinned.manifestReference()).isEqualTo(DIGEST);
        assertThat(pinned.toString()).isEqualTo("ghcr.io/org/app@" + DIGEST);

        ImageReference both = ImageReference.parse("127.0.0.1:5000/app:1.0@" + DIGEST);
        assertThat(both.registry()).isEqualTo("127.0.0.1:5000");
        assertThat(both.tag()).isEqualTo("1.0");
        assertThat(both.manifestReference()).isEqualTo(DIGEST);
        assertThat(both.toString()).isEqualTo("127.0.0.1:5000/app:1.0@" + DIGEST);
    }

    @Test
    void tagIsTheManifestReferenceWithoutDigest() {
        ImageReference reference = ImageReference.parse("python:3.12");

        assertThat(reference.manifestReference()).isEqualTo("3.12");
        assertThat(reference.toString()).isEqualTo("docker.io/library/python:3.12");
    }

    @Test
    void withTagAndWithDigestKeepTheRepository() {
        ImageReference base = ImageReference.parse("127.0.0.1:5000/terrarium/ds");

        assertThat(base.withTag("0f3a").toString()).isEqualTo("127.0.0.1:5000/terrarium/ds:0f3a");
        assertThat(base.withDigest(DIGEST).toString())
                .isEqualTo("127.0.0.1:5000/terrarium/ds@" + DIGEST);
        assertThatThrownBy(() -> base.withTag("bad tag"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "  ",
                "Python",
                "python:bad tag",
                "python:-lead",
                "org//app",
                "org/app/",
                "/app",
                "app@sha256:abc",
                "app@sha256:" + "AB" + "ab",
                "reg.io/App",
                "reg.io:port/app",
                "app@" + "md5:x"
            })
    void rejectsInvalidReferences(String text) {
        assertThatThrownBy(() -> ImageReference.parse(text))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void errorNamesTheBadPart() {
        assertThatThrownBy(() -> ImageReference.parse("ghcr.io/Org/app:1"))
                .hasMessageContaining("invalid repository path 'Org/app'");
        assertThatThrownBy(() -> ImageReference.parse("app:" + "t".repeat(129)))
                .hasMessageContaining("invalid tag");
    }
}
