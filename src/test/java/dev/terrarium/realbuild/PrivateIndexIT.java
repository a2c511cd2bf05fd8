package dev.terrarium.realbuild;

import static dev.terrarium.testing.Objects.awaitEnvironment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.terrarium.api.Condition;
import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentPhase;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.PipIndex;
import dev.terrarium.api.PipIndexes;
import dev.terrarium.naming.Names;
import dev.terrarium.registry.Credentials;
import dev.terrarium.registry.ImageReference;
import dev.terrarium.registry.RawManifest;
import dev.terrarium.registry.RegistryClient;
import dev.terrarium.status.Conditions;
import dev.terrarium.testing.BuildNamespace;
import dev.terrarium.testing.Kubectl;
import dev.terrarium.testing.LocalControlPlane;
import dev.terrarium.testing.LocalPackageIndex;
import dev.terrarium.testing.Objects;
import dev.terrarium.testing.RealBuildNode;
import dev.terrarium.testing.TerrariumTest;
import dev.terrarium.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real venv build whose package comes from a password-protected index ({@link LocalPackageIndex},
 * basic auth, on 127.0.0.1 of the node the build pod runs on): the Environment names the index in
 * spec.pipIndexes with a Secret of its credentials, the build installs the package through the
 * netrc build secret, and the password is then looked for everywhere it must not be: every blob of
 * the pushed image, the build log, every status, event and ConfigMap of the tenant's namespace and
 * of the build namespace. A wrong password fails the build with the index's 401 in the failure's
 * log tail; a missing Secret starts no build.
 */
@TerrariumTest
class PrivateIndexIT {

    private static final Duration REAL_BUILD = Duration.ofMinutes(10);
    private static final String PROJECT = "terrarium-private-probe";
    private static final String USER = "terrarium-reader";
    private static final String PASSWORD = "pw-" + UUID.randomUUID().toString().replace("-", "");
    private static final String WRONG_PASSWORD =
            "wrong-" + UUID.randomUUID().toString().replace("-", "");
    private static final long MAX_BLOB = 1024L * 1024 * 1024;
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private static LocalPackageIndex index;

    /** The venv base image made by hack/base-image.sh (debootstrap), pinned by digest. */
    private static String baseImage;

    @BeforeAll
    static void startTheIndexAndTheRealBuildNode() {
        LocalControlPlane plane = LocalControlPlane.get();
        RealBuildNode.get();
        baseImage = RealBuilds.baseImage(plane);
        index = LocalPackageIndex.start(PROJECT, "1.0", USER, PASSWORD);
    }

    @AfterAll
    static void stopTheIndex() {
        if (index != null) {
            index.close();
        }
    }

    private static Environment fromThePrivateIndex(
            String name, String requirement, String secretName, String repository) {
        Environment environment = RealBuildIT.realVenv(name, requirement);
        environment.getSpec().setBaseImage(baseImage);
        PipIndexes indexes = new PipIndexes();
        indexes.setExtraIndexUrls(List.of(new PipIndex(index.url(), secretName)));
        environment.getSpec().setPipIndexes(indexes);
        return Objects.pushingTo(environment, repository, null);
    }

    private static void credentials(TestNamespace ns, String name, String password) {
        ns.client()
                .resource(
                        new SecretBuilder()
                                .withNewMetadata()
                                .withName(name)
                                .endMetadata()
                                .withType("Opaque")
                                .addToData("username", encoded(USER))
                                .addToData("password", encoded(password))
                                .build())
                .create();
    }

    private static Environment awaitBuilt(TestNamespace ns, String name) {
        return awaitEnvironment(
                ns.client(),
                ns.name(),
                name,
                e ->
                        e.getStatus().getPhase() == EnvironmentPhase.Ready
                                || e.getStatus().getPhase() == EnvironmentPhase.Failed,
                REAL_BUILD);
    }

