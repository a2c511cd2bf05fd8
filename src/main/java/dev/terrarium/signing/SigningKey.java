package dev.terrarium.signing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Objects;

/**
 * The operator's ECDSA P-256 signing key with its public key. {@link #toString()} shows only the
 * key id, so a key can appear in logs and messages.
 */
public final class SigningKey {

    private static final byte[] PAIR_PROBE =
            "terrarium signing key pair check".getBytes(StandardCharsets.US_ASCII);

    private final ECPrivateKey privateKey;
    private final TrustedKey publicKey;

    private SigningKey(ECPrivateKey privateKey, ECPublicKey publicKey) {
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        this.publicKey = new TrustedKey(publicKey);
    }

    /** A new random key. */
    public static SigningKey generate() {
        KeyPair pair = SigningKeys.generate();
        return new SigningKey((ECPrivateKey) pair.getPrivate(), (ECPublicKey) pair.getPublic());
    }

    /**
     * The key from its two PEM files, as a Secret holds them: the PKCS#8 {@code PRIVATE KEY} and
     * the {@code PUBLIC KEY}. The JDK cannot derive a public key from a private one, so both are
     * given, and they must belong together.
     *
     * @throws IllegalArgumentException when either does not parse (see {@link SigningKeys}) or the
     *     public key is not the private key's
     */
    public static SigningKey fromPem(String privateKeyPem, String publicKeyPem) {
        SigningKey key =
                new SigningKey(
                        SigningKeys.parsePrivateKeyPem(privateKeyPem),
                        SigningKeys.parsePublicKeyPem(publicKeyPem));
        if (!key.publicKey.verifies(PAIR_PROBE, key.sign(PAIR_PROBE))) {
            throw new IllegalArgumentException(
                    "the public key " + key.keyId() + " does not belong to the private key");
        }
        return key;
    }

    /**
     * Signs with SHA256withECDSA: the SHA-256 of {@code payload}, signed, as an ASN.1 DER {@code
     * ECDSA-Sig-Value}, which is what cosign stores (base64) and verifies.
     */
    public byte[] sign(byte[] payload) {
        try {
            Signature ecdsa = Signature.getInstance("SHA256withECDSA");
            ecdsa.initSign(privateKey);
            ecdsa.update(payload);
            return ecdsa.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA256withECDSA signing failed", e);
        }
    }

    /** The public half, as verifiers are given it. */
    public TrustedKey publicKey() {
        return publicKey;
    }

    /** {@link SigningKeys#keyId} of the public key. */
    public String keyId() {
        return publicKey.keyId();
    }

    /** The private key as unencrypted PKCS#8 PEM, for the Secret that holds it and nowhere else. */
    public String privateKeyPem() {
        return SigningKeys.privateKeyPem(privateKey);
    }

    /** The public key as cosign's {@code cosign.pub}. */
    public String publicKeyPem() {
        return publicKey.pem();
    }

    @Override
    public String toString() {
        return "SigningKey[" + keyId() + "]";
    }
}
