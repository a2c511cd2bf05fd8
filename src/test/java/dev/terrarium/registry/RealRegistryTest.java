package dev.terrarium.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.terrarium.testing.TestImages;
import dev.terrarium.testing.TestImages.Layer;
import dev.terrarium.testing.TestRegistry;
import dev.terrarium.testing.TinyImage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client against Debian's docker-registry (distribution 2.8) without authentication. */
class RealRegistryTest {

    private static final String LOCK = "opt/terrarium/lock";

    private static TestRegistry registry;
    private static RegistryClient client;

    @BeforeAll
    static void startRegistry() {
        registry = TestRegistry.start();
        client = new RegistryClient(Set.of(registry.hostPort()));
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void digestReadBackEqualsThePushedDigest() {
        String pushed =
                TestImages.push(
                        registry.hostPort(),
                        "terrarium/digest",
                        "abc123",
                        Map.of(LOCK, "numpy==1.26.4\n"),
                        Credentials.ANONYMOUS);
        ImageReference image =
                ImageReference.parse(registry.hostPort() + "/terrarium/digest:abc123");

        assertThat(client.manifestDigest(image, Credentials.ANONYMOUS)).contains(pushed);
        assertThat(client.manifestDigest(image.withDigest(pushed), null)).contains(pushed);
    }

    @Test
    void missingTagOrRepositoryIsEmpty() {
        TestImages.push(
                registry.hostPort(),
                "terrarium/missing",
                "present",
                Map.of(LOCK, "x"),
                Credentials.ANONYMOUS);

        assertThat(
                        client.manifestDigest(
                                ImageReference.parse(
                                        registry.hostPort() + "/terrarium/missing:absent"),
                                Credentials.ANONYMOUS))
                .isEmpty();
        assertThat(
                        client.manifestDigest(
                                ImageReference.parse(
                                        registry.hostPort() + "/terrarium/never-pushed:1"),
                                Credentials.ANONYMOUS))
                .isEmpty();
    }

    @Test
    void readsAFileFromTheTopmostLayerHoldingIt() {
        Map<String, String> upper = new LinkedHashMap<>();
        upper.put(LOCK, "numpy==2.0.0\n");
        upper.put("etc/motd", "hello");
        TestImages.push(
                registry.hostPort(),
                "terrarium/layers",
                "1",
                List.of(
                        Layer.gzip(
                                Map.of(
                                        LOCK,
                                        "numpy==1.26.4\n",
                                        "opt/terrarium/base-only",
                                        "from the base")),
                        Layer.uncompressed(Map.of("usr/share/doc/readme", "middle layer")),
                        Layer.gzip(upper)),
                Credentials.ANONYMOUS);
        ImageReference image = ImageReference.parse(registry.hostPort() + "/terrarium/layers:1");

        assertThat(client.readFileFromImage(image, Credentials.ANONYMOUS, LOCK))
                .contains("numpy==2.0.0\n");
        assertThat(
                        client.readFileFromImage(
                                image, Credentials.ANONYMOUS, "/opt/terrarium/base-only"))
                .contains("from the base");
        assertThat(client.readFileFromImage(image, Credentials.ANONYMOUS, "usr/share/doc/readme"))
                .contains("middle layer");
        assertThat(
                        client.readFileFromImage(
                                image, Credentials.ANONYMOUS, "opt/terrarium/nothing-here"))
                .isEmpty();
    }

    @Test
    void whiteoutsDeleteFilesOfLowerLayers() {
        TestImages.push(
                registry.hostPort(),
                "terrarium/whiteout",
                "1",
                List.of(
                        Layer.gzip(
                                Map.of(
                                        LOCK,
                                        "stale",
                                        "opt/cache/data",
                                        "cached",
                                        "opt/keep",
                                        "kept")),
                        Layer.gzip(
                                Map.of(
                                        "opt/terrarium/.wh.lock",
                                        "",
                                        "opt/cache/.wh..wh..opq",
                                        ""))),
                Credentials.ANONYMOUS);
        ImageReference image = ImageReference.parse(registry.hostPort() + "/terrarium/whiteout:1");

        assertThat(client.readFileFromImage(image, Credentials.ANONYMOUS, LOCK)).isEmpty();
        assertThat(client.readFileFromImage(image, Credentials.ANONYMOUS, "opt/cache/data"))
                .isEmpty();
        assertThat(client.readFileFromImage(image, Credentials.ANONYMOUS, "opt/keep"))
                .contains("kept");
    }

    @Test
    void anIndexIsFollowedToItsLinuxAmd64Manifest() {
        String arm =
                TestImages.push(
                        registry.hostPort(),
                        "terrarium/multi",
                        "arm64",
                        Map.of(LOCK, "built for arm64"),
                        Credentials.ANONYMOUS);
        String amd =
                TestImages.push(
                        registry.hostPort(),
                        "terrarium/multi",
                        "amd64",
                        Map.of(LOCK, "built for amd64"),
                        Credentials.ANONYMOUS);
        Map<String, String> platforms = new LinkedHashMap<>();
        platforms.put("linux/arm64", arm);
        platforms.put("linux/amd64", amd);
        String index =
                TestImages.pushIndex(
                        registry.hostPort(),
                        "terrarium/multi",
                        "1",
                        platforms,
                        Credentials.ANONYMOUS);
        ImageReference image = ImageReference.parse(registry.hostPort() + "/terrarium/multi:1");

        assertThat(client.manifestDigest(image, Credentials.ANONYMOUS)).contains(index);
        assertThat(client.readFileFromImage(image, Credentials.ANONYMOUS, LOCK))
                .contains("built for amd64");
        assertThat(client.readFileFromImage(image.withDigest(index), Credentials.ANONYMOUS, LOCK))
                .contains("built for amd64");
    }

    @Test
    void anIndexWithoutLinuxAmd64FallsBackToItsFirstImageManifest() {
        String arm =
                TestImages.push(
                        registry.hostPort(),
                        "terrarium/armonly",
                        "arm64",
                        Map.of(LOCK, "built for arm64"),
                        Credentials.ANONYMOUS);
        String s390 =
                TestImages.push(
                        registry.hostPort(),
                        "terrarium/armonly",
                        "s390x",
                        Map.of(LOCK, "built for s390x"),
                        Credentials.ANONYMOUS);
        Map<String, String> platforms = new LinkedHashMap<>();
        platforms.put("linux/arm64", arm);
        platforms.put("linux/s390x", s390);
        TestImages.pushIndex(
                registry.hostPort(), "terrarium/armonly", "1", platforms, Credentials.ANONYMOUS);

        assertThat(
                        client.readFileFromImage(
                                ImageReference.parse(registry.hostPort() + "/terrarium/armonly:1"),
                                Credentials.ANONYMOUS,
                                LOCK))
                .contains("built for arm64");
    }

    @Test
    void aCorruptedBlobIsRejected() throws IOException {
        TestImages.push(
                registry.hostPort(),
                "terrarium/corrupt",
                "1",
                Map.of(LOCK, "genuine"),
                Credentials.ANONYMOUS);
        ImageReference image = ImageReference.parse(registry.hostPort() + "/terrarium/corrupt:1");
        String layerDigest = layerDigests(image).get(0);
        byte[] genuine = Files.readAllBytes(registry.blobDataFile(layerDigest));
        byte[] tampered = genuine.clone();
        tampered[tampered.length / 2] ^= 0x01;
        Files.write(
                registry.blobDataFile(layerDigest), tampered, StandardOpenOption.TRUNCATE_EXISTING);

        assertThatThrownBy(() -> client.readFileFromImage(image, Credentials.ANONYMOUS, LOCK))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("blob " + layerDigest)
                .hasMessageContaining("does not match its digest");
    }

    @Test
    void aLayerAboveTheBlobLimitStopsTheSearch() {
        TestImages.push(
                registry.hostPort(),
                "terrarium/limit",
                "1",
                List.of(
                        Layer.uncompressed(Map.of(LOCK, "deep down", "big", "x".repeat(8192))),
                        Layer.gzip(Map.of("etc/motd", "top"))),
                Credentials.ANONYMOUS);
        ImageReference image = ImageReference.parse(registry.hostPort() + "/terrarium/limit:1");
        RegistryClient limited =
                new RegistryClient(Set.of(registry.hostPort()), Duration.ofSeconds(10), 4096);

        assertThat(limited.readFileFromImage(image, Credentials.ANONYMOUS, "etc/motd"))
                .contains("top");
        assertThatThrownBy(() -> limited.readFileFromImage(image, Credentials.ANONYMOUS, LOCK))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("more than the limit of 4096");
    }

    @Test
    void readingFromAMissingImageFailsWith404() {
        assertThatThrownBy(
                        () ->
                                client.readFileFromImage(
                                        ImageReference.parse(
                                                registry.hostPort() + "/terrarium/never-pushed:1"),
                                        Credentials.ANONYMOUS,
                                        LOCK))
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> {
                            assertThat(e.status()).isEqualTo(404);
                            assertThat(e.errorCode()).isIn("MANIFEST_UNKNOWN", "NAME_UNKNOWN");
                        });
    }