    @Test
    void aPackageFromAPasswordProtectedIndexIsBuiltAndThePasswordIsNowhere(TestNamespace ns)
            throws IOException {
        String repository =
                ns.plane().registry() + "/private-" + UUID.randomUUID().toString().substring(0, 8);

        // No Secret yet: the Environment waits for it, and no build starts.
        ns.client()
                .resource(
                        fromThePrivateIndex(
                                "waiting", PROJECT + "==1.0", "absent-credentials", repository))
                .create();
        Environment waiting =
                awaitEnvironment(
                        ns.client(),
                        ns.name(),
                        "waiting",
                        e -> e.getStatus().getPhase() == EnvironmentPhase.Pending,
                        Duration.ofSeconds(60));
        Condition ready = Conditions.find(waiting.getStatus().getConditions(), Condition.READY);
        assertThat(ready.getStatus()).isEqualTo(Condition.FALSE);
        assertThat(ready.getReason()).isEqualTo("CredentialsNotFound");
        assertThat(ready.getMessage())
                .contains("spec.pipIndexes.extraIndexUrls[0].secretName", "absent-credentials");

        credentials(ns, "index-credentials", PASSWORD);
        credentials(ns, "wrong-credentials", WRONG_PASSWORD);
        ns.client()
                .resource(
                        fromThePrivateIndex(
                                "private", PROJECT + "==1.0", "index-credentials", repository))
                .create();
        // Another spec (so another hash, not a cache hit of the first), with a wrong password.
        ns.client()
                .resource(
                        fromThePrivateIndex(
                                "wrong", PROJECT + ">=1.0", "wrong-credentials", repository))
                .create();

        Environment built = awaitBuilt(ns, "private");
        ImageBuild build =
                ns.client()
                        .resources(ImageBuild.class)
                        .withName(built.getStatus().getLatestBuild())
                        .get();
        assertThat(built.getStatus().getPhase())
                .as(
                        "%s",
                        build.getStatus().getFailure() == null
                                ? built.getStatus().getConditions()
                                : build.getStatus().getFailure().getLogTail())
                .isEqualTo(EnvironmentPhase.Ready);
        assertThat(build.getSpec().getResolved().getPipIndexes().getExtraIndexUrls())
                .containsExactly(index.url());
        assertThat(build.getSpec().getResolved().getPipIndexes().getCredentialsNamespace())
                .as("the namespace whose Secret gave access is part of the content hash")
                .isEqualTo(ns.name());
        assertThat(build.getSpec().getIndexSecrets())
                .singleElement()
                .satisfies(s -> assertThat(s.getSecretName()).isEqualTo("index-credentials"));
        assertThat(ns.client().configMaps().withName("private-lock").get().getData().get("lock"))
                .contains(PROJECT + "==1.0");
        assertThat(index.requests())
                .as("the wheel was fetched with the credentials")
                .contains(
                        new LocalPackageIndex.Request(
                                "/files/" + index.module() + "-1.0-py3-none-any.whl", 200));

        Environment wrong = awaitBuilt(ns, "wrong");
        assertThat(wrong.getStatus().getPhase()).isEqualTo(EnvironmentPhase.Failed);
        String logTail =
                ns.client()
                        .resources(ImageBuild.class)
                        .withName(wrong.getStatus().getLatestBuild())
                        .get()
                        .getStatus()
                        .getFailure()
                        .getLogTail();
        assertThat(logTail).as("the index's refusal, as uv reports it").contains("401");

        KubernetesClient admin = ns.plane().adminClient();
        for (ImageBuild finished : List.of(build, buildOf(ns, wrong))) {
            String netrc = Names.netrcSecret(ns.name(), finished.getMetadata().getName());
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () ->
                                    assertThat(
                                                    admin.secrets()
                                                            .inNamespace(BuildNamespace.NAME)
                                                            .withName(netrc)
                                                            .get())
                                            .as("the netrc Secret of a finished build is removed")
                                            .isNull());
        }

        List<String> secrets = List.of(PASSWORD, WRONG_PASSWORD, encoded(PASSWORD));
        assertNotInImage(repository + ":" + built.getStatus().getSpecHash(), secrets);
        String jobLog =
                new Kubectl(ns.plane(), BuildNamespace.NAME)
                        .run(
                                "logs",
                                "job/" + Names.buildJob(ns.name(), build.getMetadata().getName()));
        assertThat(jobLog).contains("uv pip install");
        List<String> places = new ArrayList<>();
        places.add(jobLog);
        for (String namespace : List.of(ns.name(), BuildNamespace.NAME)) {
            admin.configMaps()
                    .inNamespace(namespace)
                    .list()
                    .getItems()
                    .forEach(cm -> places.add(JSON.asJson(cm)));
            admin.v1()
                    .events()
                    .inNamespace(namespace)
                    .list()
                    .getItems()
                    .forEach(event -> places.add(JSON.asJson(event)));
        }
        admin.resources(Environment.class)
                .inNamespace(ns.name())
                .list()
                .getItems()
                .forEach(e -> places.add(JSON.asJson(e)));
        admin.resources(ImageBuild.class)
                .inNamespace(ns.name())
                .list()
                .getItems()
                .forEach(b -> places.add(JSON.asJson(b)));
        assertThat(
                        admin.configMaps()
                                .inNamespace(ns.name())
                                .withName(Names.buildLog(build.getMetadata().getName()))
                                .get())
                .as("the build's log ConfigMap is among the places searched")
                .isNotNull();
        for (String place : places) {
            for (String secret : secrets) {
                assertThat(place.contains(secret))
                        .as(
                                "a credential in %s",
                                place.length() > 200 ? place.substring(0, 200) : place)
                        .isFalse();
            }
        }
    }

    private static ImageBuild buildOf(TestNamespace ns, Environment environment) {
        return ns.client()
                .resources(ImageBuild.class)
                .withName(environment.getStatus().getLatestBuild())
                .get();
    }

    /** Every blob of the image (its config and each layer, uncompressed) lacks each secret. */
    private static void assertNotInImage(String reference, List<String> secrets)
            throws IOException {
        RegistryClient client = new RegistryClient(Set.of("127.0.0.1"));
        ImageReference image = ImageReference.parse(reference);
        RawManifest manifest =
                client.getManifest(image, Credentials.ANONYMOUS, 1024 * 1024).orElseThrow();
        JsonNode json = new ObjectMapper().readTree(manifest.content());
        List<String> blobs = new ArrayList<>();
        blobs.add(json.path("config").path("digest").asText());
        json.path("layers").forEach(layer -> blobs.add(layer.path("digest").asText()));
        assertThat(blobs).hasSizeGreaterThan(2);
        boolean packageSeen = false;
        for (String blob : blobs) {
            String text =
                    new String(
                            uncompressed(
                                    client.getBlob(image, Credentials.ANONYMOUS, blob, MAX_BLOB)),
                            StandardCharsets.ISO_8859_1);
            for (String secret : secrets) {
                assertThat(text.contains(secret))
                        .as("blob %s of the pushed image holds a credential", blob)
                        .isFalse();
            }
            packageSeen |= text.contains(index.module() + "/__init__.py");
        }
        assertThat(packageSeen)
                .as("the layer with the private package was among those read")
                .isTrue();
    }

    private static String encoded(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] uncompressed(byte[] blob) throws IOException {
        if (blob.length < 2 || (blob[0] & 0xff) != 0x1f || (blob[1] & 0xff) != 0x8b) {
            return blob;
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(blob), 64 * 1024)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }
}
