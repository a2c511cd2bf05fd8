package dev.terrarium.realbuild;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.terrarium.api.Manager;
import dev.terrarium.api.ResolvedEnvironment;
import dev.terrarium.buildcontext.BuildContext;
import dev.terrarium.buildcontext.BuildContextGenerator;
import dev.terrarium.buildcontext.BuildContextOptions;
import dev.terrarium.builder.BuildNetwork;
import dev.terrarium.builder.BuildRequest;
import dev.terrarium.builder.BuildResultParser;
import dev.terrarium.builder.BuildahPodSpec;
import dev.terrarium.builder.BuilderPod;
import dev.terrarium.kube.ContainerStates;
import dev.terrarium.registry.Credentials;
import dev.terrarium.registry.ImageReference;
import dev.terrarium.registry.RawManifest;
import dev.terrarium.registry.RegistryClient;
import dev.terrarium.testing.Commands;
import dev.terrarium.testing.LocalControlPlane;
import dev.terrarium.testing.LocalPackageIndex;
import dev.terrarium.testing.ProjectImages;
import dev.terrarium.testing.RealBuildNode;
import dev.terrarium.testing.TerrariumTest;
import dev.terrarium.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator's network settings of builds, for real: a build pod exactly as BuildJobs makes it
 * from an ImageBuild recorded with a PyPI mirror, a CA bundle and proxies runs on the real node
 * ({@link RealBuildNode}). Its only index is the mirror (a {@link LocalPackageIndex} without
 * credentials that serves the probe package, which exists nowhere else, and the uv release venv
 * builds install), every request of its install steps goes through the HTTP proxy (a recording one
 * on 127.0.0.1), and the CA bundle is a build secret. The image holds the package, and neither its
 * config, its history nor any layer holds the proxy, the CA bundle or the variables that pointed at
 * them.
 *
 * <p>A second build's only index is the same mirror over HTTPS, with a certificate of a private CA
 * that only the CA bundle holds: pip, uv and the pylock.toml compile trust it through the bundle.
 *
 * <p>The settings reach the pod as the operator's would (the same generator and pod spec, from the
 * same values), not through a second operator: the shared test operator watches every namespace and
 * is started once, so one test cannot give it settings of its own.
 */
@TerrariumTest
class BuildNetworkDefaultsIT {

    private static final Duration REAL_BUILD = Duration.ofMinutes(10);
    private static final String PROJECT = "terrarium-mirror-probe";
    private static final long MAX_BLOB = 1024L * 1024 * 1024;

    private static String baseImage;
    private static String builderImage;
    private static LocalPackageIndex mirror;
    private static RecordingProxy proxy;
    private static String caPem;
    private static LocalPackageIndex tlsMirror;
    private static final String STORE_PASSWORD = "changeit";

    @BeforeAll
    static void startTheMirrorTheProxyAndTheRealBuildNode() throws Exception {
        LocalControlPlane plane = LocalControlPlane.get();
        RealBuildNode.get();
        baseImage = RealBuilds.baseImage(plane);
        builderImage = ProjectImages.builder(plane);
        Path work = plane.repo().resolve("target/build-network-it");
        mirror = LocalPackageIndex.startOpen(PROJECT, "1.0", Map.of("uv", uvWheel(plane, work)));
        proxy = RecordingProxy.start();
        caPem = certificates(work);
        tlsMirror =
                LocalPackageIndex.startOpenTls(
                        PROJECT, "1.0", Map.of("uv", uvWheel(plane, work)), serverTls(work));
    }

