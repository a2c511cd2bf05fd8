package dev.terrarium.signing;

import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECPublicKey;
import java.util.Objects;

/**
 * A public key whose signatures are accepted, named by its {@linkplain SigningKeys#keyId key id}.
 */
public final class TrustedKey {

    private final ECPublicKey key;
    private final String keyId;

    TrustedKey(ECPublicKey key) {
        this.key = Objects.requireNonNull(key, "key");
        this.keyId = SigningKeys.keyId(key);
    }

    /**
     * A key from its PEM {@code PUBLIC KEY} block, as cosign's {@code cosign.pub}.
     *
     * @throws IllegalArgumentException when it is not a P-256 public key
     */
    public static TrustedKey fromPem(String pem) {
        return new TrustedKey(SigningKeys.parsePublicKeyPem(pem));
    }

    /** Hex sha256 of the DER public key. */
    public String keyId() {
        return keyId;
    }

    /** The key as PEM {@code PUBLIC KEY}. */
    public String pem() {
        return SigningKeys.publicKeyPem(key);
    }

    /**
     * Whether {@code signature} (ASN.1 DER, as cosign stores it) is this key's SHA256withECDSA
     * signature of {@code payload}; a malformed signature is simply not one.
     */
    public boolean verifies(byte[] payload, byte[] signature) {
        try {
            Signature ecdsa = Signature.getInstance("SHA256withECDSA");
            ecdsa.initVerify(key);
            ecdsa.update(payload);
            return ecdsa.verify(signature);
        } catch (SignatureException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA256withECDSA verification is not available", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TrustedKey trusted && trusted.keyId.equals(keyId);
    }

    @Override
    public int hashCode() {
        return keyId.hashCode();
    }

    @Override
    public String toString() {
        return "TrustedKey[" + keyId + "]";
    }
}
