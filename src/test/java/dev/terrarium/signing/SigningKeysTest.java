package dev.terrarium.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SigningKeysTest {

    private static final byte[] PAYLOAD = "{\"critical\":{}}".getBytes(StandardCharsets.UTF_8);

    @Test
    void aGeneratedKeySurvivesItsPemFiles() {
        SigningKey key = SigningKey.generate();

        SigningKey again = SigningKey.fromPem(key.privateKeyPem(), key.publicKeyPem());

        assertThat(again.keyId()).isEqualTo(key.keyId());
        assertThat(again.publicKey().verifies(PAYLOAD, key.sign(PAYLOAD))).isTrue();
        assertThat(key.publicKey().verifies(PAYLOAD, again.sign(PAYLOAD))).isTrue();
    }

    @Test
    void thePublicKeyPemIsLaidOutAsCosignPub() {
        String pem = SigningKey.generate().publicKeyPem();

        assertThat(pem)
                .startsWith("-----BEGIN PUBLIC KEY-----\n")
                .endsWith("\n-----END PUBLIC KEY-----\n");
        assertThat(pem.lines().toList()).hasSize(4).element(1).asString().hasSize(64);
        assertThat(pem).doesNotContain("\r");
        assertThat(TrustedKey.fromPem(CosignSample.PUBLIC_KEY_PEM).pem())
                .isEqualTo(CosignSample.PUBLIC_KEY_PEM);
    }

    @Test
    void thePrivateKeyPemIsUnencryptedPkcs8() {
        String pem = SigningKey.generate().privateKeyPem();

        assertThat(pem)
                .startsWith("-----BEGIN PRIVATE KEY-----\n")
                .endsWith("\n-----END PRIVATE KEY-----\n");
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        // PKCS#8 v0 with the id-ecPublicKey algorithm (1.2.840.10045.2.1) and the prime256v1 curve
        // (1.2.840.10045.3.1.7).
        assertThat(HexFormat.of().formatHex(der))
                .startsWith("3041020100301306072a8648ce3d020106082a8648ce3d030107");
    }

    @Test
    void theKeyIdIsTheSha256OfTheDerPublicKey() throws Exception {
        TrustedKey cosignKey = TrustedKey.fromPem(CosignSample.PUBLIC_KEY_PEM);
        byte[] der =
                Base64.getMimeDecoder()
                        .decode(
                                CosignSample.PUBLIC_KEY_PEM
                                        .replace("-----BEGIN PUBLIC KEY-----", "")
                                        .replace("-----END PUBLIC KEY-----", ""));

        assertThat(cosignKey.keyId())
                .isEqualTo(
                        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der)))
                .hasSize(64);
        assertThat(SigningKey.generate().keyId()).isNotEqualTo(SigningKey.generate().keyId());
    }

    @Test
    void aPemBlockIsFoundAmongOtherTextAndCrLfLines() {
        String wrapped =
                "# cosign.pub of the operator\r\n"
                        + CosignSample.PUBLIC_KEY_PEM.replace("\n", "\r\n")
                        + "\r\n";

        assertThat(TrustedKey.fromPem(wrapped).pem()).isEqualTo(CosignSample.PUBLIC_KEY_PEM);
    }

    @Test
    void aPairThatDoesNotBelongTogetherIsRefused() {
        SigningKey one = SigningKey.generate();
        SigningKey other = SigningKey.generate();

        assertThatThrownBy(() -> SigningKey.fromPem(one.privateKeyPem(), other.publicKeyPem()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(other.keyId())
                .hasMessageContaining("does not belong to the private key");
    }

    @Test
    void keysOnOtherCurvesOrOfOtherKindsAreRefused() throws Exception {
        KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
        p384.initialize(new ECGenParameterSpec("secp384r1"));
        var pair = p384.generateKeyPair();
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);

        assertThatThrownBy(
                        () ->
                                SigningKeys.parsePublicKeyPem(
                                        SigningKeys.publicKeyPem(pair.getPublic())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("another curve than P-256");
        assertThatThrownBy(
                        () ->
                                SigningKeys.parsePrivateKeyPem(
                                        SigningKeys.pem(
                                                "PRIVATE KEY", pair.getPrivate().getEncoded())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("another curve than P-256");
        assertThatThrownBy(
                        () ->
                                SigningKeys.parsePublicKeyPem(
                                        SigningKeys.publicKeyPem(
                                                rsa.generateKeyPair().getPublic())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an EC public key");
    }

    @Test
    void otherPrivateKeyFormatsAreRefusedWithWhatToDo() {
        String body = "\nAAAA\n";

        assertThatThrownBy(
                        () ->
                                SigningKeys.parsePrivateKeyPem(
                                        "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----"
                                                + body
                                                + "-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("found ENCRYPTED SIGSTORE PRIVATE KEY")
                .hasMessageContaining("cosign's encrypted key format is not imported");
        assertThatThrownBy(
                        () ->
                                SigningKeys.parsePrivateKeyPem(
                                        "-----BEGIN EC PRIVATE KEY-----"
                                                + body
                                                + "-----END EC PRIVATE KEY-----\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
        assertThatThrownBy(() -> SigningKeys.parsePrivateKeyPem(CosignSample.PUBLIC_KEY_PEM))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected a PEM PRIVATE KEY block, found PUBLIC KEY");
        assertThatThrownBy(() -> SigningKeys.parsePublicKeyPem("not a key"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no PEM PUBLIC KEY block");
        assertThatThrownBy(
                        () ->
                                SigningKeys.parsePublicKeyPem(
                                        "-----BEGIN PUBLIC KEY-----\nAAAA\n"
                                                + "-----END PUBLIC KEY-----"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an EC public key");
        assertThatThrownBy(() -> SigningKeys.parsePublicKeyPem("x".repeat(20_000)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than a key takes");
    }

    @Test
    void aPrivateKeyThatDoesNotParseLeavesNoKeyMaterialInTheMessage() {
        String pem = SigningKey.generate().privateKeyPem();
        String broken =
                pem.replace("-----BEGIN PRIVATE KEY-----\n", "-----BEGIN PRIVATE KEY-----\nMIIB");
        String body = pem.lines().skip(1).limit(1).findFirst().orElseThrow();

        assertThatThrownBy(() -> SigningKeys.parsePrivateKeyPem(broken))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(body.substring(0, 16)));
    }

    @Test
    void signaturesAreDerAndOnlyTheSignedPayloadVerifies() {
        SigningKey key = SigningKey.generate();
        byte[] signature = key.sign(PAYLOAD);
        byte[] tampered = PAYLOAD.clone();
        tampered[3] ^= 1;

        assertThat(signature[0]).isEqualTo((byte) 0x30);
        assertThat(key.publicKey().verifies(PAYLOAD, signature)).isTrue();
        assertThat(key.publicKey().verifies(tampered, signature)).isFalse();
        assertThat(SigningKey.generate().publicKey().verifies(PAYLOAD, signature)).isFalse();
        assertThat(key.publicKey().verifies(PAYLOAD, new byte[] {0x30, 0x02, 0x01})).isFalse();
        assertThat(key.publicKey().verifies(PAYLOAD, new byte[0])).isFalse();
    }

    @Test
    void cosignsOwnSignatureVerifiesWithItsPublicKey() {
        TrustedKey cosignKey = TrustedKey.fromPem(CosignSample.PUBLIC_KEY_PEM);

        assertThat(
                        cosignKey.verifies(
                                CosignSample.PAYLOAD.getBytes(StandardCharsets.UTF_8),
                                Base64.getDecoder().decode(CosignSample.SIGNATURE)))
                .isTrue();
        assertThat(
                        ((ECPublicKey) SigningKeys.parsePublicKeyPem(CosignSample.PUBLIC_KEY_PEM))
                                .getW())
                .isNotNull();
    }

    @Test
    void noStringFormOfAKeyShowsTheSecret() {
        SigningKey key = SigningKey.generate();
        String secretLine = key.privateKeyPem().lines().skip(1).findFirst().orElseThrow();

        assertThat(key.toString())
                .isEqualTo("SigningKey[" + key.keyId() + "]")
                .doesNotContain(secretLine);
        assertThat(key.publicKey().toString()).isEqualTo("TrustedKey[" + key.keyId() + "]");
    }
}
