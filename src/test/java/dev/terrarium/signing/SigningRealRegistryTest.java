package dev.terrarium.signing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.terrarium.registry.Credentials;
import dev.terrarium.registry.ImageReference;
import dev.terrarium.registry.RegistryClient;
import dev.terrarium.testing.TestImages;
import dev.terrarium.testing.TestRegistry;
import dev.terrarium.testing.TinyImage;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Signing and verifying images in Debian's docker-registry (distribution 2.8), without
 * authentication.
 */
class SigningRealRegistryTest {

    private static final Credentials ANONYMOUS = Credentials.ANONYMOUS;
    private static final SigningKey KEY = SigningKey.generate();

    private static TestRegistry registry;
    private static RegistryClient client;
    private static ImageSigner signer;
    private static ImageVerifier verifier;

    @BeforeAll
    static void startRegistry() {
        registry = TestRegistry.start();
        client = new RegistryClient(Set.of(registry.hostPort()));
        signer = new ImageSigner(client);
        verifier = new ImageVerifier(client);
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void aSignedImageVerifiesForItsSpecHash() {
        ImageReference image = push("terrarium/signed", "h1", "built for h1");

        ImageSigner.Result result = signer.sign(image, "h1", KEY, ANONYMOUS);

        assertThat(result.outcome()).isEqualTo(ImageSigner.Outcome.ADDED);
        assertThat(result.signatureCount()).isEqualTo(1);
        assertThat(result.signatures().toString())
                .isEqualTo(
                        registry.hostPort()
                                + "/terrarium/signed:sha256-"
                                + image.digest().substring(7)
                                + ".sig");
        assertThat(client.manifestDigest(result.signatures(), ANONYMOUS))
                .contains(result.manifestDigest());
        assertThat(verifier.verify(image, "h1", List.of(KEY.publicKey()), ANONYMOUS))
                .isEqualTo(new Verification.Verified(KEY.keyId()));
    }

    @Test
    void signingTheSamePayloadWithTheSameKeyAgainWritesNothing() {
        ImageReference image = push("terrarium/again", "h1", "signed twice");
        ImageSigner.Result first = signer.sign(image, "h1", KEY, ANONYMOUS);

        ImageSigner.Result second = signer.sign(image, "h1", KEY, ANONYMOUS);

        assertThat(second.outcome()).isEqualTo(ImageSigner.Outcome.ALREADY_SIGNED);
        assertThat(second.manifestDigest()).isEqualTo(first.manifestDigest());
        assertThat(second.signatureCount()).isEqualTo(1);
        assertThat(client.manifestDigest(first.signatures(), ANONYMOUS))
                .contains(first.manifestDigest());
    }

    @Test
    void anotherImagePushedUnderTheHashTagDoesNotVerifyForThatHash() {
        ImageReference built = push("terrarium/environments", "h1", "what the operator built");
        signer.sign(built, "h1", KEY, ANONYMOUS);
        ImageReference tag = built.withTag("h1");

        String forged =
                TestImages.push(
                        registry.hostPort(),
                        "terrarium/environments",
                        "h1",
                        Map.of("opt/terrarium/lock", "what a tenant pushed"),
                        ANONYMOUS);

        ImageReference found = tag.withDigest(client.manifestDigest(tag, ANONYMOUS).orElseThrow());
        assertThat(found.digest()).isEqualTo(forged).isNotEqualTo(built.digest());
        assertThat(verifier.verify(found, "h1", List.of(KEY.publicKey()), ANONYMOUS))
                .satisfies(rejected(Verification.Reason.NO_SIGNATURE, "no signature manifest"));
        assertThat(verifier.verify(built, "h1", List.of(KEY.publicKey()), ANONYMOUS).verified())
                .isTrue();
    }

    @Test
    void aSignatureCopiedToAnotherDigestIsADigestMismatch() {
        ImageReference built = push("terrarium/copied", "h1", "genuine");
        ImageSigner.Result genuine = signer.sign(built, "h1", KEY, ANONYMOUS);
        ImageReference forged = push("terrarium/copied", "h1", "forged");

        client.putManifest(
                forged.withTag(SignatureManifest.tagFor(forged.digest())),
                ANONYMOUS,
                SignatureManifest.OCI_MANIFEST,
                client.getManifest(genuine.signatures(), ANONYMOUS, 1 << 20)
                        .orElseThrow()
                        .content());

        assertThat(verifier.verify(forged, "h1", List.of(KEY.publicKey()), ANONYMOUS))
                .satisfies(
                        rejected(
                                Verification.Reason.DIGEST_MISMATCH,
                                "signed digest " + built.digest()));
    }

    @Test
    void aSignedImageRetaggedUnderAnotherHashDoesNotVerifyForThatHash() {
        ImageReference built = push("terrarium/retagged", "h1", "built for h1");
        signer.sign(built, "h1", KEY, ANONYMOUS);

        client.putTag(built, "h2", ANONYMOUS);
        ImageReference underH2 =
                built.withDigest(
                        client.manifestDigest(built.withTag("h2"), ANONYMOUS).orElseThrow());

        assertThat(underH2.digest()).isEqualTo(built.digest());
        assertThat(verifier.verify(underH2, "h2", List.of(KEY.publicKey()), ANONYMOUS))
                .satisfies(
                        rejected(
                                Verification.Reason.SPEC_HASH_MISMATCH,
                                "for spec hash h1, not h2"));
    }

    @Test
    void afterAKeyRotationOldSignaturesKeepVerifyingWithTheOldKey() {
        SigningKey old = SigningKey.generate();
        SigningKey rotated = SigningKey.generate();
        ImageReference image =
                push("terrarium/rotated", "h1", "signed before and after a rotation");

        signer.sign(image, "h1", old, ANONYMOUS);
        ImageSigner.Result after = signer.sign(image, "h1", rotated, ANONYMOUS);

        assertThat(after.outcome()).isEqualTo(ImageSigner.Outcome.ADDED);
        assertThat(after.signatureCount()).isEqualTo(2);
        assertThat(verifier.verify(image, "h1", List.of(old.publicKey()), ANONYMOUS))
                .isEqualTo(new Verification.Verified(old.keyId()));
        assertThat(verifier.verify(image, "h1", List.of(rotated.publicKey()), ANONYMOUS))
                .isEqualTo(new Verification.Verified(rotated.keyId()));
        assertThat(
                        verifier.verify(
                                image, "h1", List.of(SigningKey.generate().publicKey()), ANONYMOUS))
                .satisfies(
                        rejected(Verification.Reason.BAD_SIGNATURE, "none of the 1 trusted keys"));
    }

    @Test
    void aSignatureManifestOfTenThousandLayersIsRefusedWithoutReadingAPayload() throws Exception {
        ImageReference image = push("terrarium/hostile", "h1", "target");
        ImageReference signatures = image.withTag(SignatureManifest.tagFor(image.digest()));
        byte[] payload = SimpleSigningPayload.forImage(image, "h1").toBytes();
        SignatureManifest.Layer forgedLayer =
                SignatureManifest.signatureLayer(payload, new byte[] {0x30, 0});
        client.pushBlob(signatures, ANONYMOUS, payload);
        ObjectMapper json = new ObjectMapper();
        ObjectNode hostile =
                (ObjectNode)
                        json.readTree(
                                SignatureManifest.write(List.of(forgedLayer), null).manifest());
        client.pushBlob(
                signatures,
                ANONYMOUS,
                SignatureManifest.write(List.of(forgedLayer), null).config());
        ArrayNode layers = hostile.putArray("layers");
        for (int i = 0; i < 10_000; i++) {
            layers.add(forgedLayer.descriptor());
        }
        client.putManifest(
                signatures,
                ANONYMOUS,
                SignatureManifest.OCI_MANIFEST,
                json.writeValueAsBytes(hostile));
        long payloadReads = blobReads("terrarium/hostile");

        assertThat(verifier.verify(image, "h1", List.of(KEY.publicKey()), ANONYMOUS))
                .satisfies(
                        rejected(
                                Verification.Reason.INVALID_SIGNATURE_MANIFEST,
                                "10000 layers, more than 1000"));
        assertThat(blobReads("terrarium/hostile")).isEqualTo(payloadReads);

        ImageSigner.Result resigned = signer.sign(image, "h1", KEY, ANONYMOUS);
        assertThat(resigned.outcome()).isEqualTo(ImageSigner.Outcome.REPLACED);
        assertThat(resigned.signatureCount()).isEqualTo(1);
        assertThat(verifier.verify(image, "h1", List.of(KEY.publicKey()), ANONYMOUS).verified())
                .isTrue();
    }

    @Test
    void aPayloadDeclaredLargerThanTheLimitIsNotDownloadedAndOthersStillCount() {
        ImageReference image = push("terrarium/large", "h1", "target");
        ImageReference signatures = image.withTag(SignatureManifest.tagFor(image.digest()));
        byte[] large = new byte[(int) ImageVerifier.MAX_PAYLOAD_BYTES + 1];
        client.pushBlob(signatures, ANONYMOUS, large);
        SignatureManifest.Layer largeLayer =
                SignatureManifest.signatureLayer(large, KEY.sign(large));
        SignatureManifest.Written onlyLarge = SignatureManifest.write(List.of(largeLayer), null);
        client.pushBlob(signatures, ANONYMOUS, onlyLarge.config());
        client.putManifest(
                signatures, ANONYMOUS, SignatureManifest.OCI_MANIFEST, onlyLarge.manifest());

        assertThat(verifier.verify(image, "h1", List.of(KEY.publicKey()), ANONYMOUS))
                .satisfies(
                        rejected(
                                Verification.Reason.INVALID_SIGNATURE_MANIFEST,
                                "is declared "
                                        + large.length
                                        + " bytes, more than "
                                        + ImageVerifier.MAX_PAYLOAD_BYTES));
        ImageSigner.Result signed = signer.sign(image, "h1", KEY, ANONYMOUS);
        assertThat(signed.signatureCount()).isEqualTo(2);
        assertThat(verifier.verify(image, "h1", List.of(KEY.publicKey()), ANONYMOUS))
                .isEqualTo(new Verification.Verified(KEY.keyId()));
        assertThat(registry.log())
                .doesNotContain("GET /v2/terrarium/large/blobs/" + largeLayer.digest());
    }

    @Test
    void aRepositoryWithoutTheImageHasNoSignature() {
        ImageReference never =
                ImageReference.parse(
                        registry.hostPort() + "/terrarium/never@sha256:" + "3".repeat(64));

        assertThat(verifier.verify(never, "h1", List.of(KEY.publicKey()), ANONYMOUS))
                .satisfies(
                        rejected(
                                Verification.Reason.NO_SIGNATURE,
                                "sha256-" + "3".repeat(64) + ".sig"));
    }

    private static ImageReference push(String repository, String tag, String lock) {
        ImageReference target =
                ImageReference.parse(registry.hostPort() + "/" + repository + ":" + tag);
        String digest =
                TinyImage.of(Map.of("opt/terrarium/lock", lock)).push(client, target, ANONYMOUS);
        return target.withDigest(digest);
    }

    private static long blobReads(String repository) {
        return registry.log()
                .lines()
                .filter(line -> line.contains("\"GET /v2/" + repository + "/blobs/"))
                .count();
    }

    static java.util.function.Consumer<Verification> rejected(
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
