package dev.terrarium.builder;

import static dev.terrarium.testing.Objects.awaitEnvironment;
import static dev.terrarium.testing.Objects.pushingTo;
import static dev.terrarium.testing.Objects.uniquePackage;
import static dev.terrarium.testing.Objects.venv;
import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentPhase;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.records.ImageRecord;
import dev.terrarium.registry.Credentials;
import dev.terrarium.registry.ImageReference;
import dev.terrarium.signing.SimpleSigningPayload;
import dev.terrarium.testing.BuildNamespace;
import dev.terrarium.testing.Commands;
import dev.terrarium.testing.LocalControlPlane;
import dev.terrarium.testing.OperatorKey;
import dev.terrarium.testing.TerrariumTest;
import dev.terrarium.testing.TestImages;
import dev.terrarium.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A registry tag alone is never trusted: a registry image under an Environment's hash tag is a
 * cache hit only when the operator's own record names its digest, or when the operator's key signed
 * it for that hash.
 */
@TerrariumTest
class RegistryTrustIT {

    private static final Duration BUILD = Duration.ofSeconds(90);
    private static final String OPERATOR_NAMESPACE = "terrarium-system";

    /**
     * A trusted root without entries: a key-based verification needs none, and cosign then fetches
     * nothing from sigstore's public infrastructure.
     */
    private static final String EMPTY_TRUSTED_ROOT =
            "{\"mediaType\":\"application/vnd.dev.sigstore.trustedroot+json;version=0.1\"}";

    @Test
    void aDifferentImagePushedUnderAnExistingHashTagIsBuiltAgainNotTaken(TestNamespace ns) {
        String registry = ns.plane().registry();
        String prefix = "trust-" + UUID.randomUUID().toString().substring(0, 8);
        String probe = uniquePackage();
        ns.client()
                .resource(pushingTo(venv("original", probe), registry + "/" + prefix + "/a", null))
                .create();
        Environment original =
                awaitEnvironment(
                        ns.client(),
                        ns.name(),
                        "original",
                        e -> e.getStatus().getPhase() == EnvironmentPhase.Ready,
                        BUILD);
        String hash = original.getStatus().getSpecHash();
        // Anyone who can push to the registry: another image under the same hash tag, in a
        // repository where the operator built nothing.
        String forged =
                TestImages.push(
                        registry,
                        prefix + "/b",
                        hash,
                        Map.of("opt/terrarium/lock", "evil==6.6.6\n"),
                        Credentials.ANONYMOUS);

        try (ImageBuildIT.TemporaryNamespace other =
                new ImageBuildIT.TemporaryNamespace(ns.plane().adminClient(), "forged")) {
            other.client()
                    .resource(pushingTo(venv("copy", probe), registry + "/" + prefix + "/b", null))
                    .inNamespace(other.name())
                    .create();
            Environment copy =
                    awaitEnvironment(
                            other.client(),
                            other.name(),
                            "copy",
                            e -> e.getStatus().getPhase() == EnvironmentPhase.Ready,
                            BUILD);
            assertThat(copy.getStatus().getSpecHash()).isEqualTo(hash);
            ImageBuild build =
                    other.client()
                            .resources(ImageBuild.class)
                            .inNamespace(other.name())
                            .withName(copy.getStatus().getLatestBuild())
                            .get();
            assertThat(build.getStatus().getDigest())
                    .as("the image pushed under the hash tag by someone else is not taken")
                    .isNotEqualTo(forged);
            assertThat(build.getStatus().getCacheHit()).isFalse();
            assertThat(BuildNamespace.jobs(ns.plane().adminClient(), other.name())).isNotEmpty();
            assertThat(events(other.client(), other.name(), build.getMetadata().getName()))
                    .anySatisfy(
                            e -> {
                                assertThat(e.getReason()).isEqualTo("UnverifiedImage");
                                assertThat(e.getType()).isEqualTo("Warning");
                                assertThat(e.getMessage())
                                        .contains(forged)
                                        .contains("no record")
                                        .contains("no signature");
                            });
        }
    }

    @Test
    void whatTheOperatorBuiltIsRecordedAndSignedAndCosignVerifiesItWithThePublishedKey(
            TestNamespace ns) throws IOException {
        String registry = ns.plane().registry();
        String repository =
                registry + "/trust-" + UUID.randomUUID().toString().substring(0, 8) + "/built";
        String probe = uniquePackage();
        ns.client().resource(pushingTo(venv("signed", probe), repository, null)).create();
        Environment ready =
                awaitEnvironment(
                        ns.client(),
                        ns.name(),
                        "signed",
                        e -> e.getStatus().getPhase() == EnvironmentPhase.Ready,
                        BUILD);
        String hash = ready.getStatus().getSpecHash();
        ImageBuild built =
                ns.client()
                        .resources(ImageBuild.class)
                        .withName(ready.getStatus().getLatestBuild())
                        .get();
        String digest = built.getStatus().getDigest();
        assertThat(built.getStatus().getCacheHit()).isFalse();

        KubernetesClient admin = ns.plane().adminClient();
        ConfigMap record =
                admin.configMaps()
                        .inNamespace(OPERATOR_NAMESPACE)
                        .withName(ImageRecord.configMapName(repository, hash))
                        .get();
        assertThat(record.getData())
                .containsEntry("repository", repository)
                .containsEntry("specHash", hash)
                .containsEntry("digest", digest);

        String publishedKey = OperatorKey.publishedPem(ns.plane());
        Commands.Result verified =
                cosignVerify(
                        publishedKey,
                        repository + "@" + digest,
                        "-a",
                        SimpleSigningPayload.SPEC_HASH + "=" + hash);
        assertThat(verified.exitCode()).as(verified.output()).isZero();
        assertThat(verified.output()).contains(digest).contains(hash);
        Commands.Result otherHash =
                cosignVerify(
                        publishedKey,
                        repository + "@" + digest,
                        "-a",
                        SimpleSigningPayload.SPEC_HASH + "=" + hash + "x");
        assertThat(otherHash.exitCode()).as(otherHash.output()).isNotZero();

        // The record names the digest: an equal Environment elsewhere takes the image.
        try (ImageBuildIT.TemporaryNamespace other =
                new ImageBuildIT.TemporaryNamespace(admin, "recorded")) {
            other.client()
                    .resource(pushingTo(venv("equal", probe), repository, null))
                    .inNamespace(other.name())
                    .create();
            Environment equal =
                    awaitEnvironment(
                            admin,
                            other.name(),
                            "equal",
                            e -> e.getStatus().getPhase() == EnvironmentPhase.Ready,
                            BUILD);
            ImageBuild taken =
                    admin.resources(ImageBuild.class)
                            .inNamespace(other.name())
                            .withName(equal.getStatus().getLatestBuild())
                            .get();
            assertThat(taken.getStatus().getCacheHit()).isTrue();
            assertThat(taken.getStatus().getDigest()).isEqualTo(digest);
            assertThat(BuildNamespace.jobs(admin, other.name())).isEmpty();
        }
    }

