package dev.terrarium.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProxyRoutesTest {

    private static final String NO_PROXY =
            "example.com,.corp.example,*.svc.cluster.local,10.0.0.0/8,192.168.1.7,"
                    + "registry.example.net:5000,fd00::/8,[2001:db8::1]:443";

    private final ProxyRoutes routes =
            new ProxyRoutes(
                    "http://proxy.example:3128", "http://secure-proxy.example:3129", NO_PROXY);

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
                    https://example.com/v2/                   | direct
                    https://registry.example.com/v2/          | direct
                    https://notexample.com/v2/                | https
                    https://corp.example/v2/                  | https
                    https://registry.corp.example/v2/         | direct
                    https://registry.svc.cluster.local/v2/    | direct
                    https://svc.cluster.local/v2/             | https
                    https://10.1.2.3:5000/v2/                 | direct
                    https://11.1.2.3/v2/                      | https
                    https://192.168.1.7/v2/                   | direct
                    https://192.168.1.8/v2/                   | https
                    https://registry.example.net:5000/v2/     | direct
                    https://registry.example.net/v2/          | https
                    https://[fd00::5]/v2/                     | direct
                    https://[2001:db8::1]/v2/                 | direct
                    https://[2001:db8::1]:8443/v2/            | https
                    https://quay.example/v2/                  | https
                    http://quay.example/v2/                   | http
                    http://127.0.0.1:5000/v2/                 | direct
                    http://localhost:5000/v2/                 | direct
                    http://[::1]:5000/v2/                     | direct
                    """)
    void noProxyReadsAsGoProgramsReadIt(String url, String route) {
        List<Proxy> chosen = routes.select(URI.create(url));

        switch (route) {
            case "direct" -> assertThat(chosen).containsExactly(Proxy.NO_PROXY);
            case "https" -> assertThat(chosen).containsExactly(proxy("secure-proxy.example", 3129));
            default -> assertThat(chosen).containsExactly(proxy("proxy.example", 3128));
        }
    }

    @Test
    void anAsteriskSendsEverythingDirectAndNoProxySettingNeedsNoSelector() {
        assertThat(
                        new ProxyRoutes("http://proxy.example:3128", null, "*")
                                .select(URI.create("http://quay.example/v2/")))
                .containsExactly(Proxy.NO_PROXY);
        assertThat(new ProxyRoutes(null, null, "example.com").proxied()).isFalse();
        assertThat(
                        new ProxyRoutes("http://proxy.example:3128", null, null)
                                .select(URI.create("https://quay.example/v2/")))
                .as("HTTPS_PROXY unset: https goes direct, as in Go")
                .containsExactly(Proxy.NO_PROXY);
    }

    @Test
    void aHostThatLooksLikeHexIsANameNotAnAddress() {
        assertThat(
                        new ProxyRoutes(null, "http://proxy.example:3128", "beef")
                                .select(URI.create("https://dead.beef/v2/")))
                .containsExactly(Proxy.NO_PROXY);
        assertThat(
                        new ProxyRoutes(null, "http://proxy.example:3128", "10.0.0.0/8")
                                .select(URI.create("https://cafe/v2/")))
                .containsExactly(proxy("proxy.example", 3128));
    }

    private static Proxy proxy(String host, int port) {
        return new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(host, port));
    }
}