    @Test
    void aRegistryNotNamedInsecureIsReachedOverHttps() {
        RegistryClient strict = new RegistryClient(Set.of(), Duration.ofSeconds(2), 1024);

        assertThatThrownBy(
                        () ->
                                strict.manifestDigest(
                                        ImageReference.parse(
                                                registry.hostPort() + "/terrarium/digest:abc123"),
                                        Credentials.ANONYMOUS))
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> {
                            assertThat(e.status()).isEqualTo(RegistryException.NO_STATUS);
                            assertThat(e.getMessage()).contains("https://" + registry.hostPort());
                        });
    }

    @Test
    void anImagePushedWithTheClientReadsBackByteForByte() {
        TinyImage tiny = TinyImage.of(Map.of(LOCK, "pushed by the client\n"));
        ImageReference image = ImageReference.parse(registry.hostPort() + "/terrarium/pushed:1");

        String digest = tiny.push(client, image, Credentials.ANONYMOUS);

        assertThat(digest).isEqualTo(tiny.digest());
        assertThat(client.manifestDigest(image, Credentials.ANONYMOUS)).contains(digest);
        assertThat(client.readFileFromImage(image, Credentials.ANONYMOUS, LOCK))
                .contains("pushed by the client\n");
        assertThat(client.getManifest(image.withDigest(digest), Credentials.ANONYMOUS, 1 << 20))
                .hasValueSatisfying(
                        manifest -> {
                            assertThat(manifest.content()).isEqualTo(tiny.manifest());
                            assertThat(manifest.mediaType()).isEqualTo(TestImages.OCI_MANIFEST);
                            assertThat(manifest.digest()).isEqualTo(digest);
                        });
        assertThat(client.getManifest(image, Credentials.ANONYMOUS, 1 << 20))
                .map(RawManifest::digest)
                .contains(digest);
        assertThat(
                        client.getBlob(
                                image,
                                Credentials.ANONYMOUS,
                                TestImages.sha256(tiny.layer()),
                                1 << 20))
                .isEqualTo(tiny.layer());
        assertThat(client.getManifest(image.withTag("absent"), Credentials.ANONYMOUS, 1 << 20))
                .isEmpty();
    }

    @Test
    void aBlobTheRepositoryHasIsNotUploadedTwice() {
        ImageReference repository =
                ImageReference.parse(registry.hostPort() + "/terrarium/twice:1");
        byte[] blob = "uploaded once".getBytes(StandardCharsets.UTF_8);

        String first = client.pushBlob(repository, Credentials.ANONYMOUS, blob);
        String second = client.pushBlob(repository, Credentials.ANONYMOUS, blob);

        assertThat(second).isEqualTo(first).isEqualTo(TestImages.sha256(blob));
        assertThat(
                        registry.log()
                                .lines()
                                .filter(
                                        line ->
                                                line.contains(
                                                        "\"POST /v2/terrarium/twice/blobs/uploads/"))
                                .count())
                .isEqualTo(1);
    }

    @Test
    void aTagIsMovedToAnotherDigestByPuttingTheSameManifestBytes() {
        ImageReference image =
                ImageReference.parse(registry.hostPort() + "/terrarium/tagged:abc123");
        String built = TinyImage.of(Map.of(LOCK, "v1")).push(client, image, Credentials.ANONYMOUS);
        String other =
                TinyImage.of(Map.of(LOCK, "v2"))
                        .push(client, image.withTag("def456"), Credentials.ANONYMOUS);

        assertThat(client.putTag(image.withDigest(built), "v1.2", Credentials.ANONYMOUS))
                .isEqualTo(built);
        assertThat(client.manifestDigest(image.withTag("v1.2"), Credentials.ANONYMOUS))
                .contains(built);
        assertThat(client.putTag(image.withDigest(other), "v1.2", Credentials.ANONYMOUS))
                .isEqualTo(other);
        assertThat(client.manifestDigest(image.withTag("v1.2"), Credentials.ANONYMOUS))
                .contains(other);
        assertThatThrownBy(
                        () ->
                                client.putTag(
                                        image.withDigest("sha256:" + "0".repeat(64)),
                                        "v9",
                                        Credentials.ANONYMOUS))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void aManifestWhoseBlobsAreMissingIsRefusedWithTheRegistrysCode() {
        TinyImage tiny = TinyImage.of(Map.of(LOCK, "never uploaded"));
        ImageReference image = ImageReference.parse(registry.hostPort() + "/terrarium/orphan:1");

        assertThatThrownBy(
                        () ->
                                client.putManifest(
                                        image,
                                        Credentials.ANONYMOUS,
                                        TestImages.OCI_MANIFEST,
                                        tiny.manifest()))
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> {
                            assertThat(e.status()).isEqualTo(400);
                            assertThat(e.errorCode()).isEqualTo("MANIFEST_BLOB_UNKNOWN");
                            assertThat(e.getMessage())
                                    .contains("PUT /v2/terrarium/orphan/manifests/1");
                        });
    }

    private static List<String> layerDigests(ImageReference image) throws IOException {
        HttpRequest request =
                HttpRequest.newBuilder(
                                URI.create(
                                        "http://"
                                                + image.registry()
                                                + "/v2/"
                                                + image.repository()
                                                + "/manifests/"
                                                + image.tag()))
                        .header("Accept", TestImages.OCI_MANIFEST)
                        .build();
        try {
            String body =
                    HttpClient.newHttpClient()
                            .send(request, HttpResponse.BodyHandlers.ofString())
                            .body();
            List<String> digests = new ArrayList<>();
            new ObjectMapper()
                    .readTree(body)
                    .path("layers")
                    .forEach(layer -> digests.add(layer.path("digest").asText()));
            return digests;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
