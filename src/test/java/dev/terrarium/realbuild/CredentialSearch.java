package dev.terrarium.realbuild;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.terrarium.api.Environment;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.naming.Names;
import dev.terrarium.registry.Credentials;
import dev.terrarium.registry.ImageReference;
import dev.terrarium.registry.RawManifest;
import dev.terrarium.registry.RegistryClient;
import dev.terrarium.testing.BuildNamespace;
import dev.terrarium.testing.Kubectl;
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
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.awaitility.Awaitility;

/**
 * Looks for credentials where a build must never put them: every blob of a pushed image, the build
 * Job's log, and every ConfigMap, event, Environment and ImageBuild of the tenant's namespace and
 * of the build namespace. Shared by the real builds from private package indexes and channels.
 */
final class CredentialSearch {

    private static final long MAX_BLOB = 1024L * 1024 * 1024;
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private CredentialSearch() {}

    /** A Secret {@code name} of index or channel credentials, as a tenant writes one. */
    static void basicAuthSecret(TestNamespace ns, String user, String name, String password) {
        create(ns, name, "Opaque", Map.of("username", user, "password", password));
    }

    /**
     * A Secret {@code name} of a git SSH key and the host keys it trusts, as a tenant writes one.
     */
    /** A Secret of a token alone, as token schemes and token-based indexes take it. */
    static void tokenSecret(TestNamespace ns, String name, String token) {
        create(ns, name, "Opaque", Map.of("token", token));
    }

    static void sshKeySecret(TestNamespace ns, String name, String key, String knownHosts) {
        create(
                ns,
                name,
                "kubernetes.io/ssh-auth",
                Map.of("ssh-privatekey", key, "known_hosts", knownHosts));
    }

    private static void create(
            TestNamespace ns, String name, String type, Map<String, String> values) {
        SecretBuilder secret =
                new SecretBuilder().withNewMetadata().withName(name).endMetadata().withType(type);
        values.forEach((key, value) -> secret.addToData(key, encoded(value)));
        ns.client().resource(secret.build()).create();
    }

    /** Base64 of a value, as a Secret's data holds it. */
    static String encoded(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Every blob of the image (its config and each layer, uncompressed) lacks each secret, and some
     * blob holds {@code installed}: the layer with what the private source gave was among those
     * read.
     */
    static void assertNotInImage(String reference, List<String> secrets, String installed)
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
        boolean installedSeen = false;
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
            installedSeen |= text.contains(installed);
        }
        assertThat(installedSeen).as("the layer with %s was among those read", installed).isTrue();
    }

    /**
     * The build Job's log, which must show {@code logShows}, and every object of the tenant's and
     * the build namespace that a credential could leak into lack each secret; the build's log
     * ConfigMap is among them.
     */
    static void assertNotInLogOrObjects(
            TestNamespace ns, ImageBuild build, String logShows, List<String> secrets) {
        KubernetesClient admin = ns.plane().adminClient();
        String jobLog =
                new Kubectl(ns.plane(), BuildNamespace.NAME)
                        .run(
                                "logs",
                                "job/" + Names.buildJob(ns.name(), build.getMetadata().getName()));
        assertThat(jobLog).contains(logShows);
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

    /** The credentials Secret of each finished build is removed from the build namespace. */
    static void assertCredentialsRemoved(TestNamespace ns, List<ImageBuild> finished) {
        KubernetesClient admin = ns.plane().adminClient();
        for (ImageBuild build : finished) {
            String copy = Names.credentialsSecret(ns.name(), build.getMetadata().getName());
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () ->
                                    assertThat(
                                                    admin.secrets()
                                                            .inNamespace(BuildNamespace.NAME)
                                                            .withName(copy)
                                                            .get())
                                            .as(
                                                    "the credentials Secret of a finished build is removed")
                                            .isNull());
        }
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
