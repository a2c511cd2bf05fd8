package dev.terrarium.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthChallengeTest {

    @Test
    void bearerChallengeAsDistributionSendsIt() {
        List<AuthChallenge> challenges =
                AuthChallenge.parse(
                        "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                                + "scope=\"repository:library/python:pull\"");

        assertThat(challenges)
                .singleElement()
                .satisfies(
                        challenge -> {
                            assertThat(challenge.scheme()).isEqualTo("Bearer");
                            assertThat(challenge.parameters())
                                    .containsExactly(
                                            Map.entry("realm", "https://auth.docker.io/token"),
                                            Map.entry("service", "registry.docker.io"),
                                            Map.entry("scope", "repository:library/python:pull"));
                            assertThat(challenge.token68()).isNull();
                        });
    }

    @Test
    void quotedValuesKeepCommasEqualsSignsAndEscapes() {
        AuthChallenge challenge =
                AuthChallenge.parse(
                                "Bearer realm=\"https://auth.example/token?a=1,b=2\", scope=\"repository:a:pull,push "
                                        + "repository:b:pull\", error=\"say \\\"no\\\" \\\\ twice\"")
                        .get(0);

        assertThat(challenge.parameter("realm")).contains("https://auth.example/token?a=1,b=2");
        assertThat(challenge.parameter("scope"))
                .contains("repository:a:pull,push repository:b:pull");
        assertThat(challenge.parameter("error")).contains("say \"no\" \\ twice");
    }

    @Test
    void severalChallengesInOneHeader() {
        List<AuthChallenge> challenges =
                AuthChallenge.parse(
                        "Basic realm=\"Registry Realm\", Bearer realm=\"https://t.example/token\",service=\"reg\"");

        assertThat(challenges).extracting(AuthChallenge::scheme).containsExactly("Basic", "Bearer");
        assertThat(challenges.get(0).parameters())
                .containsExactly(Map.entry("realm", "Registry Realm"));
        assertThat(challenges.get(1).parameters())
                .containsExactly(
                        Map.entry("realm", "https://t.example/token"), Map.entry("service", "reg"));
    }

    @Test
    void challengeWithoutParametersFollowedByAnother() {
        List<AuthChallenge> challenges = AuthChallenge.parse("Negotiate, Basic realm=\"r\"");

        assertThat(challenges)
                .extracting(AuthChallenge::scheme)
                .containsExactly("Negotiate", "Basic");
        assertThat(challenges.get(0).parameters()).isEmpty();
        assertThat(challenges.get(1).parameter("realm")).contains("r");
    }

    @Test
    void token68FormIsKeptApartFromParameters() {
        List<AuthChallenge> challenges =
                AuthChallenge.parse("Negotiate YIIBhwYGKwYBBQUCoII=, Basic realm=\"r\"");

        assertThat(challenges.get(0).token68()).isEqualTo("YIIBhwYGKwYBBQUCoII=");
        assertThat(challenges.get(0).parameters()).isEmpty();
        assertThat(challenges.get(1).isScheme("basic")).isTrue();
    }

    @Test
    void unquotedValuesWhitespaceAndCaseAreTolerated() {
        AuthChallenge challenge =
                AuthChallenge.parse("  bearer   Realm = https://t.example/token ,\tSERVICE=reg  ")
                        .get(0);

        assertThat(challenge.isScheme("Bearer")).isTrue();
        assertThat(challenge.parameter("realm")).contains("https://t.example/token");
        assertThat(challenge.parameter("Service")).contains("reg");
    }

    @Test
    void emptyQuotedValue() {
        AuthChallenge challenge = AuthChallenge.parse("Bearer realm=\"\",service=\"s\"").get(0);

        assertThat(challenge.parameter("realm")).contains("");
        assertThat(challenge.parameter("service")).contains("s");
    }

    @Test
    void severalHeaderLinesAreConcatenated() {
        List<AuthChallenge> challenges =
                AuthChallenge.parseAll(
                        List.of(
                                "Basic realm=\"a\"",
                                "Bearer realm=\"b\",scope=\"repository:x:pull\""));

        assertThat(challenges).extracting(AuthChallenge::scheme).containsExactly("Basic", "Bearer");
        assertThat(challenges.get(1).parameter("scope")).contains("repository:x:pull");
    }

    @Test
    void blankHeaderHasNoChallenges() {
        assertThat(AuthChallenge.parse("")).isEmpty();
        assertThat(AuthChallenge.parse(" , ")).isEmpty();
        assertThat(AuthChallenge.parse(null)).isEmpty();
    }

    @Test
    void malformedHeadersAreRejected() {
        assertThatThrownBy(() -> AuthChallenge.parse("Bearer realm=\"https://t.example/token"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unterminated quoted string");
        assertThatThrownBy(() -> AuthChallenge.parse("Bearer realm=\"a\" service=\"b\""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected ','");
        assertThatThrownBy(() -> AuthChallenge.parse("=\"a\""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("auth scheme");
    }
}
