package dev.terrarium.credentials;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The SSH key and known hosts that spec.gitSshSecretName names, checked before a build starts: ssh
 * in a build has no terminal to ask for a passphrase or to accept an unknown host key, so a key
 * with a passphrase or a Secret without host keys would only fail the build later, after a queue
 * and a base image pull. The keys are those of a Secret of type {@code kubernetes.io/ssh-auth}
 * ({@value #PRIVATE_KEY}) and of Flux and Tekton ({@value #KNOWN_HOSTS}). Pure: the caller reads
 * the Secret.
 *
 * <p>No message of this class ever holds a value of the Secret: only its name, its keys and the
 * field that names it.
 */
public final class GitSshKey {

    public static final String PRIVATE_KEY = "ssh-privatekey";
    public static final String KNOWN_HOSTS = "known_hosts";

    private static final String OPENSSH_BEGIN = "-----BEGIN OPENSSH PRIVATE KEY-----";
    private static final String OPENSSH_END = "-----END OPENSSH PRIVATE KEY-----";
    private static final byte[] OPENSSH_MAGIC =
            "openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII);

    private GitSshKey() {}

    /**
     * Why a Secret's data cannot clone over SSH; empty when it can.
     *
     * @param data the Secret's data, base64-encoded as the API returns it
     */
    public static Optional<String> problem(
            String field, String secretName, Map<String, String> data) {
        String what = field + ": Secret " + secretName;
        String key = decoded(data, PRIVATE_KEY);
        if (key == null || key.isBlank()) {
            return Optional.of(
                    what
                            + " has no key "
                            + PRIVATE_KEY
                            + " (kubectl create secret generic NAME "
                            + "--type=kubernetes.io/ssh-auth --from-file=ssh-privatekey=KEYFILE "
                            + "--from-file=known_hosts=FILE)");
        }
        if (!key.contains("PRIVATE KEY-----")) {
            return Optional.of(
                    what
                            + ": the value of "
                            + PRIVATE_KEY
                            + " is not a PEM or OpenSSH private key");
        }
        if (key.contains("ENCRYPTED") || encryptedOpenSsh(key)) {
            return Optional.of(
                    what
                            + ": the key in "
                            + PRIVATE_KEY
                            + " has a passphrase, which no one can type in a build; "
                            + "give a key without one (a deploy key of the repository)");
        }
        String knownHosts = decoded(data, KNOWN_HOSTS);
        if (knownHosts == null || knownHosts.lines().noneMatch(GitSshKey::isHostKeyLine)) {
            return Optional.of(
                    what
                            + " has no host key in "
                            + KNOWN_HOSTS
                            + ": a build never trusts a server it does not know; add the lines "
                            + "ssh-keyscan HOST prints, checked against the host's published keys");
        }
        return Optional.empty();
    }

    /** A known_hosts line: hosts, key type and key, past comments and blank lines. */
    private static boolean isHostKeyLine(String line) {
        String text = line.strip();
        return !text.isEmpty() && !text.startsWith("#") && text.split("\\s+").length >= 3;
    }

    /**
     * Whether an OpenSSH-format key names a cipher other than none: its passphrase is inside the
     * base64 body, unlike a PEM key's header.
     */
    private static boolean encryptedOpenSsh(String key) {
        int begin = key.indexOf(OPENSSH_BEGIN);
        int end = key.indexOf(OPENSSH_END);
        if (begin < 0 || end < begin) {
            return false;
        }
        try {
            ByteBuffer body =
                    ByteBuffer.wrap(
                            Base64.getMimeDecoder()
                                    .decode(key.substring(begin + OPENSSH_BEGIN.length(), end)));
            byte[] magic = new byte[OPENSSH_MAGIC.length];
            body.get(magic);
            if (!Arrays.equals(magic, OPENSSH_MAGIC)) {
                return false;
            }
            int length = body.getInt();
            if (length < 0 || length > body.remaining()) {
                return false;
            }
            byte[] cipher = new byte[length];
            body.get(cipher);
            return !"none".equals(new String(cipher, StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException | BufferUnderflowException e) {
            // Not a body ssh could read either; ssh says so in the build log.
            return false;
        }
    }

    /**
     * The private key as the build's file: ssh reads a key only when its last line ends in a
     * newline, which kubectl keeps or drops as the file had it, and an editor may have dropped.
     *
     * @throws IllegalArgumentException when the data has no such key
     */
    public static String privateKeyFile(Map<String, String> data) {
        String key = decoded(data, PRIVATE_KEY);
        if (key == null) {
            throw new IllegalArgumentException("no key " + PRIVATE_KEY);
        }
        return key.endsWith("\n") ? key : key + "\n";
    }

    /** The text of one key of the Secret's data; null when absent or not base64. */
    private static String decoded(Map<String, String> data, String key) {
        String value = data == null ? null : data.get(key);
        if (value == null) {
            return null;
        }
        try {
            return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
