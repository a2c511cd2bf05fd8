package dev.terrarium.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrarium.testing.TestImages;
import dev.terrarium.testing.TestRegistry;
import dev.terrarium.testing.TinyImage;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client against docker-registry with htpasswd (bcrypt) basic authentication. */
class RealRegistryBasicAuthTest {

    private static final Credentials ALICE = Credentials.basic("alice", "correct horse");

    private static TestRegistry registry;
    private static ImageReference image;
    private static String pushedDigest;

    @BeforeAll
    static void startRegistryAndPush() {
        registry = TestRegistry.startWithHtpasswd(ALICE.username(), ALICE.password());
        pushedDigest =
                TestImages.push(
                        registry.hostPort(),
                        "team/env",
                        "0f3a",
                        Map.of("opt/terrarium/lock", "pinned"),
                        ALICE);
        image = ImageReference.parse(registry.hostPort() + "/team/env:0f3a");
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void anonymousAccessFailsWithTheRegistrysMessage() {
        RegistryClient client = new RegistryClient(Set.of(registry.hostPort()));

        assertThatThrownBy(() -> client.manifestDigest(image, Credentials.ANONYMOUS))
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> {
                            assertThat(e.status()).isEqualTo(401);
                            assertThat(e.isAuthenticationFailure()).isTrue();
                            assertThat(e.errorCode()).isEqualTo("UNAUTHORIZED");
                            assertThat(e.registryMessage()).isEqualTo("authentication required");
                            assertThat(e.getMessage())
                                    .contains(
                                            "HTTP 401",
                                            image.toString(),
                                            "without credentials",
                                            "authentication required");
                        });
    }

    @Test
    void theRightCredentialsWork() {
        RegistryClient client = new RegistryClient(Set.of(registry.hostPort()));

        assertThat(client.manifestDigest(image, ALICE)).contains(pushedDigest);
        assertThat(client.manifestDigest(image.withTag("absent"), ALICE)).isEmpty();
        assertThat(client.readFileFromImage(image, ALICE, "opt/terrarium/lock")).contains("pinned");
    }

    @Test
    void aWrongPasswordFails() {
        RegistryClient client = new RegistryClient(Set.of(registry.hostPort()));

        assertThatThrownBy(
                        () ->
                                client.manifestDigest(
                                        image, Credentials.basic("alice", "battery staple")))
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> {
                            assertThat(e.status()).isEqualTo(401);
                            assertThat(e.getMessage())
                                    .contains("as user alice")
                                    .doesNotContain("battery staple");
                        });
        assertThatThrownBy(
                        () ->
                                client.manifestDigest(
                                        image, Credentials.basic("mallory", "correct horse")))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.status()).isEqualTo(401));
    }

    @Test
    void pushingNeedsTheCredentials() {
        RegistryClient client = new RegistryClient(Set.of(registry.hostPort()));
        TinyImage tiny = TinyImage.of(Map.of("opt/terrarium/lock", "pushed as alice"));
        ImageReference target = image.withTag("pushed");

        assertThatThrownBy(() -> tiny.push(client, target, Credentials.ANONYMOUS))
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> {
                            assertThat(e.status()).isEqualTo(401);
                            assertThat(e.getMessage()).contains("without credentials");
                        });
        assertThat(tiny.push(client, target, ALICE)).isEqualTo(tiny.digest());
        assertThat(client.readFileFromImage(target, ALICE, "opt/terrarium/lock"))
                .contains("pushed as alice");
    }

    @Test
    void credentialsComeFromAPullSecretsDockerConfig() {
        RegistryClient client = new RegistryClient(Set.of(registry.hostPort()));
        String auth =
                Base64.getEncoder()
                        .encodeToString("alice:correct horse".getBytes(StandardCharsets.UTF_8));
        DockerConfig config =
                DockerConfig.parse(
                        "{\"auths\":{\""
                                + registry.hostPort()
                                + "\":{\"auth\":\""
                                + auth
                                + "\"}}}");

        assertThat(client.manifestDigest(image, config.credentialsFor(image)))
                .contains(pushedDigest);
    }
}