    @Test
    void anImageSignedForItsHashByTheOperatorsKeyIsACacheHitAndIsRecorded(TestNamespace ns) {
        String registry = ns.plane().registry();
        String prefix = "trust-" + UUID.randomUUID().toString().substring(0, 8);
        String probe = uniquePackage();
        ns.client()
                .resource(pushingTo(venv("first", probe), registry + "/" + prefix + "/a", null))
                .create();
        String hash =
                awaitEnvironment(
                                ns.client(),
                                ns.name(),
                                "first",
                                e -> e.getStatus().getPhase() == EnvironmentPhase.Ready,
                                BUILD)
                        .getStatus()
                        .getSpecHash();
        String repository = registry + "/" + prefix + "/b";
        String signedForHash =
                TestImages.push(
                        registry,
                        prefix + "/b",
                        hash,
                        Map.of("opt/terrarium/lock", "rich==13.7.1\n"),
                        Credentials.ANONYMOUS);
        OperatorKey.sign(
                ns.plane(),
                ImageReference.parse(repository + "@" + signedForHash),
                hash,
                Credentials.ANONYMOUS);

        KubernetesClient admin = ns.plane().adminClient();
        try (ImageBuildIT.TemporaryNamespace other =
                new ImageBuildIT.TemporaryNamespace(admin, "signed")) {
            other.client()
                    .resource(pushingTo(venv("copy", probe), repository, null))
                    .inNamespace(other.name())
                    .create();
            Environment copy =
                    awaitEnvironment(
                            admin,
                            other.name(),
                            "copy",
                            e -> e.getStatus().getPhase() == EnvironmentPhase.Ready,
                            BUILD);
            ImageBuild hit =
                    admin.resources(ImageBuild.class)
                            .inNamespace(other.name())
                            .withName(copy.getStatus().getLatestBuild())
                            .get();
            assertThat(hit.getStatus().getCacheHit()).isTrue();
            assertThat(hit.getStatus().getDigest()).isEqualTo(signedForHash);
            assertThat(copy.getStatus().getImage()).isEqualTo(repository + "@" + signedForHash);
            assertThat(BuildNamespace.jobs(admin, other.name())).isEmpty();
            assertThat(
                            admin.configMaps()
                                    .inNamespace(OPERATOR_NAMESPACE)
                                    .withName(ImageRecord.configMapName(repository, hash))
                                    .get()
                                    .getData())
                    .containsEntry("digest", signedForHash);
        }
    }

    private Commands.Result cosignVerify(String publicKeyPem, String image, String... extra)
            throws IOException {
        Path dir = Files.createTempDirectory("cosign-verify");
        try {
            Path publicKey = Files.writeString(dir.resolve("cosign.pub"), publicKeyPem);
            Path trustedRoot =
                    Files.writeString(dir.resolve("trusted-root.json"), EMPTY_TRUSTED_ROOT);
            return cosignVerify(publicKey, trustedRoot, image, extra);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(dir);
        }
    }

    private Commands.Result cosignVerify(
            Path publicKey, Path trustedRoot, String image, String... extra) {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                cosign().toString(),
                                "verify",
                                "--key",
                                publicKey.toString(),
                                "--insecure-ignore-tlog=true",
                                "--allow-http-registry",
                                "--trusted-root",
                                trustedRoot.toString()));
        command.addAll(List.of(extra));
        command.add(image);
        return Commands.run(command, Map.of(), publicKey.getParent(), Duration.ofMinutes(2));
    }

    /** sigstore's cosign, built from its Go module by hack/build-cosign.sh (cached). */
    private static Path cosign() {
        Path repo = LocalControlPlane.repoDir();
        Commands.Result built =
                Commands.run(
                                List.of("bash", repo.resolve("hack/build-cosign.sh").toString()),
                                Map.of(),
                                repo,
                                Duration.ofMinutes(45))
                        .requireSuccess(List.of("hack/build-cosign.sh"));
        List<String> lines = built.output().strip().lines().toList();
        return Path.of(lines.get(lines.size() - 1).strip()).resolve("cosign");
    }

    private static List<Event> events(KubernetesClient client, String namespace, String object) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> object.equals(e.getInvolvedObject().getName()))
                .toList();
    }
}
