package dev.terrarium.signing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.registry.ImageReference;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignatureCheckTest {

    private static final SigningKey KEY = SigningKey.generate();
    private static final ImageReference IMAGE =
            ImageReference.parse("registry.example/team/env@sha256:" + "1".repeat(64));

    @Test
    void aTrustedSignatureOfTheRightClaimsVerifiesWithItsKeyId() {
        TrustedKey other = SigningKey.generate().publicKey();

        assertThat(
                        check(
                                IMAGE,
                                "h1",
                                List.of(other, KEY.publicKey()),
                                signed(KEY, payload(IMAGE, "h1"))))
                .isEqualTo(new Verification.Verified(KEY.keyId()));
    }

    @Test
    void cosignsOwnSignatureVerifiesForItsSpecHashOnly() {
        TrustedKey cosignKey = TrustedKey.fromPem(CosignSample.PUBLIC_KEY_PEM);
        byte[] payload = CosignSample.PAYLOAD.getBytes(StandardCharsets.UTF_8);

        assertThat(
                        SignatureCheck.check(
                                CosignSample.IMAGE,
                                "h1",
                                List.of(cosignKey),
                                payload,
                                CosignSample.SIGNATURE))
                .isEqualTo(new Verification.Verified(cosignKey.keyId()));
        assertThat(
                        SignatureCheck.check(
                                CosignSample.IMAGE,
                                "h2",
                                List.of(cosignKey),
                                payload,
                                CosignSample.SIGNATURE))
                .satisfies(
                        rejected(
                                Verification.Reason.SPEC_HASH_MISMATCH,
                                "for spec hash h1, not h2"));
    }

    @Test
    void aSignatureByAnUntrustedKeyIsBad() {
        SigningKey stranger = SigningKey.generate();

        assertThat(
                        check(
                                IMAGE,
                                "h1",
                                List.of(KEY.publicKey()),
                                signed(stranger, payload(IMAGE, "h1"))))
                .satisfies(
                        rejected(Verification.Reason.BAD_SIGNATURE, "none of the 1 trusted keys"));
    }

    @Test
    void aSignatureOverOtherBytesIsBad() {
        byte[] payload = payload(IMAGE, "h1");
        String signature = Base64.getEncoder().encodeToString(KEY.sign(payload));
        byte[] altered =
                new String(payload, StandardCharsets.UTF_8)
                        .replace("h1", "h2")
                        .getBytes(StandardCharsets.UTF_8);

        assertThat(SignatureCheck.check(IMAGE, "h2", List.of(KEY.publicKey()), altered, signature))
                .satisfies(rejected(Verification.Reason.BAD_SIGNATURE, "verifies with none"));
        assertThat(
                        SignatureCheck.check(
                                IMAGE, "h1", List.of(KEY.publicKey()), payload, "not base64!"))
                .satisfies(rejected(Verification.Reason.BAD_SIGNATURE, "not base64"));
    }

    @Test
    void aTrustedSignatureOfAnotherDigestIsADigestMismatch() {
        ImageReference other =
                ImageReference.parse("registry.example/team/env@sha256:" + "2".repeat(64));

        assertThat(check(IMAGE, "h1", List.of(KEY.publicKey()), signed(KEY, payload(other, "h1"))))
                .satisfies(
                        rejected(Verification.Reason.DIGEST_MISMATCH, "signed digest sha256:2222"));
    }

    @Test
    void aTrustedSignatureForAnotherRepositoryIsAnIdentityMismatch() {
        ImageReference elsewhere =
                ImageReference.parse("registry.example/team/other@" + IMAGE.digest());

        assertThat(
                        check(
                                IMAGE,
                                "h1",
                                List.of(KEY.publicKey()),
                                signed(KEY, payload(elsewhere, "h1"))))
                .satisfies(
                        rejected(
                                Verification.Reason.IDENTITY_MISMATCH,
                                "as registry.example/team/other, not as registry.example/team/env"));
    }

    @Test
    void aTrustedSignatureForAnotherSpecHashOrNoneIsASpecHashMismatch() {
        byte[] withoutHash =
                new SimpleSigningPayload(
                                SimpleSigningPayload.identityOf(IMAGE),
                                IMAGE.digest(),
                                Map.of("creator", "someone"))
                        .toBytes();

        assertThat(check(IMAGE, "h2", List.of(KEY.publicKey()), signed(KEY, payload(IMAGE, "h1"))))
                .satisfies(
                        rejected(
                                Verification.Reason.SPEC_HASH_MISMATCH,
                                "for spec hash h1, not h2"));
        assertThat(check(IMAGE, "h2", List.of(KEY.publicKey()), signed(KEY, withoutHash)))
                .satisfies(
                        rejected(
                                Verification.Reason.SPEC_HASH_MISMATCH,
                                "for spec hash (none), not h2"));
    }

    @Test
    void aTrustedSignatureOverSomethingElseIsAnInvalidPayload() {
        byte[] notAPayload = "{\"critical\":{\"type\":\"x\"}}".getBytes(StandardCharsets.UTF_8);

        assertThat(check(IMAGE, "h1", List.of(KEY.publicKey()), signed(KEY, notAPayload)))
                .satisfies(
                        rejected(
                                Verification.Reason.INVALID_PAYLOAD,
                                "not a cosign image signature"));
    }

    @Test
    void theRejectionThatGotFurthestIsKept() {
        Verification bad = new Verification.Rejected(Verification.Reason.BAD_SIGNATURE, "bad");
        Verification hash =
                new Verification.Rejected(Verification.Reason.SPEC_HASH_MISMATCH, "hash");
        Verification verified = new Verification.Verified("k");

        assertThat(SignatureCheck.better(null, bad)).isSameAs(bad);
        assertThat(SignatureCheck.better(bad, hash)).isSameAs(hash);
        assertThat(SignatureCheck.better(hash, bad)).isSameAs(hash);
        assertThat(SignatureCheck.better(hash, verified)).isSameAs(verified);
        assertThat(SignatureCheck.better(verified, hash)).isSameAs(verified);
    }

    private static byte[] payload(ImageReference image, String specHash) {
        return SimpleSigningPayload.forImage(image, specHash).toBytes();
    }

    private record Signed(byte[] payload, String signature) {}

    private static Signed signed(SigningKey key, byte[] payload) {
        return new Signed(payload, Base64.getEncoder().encodeToString(key.sign(payload)));
    }

    private static Verification check(
            ImageReference image, String specHash, List<TrustedKey> trusted, Signed signed) {
        return SignatureCheck.check(image, specHash, trusted, signed.payload(), signed.signature());
    }

    private static java.util.function.Consumer<Verification> rejected(
            Verification.Reason reason, String text) {
        return verification ->
                assertThat(verification)
                        .isInstanceOfSatisfying(
                                Verification.Rejected.class,
                                rejected -> {
                                    assertThat(rejected.reason()).isEqualTo(reason);
                                    assertThat(rejected.message()).contains(text);
                                });
    }
}