    @AfterAll
    static void stop() {
        if (mirror != null) {
            mirror.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (tlsMirror != null) {
            tlsMirror.close();
        }
    }

    @Test
    void aVenvWhoseOnlyIndexIsTheMirrorIsBuiltThroughTheProxyAndKeepsNoneOfIt(TestNamespace ns)
            throws Exception {
        ResolvedEnvironment environment = new ResolvedEnvironment();
        environment.setManager(Manager.VENV);
        environment.setPython("3.11");
        environment.setBaseImage(baseImage);
        environment.setPip(List.of(PROJECT + "==1.0"));
        String specHash = sha256(ns.name());
        BuildNetwork network =
                new BuildNetwork(
                        mirror.url(),
                        "corporate-ca",
                        "bundle.pem",
                        proxy.url(),
                        proxy.url(),
                        "example.invalid");
        BuildContext context =
                new BuildContextGenerator(
                                BuildContextOptions.defaults()
                                        .withPipIndexUrl(network.pipIndexUrl())
                                        .withCaBundle(true))
                        .generate(environment, specHash);
        ns.client()
                .resource(
                        new ConfigMapBuilder()
                                .withNewMetadata()
                                .withName("context")
                                .endMetadata()
                                .withData(context.files())
                                .build())
                .create();
        ns.client()
                .resource(
                        new ConfigMapBuilder()
                                .withNewMetadata()
                                .withName("corporate-ca")
                                .endMetadata()
                                .withData(Map.of("bundle.pem", caPem))
                                .build())
                .create();
        String repository = ns.plane().registry() + "/network/" + ns.name();
        BuilderPod builder =
                new BuildahPodSpec()
                        .pod(
                                BuildRequest.of(
                                                builderImage,
                                                repository + ":" + specHash,
                                                "context",
                                                context)
                                        .withInsecureRegistry(true)
                                        .withNetwork(network));
        PodSpec spec = builder.toPodSpec();
        spec.setNodeSelector(RealBuilds.NODE_SELECTOR);
        spec.setTolerations(List.of(RealBuilds.onTheRealNode()));
        ns.client()
                .resource(
                        new PodBuilder()
                                .withNewMetadata()
                                .withName("build")
                                .withAnnotations(BuilderPod.ANNOTATIONS)
                                .endMetadata()
                                .withSpec(spec)
                                .build())
                .create();

        Pod done =
                await().atMost(REAL_BUILD)
                        .pollInterval(Duration.ofSeconds(2))
                        .until(
                                () -> ns.client().pods().withName("build").get(),
                                p ->
                                        p.getStatus() != null
                                                && Set.of("Succeeded", "Failed")
                                                        .contains(p.getStatus().getPhase()));
        String buildLog = log(ns, BuilderPod.BUILD_CONTAINER);
        assertThat(done.getStatus().getPhase())
                .as("build log:\n%s\npush log:\n%s", buildLog, log(ns, BuilderPod.PUSH_CONTAINER))
                .isEqualTo("Succeeded");
        String wheel = "/files/" + mirror.module() + "-1.0-py3-none-any.whl";
        assertThat(mirror.requests())
                .as("uv and the package came from the mirror, the package's only index")
                .contains(new LocalPackageIndex.Request(wheel, 200))
                .anySatisfy(r -> assertThat(r.path()).startsWith("/files/uv-"));
        assertThat(proxy.requests())
                .as("the install steps reached the mirror through the proxy of the build pod")
                .anySatisfy(uri -> assertThat(uri).endsWith(wheel));
        assertThat(buildLog)
                .as("the pylock.toml compile found the pinned version on the mirror")
                .contains("terrarium-lock " + specHash + " begin pylock.toml");

        String digest =
                BuildResultParser.digest(
                        ContainerStates.of(done, BuilderPod.PUSH_CONTAINER)
                                .orElseThrow()
                                .getState()
                                .getTerminated()
                                .getMessage());
        RegistryClient client = new RegistryClient(Set.of("127.0.0.1"));
        ImageReference image = ImageReference.parse(repository + "@" + digest);
        RawManifest manifest =
                client.getManifest(image, Credentials.ANONYMOUS, 1024 * 1024).orElseThrow();
        JsonNode json = new ObjectMapper().readTree(manifest.content());
        String configDigest = json.path("config").path("digest").asText();
        String config =
                new String(
                        client.getBlob(image, Credentials.ANONYMOUS, configDigest, MAX_BLOB),
                        StandardCharsets.UTF_8);
        JsonNode imageEnv = new ObjectMapper().readTree(config).path("config").path("Env");
        List<String> variables = new ArrayList<>();
        imageEnv.forEach(variable -> variables.add(variable.asText()));
        // The base image sets SSL_CERT_FILE and PIP_CERT to its own system bundle: those stay.
        assertThat(variables)
                .as("the image's environment")
                .noneMatch(
                        v ->
                                v.toLowerCase(java.util.Locale.ROOT).contains("proxy")
                                        || v.contains("/run/secrets")
                                        || v.contains("ca-bundle")
                                        || v.contains(mirror.url())
                                        || v.startsWith("PIP_INDEX_URL"));
        assertThat(config)
                .as("the image's config and history")
                .doesNotContain(proxy.url(), "example.invalid", pemBody());

        boolean packageSeen = false;
        List<String> layers = new ArrayList<>();
        json.path("layers").forEach(layer -> layers.add(layer.path("digest").asText()));
        for (String layer : layers) {
            String text =
                    new String(
                            uncompressed(
                                    client.getBlob(image, Credentials.ANONYMOUS, layer, MAX_BLOB)),
                            StandardCharsets.ISO_8859_1);
            assertThat(text.contains(pemBody()))
                    .as("layer %s holds the CA bundle", layer)
                    .isFalse();
            assertThat(text.contains(proxy.url())).as("layer %s holds the proxy", layer).isFalse();
            packageSeen |= text.contains(mirror.module() + "/__init__.py");
        }
        assertThat(packageSeen).as("the mirror's package is in the image").isTrue();
    }

    @Test
    void aMirrorBehindAPrivateCaIsReachedThroughTheCaBundle(TestNamespace ns) throws Exception {
        assertThat(tlsMirror.url()).startsWith("https://127.0.0.1:");
        ResolvedEnvironment environment = new ResolvedEnvironment();
        environment.setManager(Manager.VENV);
        environment.setPython("3.11");
        environment.setBaseImage(baseImage);
        environment.setPip(List.of(PROJECT + "==1.0"));
        String specHash = sha256("tls-" + ns.name());
        BuildNetwork network =
                new BuildNetwork(tlsMirror.url(), "tls-ca", "ca.crt", null, null, null);
        BuildContext context =
                new BuildContextGenerator(
                                BuildContextOptions.defaults()
                                        .withPipIndexUrl(network.pipIndexUrl())
                                        .withCaBundle(true))
                        .generate(environment, specHash);
        ns.client()
                .resource(
                        new ConfigMapBuilder()
                                .withNewMetadata()
                                .withName("tls-context")
                                .endMetadata()
                                .withData(context.files())
                                .build())
                .create();
        ns.client()
                .resource(
                        new ConfigMapBuilder()
                                .withNewMetadata()
                                .withName("tls-ca")
                                .endMetadata()
                                .withData(Map.of("ca.crt", caPem))
                                .build())
                .create();
        String repository = ns.plane().registry() + "/network-tls/" + ns.name();
        PodSpec spec =
                new BuildahPodSpec()
                        .pod(
                                BuildRequest.of(
                                                builderImage,
                                                repository + ":" + specHash,
                                                "tls-context",
                                                context)
                                        .withInsecureRegistry(true)
                                        .withNetwork(network))
                        .toPodSpec();
        spec.setNodeSelector(RealBuilds.NODE_SELECTOR);
        spec.setTolerations(List.of(RealBuilds.onTheRealNode()));
        ns.client()
                .resource(
                        new PodBuilder()
                                .withNewMetadata()
                                .withName("tls-build")
                                .withAnnotations(BuilderPod.ANNOTATIONS)
                                .endMetadata()
                                .withSpec(spec)
                                .build())
                .create();

        Pod done =
                await().atMost(REAL_BUILD)
                        .pollInterval(Duration.ofSeconds(2))
                        .until(
                                () -> ns.client().pods().withName("tls-build").get(),
                                p ->
                                        p.getStatus() != null
                                                && Set.of("Succeeded", "Failed")
                                                        .contains(p.getStatus().getPhase()));
        String buildLog = log(ns, "tls-build", BuilderPod.BUILD_CONTAINER);
        assertThat(done.getStatus().getPhase())
                .as("pip and uv trusted the mirror's private CA; build log:\n%s", buildLog)
                .isEqualTo("Succeeded");
        assertThat(tlsMirror.requests())
                .as("uv and the package came over TLS from the mirror")
                .contains(
                        new LocalPackageIndex.Request(
                                "/files/" + tlsMirror.module() + "-1.0-py3-none-any.whl", 200))
                .anySatisfy(r -> assertThat(r.path()).startsWith("/files/uv-"));
        assertThat(buildLog)
                .as("the pylock.toml compile trusted it too")
                .contains("terrarium-lock " + specHash + " begin pylock.toml");
    }

    /** The base64 of the certificate, which is what a copy of the bundle would hold. */
    private static String pemBody() {
        String[] lines = caPem.strip().split("\n");
        return lines[lines.length / 2];
    }

    /**
     * The uv release venv builds install, downloaded once by this machine's pip from its own index,
     * for the mirror to serve: the mirror is the builds' only index.
     */
    private static Path uvWheel(LocalControlPlane plane, Path work) throws IOException {
        Path dir = work.resolve("wheels");
        Files.createDirectories(dir);
        Path found = firstUvWheel(dir);
        if (found != null) {
            return found;
        }
        List<String> command =
                List.of(
                        "python3",
                        "-m",
                        "pip",
                        "download",
                        "--no-deps",
                        "--only-binary",
                        ":all:",
                        "--platform",
                        "manylinux_2_17_x86_64",
                        "--python-version",
                        "3.11",
                        "-d",
                        dir.toString(),
                        "uv==" + BuildContextOptions.DEFAULT_UV_VERSION);
        Commands.run(command, Map.of(), plane.repo(), Duration.ofMinutes(5))
                .requireSuccess(command);
        return java.util.Objects.requireNonNull(firstUvWheel(dir), "pip downloaded no uv wheel");
    }

    private static Path firstUvWheel(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(
                            f ->
                                    f.getFileName()
                                                    .toString()
                                                    .startsWith(
                                                            "uv-"
                                                                    + BuildContextOptions
                                                                            .DEFAULT_UV_VERSION
                                                                    + "-")
                                            && f.toString().endsWith(".whl"))
                    .findFirst()
                    .orElse(null);
        }
    }

