package dev.terrarium.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GitSshKeyTest {

    private static final String FIELD = "spec.gitSshSecretName";

    /** A throwaway ed25519 key made for this test by ssh-keygen, without a passphrase. */
    private static final String KEY =
            """
            -----BEGIN OPENSSH PRIVATE KEY-----
            b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
            QyNTUxOQAAACC7OjxhB4V00VzwHcsaDos0LwIy2OhN9LiOwvkBf+/beAAAAIh88loMfPJa
            DAAAAAtzc2gtZWQyNTUxOQAAACC7OjxhB4V00VzwHcsaDos0LwIy2OhN9LiOwvkBf+/beA
            AAAECOUwnusIp/k/sY1/HDfOSZ68RzIvEDcemUTiQTPuN3VLs6PGEHhXTRXPAdyxoOizQv
            AjLY6E30uI7C+QF/79t4AAAABHRlc3QB
            -----END OPENSSH PRIVATE KEY-----
            """;

    /** The same kind of key with the passphrase "pass" (ssh-keygen -N pass). */
    private static final String KEY_WITH_PASSPHRASE =
            """
            -----BEGIN OPENSSH PRIVATE KEY-----
            b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABCdtI5RZJ
            /VxQM1o4dEGFUOAAAAEAAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5AAAAIPHEcJ7MvgU4D72O
            NwO4ZBkcVTQlasapKVXDxKdg4pznAAAAkBWl6A6jET54Jhe6s6uESbgXR4NvJcp0H+CG6O
            EUAK0qrrErtFz0Lp92XYQW8D+hLrgKjs4dbF2j8QXJ2JinFndpdHDLpAF1paQEFOAYyicG
            eBCrriDMlcjs37zTpe6Oga5up8+Ia+xHbZNMDlAxdOfcka/j5oqFFbqqQWdVQdrM4xA01W
            CVhsZC7JHWcP3BbA==
            -----END OPENSSH PRIVATE KEY-----
            """;

    private static final String KNOWN_HOSTS =
            "# github.com\n"
                    + "github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n";

    private static Map<String, String> data(String... keysAndValues) {
        return SecretData.of(keysAndValues);
    }

    private static Optional<String> problem(String key, String knownHosts) {
        return GitSshKey.problem(
                FIELD,
                "deploy-key",
                knownHosts == null
                        ? data(GitSshKey.PRIVATE_KEY, key)
                        : key == null
                                ? data(GitSshKey.KNOWN_HOSTS, knownHosts)
                                : data(
                                        GitSshKey.PRIVATE_KEY,
                                        key,
                                        GitSshKey.KNOWN_HOSTS,
                                        knownHosts));
    }

    @Test
    void aKeyWithoutPassphraseAndAHostKeyCanClone() {
        assertThat(problem(KEY, KNOWN_HOSTS)).isEmpty();
    }

    @Test
    void eachProblemNamesTheFieldTheSecretAndTheKeyNeverAValue() {
        assertThat(problem(null, KNOWN_HOSTS))
                .get()
                .asString()
                .startsWith("spec.gitSshSecretName: Secret deploy-key has no key ssh-privatekey");
        assertThat(problem("hunter2", KNOWN_HOSTS))
                .get()
                .asString()
                .contains("is not a PEM or OpenSSH private key")
                .doesNotContain("hunter2");
        assertThat(problem(KEY_WITH_PASSPHRASE, KNOWN_HOSTS))
                .as("an OpenSSH key names its cipher inside its body")
                .get()
                .asString()
                .contains("has a passphrase, which no one can type in a build");
        assertThat(
                        problem(
                                "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                                        + "DEK-Info: AES-128-CBC,00\n\nAAAA\n"
                                        + "-----END RSA PRIVATE KEY-----\n",
                                KNOWN_HOSTS))
                .as("a PEM key says so in its header")
                .get()
                .asString()
                .contains("has a passphrase");
        assertThat(problem(KEY, null))
                .get()
                .asString()
                .contains("has no host key in known_hosts: a build never trusts a server");
        assertThat(problem(KEY, "# only a comment\n\n"))
                .get()
                .asString()
                .contains("has no host key in known_hosts");
    }

    @Test
    void theKeyFileEndsInTheNewlineSshNeeds() {
        String stripped = KEY.strip();
        assertThat(GitSshKey.privateKeyFile(data(GitSshKey.PRIVATE_KEY, stripped)))
                .isEqualTo(stripped + "\n");
        assertThat(GitSshKey.privateKeyFile(data(GitSshKey.PRIVATE_KEY, KEY))).isEqualTo(KEY);
    }
}
