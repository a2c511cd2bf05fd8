package dev.terrarium.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry over HTTPS with a certificate of a private CA, served on 127.0.0.1: the operator's
 * client reaches it only when terrarium.registry.ca-file names that CA's PEM.
 */
class TrustedCertificatesTest {

    private static final String DIGEST =
            "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir Path directory;

    private HttpsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aRegistryOfAPrivateCaIsReachedOnlyWithItsPem() throws Exception {
        Path keystore = directory.resolve("registry.p12");
        keytool(
                "-genkeypair",
                "-alias",
                "registry",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=terrarium test registry",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                new String(PASSWORD));
        Path pem = directory.resolve("ca.crt");
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "registry",
                "-keystore",
                keystore.toString(),
                "-storepass",
                new String(PASSWORD),
                "-file",
                pem.toString());
        String registry = serve(keystore);
        ImageReference image = ImageReference.parse(registry + "/team/app:1.0");

        RegistryClient trusting = new RegistryClient(Set.of(), TrustedCertificates.sslContext(pem));
        assertThat(trusting.manifestDigest(image, Credentials.ANONYMOUS)).contains(DIGEST);

        RegistryClient byDefault = new RegistryClient(Set.of());
        assertThatThrownBy(() -> byDefault.manifestDigest(image, Credentials.ANONYMOUS))
                .as("the JVM's own CAs do not know the registry's")
                .isInstanceOf(RegistryException.class);
    }

    @Test
    void aFileWithoutCertificatesStopsTheOperatorNamingTheSetting() throws IOException {
        Path empty = Files.writeString(directory.resolve("empty.pem"), "not a certificate\n");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TrustedCertificates.sslContext(empty))
                .withMessageStartingWith("terrarium.registry.ca-file (TERRARIUM_REGISTRY_CA_FILE)")
                .withMessageContaining(empty.toString());
        Path missing = directory.resolve("missing.pem");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TrustedCertificates.sslContext(missing))
                .withMessageStartingWith("terrarium.registry.ca-file (TERRARIUM_REGISTRY_CA_FILE)")
                .withMessageContaining(missing.toString());
    }

    /** Serves a manifest digest over HTTPS on 127.0.0.1; returns host:port. */
    private String serve(Path keystore) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            keys.load(in, PASSWORD);
        }
        KeyManagerFactory factory =
                KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, PASSWORD);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(factory.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext(
                "/v2/team/app/manifests/1.0",
                exchange -> {
                    exchange.getResponseHeaders().set("Docker-Content-Digest", DIGEST);
                    exchange.sendResponseHeaders(200, -1);
                    exchange.close();
                });
        server.start();
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private static void keytool(String... args) throws Exception {
        List<String> command =
                new java.util.ArrayList<>(
                        List.of(
                                Path.of(System.getProperty("java.home"), "bin", "keytool")
                                        .toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }
}