    /**
     * A private CA (its PEM, as a company's CA bundle would hold it) and a certificate it signed
     * for 127.0.0.1, in a PKCS12 key store, for the HTTPS mirror.
     */
    private static String certificates(Path work) throws IOException {
        Files.createDirectories(work);
        for (String file : List.of("ca.p12", "ca.crt", "server.p12", "server.csr", "server.crt")) {
            Files.deleteIfExists(work.resolve(file));
        }
        keytool(
                work,
                "-genkeypair",
                "-alias",
                "ca",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=terrarium test CA",
                "-ext",
                "BC:c=ca:true",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                "ca.p12",
                "-storepass",
                STORE_PASSWORD);
        keytool(
                work,
                "-exportcert",
                "-rfc",
                "-alias",
                "ca",
                "-keystore",
                "ca.p12",
                "-storepass",
                STORE_PASSWORD,
                "-file",
                "ca.crt");
        keytool(
                work,
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                "server.p12",
                "-storepass",
                STORE_PASSWORD);
        keytool(
                work,
                "-certreq",
                "-alias",
                "server",
                "-keystore",
                "server.p12",
                "-storepass",
                STORE_PASSWORD,
                "-file",
                "server.csr");
        keytool(
                work,
                "-gencert",
                "-rfc",
                "-alias",
                "ca",
                "-keystore",
                "ca.p12",
                "-storepass",
                STORE_PASSWORD,
                "-infile",
                "server.csr",
                "-outfile",
                "server.crt",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-ext",
                "EKU=serverAuth",
                "-validity",
                "2");
        keytool(
                work,
                "-importcert",
                "-noprompt",
                "-alias",
                "ca",
                "-file",
                "ca.crt",
                "-keystore",
                "server.p12",
                "-storepass",
                STORE_PASSWORD);
        keytool(
                work,
                "-importcert",
                "-alias",
                "server",
                "-file",
                "server.crt",
                "-keystore",
                "server.p12",
                "-storepass",
                STORE_PASSWORD);
        return Files.readString(work.resolve("ca.crt"));
    }

