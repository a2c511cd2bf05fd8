package dev.terrarium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.terrarium.testing.Commands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-cluster registry's design, run for real on this machine: the chart's own configuration
 * (its ConfigMap's config.yml and nginx.conf, its htpasswd Secret) with Debian's docker-registry
 * behind Debian's nginx, as in the registry pod, only with ports and paths moved into a scratch
 * directory. Anonymous clients pull, only the push user pushes, and real clients (buildah, i.e.
 * containers/image) behave as deploy/registry/README.md says.
 */
class InClusterRegistryAuthTest {

    private static final String USER = "push";
    private static final String PASSWORD =
            "pw-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir static Path scratch;

    private static Process registry;
    private static Process nginx;
    private static String proxy;

    @BeforeAll
    static void start() throws IOException {
        for (String tool : List.of("nginx", "docker-registry", "buildah")) {
            Manifests.requireTool(
                    Commands.run(
                                            List.of("sh", "-c", "command -v " + tool),
                                            Map.of(),
                                            null,
                                            Duration.ofSeconds(10))
                                    .exitCode()
                            == 0,
                    tool + " is missing; make prereqs installs it");
        }
        List<JsonNode> objects =
                Manifests.renderChart(
                        "--set",
                        "inClusterRegistry.enabled=true",
                        "--set",
                        "inClusterRegistry.auth.password=" + PASSWORD);
        JsonNode data = Manifests.one(objects, "ConfigMap", "terrarium-registry").path("data");
        String htpasswd =
                new String(
                        Base64.getDecoder()
                                .decode(
                                        Manifests.one(
                                                        objects,
                                                        "Secret",
                                                        "terrarium-registry-htpasswd")
                                                .path("data")
                                                .path("htpasswd")
                                                .asText()),
                        StandardCharsets.UTF_8);

        int registryPort = freePort();
        int proxyPort = freePort();
        proxy = "127.0.0.1:" + proxyPort;
        Path storage = Files.createDirectories(scratch.resolve("storage"));
        Path tmp = Files.createDirectories(scratch.resolve("tmp"));
        Files.writeString(scratch.resolve("htpasswd"), htpasswd);

        String config =
                replace(
                        data.path("config.yml").asText(),
                        "addr: 127.0.0.1:5001",
                        "addr: 127.0.0.1:" + registryPort);
        config = replace(config, "rootdirectory: /var/lib/registry", "rootdirectory: " + storage);
        Files.writeString(scratch.resolve("config.yml"), config);
        String conf =
                replace(
                        data.path("nginx.conf").asText(),
                        "server 127.0.0.1:5001;",
                        "server 127.0.0.1:" + registryPort + ";");
        conf = replace(conf, "listen 5000;", "listen " + proxy + ";");
        // /tmp first: the scratch directory is under /tmp too.
        conf = replace(conf, "/tmp/", tmp + "/");
        conf =
                replace(
                        conf,
                        "/etc/terrarium-registry/auth/htpasswd",
                        scratch.resolve("htpasswd").toString());
        Files.writeString(scratch.resolve("nginx.conf"), conf);

        registry =
                new ProcessBuilder(
                                "docker-registry",
                                "serve",
                                scratch.resolve("config.yml").toString())
                        .redirectErrorStream(true)
                        .redirectOutput(scratch.resolve("registry.log").toFile())
                        .start();
        List<String> nginxCommand =
                new ArrayList<>(
                        List.of(
                                "nginx",
                                "-e",
                                "stderr",
                                "-p",
                                scratch.toString(),
                                "-c",
                                scratch.resolve("nginx.conf").toString(),
                                "-g"));
        // In the pod nginx runs unprivileged; as root here, its workers would otherwise drop to a
        // user that cannot
        // read the scratch directory.
        nginxCommand.add(
                "root".equals(System.getProperty("user.name"))
                        ? "daemon off; user root;"
                        : "daemon off;");
        nginx =
                new ProcessBuilder(nginxCommand)
                        .redirectErrorStream(true)
                        .redirectOutput(scratch.resolve("nginx.log").toFile())
                        .start();

        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            try {
                if (send("GET", "/healthz", null).statusCode() == 200) {
                    break;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (Instant.now().isAfter(deadline) || !nginx.isAlive() || !registry.isAlive()) {
                throw new IllegalStateException(
                        "the registry behind nginx did not answer:\n"
                                + Files.readString(scratch.resolve("nginx.log"))
                                + "\n"
                                + Files.readString(scratch.resolve("registry.log")));
            }
            sleep();
        }
    }

    @AfterAll
    static void stop() {
        for (Process process : new Process[] {nginx, registry}) {
            if (process != null) {
                process.destroy();
            }
        }
    }

    private static String replace(String text, String what, String with) {
        assertThat(text).as("the chart's registry configuration").contains(what);
        return text.replace(what, with);
    }

    @Test
    void thePingChallengesEveryoneAndAcceptsThePushUser() throws IOException {
        HttpResponse<String> anonymous = send("GET", "/v2/", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(challenge -> assertThat(challenge).startsWith("Basic "));
        assertThat(send("GET", "/v2/", USER + ":" + PASSWORD).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/v2/", USER + ":wrong").statusCode()).isEqualTo(401);
    }

    @Test
    void writesNeedThePasswordAndReadsDoNot() throws IOException {
        assertThat(send("POST", "/v2/team/app/blobs/uploads/", null).statusCode()).isEqualTo(401);
        assertThat(send("POST", "/v2/team/app/blobs/uploads/", USER + ":wrong").statusCode())
                .isEqualTo(401);
        assertThat(send("POST", "/v2/team/app/blobs/uploads/", USER + ":" + PASSWORD).statusCode())
                .isEqualTo(202);
        assertThat(
                        send("DELETE", "/v2/team/app/manifests/sha256:" + "0".repeat(64), null)
                                .statusCode())
                .isEqualTo(401);
        // A read of something absent reaches the registry itself, which answers for it.
        assertThat(send("GET", "/v2/team/absent/tags/list", null).statusCode()).isEqualTo(404);
    }

    @Test
    void buildahPushesOnlyWithTheCredentialsAndPullsWithout() throws IOException {
        Path authFile = scratch.resolve("auth.json");
        Files.writeString(authFile, "{}");
        Map<String, String> env = Map.of("REGISTRY_AUTH_FILE", authFile.toString());
        List<String> pusher = buildah("pusher");
        String container = run(append(pusher, "from", "scratch"), env).strip();
        run(append(pusher, "commit", "--rm", container, "localhost/terrarium-test/app:1"), env);
        String target = "docker://" + proxy + "/team/app:1";

        Commands.Result anonymous =
                Commands.run(
                        append(
                                pusher,
                                "push",
                                "--tls-verify=false",
                                "localhost/terrarium-test/app:1",
                                target),
                        env,
                        scratch,
                        Duration.ofMinutes(2));
        assertThat(anonymous.exitCode()).as(anonymous.output()).isNotZero();
        assertThat(anonymous.output().toLowerCase(Locale.ROOT))
                .containsAnyOf("unauthorized", "authentication required");

        run(
                append(
                        pusher,
                        "push",
                        "--tls-verify=false",
                        "--creds",
                        USER + ":" + PASSWORD,
                        "localhost/terrarium-test/app:1",
                        target),
                env);
        assertThat(send("HEAD", "/v2/team/app/manifests/1", null).statusCode())
                .as("anonymous HEAD")
                .isEqualTo(200);

        // Another store, no credentials anywhere: the pull goes to the registry and needs none.
        String pulled = run(append(buildah("puller"), "pull", "--tls-verify=false", target), env);
        assertThat(pulled).containsPattern("[0-9a-f]{64}");
    }

    private static List<String> buildah(String store) {
        return List.of(
                "buildah",
                "--root=" + scratch.resolve(store).resolve("root"),
                "--runroot=" + scratch.resolve(store).resolve("run"),
                "--storage-driver=vfs");
    }

    private static List<String> append(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }

    private static String run(List<String> command, Map<String, String> env) {
        return Commands.run(command, env, scratch, Duration.ofMinutes(2))
                .requireSuccess(command)
                .output();
    }

    private static HttpResponse<String> send(String method, String path, String credentials)
            throws IOException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create("http://" + proxy + path))
                        .timeout(Duration.ofSeconds(10))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .header(
                                "Accept",
                                "application/vnd.oci.image.manifest.v1+json, "
                                        + "application/vnd.docker.distribution.manifest.v2+json");
        if (credentials != null) {
            request.header(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
