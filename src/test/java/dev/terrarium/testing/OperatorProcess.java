package dev.terrarium.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The operator as users run it: the packaged Quarkus application ({@code java -jar
 * target/quarkus-app/quarkus-run.jar}) in its own process, talking to the local control plane as
 * the operator's ServiceAccount under the RBAC of deploy/, so missing permissions fail the tests.
 * Started once per test run and stopped when the JVM exits.
 */
public final class OperatorProcess {

    private static OperatorProcess instance;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final Path logFile;
    private final int httpPort;
    private final Map<String, String> settings;

    private OperatorProcess(
            Process process, Path logFile, int httpPort, Map<String, String> settings) {
        this.process = process;
        this.logFile = logFile;
        this.httpPort = httpPort;
        this.settings = settings;
    }

    public static synchronized boolean running() {
        return instance != null;
    }

    public static synchronized OperatorProcess get() {
        return get(Map.of());
    }

    /**
     * The operator, started with {@link #testSettings} plus {@code overrides} (environment
     * variables) when this call starts it; a process already running keeps the settings it was
     * started with (see {@link #settings()}).
     */
    public static synchronized OperatorProcess get(Map<String, String> overrides) {
        if (instance == null) {
            instance = start(LocalControlPlane.get(), overrides, "operator");
        }
        return instance;
    }

    /**
     * A second operator beside the shared one, with {@link #testSettings} plus {@code overrides},
     * logging to target/{@code name}.log. The caller stops it ({@link #terminate}); the overrides
     * must keep it off the shared operator's objects (its own watched namespace and Lease).
     */
    public static OperatorProcess startAnother(String name, Map<String, String> overrides) {
        return start(LocalControlPlane.get(), overrides, name);
    }

    /**
     * Settings of the operator in tests: small build limits so queueing is observable, and the
     * project's own builder image (hack/images.sh), by digest, as the image of every build pod:
     * what the chart installs is what builds on the test node ({@link RealBuildNode}); kwok's
     * simulated nodes only name it.
     */
    public static Map<String, String> testSettings(LocalControlPlane plane) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(
                "TERRARIUM_REGISTRY_DEFAULT_REPOSITORY",
                plane.registry() + "/terrarium/environments");
        env.put("TERRARIUM_BUILDS_IMAGE", ProjectImages.builder(plane));
        env.put("TERRARIUM_BUILDS_MAX_CONCURRENT", "3");
        env.put("TERRARIUM_BUILDS_MAX_PER_NAMESPACE", "2");
        // kwok's pods appear and are scheduled within a second: a build without a scheduled pod for
        // 20 s fails.
        env.put("TERRARIUM_BUILDS_POD_START_TIMEOUT", "20s");
        // Test registries listen on 127.0.0.1 at random ports, over plain HTTP.
        env.put("TERRARIUM_REGISTRY_INSECURE", "127.0.0.1,localhost");
        env.put("TERRARIUM_LEADER_ELECTION_NAMESPACE", "terrarium-system");
        // As the chart installs it: builds run in the namespace deploy/rbac creates.
        env.put("TERRARIUM_BUILDS_NAMESPACE", BuildNamespace.NAME);
        // Conda channel names are found on the tests' own channels, served on 127.0.0.1 for the
        // whole run.
        env.put("TERRARIUM_CONDA_CHANNEL_ALIAS", LocalCondaChannel.shared().alias());
        return env;
    }

    private static OperatorProcess start(
            LocalControlPlane plane, Map<String, String> overrides, String name) {
        Path repo = plane.repo();
        Path runner = repo.resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(runner)) {
            throw new IllegalStateException(
                    runner + " is missing: integration tests run after `mvn package`");
        }
        Path kubeconfig = OperatorIdentity.kubeconfigFor(plane);
        int port = freePort();
        Path logFile = repo.resolve("target/" + name + ".log");
        List<String> command =
                new ArrayList<>(List.of(javaBinary(), "-Xmx512m", "-jar", runner.toString()));
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(logFile.toFile());
        builder.environment().put("KUBECONFIG", kubeconfig.toString());
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        Map<String, String> settings = new LinkedHashMap<>(testSettings(plane));
        settings.putAll(overrides);
        builder.environment().putAll(settings);
        try {
            Process process = builder.start();
            OperatorProcess operator =
                    new OperatorProcess(
                            process, logFile, port, Collections.unmodifiableMap(settings));
            Runtime.getRuntime().addShutdownHook(new Thread(operator::stop));
            if (name.equals("operator")) {
                SimulatedBuildLogs.start(plane.adminClient(), repo.resolve("target/kwok-logs"));
            }
            operator.awaitReady(Duration.ofMinutes(2));
            return operator;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "the operator exited with " + process.exitValue() + ":\n" + logTail(80));
            }
            try {
                if (get("/q/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            sleep(Duration.ofMillis(250));
        }
        throw new IllegalStateException(
                "the operator did not become ready within " + timeout + ":\n" + logTail(80));
    }

    public HttpResponse<String> get(String path) throws IOException {
        HttpRequest request =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                        .timeout(Duration.ofSeconds(5))
                        .build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** The Prometheus exposition of /q/metrics. */
    public String metrics() {
        try {
            return get("/q/metrics").body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no operator log: " + e.getMessage() + ")";
        }
    }

    /**
     * The environment variables the operator was started with, beyond KUBECONFIG and the HTTP port.
     */
    public Map<String, String> settings() {
        return settings;
    }

    public long pid() {
        return process.pid();
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Sends SIGTERM, as the kubelet does at a pod's deletion, and waits up to {@code grace} for the
     * process to end; true when it ended by itself. Past the grace it is killed, as the kubelet
     * would.
     */
    public boolean terminate(Duration grace) {
        process.destroy();
        try {
            if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            process.destroyForcibly().waitFor();
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void stop() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
