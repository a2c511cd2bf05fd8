package dev.terrarium.signing;

import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ECDSA P-256 keys in the PEM forms cosign uses: the public key as a {@code PUBLIC KEY} block (DER
 * SubjectPublicKeyInfo), byte for byte what cosign writes to {@code cosign.pub}, and the private
 * key as an unencrypted PKCS#8 {@code PRIVATE KEY} block, which OpenSSL reads and writes.
 *
 * <p>cosign's own {@code cosign.key} ({@code ENCRYPTED SIGSTORE PRIVATE KEY}, scrypt and secretbox
 * around the PKCS#8 bytes) is not imported: a key to be used here is given as PKCS#8, e.g. from
 * {@code openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256}, with its public key.
 */
public final class SigningKeys {

    static final String PUBLIC_KEY_TYPE = "PUBLIC KEY";
    static final String PRIVATE_KEY_TYPE = "PRIVATE KEY";

    private static final String CURVE = "secp256r1";
    private static final Pattern PEM_BLOCK =
            Pattern.compile(
                    "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");
    private static final int PEM_LINE_LENGTH = 64;

    /**
     * A PEM key of ours is a few hundred bytes; anything far larger is not one and is not decoded.
     */
    private static final int MAX_PEM_CHARS = 16 * 1024;

    private static final ECParameterSpec P256 = p256();

    private SigningKeys() {}

    /** A fresh P-256 key pair from the JDK's default secure random source. */
    public static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(CURVE));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot generate P-256 keys", e);
        }
    }

    /**
     * The public key as cosign writes {@code cosign.pub}: PEM {@code PUBLIC KEY}, 64-character
     * lines.
     */
    public static String publicKeyPem(PublicKey key) {
        return pem(PUBLIC_KEY_TYPE, key.getEncoded());
    }

    /** The private key as an unencrypted PKCS#8 PEM {@code PRIVATE KEY}. */
    public static String privateKeyPem(ECPrivateKey key) {
        return pem(PRIVATE_KEY_TYPE, key.getEncoded());
    }

    /**
     * Reads a P-256 public key from a PEM {@code PUBLIC KEY} block (text around the block is
     * ignored).
     *
     * @throws IllegalArgumentException when there is no such block, it does not decode, or the key
     *     is not P-256
     */
    public static ECPublicKey parsePublicKeyPem(String pem) {
        byte[] der = pemBody(pem, PUBLIC_KEY_TYPE);
        try {
            PublicKey key =
                    KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
            return (ECPublicKey) requireP256(key, "public");
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException(
                    "the PUBLIC KEY block is not an EC public key: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a P-256 private key from an unencrypted PKCS#8 PEM {@code PRIVATE KEY} block.
     *
     * @throws IllegalArgumentException when there is no such block (the message says what to
     *     convert other forms with), it does not decode, or the key is not P-256; the message never
     *     holds key material
     */
    public static ECPrivateKey parsePrivateKeyPem(String pem) {
        byte[] der = pemBody(pem, PRIVATE_KEY_TYPE);
        try {
            return (ECPrivateKey)
                    requireP256(
                            KeyFactory.getInstance("EC")
                                    .generatePrivate(new PKCS8EncodedKeySpec(der)),
                            "private");
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException(
                    "the PRIVATE KEY block is not a PKCS#8 EC private key", e);
        }
    }

    /**
     * The name of a public key: the hex sha256 of its DER SubjectPublicKeyInfo, the bytes inside
     * its PEM block (as {@code openssl pkey -pubin -outform DER | sha256sum} prints it).
     */
    public static String keyId(PublicKey key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
        }
    }

    static String pem(String type, byte[] der) {
        String body =
                Base64.getMimeEncoder(PEM_LINE_LENGTH, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static byte[] pemBody(String pem, String type) {
        if (pem == null || pem.isBlank()) {
            throw new IllegalArgumentException("no PEM " + type + " block: the text is empty");
        }
        if (pem.length() > MAX_PEM_CHARS) {
            throw new IllegalArgumentException(
                    "no PEM "
                            + type
                            + " block: the text is "
                            + pem.length()
                            + " characters, more than a key takes");
        }
        Matcher block = PEM_BLOCK.matcher(pem);
        String found = null;
        while (block.find()) {
            if (block.group(1).equals(type)) {
                try {
                    return Base64.getMimeDecoder().decode(block.group(2));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            "the PEM " + type + " block is not valid base64");
                }
            }
            found = found == null ? block.group(1) : found;
        }
        if (found == null) {
            throw new IllegalArgumentException("no PEM " + type + " block in the text");
        }
        throw new IllegalArgumentException(
                "expected a PEM " + type + " block, found " + found + hint(found, type));
    }

    private static String hint(String found, String wanted) {
        if (!wanted.equals(PRIVATE_KEY_TYPE)) {
            return "";
        }
        if (found.contains("SIGSTORE")) {
            return " (cosign's encrypted key format is not imported: give the key as unencrypted PKCS#8)";
        }
        if (found.equals("EC PRIVATE KEY") || found.equals("ENCRYPTED PRIVATE KEY")) {
            return " (convert it with: openssl pkcs8 -topk8 -nocrypt)";
        }
        return "";
    }

    private static ECKey requireP256(Object key, String which) {
        ECKey ec = (ECKey) key;
        ECParameterSpec params = ec.getParams();
        boolean p256 =
                params.getCurve().equals(P256.getCurve())
                        && params.getOrder().equals(P256.getOrder())
                        && params.getGenerator().equals(P256.getGenerator())
                        && params.getCofactor() == P256.getCofactor();
        if (!p256) {
            throw new IllegalArgumentException(
                    "the "
                            + which
                            + " key is an EC key on another curve than P-256 ("
                            + params.getCurve().getField().getFieldSize()
                            + "-bit field)");
        }
        return ec;
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec(CURVE));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK does not know P-256", e);
        }
    }
}
