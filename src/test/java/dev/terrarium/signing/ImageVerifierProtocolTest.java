package dev.terrarium.signing;

import static dev.terrarium.signing.SigningRealRegistryTest.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.terrarium.registry.Credentials;
import dev.terrarium.registry.ImageReference;
import dev.terrarium.registry.RegistryClient;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The verifier against a scripted registry, for what docker-registry cannot be made to serve: a
 * blob whose body is far larger than its descriptor says (a real registry checks digests on
 * upload).
 */
class ImageVerifierProtocolTest {

    private static final long ONE_GIGABYTE = 1L << 30;
    private static final SigningKey KEY = SigningKey.generate();

    private HttpServer server;
    private final Map<String, byte[]> manifests = new ConcurrentHashMap<>();
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final AtomicLong streamedBytes = new AtomicLong();
    private volatile String endlessBlob;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v2/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void aPayloadThatUnderstatesItsSizeIsCutOffAndAGenuineSignatureBesideItStillVerifies() {
        ImageReference image =
                ImageReference.parse(
                        "127.0.0.1:"
                                + server.getAddress().getPort()
                                + "/team/env@sha256:"
                                + "4".repeat(64));
        byte[] payload = SimpleSigningPayload.forImage(image, "h1").toBytes();
        byte[] forgedPayload =
                "{\"critical\":{}}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        SignatureManifest.Layer endless =
                SignatureManifest.signatureLayer(forgedPayload, KEY.sign(forgedPayload));
        SignatureManifest.Layer genuine =
                SignatureManifest.signatureLayer(payload, KEY.sign(payload));
        endlessBlob = endless.digest();
        blobs.put(genuine.digest(), payload);
        manifests.put(
                SignatureManifest.tagFor(image.digest()),
                SignatureManifest.write(List.of(endless), null).manifest());
        RegistryClient client =
                new RegistryClient(Set.of("127.0.0.1"), Duration.ofSeconds(20), 1 << 20);
        ImageVerifier verifier = new ImageVerifier(client);

        assertThat(verifier.verify(image, "h1", List.of(KEY.publicKey()), Credentials.ANONYMOUS))
                .satisfies(
                        rejected(
                                Verification.Reason.INVALID_SIGNATURE_MANIFEST,
                                "larger than the limit of "
                                        + ImageVerifier.MAX_PAYLOAD_BYTES
                                        + " bytes"));
        assertThat(streamedBytes.get()).isLessThan(ONE_GIGABYTE / 16);

        manifests.put(
                SignatureManifest.tagFor(image.digest()),
                SignatureManifest.write(List.of(endless, genuine), null).manifest());
        assertThat(verifier.verify(image, "h1", List.of(KEY.publicKey()), Credentials.ANONYMOUS))
                .isEqualTo(new Verification.Verified(KEY.keyId()));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String name = path.substring(path.lastIndexOf('/') + 1);
            if (path.contains("/manifests/") && manifests.containsKey(name)) {
                exchange.getResponseHeaders().set("Content-Type", SignatureManifest.OCI_MANIFEST);
                send(exchange, manifests.get(name));
            } else if (path.contains("/blobs/") && name.equals(endlessBlob)) {
                exchange.sendResponseHeaders(200, 0);
                byte[] chunk = new byte[64 * 1024];
                OutputStream body = exchange.getResponseBody();
                try {
                    while (streamedBytes.get() < ONE_GIGABYTE) {
                        body.write(chunk);
                        streamedBytes.addAndGet(chunk.length);
                    }
                } catch (IOException e) {
                    // The client hung up once it had read its limit: what the test is about.
                }
            } else if (path.contains("/blobs/") && blobs.containsKey(name)) {
                send(exchange, blobs.get(name));
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static void send(HttpExchange exchange, byte[] body) throws IOException {
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
    }
}
