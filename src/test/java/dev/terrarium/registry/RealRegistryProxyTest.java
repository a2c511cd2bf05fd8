package dev.terrarium.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrarium.testing.TestRegistry;
import dev.terrarium.testing.TinyImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator's registry client through the builds' proxy settings ({@link ProxyRoutes}), against
 * Debian's docker-registry behind a forward proxy of this test. The registry is named by a host
 * that does not resolve here: only the proxy knows where it is, so a look-up that succeeds went
 * through the proxy, and one that NO_PROXY sends direct fails to resolve it.
 */
class RealRegistryProxyTest {

    private static final String HIDDEN_HOST = "registry.behind-the-proxy.test";

    private static TestRegistry registry;
    private static ForwardProxy proxy;

    @BeforeAll
    static void start() throws IOException {
        registry = TestRegistry.start();
        proxy = new ForwardProxy(registry.hostPort());
    }

    @AfterAll
    static void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void lookUpsGoThroughTheProxyAndNoProxyHostsGoDirect() {
        ImageReference pushed = ImageReference.parse(registry.hostPort() + "/team/proxied:h1");
        String digest =
                TinyImage.of(Map.of("opt/terrarium/lock", "proxied"))
                        .push(
                                new RegistryClient(Set.of(registry.hostPort())),
                                pushed,
                                Credentials.ANONYMOUS);
        String port = registry.hostPort().substring(registry.hostPort().lastIndexOf(':') + 1);
        ImageReference hidden = ImageReference.parse(HIDDEN_HOST + ":" + port + "/team/proxied:h1");
        Set<String> insecure = Set.of(HIDDEN_HOST);

        RegistryClient proxied =
                new RegistryClient(
                        insecure, null, new ProxyRoutes("http://" + proxy.hostPort(), null, null));
        assertThat(proxied.manifestDigest(hidden, Credentials.ANONYMOUS)).contains(digest);
        assertThat(proxied.readFileFromImage(hidden, Credentials.ANONYMOUS, "opt/terrarium/lock"))
                .contains("proxied");
        assertThat(proxy.targets())
                .as("the manifest and the blobs were asked of the proxy, for the registry's host")
                .isNotEmpty()
                .allSatisfy(target -> assertThat(target).startsWith(HIDDEN_HOST + ":" + port));

        int asked = proxy.targets().size();
        RegistryClient exempt =
                new RegistryClient(
                        insecure,
                        null,
                        new ProxyRoutes(
                                "http://" + proxy.hostPort(), null, ".behind-the-proxy.test"));
        assertThatThrownBy(() -> exempt.manifestDigest(hidden, Credentials.ANONYMOUS))
                .as("NO_PROXY sends it direct, where its name does not resolve")
                .isInstanceOf(RegistryException.class);
        assertThat(proxy.targets()).hasSize(asked);
    }

    /**
     * A plain-HTTP forward proxy: takes absolute-form requests ({@code GET http://host:port/path}),
     * records their host and port, and sends them on, one request per connection, to the one
     * registry it fronts, whatever the host.
     */
    private static final class ForwardProxy implements AutoCloseable {

        private final ServerSocket server;
        private final String upstream;
        private final List<String> targets = new CopyOnWriteArrayList<>();

        ForwardProxy(String upstream) throws IOException {
            this.upstream = upstream;
            this.server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
            Thread accept = new Thread(this::serve, "forward-proxy");
            accept.setDaemon(true);
            accept.start();
        }

        String hostPort() {
            return "127.0.0.1:" + server.getLocalPort();
        }

        List<String> targets() {
            return List.copyOf(targets);
        }

        private void serve() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Thread handler = new Thread(() -> relay(client), "forward-proxy-request");
                    handler.setDaemon(true);
                    handler.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void relay(Socket client) {
            String[] hostPort = upstream.split(":");
            try (client;
                    Socket registrySide = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
                InputStream in = client.getInputStream();
                String head = head(in);
                String[] lines = head.split("\r\n");
                String[] requestLine = lines[0].split(" ");
                String target = requestLine[1].substring("http://".length());
                int slash = target.indexOf('/');
                targets.add(target.substring(0, slash));
                StringBuilder forwarded =
                        new StringBuilder(
                                requestLine[0]
                                        + " "
                                        + target.substring(slash)
                                        + " "
                                        + requestLine[2]
                                        + "\r\n");
                long length = 0;
                for (int i = 1; i < lines.length; i++) {
                    String name =
                            lines[i].substring(0, lines[i].indexOf(':')).toLowerCase(Locale.ROOT);
                    if (name.equals("connection") || name.startsWith("proxy-")) {
                        continue;
                    }
                    if (name.equals("content-length")) {
                        length =
                                Long.parseLong(
                                        lines[i].substring(lines[i].indexOf(':') + 1).strip());
                    }
                    forwarded.append(lines[i]).append("\r\n");
                }
                forwarded.append("Connection: close\r\n\r\n");
                OutputStream toRegistry = registrySide.getOutputStream();
                toRegistry.write(forwarded.toString().getBytes(StandardCharsets.ISO_8859_1));
                toRegistry.write(in.readNBytes((int) length));
                toRegistry.flush();
                registrySide.getInputStream().transferTo(client.getOutputStream());
            } catch (IOException | RuntimeException e) {
                // The client sees the connection close and reports it.
            }
        }

        private static String head(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            byte[] end = {'\r', '\n', '\r', '\n'};
            while (matched < end.length) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the request ended in its head");
                }
                head.write(b);
                matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            return head.toString(StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
