package dev.terrarium.signing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.terrarium.registry.Credentials;
import dev.terrarium.registry.ImageReference;
import dev.terrarium.registry.RegistryClient;
import dev.terrarium.testing.Commands;
import dev.terrarium.testing.TestRegistry;
import dev.terrarium.testing.TinyImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Independent verifiers of Terrarium's signatures: sigstore's cosign, built from its Go module by
 * {@code hack/build-cosign.sh} (the first run builds it, several minutes; later runs find it in the
 * cache), and OpenSSL. cosign reads the signature manifest from a real docker-registry as it reads
 * any image's.
 *
 * <p>cosign runs with {@code --insecure-ignore-tlog=true} (the operator's signatures are not in a
 * transparency log) and {@code --trusted-root} pointing at an empty trusted root, which a key-based
 * verification does not need and which stops cosign from fetching sigstore's public one: the test
 * reaches nothing but the local registry.
 */
class CosignVerifyIT {

    private static final Duration COSIGN_BUILD = Duration.ofMinutes(45);
    private static final Duration COSIGN_RUN = Duration.ofMinutes(2);
    private static final String EMPTY_TRUSTED_ROOT =
            "{\"mediaType\":\"application/vnd.dev.sigstore.trustedroot+json;version=0.1\"}";
    private static final SigningKey KEY = SigningKey.generate();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path cosign;
    private static TestRegistry registry;
    private static RegistryClient client;

    @TempDir Path dir;

