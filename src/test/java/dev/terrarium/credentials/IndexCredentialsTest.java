package dev.terrarium.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IndexCredentialsTest {

    private static final String FIELD = "spec.pipIndexes.extraIndexUrls[0].secretName";
    private static final String SECRET_VALUE = "s3cr3t-Pa55";

    private static Map<String, String> data(String... keysAndValues) {
        return SecretData.of(keysAndValues);
    }

    private static IndexCredentials.Source source(
            String url, String secret, Map<String, String> data) {
        return new IndexCredentials.Source(FIELD, url, secret, data);
    }

    @Test
    void basicAuthAndTokensBecomeOneMachineLinePerHost() {
        String netrc =
                IndexCredentials.netrc(
                        List.of(
                                source(
                                        "https://private.example.com:8443/simple/",
                                        "basic",
                                        data("username", "alice", "password", SECRET_VALUE)),
                                source(
                                        "https://Tokens.Example.com/simple",
                                        "token",
                                        data("token", "tok-123")),
                                source(
                                        "https://ci.example.com/simple",
                                        "named-token",
                                        data("username", "ci", "token", "tok-456")),
                                source(
                                        "https://private.example.com/other/simple",
                                        "basic",
                                        data("username", "alice", "password", SECRET_VALUE))));

        assertThat(netrc)
                .isEqualTo(
                        "machine private.example.com login alice password "
                                + SECRET_VALUE
                                + "\n"
                                + "machine tokens.example.com login __token__ password tok-123\n"
                                + "machine ci.example.com login ci password tok-456\n");
    }

    @Test
    void aChannelAndAnIndexShareTheNetrcAndOneHostTakesOneLogin() {
        String channelField = "spec.channelCredentials[0].secretName";
        IndexCredentials.Source channel =
                new IndexCredentials.Source(
                        channelField,
                        "https://conda.example.com/team",
                        "team-channel",
                        data("username", "bob", "password", SECRET_VALUE));
        assertThat(
                        IndexCredentials.netrc(
                                List.of(
                                        source(
                                                "https://private.example.com/simple/",
                                                "basic",
                                                data("username", "alice", "password", "pw-a")),
                                        channel)))
                .isEqualTo(
                        "machine private.example.com login alice password pw-a\n"
                                + "machine conda.example.com login bob password "
                                + SECRET_VALUE
                                + "\n");
        assertThatThrownBy(
                        () ->
                                IndexCredentials.netrc(
                                        List.of(
                                                source(
                                                        "https://conda.example.com/simple/",
                                                        "basic",
                                                        data(
                                                                "username",
                                                                "alice",
                                                                "password",
                                                                "pw-a")),
                                                channel)))
                .hasMessage(
                        channelField
                                + ": Secret team-channel gives other credentials for host "
                                + "conda.example.com than "
                                + FIELD
                                + "; a netrc file holds one login per host")
                .hasMessageNotContaining(SECRET_VALUE);
    }

    @Test
    void aSecretWithoutUsableKeysIsRefusedNamingFieldSecretAndKeyNeverTheValue() {
        assertThat(IndexCredentials.problem(FIELD, "empty", data("other", SECRET_VALUE)))
                .hasValue(
                        FIELD
                                + ": Secret empty has neither the keys username and password nor the key token");
        assertThat(IndexCredentials.problem(FIELD, "half", data("password", SECRET_VALUE)))
                .hasValue(FIELD + ": Secret half has a password but no username");
        assertThat(IndexCredentials.problem(FIELD, "blank", data("username", "a", "password", "")))
                .hasValue(FIELD + ": Secret blank has an empty password");
        for (String bad : List.of("two words", "quo\"te", "back\\slash", "new\nline")) {
            assertThat(
                            IndexCredentials.problem(
                                    FIELD, "odd", data("username", "a", "password", bad)))
                    .hasValueSatisfying(
                            message ->
                                    assertThat(message)
                                            .contains("the value of password")
                                            .doesNotContain(bad));
        }
        assertThat(IndexCredentials.problem(FIELD, "ok", data("token", SECRET_VALUE))).isEmpty();
        assertThatThrownBy(
                        () ->
                                IndexCredentials.netrc(
                                        List.of(
                                                source(
                                                        "https://a.example.com/s",
                                                        "half",
                                                        data("password", SECRET_VALUE)))))
                .hasMessageNotContaining(SECRET_VALUE);
    }

    @Test
    void twoSecretsForOneHostAreRefused() {
        assertThatThrownBy(
                        () ->
                                IndexCredentials.netrc(
                                        List.of(
                                                source(
                                                        "https://a.example.com/one",
                                                        "first",
                                                        data("token", "tok-first")),
                                                source(
                                                        "https://a.example.com/two",
                                                        "second",
                                                        data("token", "tok-second")))))
                .hasMessageContaining(
                        "Secret second gives other credentials for host a.example.com")
                .hasMessageNotContaining("tok-first")
                .hasMessageNotContaining("tok-second");
    }

    @Test
    void theHostIsTheUrlsWithoutPort() {
        assertThat(IndexCredentials.host("http://127.0.0.1:8080/simple/")).isEqualTo("127.0.0.1");
        assertThat(IndexCredentials.host("https://Mirror.Example.com/simple"))
                .isEqualTo("mirror.example.com");
    }
}