    private static void keytool(Path work, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Commands.run(command, Map.of(), work, Duration.ofMinutes(1)).requireSuccess(command);
    }

    /** The TLS of the HTTPS mirror: the key and chain that the private CA signed. */
    private static SSLContext serverTls(Path work) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(work.resolve("server.p12"))) {
            keys.load(in, STORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory factory =
                KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, STORE_PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(factory.getKeyManagers(), null, null);
        return tls;
    }

    private static String log(TestNamespace ns, String container) {
        return log(ns, "build", container);
    }

    private static String log(TestNamespace ns, String pod, String container) {
        String log = ns.client().pods().withName(pod).inContainer(container).getLog();
        return log == null ? "" : log;
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of()
                .formatHex(
                        MessageDigest.getInstance("SHA-256")
                                .digest(text.getBytes(StandardCharsets.UTF_8)));
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

    /**
     * A forward HTTP proxy on 127.0.0.1 for plain-HTTP requests to 127.0.0.1 only, recording each
     * absolute URI it relays; anything else (CONNECT, other hosts) gets 403.
     */
    static final class RecordingProxy implements AutoCloseable {

        private final HttpServer server;
        private final HttpClient client = HttpClient.newBuilder().build();
        private final List<String> requests = new CopyOnWriteArrayList<>();

        private RecordingProxy(HttpServer server) {
            this.server = server;
        }

        static RecordingProxy start() throws IOException {
            HttpServer server =
                    HttpServer.create(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            server.setExecutor(Executors.newFixedThreadPool(4));
            RecordingProxy proxy = new RecordingProxy(server);
            server.createContext("/", proxy::relay);
            server.start();
            return proxy;
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        List<String> requests() {
            return List.copyOf(requests);
        }

        private void relay(HttpExchange exchange) throws IOException {
            try (exchange) {
                URI uri = exchange.getRequestURI();
                boolean get =
                        exchange.getRequestMethod().equals("GET")
                                || exchange.getRequestMethod().equals("HEAD");
                if (!get || !"http".equals(uri.getScheme()) || !"127.0.0.1".equals(uri.getHost())) {
                    exchange.sendResponseHeaders(403, -1);
                    return;
                }
                requests.add(uri.toString());
                HttpResponse<byte[]> response;
                try {
                    response =
                            client.send(
                                    HttpRequest.newBuilder(uri)
                                            .method(
                                                    exchange.getRequestMethod(),
                                                    HttpRequest.BodyPublishers.noBody())
                                            .build(),
                                    HttpResponse.BodyHandlers.ofByteArray());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    exchange.sendResponseHeaders(502, -1);
                    return;
                }
                response.headers()
                        .firstValue("Content-Type")
                        .ifPresent(type -> exchange.getResponseHeaders().set("Content-Type", type));
                byte[] body = response.body();
                if (exchange.getRequestMethod().equals("HEAD") || body.length == 0) {
                    exchange.sendResponseHeaders(response.statusCode(), -1);
                    return;
                }
                exchange.sendResponseHeaders(response.statusCode(), body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
