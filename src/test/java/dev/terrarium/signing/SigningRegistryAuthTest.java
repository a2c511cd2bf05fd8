package dev.terrarium.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrarium.registry.Credentials;
import dev.terrarium.registry.ImageReference;
import dev.terrarium.registry.RegistryClient;
import dev.terrarium.registry.RegistryException;
import dev.terrarium.testing.TestRegistry;
import dev.terrarium.testing.TestRegistryTokenServer;
import dev.terrarium.testing.TinyImage;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Signing needs push access and verifying pull access, with docker-registry's basic auth and token
 * auth.
 */
class SigningRegistryAuthTest {

    private static final Credentials ALICE = Credentials.basic("alice", "correct horse");
    private static final Credentials BOB = Credentials.basic("bob", "hunter22");
    private static final SigningKey KEY = SigningKey.generate();

    private static TestRegistry basicRegistry;
    private static TestRegistryTokenServer tokenServer;
    private static TestRegistry tokenRegistry;

    @BeforeAll
    static void startRegistries() {
        basicRegistry = TestRegistry.startWithHtpasswd(ALICE.username(), ALICE.password());
        tokenServer = TestRegistryTokenServer.start(BOB.username(), BOB.password(), "refresh-bob");
        tokenRegistry =
                TestRegistry.startWithTokenAuth(
                        tokenServer.realm(),
                        TestRegistryTokenServer.SERVICE,
                        TestRegistryTokenServer.ISSUER);
        tokenServer.signWith(tokenRegistry.tokenKey(), tokenRegistry.tokenCertificate());
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable :
                new AutoCloseable[] {basicRegistry, tokenRegistry, tokenServer}) {
            if (closeable != null) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    @Test
    void withBasicAuthTheSignerSignsAndAnonymousReadersAreRefused() {
        RegistryClient client = new RegistryClient(Set.of(basicRegistry.hostPort()));
        ImageReference image = push(client, basicRegistry, ALICE);

        assertThatThrownBy(
                        () -> new ImageSigner(client).sign(image, "h1", KEY, Credentials.ANONYMOUS))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.status()).isEqualTo(401));
        new ImageSigner(client).sign(image, "h1", KEY, ALICE);

        assertThat(new ImageVerifier(client).verify(image, "h1", List.of(KEY.publicKey()), ALICE))
                .isEqualTo(new Verification.Verified(KEY.keyId()));
        assertThatThrownBy(
                        () ->
                                new ImageVerifier(client)
                                        .verify(
                                                image,
                                                "h1",
                                                List.of(KEY.publicKey()),
                                                Credentials.ANONYMOUS))
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> assertThat(e.isAuthenticationFailure()).isTrue());
    }

    @Test
    void withTokenAuthSigningAsksForPushAndVerifyingForPullOnly() {
        RegistryClient client = new RegistryClient(Set.of(tokenRegistry.hostPort()));
        ImageReference image = push(client, tokenRegistry, BOB);
        int before = tokenServer.requests().size();

        ImageSigner.Result signed =
                new ImageSigner(new RegistryClient(Set.of(tokenRegistry.hostPort())))
                        .sign(image, "h1", KEY, BOB);
        List<String> signing =
                tokenServer.requests().subList(before, tokenServer.requests().size());
        int afterSigning = tokenServer.requests().size();
        Verification verification =
                new ImageVerifier(new RegistryClient(Set.of(tokenRegistry.hostPort())))
                        .verify(image, "h1", List.of(KEY.publicKey()), BOB);

        assertThat(signed.outcome()).isEqualTo(ImageSigner.Outcome.ADDED);
        assertThat(signing)
                .containsExactly(
                        "GET scope=repository:team/env:pull",
                        "GET scope=repository:team/env:pull,push");
        assertThat(verification).isEqualTo(new Verification.Verified(KEY.keyId()));
        assertThat(tokenServer.requests().subList(afterSigning, tokenServer.requests().size()))
                .containsOnly("GET scope=repository:team/env:pull");
    }

    private static ImageReference push(
            RegistryClient client, TestRegistry registry, Credentials credentials) {
        ImageReference target = ImageReference.parse(registry.hostPort() + "/team/env:h1");
        return target.withDigest(
                TinyImage.of(Map.of("opt/terrarium/lock", "authenticated"))
                        .push(client, target, credentials));
    }
}
