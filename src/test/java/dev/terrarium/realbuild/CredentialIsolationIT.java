package dev.terrarium.realbuild;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.terrarium.buildcontext.BuildContext;
import dev.terrarium.builder.BuildRequest;
import dev.terrarium.builder.BuildResultParser;
import dev.terrarium.builder.BuildahPodSpec;
import dev.terrarium.builder.BuilderPod;
import dev.terrarium.kube.ContainerStates;
import dev.terrarium.registry.Credentials;
import dev.terrarium.registry.ImageReference;
import dev.terrarium.registry.RawManifest;
import dev.terrarium.registry.RegistryClient;
import dev.terrarium.registry.RegistryException;
import dev.terrarium.testing.LocalControlPlane;
import dev.terrarium.testing.ProjectImages;
import dev.terrarium.testing.RealBuildNode;
import dev.terrarium.testing.TerrariumTest;
import dev.terrarium.testing.TestNamespace;
import dev.terrarium.testing.TestRegistry;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecretBuilder;
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
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Credentials never meet user code. A build pod exactly as {@link BuildahPodSpec} lays it out, with
 * a push secret for a registry that asks for a password, runs on the real node ({@link
 * RealBuildNode}) a Dockerfile whose install step hunts for credentials the way a hostile package
 * would: the environment, every process's environment, the secret and service-account paths, every
 * file whose name looks like a credential, in its own root and in the build container's (through
 * /proc/1/root, and after breaking out of buildah's chroot, as a step that is root in buildah's
 * user namespace can), and writes what it found into the image as well as its log. The push still
 * succeeds, and neither the build log nor any layer of the pushed image holds the password or the
 * auth string of the secret.
 */
@TerrariumTest
class CredentialIsolationIT {

    private static final Duration REAL_BUILD = Duration.ofMinutes(10);
    private static final String USER = "terrarium-push";
    private static final String PASSWORD = "pw-" + UUID.randomUUID();
    private static final String AUTH =
            Base64.getEncoder()
                    .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    private static final long MAX_BLOB = 1024L * 1024 * 1024;

    /**
     * The install step: prints everything that could be a credential, and keeps a copy in the
     * image, as a package that wanted to steal one would ship it out.
     */
    private static final String PROBE =
            """
            #!/bin/sh
            set +e
            echo "== environment"
            env
            echo "== process environments"
            for f in /proc/[0-9]*/environ; do echo "-- $f"; tr '\\0' '\\n' < "$f"; done
            echo "== secret directories"
            for d in /run/secrets /var/run/secrets /workspace /root/.docker /home/build/.docker \\
                /run/containers /run/user /proc/1/root/run/secrets /proc/1/root/var/run/secrets \\
                /proc/1/root/workspace /proc/1/root/home/build/.docker /proc/1/root/run/containers \\
                /proc/1/root/run/user; do
              echo "-- $d"; ls -laR "$d"
            done
            echo "== service account token"
            cat /var/run/secrets/kubernetes.io/serviceaccount/token
            cat /proc/1/root/var/run/secrets/kubernetes.io/serviceaccount/token
            echo "== credential files"
            find / /proc/1/root \\( -path /proc -o -path /sys -o -path /proc/1/root/proc \\
                -o -path /proc/1/root/sys -o -path /proc/1/root/home/build/.local/share/containers \\) \\
                -prune -o -type f \\( -iname '*auth*' -o -iname '*docker*' -o -name config.json \\
                -o -iname '*push-secret*' -o -iname '*secret*' -o -iname '*token*' \\
                -o -iname '*credential*' \\) -print 2>/dev/null | while read -r f; do
              echo "-- $f"; head -c 8192 "$f"; echo
            done
            echo "== files that name registries"
            for root in / /proc/1/root/workspace /proc/1/root/home /proc/1/root/etc /proc/1/root/tmp; do
              grep -rIl --exclude-dir=proc --exclude-dir=sys --exclude-dir=share -e auths \\
                  -e dockerconfigjson "$root" 2>/dev/null | while read -r f; do
                echo "-- $f"; head -c 8192 "$f"; echo
              done
            done
            echo "== outside the chroot"
            python3 - <<'PY'
            import os
            try:
                os.makedirs("/tmp/escape", exist_ok=True)
                top = os.open("/", os.O_RDONLY)
                os.chroot("/tmp/escape")
                os.fchdir(top)
                for _ in range(64):
                    os.chdir("..")
                os.chroot(".")
                print("escaped, / holds", sorted(os.listdir("/")))
            except OSError as e:
                print("no escape:", e)
            names = ("auth", "docker", "config.json", "secret", "token", "credential")
            for root in ("/workspace", "/home", "/root", "/run", "/var/run", "/tmp", "/etc/containers"):
                for d, dirs, files in os.walk(root):
                    dirs[:] = [x for x in dirs if x not in (".local", "proc", "sys")]
                    for f in files:
                        path = os.path.join(d, f)
                        print("--", path)
                        if any(n in f.lower() for n in names):
                            try:
                                print(open(path, "rb").read(8192).decode("utf-8", "replace"))
                            except OSError as e:
                                print("unreadable:", e)
            PY
            echo "== probe finished"
            """;

    private static String baseImage;
    private static String builderImage;
    private static TestRegistry registry;

    @BeforeAll
    static void startTheRegistryAndTheRealBuildNode() {
        LocalControlPlane plane = LocalControlPlane.get();
        RealBuildNode.get();
        baseImage = RealBuilds.baseImage(plane);
        builderImage = ProjectImages.builder(plane);
        registry = TestRegistry.startWithHtpasswd(USER, PASSWORD);
    }

