package dev.terrarium.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrarium.testing.TestImages;
import dev.terrarium.testing.TestRegistry;
import dev.terrarium.testing.TestRegistryTokenServer;
import dev.terrarium.testing.TinyImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bearer token flow against docker-registry in {@code auth: token} mode: the registry verifies
 * the JWTs that {@link TestRegistryTokenServer} signs (RS256, certificate in {@code x5c}, chained
 * to its {@code rootcertbundle}), and grants only the access the token lists.
 */
class RealRegistryTokenAuthTest {

    private static final Credentials BOB = Credentials.basic("bob", "hunter22");
    private static final String BOBS_REFRESH_TOKEN = "refresh-bob";
    private static final String LOCK = "opt/terrarium/lock";

    private static TestRegistryTokenServer tokenServer;
    private static TestRegistry registry;
    private static ImageReference image;
    private static String pushedDigest;

    @BeforeAll
    static void startRegistryAndPush() {
        tokenServer =
                TestRegistryTokenServer.start(BOB.username(), BOB.password(), BOBS_REFRESH_TOKEN);
        registry =
                TestRegistry.startWithTokenAuth(
                        tokenServer.realm(),
                        TestRegistryTokenServer.SERVICE,
                        TestRegistryTokenServer.ISSUER);
        tokenServer.signWith(registry.tokenKey(), registry.tokenCertificate());
        pushedDigest =
                TestImages.push(
                        registry.hostPort(),
                        "team/env",
                        "0f3a",
                        Map.of(LOCK, "scipy==1.14.1\n"),
                        BOB);
        image = ImageReference.parse(registry.hostPort() + "/team/env:0f3a");
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (tokenServer != null) {
            tokenServer.close();
        }
    }

    @Test
    void aTokenForTheRightCredentialsIsAcceptedAndReusedForManifestsAndBlobs() {
        RegistryClient client = new RegistryClient(Set.of(registry.hostPort()));
        int before = tokenServer.requests().size();

        assertThat(client.manifestDigest(image, BOB)).contains(pushedDigest);
        assertThat(client.manifestDigest(image.withTag("absent"), BOB)).isEmpty();
        assertThat(client.readFileFromImage(image, BOB, LOCK)).contains("scipy==1.14.1\n");

        assertThat(tokenServer.requests().subList(before, tokenServer.requests().size()))
                .containsExactly("GET scope=repository:team/env:pull");
    }

    @Test
    void pushingAsksForAPushTokenAndAnAnonymousOneIsRefused() {
        RegistryClient client = new RegistryClient(Set.of(registry.hostPort()));
        TinyImage tiny = TinyImage.of(Map.of(LOCK, "pushed with a token"));
        ImageReference target = ImageReference.parse(registry.hostPort() + "/team/pushed:1");
        int before = tokenServer.requests().size();

        assertThat(tiny.push(client, target, BOB)).isEqualTo(tiny.digest());
        assertThat(tokenServer.requests().subList(before, tokenServer.requests().size()))
                .containsExactly("GET scope=repository:team/pushed:pull,push");
        assertThat(client.readFileFromImage(target, BOB, LOCK)).contains("pushed with a token");
        assertThatThrownBy(
                        () ->
                                TinyImage.of(Map.of(LOCK, "anonymous"))
                                        .push(client, target.withTag("2"), Credentials.ANONYMOUS))
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> {
                            assertThat(e.status()).isEqualTo(401);
                            assertThat(e.getMessage()).contains("insufficient_scope");
                        });
    }

    @Test
    void anIdentityTokenIsExchangedForAnAccessToken() {
        RegistryClient client = new RegistryClient(Set.of(registry.hostPort()));

        assertThat(
                        client.manifestDigest(
                                image, Credentials.identityToken("<token>", BOBS_REFRESH_TOKEN)))
                .contains(pushedDigest);
        assertThat(tokenServer.requests()).contains("POST scope=repository:team/env:pull");
    }

    @Test
    void anAnonymousTokenGrantsNothingAndTheErrorSaysSo() {
        RegistryClient client = new RegistryClient(Set.of(registry.hostPort()));

        assertThatThrownBy(() -> client.manifestDigest(image, Credentials.ANONYMOUS))
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> {
                            assertThat(e.status()).isEqualTo(401);
                            assertThat(e.errorCode()).isEqualTo("UNAUTHORIZED");
                            assertThat(e.getMessage())
                                    .contains("without credentials", "insufficient_scope");
                        });
    }

    @Test
    void aWrongPasswordIsRefusedByTheTokenEndpoint() {
        RegistryClient client = new RegistryClient(Set.of(registry.hostPort()));

        assertThatThrownBy(() -> client.manifestDigest(image, Credentials.basic("bob", "wrong")))
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> {
                            assertThat(e.status()).isEqualTo(401);
                            assertThat(e.getMessage())
                                    .contains(
                                            "token endpoint " + tokenServer.realm(), "as user bob");
                            assertThat(e.registryMessage())
                                    .contains("invalid username, password or refresh token");
                        });
    }

    @Test
    void theRegistryRejectsATokenSignedWithAnUntrustedKey(@TempDir Path dir) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        Path forgedKey = dir.resolve("forged.key");
        Files.writeString(
                forgedKey,
                "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder()
                                .encodeToString(
                                        generator.generateKeyPair().getPrivate().getEncoded())
                        + "\n-----END PRIVATE KEY-----\n");
        RegistryClient client = new RegistryClient(Set.of(registry.hostPort()));

        tokenServer.signWith(forgedKey, registry.tokenCertificate());
        try {
            assertThatThrownBy(() -> client.manifestDigest(image, BOB))
                    .isInstanceOfSatisfying(
                            RegistryException.class,
                            e -> {
                                assertThat(e.status()).isEqualTo(401);
                                assertThat(e.getMessage()).contains("invalid_token");
                            });
        } finally {
            tokenServer.signWith(registry.tokenKey(), registry.tokenCertificate());
        }
        assertThat(client.manifestDigest(image, BOB)).contains(pushedDigest);
    }
}