    @BeforeAll
    static void buildCosignAndStartRegistry() {
        Path script = repoDir().resolve("hack/build-cosign.sh");
        Commands.Result built =
                Commands.run(List.of("bash", script.toString()), Map.of(), repoDir(), COSIGN_BUILD)
                        .requireSuccess(List.of("hack/build-cosign.sh"));
        List<String> lines = built.output().strip().lines().toList();
        cosign = Paths.get(lines.get(lines.size() - 1).strip()).resolve("cosign");
        registry = TestRegistry.start();
        client = new RegistryClient(Set.of(registry.hostPort()));
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void cosignVerifiesOurSignatureAndPrintsOurPayload() throws IOException {
        ImageReference image = push("terrarium/environments", "h1");
        new ImageSigner(client).sign(image, "h1", KEY, Credentials.ANONYMOUS);

        Commands.Result verified = cosignVerify(KEY, image, "-a", "dev.terrarium/spec-hash=h1");

        assertThat(verified.exitCode()).as(verified.output()).isZero();
        assertThat(verified.output())
                .contains("The signatures were verified against the specified public key");
        JsonNode payloads = printedPayloads(verified.output());
        assertThat(payloads).hasSize(1);
        assertThat(
                        payloads.get(0)
                                .path("critical")
                                .path("image")
                                .path("docker-manifest-digest")
                                .asText())
                .isEqualTo(image.digest());
        assertThat(
                        payloads.get(0)
                                .path("critical")
                                .path("identity")
                                .path("docker-reference")
                                .asText())
                .isEqualTo(registry.hostPort() + "/terrarium/environments");
        assertThat(payloads.get(0).path("optional").path("dev.terrarium/spec-hash").asText())
                .isEqualTo("h1");
        assertThat(JSON.writeValueAsBytes(payloads.get(0)))
                .isEqualTo(SimpleSigningPayload.forImage(image, "h1").toBytes());
    }

    @Test
    void cosignRefusesAnotherKeyAnotherSpecHashAndAnotherImage() {
        ImageReference image = push("terrarium/refused", "h1");
        new ImageSigner(client).sign(image, "h1", KEY, Credentials.ANONYMOUS);
        ImageReference unsigned = push("terrarium/refused", "h2");

        Commands.Result wrongKey = cosignVerify(SigningKey.generate(), image);
        Commands.Result wrongHash = cosignVerify(KEY, image, "-a", "dev.terrarium/spec-hash=h2");
        Commands.Result noSignature = cosignVerify(KEY, unsigned);

        assertThat(wrongKey.exitCode()).as(wrongKey.output()).isNotZero();
        assertThat(wrongKey.output()).contains("no matching signatures", "invalid signature");
        assertThat(wrongHash.exitCode()).as(wrongHash.output()).isNotZero();
        assertThat(wrongHash.output()).contains("missing or incorrect annotation");
        assertThat(noSignature.exitCode()).as(noSignature.output()).isNotZero();
        assertThat(noSignature.output()).contains("no signatures found");
    }

    @Test
    void cosignVerifiesEveryKeyAfterARotation() {
        SigningKey old = SigningKey.generate();
        SigningKey rotated = SigningKey.generate();
        ImageReference image = push("terrarium/rotated", "h1");
        new ImageSigner(client).sign(image, "h1", old, Credentials.ANONYMOUS);
        new ImageSigner(client).sign(image, "h1", rotated, Credentials.ANONYMOUS);

        Commands.Result withOld = cosignVerify(old, image, "-a", "dev.terrarium/spec-hash=h1");
        Commands.Result withRotated =
                cosignVerify(rotated, image, "-a", "dev.terrarium/spec-hash=h1");

        assertThat(withOld.exitCode()).as(withOld.output()).isZero();
        assertThat(withRotated.exitCode()).as(withRotated.output()).isZero();
    }

    @Test
    void whatCosignSignsWithOurKeyIsWhatWeWouldHaveSigned() throws IOException {
        ImageReference image = push("terrarium/cosign-signed", "h1");
        Path privateKey = Files.writeString(dir.resolve("terrarium.key"), KEY.privateKeyPem());
        Map<String, String> password = Map.of("COSIGN_PASSWORD", "test-only");
        Commands.Result imported =
                Commands.run(
                        List.of(
                                cosign.toString(),
                                "import-key-pair",
                                "--key",
                                privateKey.toString(),
                                "--output-key-prefix",
                                dir.resolve("imported").toString()),
                        password,
                        dir,
                        COSIGN_RUN);
        assertThat(imported.exitCode()).as(imported.output()).isZero();

        Commands.Result signed =
                Commands.run(
                        List.of(
                                cosign.toString(),
                                "sign",
                                "--key",
                                dir.resolve("imported.key").toString(),
                                "--tlog-upload=false",
                                "--allow-http-registry",
                                "--yes",
                                "-a",
                                "creator=terrarium-operator",
                                "-a",
                                "dev.terrarium/spec-hash=h1",
                                image.toString()),
                        password,
                        dir,
                        COSIGN_RUN);
        assertThat(signed.exitCode()).as(signed.output()).isZero();

        assertThat(Files.readString(dir.resolve("imported.pub"))).isEqualTo(KEY.publicKeyPem());
        assertThat(
                        new ImageVerifier(client)
                                .verify(
                                        image,
                                        "h1",
                                        List.of(KEY.publicKey()),
                                        Credentials.ANONYMOUS))
                .isEqualTo(new Verification.Verified(KEY.keyId()));
        assertThat(new ImageSigner(client).sign(image, "h1", KEY, Credentials.ANONYMOUS).outcome())
                .isEqualTo(ImageSigner.Outcome.ALREADY_SIGNED);
    }

    @Test
    void opensslVerifiesTheStoredSignatureOverTheStoredPayload() throws IOException {
        ImageReference image = push("terrarium/openssl", "h1");
        ImageSigner.Result result =
                new ImageSigner(client).sign(image, "h1", KEY, Credentials.ANONYMOUS);
        SignatureManifest.Layer layer =
                SignatureManifest.parse(
                                client.getManifest(
                                                result.signatures(), Credentials.ANONYMOUS, 1 << 20)
                                        .orElseThrow()
                                        .content())
                        .layers()
                        .get(0);
        Path payload =
                Files.write(
                        dir.resolve("payload.json"),
                        client.getBlob(
                                result.signatures(),
                                Credentials.ANONYMOUS,
                                layer.digest(),
                                1 << 16));
        Path signature =
                Files.write(
                        dir.resolve("signature.der"),
                        Base64.getDecoder().decode(layer.base64Signature().orElseThrow()));
        Path publicKey = Files.writeString(dir.resolve("cosign.pub"), KEY.publicKeyPem());
        Path otherKey =
                Files.writeString(dir.resolve("other.pub"), SigningKey.generate().publicKeyPem());

        Commands.Result verified = openssl(publicKey, signature, payload);
        Commands.Result refused = openssl(otherKey, signature, payload);
        Commands.Result keyId =
                Commands.run(
                        List.of(
                                "bash",
                                "-c",
                                "openssl pkey -pubin -in \"$1\" -outform DER" + " | sha256sum",
                                "bash",
                                publicKey.toString()),
                        Map.of(),
                        dir,
                        COSIGN_RUN);

        assertThat(verified.output()).contains("Verified OK");
        assertThat(verified.exitCode()).isZero();
        assertThat(refused.output()).contains("Verification failure");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(keyId.output()).startsWith(KEY.keyId() + " ");
        JsonNode claims = JSON.readTree(payload.toFile());
        assertThat(claims.path("critical").path("image").path("docker-manifest-digest").asText())
                .isEqualTo(image.digest());
        assertThat(claims.path("optional").path(SimpleSigningPayload.SPEC_HASH).asText())
                .isEqualTo("h1");
    }

    private Commands.Result cosignVerify(SigningKey key, ImageReference image, String... extra) {
        try {
            Path publicKey =
                    Files.writeString(
                            Files.createTempFile(dir, "cosign", ".pub"), key.publicKeyPem());
            Path trustedRoot =
                    Files.writeString(dir.resolve("empty-trusted-root.json"), EMPTY_TRUSTED_ROOT);
            List<String> command =
                    new ArrayList<>(
                            List.of(
                                    cosign.toString(),
                                    "verify",
                                    "--key",
                                    publicKey.toString(),
                                    "--insecure-ignore-tlog=true",
                                    "--allow-http-registry",
                                    "--trusted-root",
                                    trustedRoot.toString()));
            command.addAll(List.of(extra));
            command.add(image.toString());
            return Commands.run(command, Map.of(), dir, COSIGN_RUN);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Commands.Result openssl(Path publicKey, Path signature, Path payload) {
        return Commands.run(
                List.of(
                        "openssl",
                        "dgst",
                        "-sha256",
                        "-verify",
                        publicKey.toString(),
                        "-signature",
                        signature.toString(),
                        payload.toString()),
                Map.of(),
                dir,
                COSIGN_RUN);
    }

    /**
     * The JSON array cosign prints on stdout, among its messages on stderr (merged by {@link
     * Commands}).
     */
    private static JsonNode printedPayloads(String output) throws IOException {
        String line =
                output.lines()
                        .filter(text -> text.startsWith("[{"))
                        .findFirst()
                        .orElseThrow(
                                () -> new AssertionError("cosign printed no payloads:\n" + output));
        return JSON.readTree(line);
    }

    private static ImageReference push(String repository, String tag) {
        ImageReference target =
                ImageReference.parse(registry.hostPort() + "/" + repository + ":" + tag);
        return target.withDigest(
                TinyImage.of(Map.of("opt/terrarium/lock", repository + ":" + tag))
                        .push(client, target, Credentials.ANONYMOUS));
    }

    private static Path repoDir() {
        String configured = System.getProperty("terrarium.repo.dir");
        return Paths.get(configured != null ? configured : System.getProperty("user.dir"))
                .toAbsolutePath();
    }
}
