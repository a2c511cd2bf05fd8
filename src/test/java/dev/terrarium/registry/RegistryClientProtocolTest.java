package dev.terrarium.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.terrarium.testing.TestImages;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client's HTTP behaviour against a scripted server, for what a real registry cannot be made to
 * do on demand: omit the digest header, fail, stall, redirect blobs, issue tokens with chosen
 * lifetimes.
 */
class RegistryClientProtocolTest {

    private static final byte[] MANIFEST =
            ("{\"schemaVersion\":2,"
                            + "\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}")
                    .getBytes(StandardCharsets.UTF_8);
    private static final String MANIFEST_DIGEST = TestImages.sha256(MANIFEST);
    private static final String BASIC_ALICE =
            "Basic "
                    + Base64.getEncoder()
                            .encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));

    private final List<Server> servers = new CopyOnWriteArrayList<>();
    private final MutableClock clock = new MutableClock();

    @AfterEach
    void stopServers() {
        servers.forEach(Server::close);
    }

    @Test
    void headAcceptsIndexesAndManifestsAndReturnsTheDigestHeader() {
        Server registry = server();
        registry.route(
                "/v2/team/app/manifests/1.0",
                exchange -> {
                    exchange.getResponseHeaders().set("Docker-Content-Digest", MANIFEST_DIGEST);
                    respond(exchange, 200, new byte[0]);
                });

        assertThat(
                        client(registry)
                                .manifestDigest(
                                        image(registry, "team/app:1.0"), Credentials.ANONYMOUS))
                .contains(MANIFEST_DIGEST);
        assertThat(registry.requests())
                .singleElement()
                .satisfies(
                        request -> {
                            assertThat(request.method()).isEqualTo("HEAD");
                            assertThat(request.accept())
                                    .contains(
                                            "application/vnd.oci.image.index.v1+json",
                                            "application/vnd.oci.image.manifest.v1+json",
                                            "application/vnd.docker.distribution.manifest.list.v2+json",
                                            "application/vnd.docker.distribution.manifest.v2+json");
                        });
    }

    @Test
    void withoutTheDigestHeaderTheDigestIsTheSha256OfTheManifest() {
        Server registry = server();
        registry.route(
                "/v2/team/app/manifests/1.0",
                exchange ->
                        respond(
                                exchange,
                                200,
                                exchange.getRequestMethod().equals("GET")
                                        ? MANIFEST
                                        : new byte[0]));

        assertThat(
                        client(registry)
                                .manifestDigest(
                                        image(registry, "team/app:1.0"), Credentials.ANONYMOUS))
                .contains(MANIFEST_DIGEST);
        assertThat(registry.requests()).extracting(Request::method).containsExactly("HEAD", "GET");
    }

    @Test
    void registryErrorsCarryStatusCodeAndMessage() {
        Server registry = server();
        registry.route(
                "/v2/team/app/manifests/1.0",
                exchange ->
                        respond(
                                exchange,
                                503,
                                exchange.getRequestMethod().equals("GET")
                                        ? "{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"storage backend down\"}]}"
                                                .getBytes(StandardCharsets.UTF_8)
                                        : new byte[0]));

        assertThatThrownBy(
                        () ->
                                client(registry)
                                        .manifestDigest(
                                                image(registry, "team/app:1.0"),
                                                Credentials.ANONYMOUS))
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> {
                            assertThat(e.status()).isEqualTo(503);
                            assertThat(e.errorCode()).isEqualTo("UNAVAILABLE");
                            assertThat(e.registryMessage()).isEqualTo("storage backend down");
                            assertThat(e.getMessage())
                                    .contains("HTTP 503", "storage backend down", "team/app:1.0");
                        });
    }

    @Test
    void basicAuthIsRememberedAfterTheFirstChallenge() {
        Server registry = server();
        registry.route(
                "/v2/team/app/manifests/",
                exchange -> {
                    if (!BASIC_ALICE.equals(
                            exchange.getRequestHeaders().getFirst("Authorization"))) {
                        exchange.getResponseHeaders()
                                .set("WWW-Authenticate", "Basic realm=\"fake\"");
                        respond(exchange, 401, new byte[0]);
                        return;
                    }
                    exchange.getResponseHeaders().set("Docker-Content-Digest", MANIFEST_DIGEST);
                    respond(exchange, 200, new byte[0]);
                });
        RegistryClient client = client(registry);
        Credentials alice = Credentials.basic("alice", "s3cret");

        assertThat(client.manifestDigest(image(registry, "team/app:1"), alice))
                .contains(MANIFEST_DIGEST);
        assertThat(client.manifestDigest(image(registry, "team/app:2"), alice))
                .contains(MANIFEST_DIGEST);
        assertThat(registry.requests())
                .extracting(Request::authorization)
                .containsExactly(null, BASIC_ALICE, BASIC_ALICE);
    }

    @Test
    void bearerTokensAreCachedPerScopeUntilShortlyBeforeTheyExpire() {
        Server registry = server();
        AtomicInteger issued = new AtomicInteger();
        List<Map<String, String>> tokenRequests = new CopyOnWriteArrayList<>();
        registry.route(
                "/token",
                exchange -> {
                    Map<String, String> query = decodeForm(exchange.getRequestURI().getRawQuery());
                    query.put(
                            "authorization",
                            exchange.getRequestHeaders().getFirst("Authorization"));
                    tokenRequests.add(query);
                    respondJson(
                            exchange,
                            200,
                            "{\"token\":\"tok-"
                                    + issued.incrementAndGet()
                                    + "\",\"expires_in\":100}");
                });
        routeBearerProtectedManifests(registry);
        RegistryClient client = client(registry);
        Credentials alice = Credentials.basic("alice", "s3cret");
        ImageReference app = image(registry, "team/app:1");

        assertThat(client.manifestDigest(app, alice)).contains(MANIFEST_DIGEST);
        assertThat(client.manifestDigest(app.withTag("2"), alice)).contains(MANIFEST_DIGEST);
        assertThat(tokenRequests)
                .singleElement()
                .satisfies(
                        request -> {
                            assertThat(request)
                                    .containsEntry("service", "fake-registry")
                                    .containsEntry("scope", "repository:team/app:pull")
                                    .containsEntry("authorization", BASIC_ALICE);
                        });

        clock.advance(Duration.ofSeconds(94));
        client.manifestDigest(app, alice);
        assertThat(tokenRequests).hasSize(1);

        clock.advance(Duration.ofSeconds(2));
        client.manifestDigest(app, alice);
        assertThat(tokenRequests).hasSize(2);

        client.manifestDigest(image(registry, "team/other:1"), alice);
        assertThat(tokenRequests).hasSize(3);
        assertThat(tokenRequests.get(2)).containsEntry("scope", "repository:team/other:pull");

        client.manifestDigest(app, Credentials.ANONYMOUS);
        assertThat(tokenRequests).hasSize(4);
        assertThat(tokenRequests.get(3)).containsEntry("authorization", null);
    }

    @Test
    void tokensWithoutExpiresInLiveSixtySeconds() {
        Server registry = server();
        AtomicInteger issued = new AtomicInteger();
        registry.route(
                "/token",
                exchange ->
                        respondJson(
                                exchange,
                                200,
                                "{\"access_token\":\"tok-" + issued.incrementAndGet() + "\"}"));
        routeBearerProtectedManifests(registry);
        RegistryClient client = client(registry);
        ImageReference app = image(registry, "team/app:1");

        client.manifestDigest(app, Credentials.ANONYMOUS);
        clock.advance(Duration.ofSeconds(54));
        client.manifestDigest(app, Credentials.ANONYMOUS);
        assertThat(issued).hasValue(1);

        clock.advance(Duration.ofSeconds(2));
        client.manifestDigest(app, Credentials.ANONYMOUS);
        assertThat(issued).hasValue(2);
    }

    @Test
    void aTokenTheRegistryRejectsIsReplacedOnce() {
        Server registry = server();
        AtomicInteger issued = new AtomicInteger();
        registry.route(
                "/token",
                exchange ->
                        respondJson(
                                exchange,
                                200,
                                "{\"token\":\"tok-"
                                        + issued.incrementAndGet()
                                        + "\",\"expires_in\":300}"));
        routeBearerProtectedManifests(registry);
        RegistryClient client = client(registry);
        ImageReference app = image(registry, "team/app:1");
        client.manifestDigest(app, Credentials.ANONYMOUS);

        registry.revokeTokensUpTo(1);

        assertThat(client.manifestDigest(app, Credentials.ANONYMOUS)).contains(MANIFEST_DIGEST);
        assertThat(issued).hasValue(2);
        assertThat(registry.requests())
                .extracting(Request::authorization)
                .endsWith("Bearer tok-1", "Bearer tok-2");
    }

    @Test
    void identityTokensAreExchangedWithARefreshTokenGrant() {
        Server registry = server();
        List<Map<String, String>> grants = new CopyOnWriteArrayList<>();
        registry.route(
                "/token",
                exchange -> {
                    grants.add(
                            decodeForm(
                                    new String(
                                            exchange.getRequestBody().readAllBytes(),
                                            StandardCharsets.UTF_8)));
                    grants.get(grants.size() - 1).put("method", exchange.getRequestMethod());
                    respondJson(exchange, 200, "{\"access_token\":\"tok-1\",\"expires_in\":300}");
                });
        routeBearerProtectedManifests(registry);

        assertThat(
                        client(registry)
                                .manifestDigest(
                                        image(registry, "team/app:1"),
                                        Credentials.identityToken(
                                                "00000000-0000-0000-0000-000000000000",
                                                "refresh-123")))
                .contains(MANIFEST_DIGEST);
        assertThat(grants)
                .singleElement()
                .satisfies(
                        grant ->
                                assertThat(grant)
                                        .containsEntry("method", "POST")
                                        .containsEntry("grant_type", "refresh_token")
                                        .containsEntry("refresh_token", "refresh-123")
                                        .containsEntry("service", "fake-registry")
                                        .containsEntry("scope", "repository:team/app:pull"));
    }

    @Test
    void aTokenEndpointRefusalIsReportedWithItsMessage() {
        Server registry = server();
        registry.route(
                "/token",
                exchange ->
                        respondJson(
                                exchange,
                                401,
                                "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"incorrect username or password\"}]}"));
        routeBearerProtectedManifests(registry);

        assertThatThrownBy(
                        () ->
                                client(registry)
                                        .manifestDigest(
                                                image(registry, "team/app:1"),
                                                Credentials.basic("alice", "wrong")))
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> {
                            assertThat(e.status()).isEqualTo(401);
                            assertThat(e.isAuthenticationFailure()).isTrue();
                            assertThat(e.registryMessage())
                                    .isEqualTo("incorrect username or password");
                            assertThat(e.getMessage())
                                    .contains(
                                            "token endpoint",
                                            "as user alice",
                                            "repository:team/app:pull")
                                    .doesNotContain("wrong");
                        });
    }

    @Test
    void plainHttpIsUsedOnlyForRegistriesNamedInsecure() {
        Server registry = server();
        registry.route(
                "/v2/team/app/manifests/1",
                exchange -> {
                    exchange.getResponseHeaders().set("Docker-Content-Digest", MANIFEST_DIGEST);
                    respond(exchange, 200, new byte[0]);
                });
        ImageReference app = image(registry, "team/app:1");

        RegistryClient hostOnly =
                new RegistryClient(Set.of("127.0.0.1"), Duration.ofSeconds(5), 1024, clock);
        assertThat(hostOnly.manifestDigest(app, Credentials.ANONYMOUS)).contains(MANIFEST_DIGEST);

        RegistryClient otherPort =
                new RegistryClient(Set.of("127.0.0.1:1"), Duration.ofSeconds(1), 1024, clock);
        assertThatThrownBy(() -> otherPort.manifestDigest(app, Credentials.ANONYMOUS))
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> {
                            assertThat(e.status()).isEqualTo(RegistryException.NO_STATUS);
                            assertThat(e.getMessage())
                                    .contains("HEAD https://" + registry.hostPort());
                        });
    }

    @Test
    void aStalledRegistryTimesOut() {
        Server registry = server();
        registry.route(
                "/v2/team/app/manifests/1",
                exchange -> {
                    try {
                        Thread.sleep(3000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    respond(exchange, 200, new byte[0]);
                });
        RegistryClient client =
                new RegistryClient(
                        Set.of(registry.hostPort()), Duration.ofMillis(300), 1024, clock);

        long start = System.nanoTime();
        assertThatThrownBy(
                        () ->
                                client.manifestDigest(
                                        image(registry, "team/app:1"), Credentials.ANONYMOUS))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("timed out");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void blobRedirectsToStorageDropTheRegistryAuthorization() throws IOException {
        byte[] layer = gzip(TestImages.tar(Map.of("opt/terrarium/lock", "requests==2.32.3\n")));
        String layerDigest = TestImages.sha256(layer);
        byte[] manifest = imageManifest(layerDigest, layer.length);
        Server storage = server();
        storage.route("/bucket/layer", exchange -> respond(exchange, 200, layer));
        Server registry = server();
        registry.route(
                "/v2/team/app/",
                exchange -> {
                    if (!BASIC_ALICE.equals(
                            exchange.getRequestHeaders().getFirst("Authorization"))) {
                        exchange.getResponseHeaders()
                                .set("WWW-Authenticate", "Basic realm=\"fake\"");
                        respond(exchange, 401, new byte[0]);
                    } else if (exchange.getRequestURI()
                            .getPath()
                            .equals("/v2/team/app/manifests/1")) {
                        exchange.getResponseHeaders()
                                .set("Content-Type", "application/vnd.oci.image.manifest.v1+json");
                        respond(exchange, 200, manifest);
                    } else if (exchange.getRequestURI()
                            .getPath()
                            .equals("/v2/team/app/blobs/" + layerDigest)) {
                        exchange.getResponseHeaders()
                                .set(
                                        "Location",
                                        "http://" + storage.hostPort() + "/bucket/layer?sig=x");
                        respond(exchange, 307, new byte[0]);
                    } else {
                        respond(exchange, 404, new byte[0]);
                    }
                });
        RegistryClient client =
                new RegistryClient(Set.of("127.0.0.1"), Duration.ofSeconds(5), 1024 * 1024, clock);

        assertThat(
                        client.readFileFromImage(
                                image(registry, "team/app:1"),
                                Credentials.basic("alice", "s3cret"),
                                "/opt/terrarium/lock"))
                .contains("requests==2.32.3\n");
        assertThat(storage.requests())
                .singleElement()
                .satisfies(
                        request -> {
                            assertThat(request.authorization()).isNull();
                            assertThat(request.query()).isEqualTo("sig=x");
                        });
    }

    @Test
    void aBodyLargerThanTheLimitIsCutOffEvenIfTheDescriptorUnderstatesIt() {
        byte[] layer = new byte[8192];
        String layerDigest = TestImages.sha256(layer);
        byte[] manifest = imageManifest(layerDigest, 100);
        Server registry = server();
        registry.route("/v2/team/app/manifests/1", exchange -> respond(exchange, 200, manifest));
        registry.route("/v2/team/app/blobs/", exchange -> respond(exchange, 200, layer));
        RegistryClient client =
                new RegistryClient(Set.of("127.0.0.1"), Duration.ofSeconds(5), 4096, clock);

        assertThatThrownBy(
                        () ->
                                client.readFileFromImage(
                                        image(registry, "team/app:1"), Credentials.ANONYMOUS, "a"))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("larger than the limit of 4096 bytes");
    }

    @Test
    void aLayerDeclaredLargerThanTheLimitIsNotDownloaded() {
        byte[] manifest = imageManifest("sha256:" + "0".repeat(64), 5000);
        Server registry = server();
        registry.route("/v2/team/app/manifests/1", exchange -> respond(exchange, 200, manifest));
        RegistryClient client =
                new RegistryClient(Set.of("127.0.0.1"), Duration.ofSeconds(5), 4096, clock);

        assertThatThrownBy(
                        () ->
                                client.readFileFromImage(
                                        image(registry, "team/app:1"), Credentials.ANONYMOUS, "a"))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("5000 bytes, more than the limit of 4096");
        assertThat(registry.requests())
                .extracting(Request::path)
                .containsExactly("/v2/team/app/manifests/1");
    }

    @Test
    void aBlobTheRepositoryHasIsNotUploadedAgain() {
        byte[] blob = "payload".getBytes(StandardCharsets.UTF_8);
        Server registry = server();
        registry.route("/v2/team/app/blobs/", exchange -> respond(exchange, 200, blob));

        assertThat(
                        client(registry)
                                .pushBlob(
                                        image(registry, "team/app:1"), Credentials.ANONYMOUS, blob))
                .isEqualTo(TestImages.sha256(blob));
        assertThat(registry.requests())
                .extracting(Request::method, Request::path)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "HEAD", "/v2/team/app/blobs/" + TestImages.sha256(blob)));
    }

    @Test
    void aBlobIsUploadedWithAPushTokenByPostThenPutToTheLocation() {
        byte[] blob = "{\"critical\":{}}".getBytes(StandardCharsets.UTF_8);
        String digest = TestImages.sha256(blob);
        Server registry = server();
        List<Map<String, String>> tokenRequests = new CopyOnWriteArrayList<>();
        registry.route(
                "/token",
                exchange -> {
                    tokenRequests.add(decodeForm(exchange.getRequestURI().getRawQuery()));
                    respondJson(exchange, 200, "{\"token\":\"tok-push\",\"expires_in\":300}");
                });
        registry.route(
                "/v2/",
                exchange -> {
                    if (!"Bearer tok-push"
                            .equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                        exchange.getResponseHeaders()
                                .set(
                                        "WWW-Authenticate",
                                        "Bearer realm=\"http://"
                                                + registry.hostPort()
                                                + "/token\",service=\"fake-registry\",scope=\"repository:team/app:pull,push\"");
                        respondJson(exchange, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}");
                    } else if (exchange.getRequestMethod().equals("HEAD")) {
                        respond(exchange, 404, new byte[0]);
                    } else if (exchange.getRequestMethod().equals("POST")) {
                        exchange.getResponseHeaders()
                                .set("Location", "/v2/team/app/blobs/uploads/u-1?_state=abc");
                        respond(exchange, 202, new byte[0]);
                    } else {
                        exchange.getResponseHeaders().set("Docker-Content-Digest", digest);
                        respond(exchange, 201, new byte[0]);
                    }
                });

        assertThat(
                        client(registry)
                                .pushBlob(
                                        image(registry, "team/app:1"),
                                        Credentials.basic("alice", "s3cret"),
                                        blob))
                .isEqualTo(digest);
        assertThat(tokenRequests)
                .singleElement()
                .satisfies(
                        request ->
                                assertThat(request)
                                        .containsEntry("scope", "repository:team/app:pull,push"));
        List<Request> authorized =
                registry.requests().stream()
                        .filter(request -> "Bearer tok-push".equals(request.authorization()))
                        .toList();
        assertThat(authorized).extracting(Request::method).containsExactly("HEAD", "POST", "PUT");
        Request put = authorized.get(2);
        assertThat(put.path()).isEqualTo("/v2/team/app/blobs/uploads/u-1");
        assertThat(decodeForm(put.query()))
                .containsEntry("_state", "abc")
                .containsEntry("digest", digest);
        assertThat(put.contentType()).isEqualTo("application/octet-stream");
        assertThat(put.body()).isEqualTo(blob);
    }

    @Test
    void anUploadLocationOnAnotherOriginGetsNoRegistryCredentials() {
        byte[] blob = "layer".getBytes(StandardCharsets.UTF_8);
        Server storage = server();
        storage.route("/upload", exchange -> respond(exchange, 201, new byte[0]));
        Server registry = server();
        registry.route(
                "/v2/team/app/blobs/",
                exchange -> {
                    if (!BASIC_ALICE.equals(
                            exchange.getRequestHeaders().getFirst("Authorization"))) {
                        exchange.getResponseHeaders()
                                .set("WWW-Authenticate", "Basic realm=\"fake\"");
                        respond(exchange, 401, new byte[0]);
                    } else if (exchange.getRequestMethod().equals("HEAD")) {
                        respond(exchange, 404, new byte[0]);
                    } else {
                        exchange.getResponseHeaders()
                                .set("Location", "http://" + storage.hostPort() + "/upload?id=7");
                        respond(exchange, 202, new byte[0]);
                    }
                });
        RegistryClient client =
                new RegistryClient(Set.of("127.0.0.1"), Duration.ofSeconds(5), 1024, clock);

        client.pushBlob(image(registry, "team/app:1"), Credentials.basic("alice", "s3cret"), blob);

        assertThat(storage.requests())
                .singleElement()
                .satisfies(
                        request -> {
                            assertThat(request.method()).isEqualTo("PUT");
                            assertThat(request.authorization()).isNull();
                            assertThat(request.body()).isEqualTo(blob);
                        });
    }

    @Test
    void aRefusedUploadReportsTheRegistrysError() {
        Server registry = server();
        registry.route(
                "/v2/team/app/blobs/",
                exchange -> {
                    if (exchange.getRequestMethod().equals("HEAD")) {
                        respond(exchange, 404, new byte[0]);
                    } else {
                        respondJson(
                                exchange,
                                403,
                                "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"requested access to "
                                        + "the resource is denied\"}]}");
                    }
                });

        assertThatThrownBy(
                        () ->
                                client(registry)
                                        .pushBlob(
                                                image(registry, "team/app:1"),
                                                Credentials.ANONYMOUS,
                                                new byte[] {1}))
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> {
                            assertThat(e.status()).isEqualTo(403);
                            assertThat(e.errorCode()).isEqualTo("DENIED");
                            assertThat(e.getMessage()).contains("POST /v2/team/app/blobs/uploads/");
                        });
    }

    @Test
    void aWriteRedirectedWithAFoundIsNotTurnedIntoAGet() {
        Server elsewhere = server();
        elsewhere.route("/", exchange -> respond(exchange, 200, new byte[0]));
        Server registry = server();
        registry.route(
                "/v2/team/app/manifests/1",
                exchange -> {
                    exchange.getResponseHeaders()
                            .set("Location", "http://" + elsewhere.hostPort() + "/moved");
                    respond(exchange, 302, new byte[0]);
                });

        assertThatThrownBy(
                        () ->
                                client(registry)
                                        .putManifest(
                                                image(registry, "team/app:1"),
                                                Credentials.ANONYMOUS,
                                                "application/vnd.oci.image.manifest.v1+json",
                                                MANIFEST))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.status()).isEqualTo(302));
        assertThat(elsewhere.requests()).isEmpty();
    }

    @Test
    void aManifestIsPutWithItsMediaTypeAndTheReportedDigestIsChecked() {
        Server registry = server();
        registry.route(
                "/v2/team/app/manifests/good",
                exchange -> {
                    exchange.getResponseHeaders().set("Docker-Content-Digest", MANIFEST_DIGEST);
                    respond(exchange, 201, new byte[0]);
                });
        registry.route(
                "/v2/team/app/manifests/bad",
                exchange -> {
                    exchange.getResponseHeaders()
                            .set("Docker-Content-Digest", "sha256:" + "0".repeat(64));
                    respond(exchange, 201, new byte[0]);
                });
        RegistryClient client = client(registry);
        String mediaType = "application/vnd.oci.image.manifest.v1+json";

        assertThat(
                        client.putManifest(
                                image(registry, "team/app:good"),
                                Credentials.ANONYMOUS,
                                mediaType,
                                MANIFEST))
                .isEqualTo(MANIFEST_DIGEST);
        assertThat(registry.requests())
                .singleElement()
                .satisfies(
                        request -> {
                            assertThat(request.method()).isEqualTo("PUT");
                            assertThat(request.contentType()).isEqualTo(mediaType);
                            assertThat(request.body()).isEqualTo(MANIFEST);
                        });
        assertThatThrownBy(
                        () ->
                                client.putManifest(
                                        image(registry, "team/app:bad"),
                                        Credentials.ANONYMOUS,
                                        mediaType,
                                        MANIFEST))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("stored manifest " + MANIFEST_DIGEST)
                .hasMessageContaining("as sha256:" + "0".repeat(64));
        assertThatThrownBy(
                        () ->
                                client.putManifest(
                                        image(registry, "team/app@sha256:" + "1".repeat(64)),
                                        Credentials.ANONYMOUS,
                                        mediaType,
                                        MANIFEST))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hashes to " + MANIFEST_DIGEST);
    }

    @Test
    void aManifestIsReadAsStoredAndCheckedAgainstItsDigest() {
        byte[] spaced =
                ("{ \"schemaVersion\": 2,\n  \"mediaType\": \"application/vnd.oci.image.manifest.v1+json\" }")
                        .getBytes(StandardCharsets.UTF_8);
        String spacedDigest = TestImages.sha256(spaced);
        Server registry = server();
        registry.route(
                "/v2/team/app/manifests/",
                exchange -> {
                    String reference =
                            exchange.getRequestURI()
                                    .getPath()
                                    .substring("/v2/team/app/manifests/".length());
                    switch (reference) {
                        case "1" -> {
                            exchange.getResponseHeaders()
                                    .set("Docker-Content-Digest", spacedDigest);
                            respond(exchange, 200, spaced);
                        }
                        case "lying" -> {
                            exchange.getResponseHeaders()
                                    .set("Docker-Content-Digest", MANIFEST_DIGEST);
                            respond(exchange, 200, spaced);
                        }
                        case "untyped" -> {
                            exchange.getResponseHeaders()
                                    .set(
                                            "Content-Type",
                                            "application/vnd.docker.distribution.manifest.v2+json; charset=utf-8");
                            respond(
                                    exchange,
                                    200,
                                    "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8));
                        }
                        default ->
                                respond(
                                        exchange,
                                        reference.equals(MANIFEST_DIGEST) ? 200 : 404,
                                        spaced);
                    }
                });
        RegistryClient client = client(registry);

        assertThat(client.getManifest(image(registry, "team/app:1"), Credentials.ANONYMOUS, 4096))
                .hasValueSatisfying(
                        manifest -> {
                            assertThat(manifest.content()).isEqualTo(spaced);
                            assertThat(manifest.digest()).isEqualTo(spacedDigest);
                            assertThat(manifest.mediaType())
                                    .isEqualTo("application/vnd.oci.image.manifest.v1+json");
                        });
        assertThat(
                        client.getManifest(
                                image(registry, "team/app:untyped"), Credentials.ANONYMOUS, 4096))
                .hasValueSatisfying(
                        manifest ->
                                assertThat(manifest.mediaType())
                                        .isEqualTo(
                                                "application/vnd.docker.distribution.manifest.v2+json"));
        assertThat(
                        client.getManifest(
                                image(registry, "team/app:absent"), Credentials.ANONYMOUS, 4096))
                .isEmpty();
        assertThatThrownBy(
                        () ->
                                client.getManifest(
                                        image(registry, "team/app:lying"),
                                        Credentials.ANONYMOUS,
                                        4096))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining(
                        "should be "
                                + MANIFEST_DIGEST
                                + " but its content hashes to "
                                + spacedDigest);
        assertThatThrownBy(
                        () ->
                                client.getManifest(
                                        image(registry, "team/app@" + MANIFEST_DIGEST),
                                        Credentials.ANONYMOUS,
                                        4096))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("content hashes to " + spacedDigest);
        assertThatThrownBy(
                        () ->
                                client.getManifest(
                                        image(registry, "team/app:1"), Credentials.ANONYMOUS, 16))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("larger than the limit of 16 bytes");
    }

    @Test
    void aBlobIsReadWithinItsLimitAndCheckedAgainstItsDigest() {
        byte[] blob = "x".repeat(100).getBytes(StandardCharsets.UTF_8);
        String digest = TestImages.sha256(blob);
        String other = TestImages.sha256(new byte[] {1});
        Server registry = server();
        registry.route("/v2/team/app/blobs/", exchange -> respond(exchange, 200, blob));
        RegistryClient client = client(registry);
        ImageReference repository = image(registry, "team/app:1");

        assertThat(client.getBlob(repository, Credentials.ANONYMOUS, digest, 100)).isEqualTo(blob);
        assertThatThrownBy(() -> client.getBlob(repository, Credentials.ANONYMOUS, digest, 99))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("larger than the limit of 99 bytes");
        assertThatThrownBy(() -> client.getBlob(repository, Credentials.ANONYMOUS, other, 100))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("does not match its digest");
    }

    /**
     * Manifests that need {@code Bearer tok-N} for a token not revoked, with the challenge
     * distribution sends.
     */
    private static void routeBearerProtectedManifests(Server registry) {
        registry.route(
                "/v2/",
                exchange -> {
                    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
                    if (authorization == null
                            || !authorization.startsWith("Bearer tok-")
                            || Integer.parseInt(authorization.substring("Bearer tok-".length()))
                                    <= registry.revokedUpTo()) {
                        String repository =
                                exchange.getRequestURI()
                                        .getPath()
                                        .replaceFirst("^/v2/(.*)/manifests/.*$", "$1");
                        exchange.getResponseHeaders()
                                .set(
                                        "WWW-Authenticate",
                                        "Bearer realm=\"http://"
                                                + registry.hostPort()
                                                + "/token\",service=\"fake-registry\",scope=\"repository:"
                                                + repository
                                                + ":pull\"");
                        respondJson(
                                exchange,
                                401,
                                "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication "
                                        + "required\"}]}");
                        return;
                    }
                    exchange.getResponseHeaders().set("Docker-Content-Digest", MANIFEST_DIGEST);
                    respond(exchange, 200, new byte[0]);
                });
    }

    private static byte[] imageManifest(String layerDigest, long layerSize) {
        return ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:"
                        + "1".repeat(64)
                        + "\",\"size\":2},\"layers\":[{\"mediaType\":"
                        + "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\""
                        + layerDigest
                        + "\",\"size\":"
                        + layerSize
                        + "}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private RegistryClient client(Server registry) {
        return new RegistryClient(
                Set.of(registry.hostPort()), Duration.ofSeconds(5), 1024 * 1024, clock);
    }

    private static ImageReference image(Server registry, String repositoryAndTag) {
        return ImageReference.parse(registry.hostPort() + "/" + repositoryAndTag);
    }

    private Server server() {
        Server server = new Server();
        servers.add(server);
        return server;
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        boolean noBody = exchange.getRequestMethod().equals("HEAD") || body.length == 0;
        if (exchange.getRequestMethod().equals("HEAD") && body.length > 0) {
            exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
        }
        exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            exchange.getResponseBody().write(body);
        }
    }

    private static void respondJson(HttpExchange exchange, int status, String json)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        respond(exchange, status, json.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> decodeForm(String form) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (form != null && !form.isEmpty()) {
            for (String pair : form.split("&")) {
                String[] nameValue = pair.split("=", 2);
                fields.put(
                        URLDecoder.decode(nameValue[0], StandardCharsets.UTF_8),
                        nameValue.length < 2
                                ? ""
                                : URLDecoder.decode(nameValue[1], StandardCharsets.UTF_8));
            }
        }
        return fields;
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(content);
        }
        return out.toByteArray();
    }

    private record Request(
            String method,
            String path,
            String query,
            String accept,
            String authorization,
            String contentType,
            byte[] body) {}

    @FunctionalInterface
    private interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    /**
     * A loopback HTTP server with handlers by path prefix (longest first) that records every
     * request.
     */
    private static final class Server implements AutoCloseable {
        private final HttpServer http;
        private final Map<String, Handler> routes = new LinkedHashMap<>();
        private final List<Request> requests = new CopyOnWriteArrayList<>();
        private volatile int revokedUpTo;

        Server() {
            try {
                http =
                        HttpServer.create(
                                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            http.createContext("/", this::dispatch);
            http.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
            http.start();
        }

        void route(String pathPrefix, Handler handler) {
            routes.put(pathPrefix, handler);
        }

        String hostPort() {
            return "127.0.0.1:" + http.getAddress().getPort();
        }

        List<Request> requests() {
            return requests.stream().filter(request -> !request.path().equals("/token")).toList();
        }

        void revokeTokensUpTo(int tokenNumber) {
            revokedUpTo = tokenNumber;
        }

        int revokedUpTo() {
            return revokedUpTo;
        }

        private void dispatch(HttpExchange exchange) throws IOException {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                byte[] body = exchange.getRequestBody().readAllBytes();
                exchange.setStreams(new ByteArrayInputStream(body), null);
                requests.add(
                        new Request(
                                exchange.getRequestMethod(),
                                path,
                                exchange.getRequestURI().getRawQuery(),
                                exchange.getRequestHeaders().getFirst("Accept"),
                                exchange.getRequestHeaders().getFirst("Authorization"),
                                exchange.getRequestHeaders().getFirst("Content-Type"),
                                body));
                Handler handler =
                        routes.entrySet().stream()
                                .filter(route -> path.startsWith(route.getKey()))
                                .max(
                                        (a, b) ->
                                                Integer.compare(
                                                        a.getKey().length(), b.getKey().length()))
                                .map(Map.Entry::getValue)
                                .orElse(null);
                if (handler == null) {
                    respond(exchange, 404, new byte[0]);
                } else {
                    handler.handle(exchange);
                }
            }
        }

        @Override
        public void close() {
            http.stop(0);
        }
    }

    /** A clock tests move by hand, so token lifetimes are checked without waiting. */
    private static final class MutableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
