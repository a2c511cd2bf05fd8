package dev.terrarium.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class DockerConfigTest {

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void authFieldDecodesToUserAndPasswordSplitAtTheFirstColon() {
        DockerConfig config =
                DockerConfig.parse(
                        """
                {"auths": {"registry.example:5000": {"auth": "%s", "email": "ignored@example"}}}
                """
                                .formatted(base64("robot$ci:pa:ss:word")));

        assertThat(config.credentialsFor("registry.example:5000"))
                .contains(Credentials.basic("robot$ci", "pa:ss:word"));
    }

    @Test
    void usernameAndPasswordFields() {
        DockerConfig config =
                DockerConfig.parse(
                        """
                {"auths": {"ghcr.io": {"username": "octo", "password": "ghp_secret"}}}""");

        assertThat(config.credentialsFor("ghcr.io"))
                .contains(Credentials.basic("octo", "ghp_secret"));
        assertThat(config.credentialsFor("GHCR.IO"))
                .contains(Credentials.basic("octo", "ghp_secret"));
    }

    @Test
    void identityTokenWinsOverThePlaceholderAuth() {
        DockerConfig config =
                DockerConfig.parse(
                        """
                {"auths": {"myregistry.azurecr.io": {"auth": "%s", "identitytoken": "refresh-123"}}}
                """
                                .formatted(base64("00000000-0000-0000-0000-000000000000:")));

        Credentials credentials = config.credentialsFor("myregistry.azurecr.io").orElseThrow();
        assertThat(credentials.hasIdentityToken()).isTrue();
        assertThat(credentials.identityToken()).isEqualTo("refresh-123");
        assertThat(credentials.hasPassword()).isFalse();
    }

    @Test
    void dockerHubKeysMatchDockerIoReferences() {
        DockerConfig config =
                DockerConfig.parse(
                        """
                {"auths": {"https://index.docker.io/v1/": {"username": "hubuser", "password": "hubpass"}}}""");

        assertThat(config.credentialsFor(ImageReference.parse("python:3.12")))
                .isEqualTo(Credentials.basic("hubuser", "hubpass"));
        assertThat(config.registries()).containsExactly("docker.io");
    }

    @Test
    void schemesAndPathsInKeysAreIgnoredButPortsMustMatch() {
        DockerConfig config =
                DockerConfig.parse(
                        """
                {"auths": {"http://127.0.0.1:5000/v2/": {"username": "a", "password": "b"},
                           "registry.example": {"username": "c", "password": "d"}}}""");

        assertThat(config.credentialsFor("127.0.0.1:5000")).contains(Credentials.basic("a", "b"));
        assertThat(config.credentialsFor("127.0.0.1:5001")).isEmpty();
        assertThat(config.credentialsFor("127.0.0.1")).isEmpty();
        assertThat(config.credentialsFor("registry.example:443")).isEmpty();
        assertThat(config.credentialsFor(ImageReference.parse("elsewhere.example/app")))
                .isEqualTo(Credentials.ANONYMOUS);
    }

    @Test
    void wildcardLabelsMatchExactlyOneLabel() {
        DockerConfig config =
                DockerConfig.parse(
                        """
                {"auths": {"*.registry.example": {"username": "w", "password": "x"},
                           "eu.registry.example": {"username": "exact", "password": "y"}}}""");

        assertThat(config.credentialsFor("us.registry.example"))
                .contains(Credentials.basic("w", "x"));
        assertThat(config.credentialsFor("eu.registry.example"))
                .contains(Credentials.basic("exact", "y"));
        assertThat(config.credentialsFor("a.b.registry.example")).isEmpty();
        assertThat(config.credentialsFor("registry.example")).isEmpty();
    }

    @Test
    void legacyDockercfgHasNoAuthsWrapper() {
        DockerConfig config =
                DockerConfig.parse(
                        """
                {"quay.io": {"auth": "%s"}}"""
                                .formatted(base64("q:r")));

        assertThat(config.credentialsFor("quay.io")).contains(Credentials.basic("q", "r"));
    }

    @Test
    void readsDockerConfigJsonSecretData() {
        Secret secret =
                new SecretBuilder()
                        .withNewMetadata()
                        .withName("push")
                        .endMetadata()
                        .withType(DockerConfig.DOCKER_CONFIG_JSON_TYPE)
                        .addToData(
                                DockerConfig.DOCKER_CONFIG_JSON_KEY,
                                base64(
                                        """
                        {"auths": {"127.0.0.1:5000": {"auth": "%s"}}}"""
                                                .formatted(base64("u:p"))))
                        .build();

        assertThat(DockerConfig.fromSecret(secret).credentialsFor("127.0.0.1:5000"))
                .contains(Credentials.basic("u", "p"));
    }

    @Test
    void readsStringDataOfASecretNotYetStored() {
        Secret secret =
                new SecretBuilder()
                        .withNewMetadata()
                        .withName("push")
                        .endMetadata()
                        .withType(DockerConfig.DOCKER_CONFIG_JSON_TYPE)
                        .addToStringData(
                                DockerConfig.DOCKER_CONFIG_JSON_KEY,
                                "{\"auths\": {\"r.example\": {\"username\": \"u\", \"password\": \"p\"}}}")
                        .build();

        assertThat(DockerConfig.fromSecret(secret).credentialsFor("r.example"))
                .contains(Credentials.basic("u", "p"));
    }

    @Test
    void rejectsSecretsOfOtherTypesOrWithoutTheKey() {
        Secret opaque =
                new SecretBuilder()
                        .withNewMetadata()
                        .withName("plain")
                        .endMetadata()
                        .withType("Opaque")
                        .build();
        Secret empty =
                new SecretBuilder()
                        .withNewMetadata()
                        .withName("empty")
                        .endMetadata()
                        .withType(DockerConfig.DOCKER_CONFIG_JSON_TYPE)
                        .build();

        assertThatThrownBy(() -> DockerConfig.fromSecret(opaque))
                .hasMessageContaining("Secret plain has type 'Opaque'");
        assertThatThrownBy(() -> DockerConfig.fromSecret(empty))
                .hasMessageContaining("Secret empty has no .dockerconfigjson");
    }

    @Test
    void errorsNeverQuoteSecrets() {
        assertThatThrownBy(
                        () ->
                                DockerConfig.parse(
                                        "{\"auths\": {\"r.example\": {\"password\": \"hunter2\""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not valid JSON")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(
                        () ->
                                DockerConfig.parse(
                                        "{\"auths\": {\"r.example\": {\"auth\": \"%s\"}}}"
                                                .formatted(base64("hunter2-without-colon"))))
                .hasMessageContaining("'r.example'")
                .hasMessageContaining("does not decode to user:password")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(
                        () ->
                                DockerConfig.parse(
                                        "{\"auths\": {\"r.example\": {\"auth\": \"hunter2!!\"}}}"))
                .hasMessageContaining("not valid base64")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void credentialsHideSecretsWhenPrinted() {
        assertThat(Credentials.basic("alice", "hunter2").toString())
                .contains("alice")
                .doesNotContain("hunter2");
        assertThat(Credentials.identityToken("x", "refresh-123").toString())
                .doesNotContain("refresh-123");
        assertThat(
                        DockerConfig.parse(
                                        "{\"auths\": {\"r\": {\"username\": \"a\", \"password\": \"hunter2\"}}}")
                                .toString())
                .doesNotContain("hunter2");
    }
}
