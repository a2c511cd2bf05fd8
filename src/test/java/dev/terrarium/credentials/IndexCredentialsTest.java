package dev.terrarium.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.terrarium.api.ChannelAuthScheme;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IndexCredentialsTest {

    private static final String FIELD = "spec.pipIndexes.extraIndexUrls[0].secretName";
    private static final String SECRET_VALUE = "s3cr3t-Pa55";

    private static Map<String, String> data(String... keysAndValues) {
        return SecretData.of(keysAndValues);
    }

    private static final String CHANNEL_FIELD = "spec.channelCredentials[0].secretName";

    private static IndexCredentials.Source channel(
            String url, ChannelAuthScheme scheme, Map<String, String> data) {
        return new IndexCredentials.Source(CHANNEL_FIELD, url, "channel-creds", data, scheme);
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
    void channelsBecomeTheCondaInstallersAuthFileOneEntryPerHostInTheirScheme() throws Exception {
        String json =
                IndexCredentials.condaAuthFile(
                        List.of(
                                channel(
                                        "https://conda.example.com:8443/team",
                                        ChannelAuthScheme.Basic,
                                        data("username", "bob", "password", SECRET_VALUE)),
                                channel(
                                        "https://artifacts.example.com/conda/team",
                                        ChannelAuthScheme.Basic,
                                        data("token", "tok-basic")),
                                channel(
                                        "https://Repo.Prefix.example/team",
                                        ChannelAuthScheme.Bearer,
                                        data("token", "tok-bearer")),
                                channel(
                                        "https://conda.anaconda.example/team",
                                        ChannelAuthScheme.CondaToken,
                                        data("token", "tok-conda", "username", "ignored")),
                                channel(
                                        "https://conda.example.com/other",
                                        ChannelAuthScheme.Basic,
                                        data("username", "bob", "password", SECRET_VALUE))));

        assertThat(new ObjectMapper().readTree(json))
                .isEqualTo(
                        new ObjectMapper()
                                .readTree(
                                        ("{'conda.example.com': {'BasicHTTP': {'username': 'bob',"
                                                        + " 'password': '"
                                                        + SECRET_VALUE
                                                        + "'}},"
                                                        + " 'artifacts.example.com': {'BasicHTTP':"
                                                        + " {'username': '__token__', 'password':"
                                                        + " 'tok-basic'}},"
                                                        + " 'repo.prefix.example': {'BearerToken':"
                                                        + " 'tok-bearer'},"
                                                        + " 'conda.anaconda.example':"
                                                        + " {'CondaToken': 'tok-conda'}}")
                                                .replace('\'', '"')));
        assertThat(IndexCredentials.condaAuthFile(List.of())).isEqualTo("{}");
    }

    @Test
    void oneChannelHostTakesOneSchemeAndOneCredential() {
        assertThatThrownBy(
                        () ->
                                IndexCredentials.condaAuthFile(
                                        List.of(
                                                channel(
                                                        "https://conda.example.com/one",
                                                        ChannelAuthScheme.Bearer,
                                                        data("token", SECRET_VALUE)),
                                                channel(
                                                        "https://conda.example.com/two",
                                                        ChannelAuthScheme.CondaToken,
                                                        data("token", SECRET_VALUE)))))
                .hasMessage(
                        CHANNEL_FIELD
                                + ": Secret channel-creds gives other credentials for host "
                                + "conda.example.com than "
                                + CHANNEL_FIELD
                                + "; the conda installer takes one set of credentials per host")
                .hasMessageNotContaining(SECRET_VALUE);
    }

    @Test
    void tokenSchemesNeedATokenAndACondaTokenThatFitsAPath() {
        assertThat(
                        IndexCredentials.problem(
                                CHANNEL_FIELD,
                                "basic-only",
                                data("username", "a", "password", SECRET_VALUE),
                                ChannelAuthScheme.Bearer))
                .hasValue(
                        CHANNEL_FIELD
                                + ": Secret basic-only has no key token, which the scheme Bearer "
                                + "sends");
        assertThat(
                        IndexCredentials.problem(
                                CHANNEL_FIELD,
                                "blank",
                                data("token", ""),
                                ChannelAuthScheme.CondaToken))
                .hasValue(CHANNEL_FIELD + ": Secret blank has an empty token");
        for (String bad : List.of("a/b", "a?b", "a%2Fb", "a#b")) {
            assertThat(
                            IndexCredentials.problem(
                                    CHANNEL_FIELD,
                                    "odd",
                                    data("token", bad),
                                    ChannelAuthScheme.CondaToken))
                    .hasValueSatisfying(
                            message ->
                                    assertThat(message)
                                            .contains("may hold only letters, digits")
                                            .doesNotContain(bad));
            assertThat(
                            IndexCredentials.problem(
                                    CHANNEL_FIELD,
                                    "odd",
                                    data("token", bad),
                                    ChannelAuthScheme.Bearer))
                    .as("a bearer token goes in a header, where %s is fine", bad)
                    .isEmpty();
        }
        assertThat(
                        IndexCredentials.problem(
                                CHANNEL_FIELD,
                                "spaced",
                                data("token", "two words"),
                                ChannelAuthScheme.Bearer))
                .hasValueSatisfying(message -> assertThat(message).doesNotContain("two words"));
        assertThat(
                        IndexCredentials.problem(
                                CHANNEL_FIELD,
                                "ok",
                                data("token", "Ab-1.2_3~"),
                                ChannelAuthScheme.CondaToken))
                .isEmpty();
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
