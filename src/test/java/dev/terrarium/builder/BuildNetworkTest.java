package dev.terrarium.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BuildNetworkTest {

    private static BuildNetwork mirror(String url) {
        return new BuildNetwork(url, null, null, null, null, null);
    }

    private static BuildNetwork proxies(String http, String https, String no) {
        return new BuildNetwork(null, null, null, http, https, no);
    }

    @Test
    void usableSettingsAreTakenAsTheyAre() {
        BuildNetwork network =
                new BuildNetwork(
                        "https://pypi-mirror.example.com/simple/",
                        "corporate-ca",
                        "bundle.pem",
                        "http://proxy.example.com:3128",
                        "http://10.0.0.1:3128/",
                        "localhost,127.0.0.1,.svc,.cluster.local,10.0.0.0/8,[::1]");

        assertThat(network.pipIndexUrl()).isEqualTo("https://pypi-mirror.example.com/simple/");
        assertThat(network.caBundleKey()).isEqualTo("bundle.pem");
        assertThat(network.proxied()).isTrue();
        assertThat(new BuildNetwork(null, "ca", null, null, null, null).caBundleKey())
                .isEqualTo("ca.crt");
        assertThat(BuildNetwork.NONE.proxied()).isFalse();
        assertThat(mirror("http://127.0.0.1:8080/simple/").pipIndexUrl())
                .as("plain http to the node itself, as spec.pipIndexes allows it")
                .isNotNull();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://pypi-mirror.example.com/simple/",
                "ftp://pypi-mirror.example.com/simple/",
                "pypi-mirror.example.com/simple",
                "https://user:hunter2@pypi-mirror.example.com/simple/",
                "https://pypi-mirror.example.com/simple/$(id)",
                "https://pypi-mirror.example.com/simple/ x",
                "https://pypi-mirror.example.com/'simple'",
                "file:///srv/simple"
            })
    void aMirrorThatSpecPipIndexesWouldRefuseStopsTheOperatorNamingTheSetting(String url) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> mirror(url))
                .withMessageStartingWith(
                        "terrarium.builds.pip-index-url (TERRARIUM_BUILDS_PIP_INDEX_URL) ")
                .withMessageNotContaining("hunter2");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "proxy.example.com:3128",
                "socks5://proxy.example.com:1080",
                "http://proxy.example.com:3128/path",
                "http://proxy example.com:3128",
                "http://proxy.example.com:3128\nX: y",
                "http://-proxy.example.com:3128",
                "http://$(id):3128"
            })
    void aProxyThatIsNotHttpHostPortIsRefused(String url) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> proxies(url, null, null))
                .withMessageStartingWith(
                        "terrarium.builds.http-proxy (TERRARIUM_BUILDS_HTTP_PROXY) ")
                .withMessageContaining("http://host:port");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> proxies(null, url, null))
                .withMessageStartingWith(
                        "terrarium.builds.https-proxy (TERRARIUM_BUILDS_HTTPS_PROXY) ");
    }

    @Test
    void aProxyWithCredentialsIsRefusedWithoutThemInTheMessage() {
        assertThatIllegalArgumentException()
                .isThrownBy(
                        () -> proxies(null, "http://squid:hunter2@proxy.example.com:3128", null))
                .withMessageContaining("credentials in a proxy URL are not supported")
                .withMessageContaining("http://***@proxy.example.com:3128")
                .withMessageNotContaining("hunter2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost, .svc", "", ",localhost", "a;b", "$(id)", "a,,b"})
    void aNoProxyListWithSpacesOrShellTextIsRefused(String list) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> proxies(null, null, list))
                .withMessageStartingWith("terrarium.builds.no-proxy (TERRARIUM_BUILDS_NO_PROXY) ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Corporate-CA", "ca bundle", "-ca", "ca/bundle", ""})
    void aCaBundleThatIsNoConfigMapNameIsRefused(String name) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new BuildNetwork(null, name, null, null, null, null))
                .withMessageStartingWith(
                        "terrarium.builds.ca-bundle (TERRARIUM_BUILDS_CA_BUNDLE) ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ca crt", "..", "ca/crt", ""})
    void aCaBundleKeyThatIsNoConfigMapKeyIsRefused(String key) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new BuildNetwork(null, "ca", key, null, null, null))
                .withMessageStartingWith(
                        "terrarium.builds.ca-bundle-key (TERRARIUM_BUILDS_CA_BUNDLE_KEY) ");
    }
}