    @AfterAll
    static void stopTheRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void anInstallStepThatHuntsForCredentialsFindsNoneAndThePushSucceeds(TestNamespace ns)
            throws IOException {
        String dockerConfig =
                "{\"auths\":{\""
                        + registry.hostPort()
                        + "\":{\"auth\":\""
                        + AUTH
                        + "\",\"username\":\""
                        + USER
                        + "\",\"password\":\""
                        + PASSWORD
                        + "\"}}}";
        ns.client()
                .resource(
                        new SecretBuilder()
                                .withNewMetadata()
                                .withName("push")
                                .endMetadata()
                                .withType("kubernetes.io/dockerconfigjson")
                                .withStringData(Map.of(".dockerconfigjson", dockerConfig))
                                .build())
                .create();
        ns.client()
                .resource(
                        new ConfigMapBuilder()
                                .withNewMetadata()
                                .withName("probe-context")
                                .endMetadata()
                                .withData(
                                        Map.of(
                                                BuildContext.DOCKERFILE,
                                                "FROM "
                                                        + baseImage
                                                        + "\nUSER root\nCOPY probe.sh /probe.sh\n"
                                                        + "RUN sh /probe.sh | tee /probe-findings.txt\n",
                                                "probe.sh",
                                                PROBE))
                                .build())
                .create();
        String target = registry.hostPort() + "/isolation/probe:" + ns.name();
        BuilderPod builder =
                new BuildahPodSpec()
                        .pod(
                                new BuildRequest(
                                        builderImage,
                                        target,
                                        "probe-context",
                                        List.of(BuildContext.DOCKERFILE, "probe.sh"),
                                        "push",
                                        true,
                                        Map.of(),
                                        null));
        PodSpec spec = builder.toPodSpec();
        spec.setNodeSelector(RealBuilds.NODE_SELECTOR);
        spec.setTolerations(List.of(RealBuilds.onTheRealNode()));
        ns.client()
                .resource(
                        new PodBuilder()
                                .withNewMetadata()
                                .withName("probe")
                                .withAnnotations(BuilderPod.ANNOTATIONS)
                                .endMetadata()
                                .withSpec(spec)
                                .build())
                .create();

        Pod done =
                await().atMost(REAL_BUILD)
                        .pollInterval(Duration.ofSeconds(2))
                        .until(
                                () -> ns.client().pods().withName("probe").get(),
                                p ->
                                        p.getStatus() != null
                                                && Set.of("Succeeded", "Failed")
                                                        .contains(p.getStatus().getPhase()));
        String buildLog = log(ns, BuilderPod.BUILD_CONTAINER);
        String pushLog = log(ns, BuilderPod.PUSH_CONTAINER);
        assertThat(done.getStatus().getPhase())
                .as("build log:\n%s\npush log:\n%s", buildLog, pushLog)
                .isEqualTo("Succeeded");
        assertThat(buildLog)
                .as("the probe ran in the build step and looked everywhere")
                .contains(
                        "== environment",
                        "== credential files",
                        "== files that name registries",
                        "== outside the chroot",
                        "== probe finished");
        List<String> secrets = List.of(PASSWORD, AUTH, encoded(dockerConfig));
        assertThat(secrets)
                .allSatisfy(
                        secret -> {
                            assertThat(buildLog).doesNotContain(secret);
                            assertThat(pushLog).doesNotContain(secret);
                        });

        String digest =
                BuildResultParser.digest(
                        ContainerStates.of(done, BuilderPod.PUSH_CONTAINER)
                                .orElseThrow()
                                .getState()
                                .getTerminated()
                                .getMessage());
        Credentials credentials = Credentials.basic(USER, PASSWORD);
        RegistryClient client = new RegistryClient(Set.of(registry.hostPort()));
        ImageReference image = ImageReference.parse(target);
        assertThat(client.manifestDigest(image, credentials))
                .as("the registry serves what the push step reported")
                .contains(digest);
        assertThatThrownBy(() -> client.manifestDigest(image, Credentials.ANONYMOUS))
                .as("the registry pushed to asks for the password")
                .isInstanceOf(RegistryException.class);

        RawManifest manifest =
                client.getManifest(
                                ImageReference.parse(
                                        registry.hostPort() + "/isolation/probe@" + digest),
                                credentials,
                                1024 * 1024)
                        .orElseThrow();
        JsonNode json = new ObjectMapper().readTree(manifest.content());
        List<String> blobs = new ArrayList<>();
        blobs.add(json.path("config").path("digest").asText());
        json.path("layers").forEach(layer -> blobs.add(layer.path("digest").asText()));
        boolean findingsSeen = false;
        for (String blob : blobs) {
            byte[] content = uncompressed(client.getBlob(image, credentials, blob, MAX_BLOB));
            String text = new String(content, StandardCharsets.ISO_8859_1);
            for (String secret : secrets) {
                assertThat(text.contains(secret))
                        .as("blob %s of the pushed image holds a credential", blob)
                        .isFalse();
            }
            findingsSeen |= text.contains("== probe finished");
        }
        assertThat(findingsSeen)
                .as("the layer with the probe's findings was among those read")
                .isTrue();
    }

    private static String log(TestNamespace ns, String container) {
        String log = ns.client().pods().withName("probe").inContainer(container).getLog();
        return log == null ? "" : log;
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
