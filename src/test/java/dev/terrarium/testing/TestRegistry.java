package dev.terrarium.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real registry (Debian's docker-registry, distribution 2.8) on a free loopback port, started and
 * stopped with {@code hack/registry.sh}. Its storage lives in a temporary directory removed by
 * {@link #close()}.
 *
 * <p>The registry speaks plain HTTP, so clients must list {@link #hostPort()} as insecure.
 */
public final class TestRegistry implements AutoCloseable {

    private static final int START_ATTEMPTS = 3;
    // The first start on a fresh machine installs packages with apt-get.
    private static final long SCRIPT_TIMEOUT_SECONDS = 300;

    private final Path directory;
    private final String hostPort;

    private TestRegistry(Path directory, String hostPort) {
        this.directory = directory;
        this.hostPort = hostPort;
    }

    /** A registry that lets anyone pull and push. */
    public static TestRegistry start() {
        return startWith(List.of());
    }

    /** A registry that requires basic auth for one user, checked against a bcrypt htpasswd file. */
    public static TestRegistry startWithHtpasswd(String user, String password) {
        return startWith(List.of(user, password));
    }

    /**
     * A registry that accepts only bearer tokens issued by {@code realm}. The script makes an RSA
     * key and a self-signed certificate for the token issuer: see {@link #tokenKey()} and {@link
     * #tokenCertificate()}.
     */
    public static TestRegistry startWithTokenAuth(String realm, String service, String issuer) {
        return startWith(List.of("--token", realm, service, issuer));
    }

    /** {@code 127.0.0.1:<port>}, the registry part of image references. */
    public String hostPort() {
        return hostPort;
    }

    /** Where the registry keeps its blobs and manifests (the filesystem storage driver's root). */
    public Path storageDirectory() {
        return directory.resolve("storage");
    }

    /** The file in which the registry stores a blob, e.g. to corrupt it on purpose. */
    public Path blobDataFile(String digest) {
        String[] algorithmAndHex = digest.split(":", 2);
        return storageDirectory()
                .resolve(
                        Paths.get(
                                "docker",
                                "registry",
                                "v2",
                                "blobs",
                                algorithmAndHex[0],
                                algorithmAndHex[1].substring(0, 2),
                                algorithmAndHex[1],
                                "data"));
    }

    /** PKCS#8 PEM private key the registry's token issuer signs with (token auth only). */
    public Path tokenKey() {
        return directory.resolve("token.key");
    }

    /**
     * PEM certificate of {@link #tokenKey()}, the registry's {@code rootcertbundle} (token auth
     * only).
     */
    public Path tokenCertificate() {
        return directory.resolve("token.crt");
    }

    /** The registry's own log, useful when a test fails. */
    public String log() {
        try {
            return Files.readString(directory.resolve("registry.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        try {
            runScript(List.of("stop", directory.toString()));
        } finally {
            deleteRecursively(directory);
        }
    }

    private static TestRegistry startWith(List<String> authArguments) {
        Path directory;
        try {
            directory = Files.createTempDirectory("terrarium-registry-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        IllegalStateException failure = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            List<String> arguments =
                    new ArrayList<>(
                            List.of("start", directory.toString(), Integer.toString(freePort())));
            arguments.addAll(authArguments);
            try {
                String output = runScript(arguments);
                String[] lines = output.strip().split("\n");
                return new TestRegistry(directory, lines[lines.length - 1].strip());
            } catch (IllegalStateException e) {
                // Another process may have taken the port between freePort() and the registry's
                // bind.
                failure = e;
            }
        }
        deleteRecursively(directory);
        throw failure;
    }

    private static String runScript(List<String> arguments) {
        List<String> command = new ArrayList<>(List.of("bash", script().toString()));
        command.addAll(arguments);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        "hack/registry.sh " + arguments.get(0) + " timed out");
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(
                        "hack/registry.sh "
                                + String.join(" ", arguments)
                                + " failed with exit "
                                + "code "
                                + process.exitValue()
                                + ":\n"
                                + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running hack/registry.sh", e);
        }
    }

    private static Path script() {
        String configured = System.getProperty("terrarium.repo.dir");
        Path start =
                Paths.get(configured != null ? configured : System.getProperty("user.dir"))
                        .toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("hack/registry.sh");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("hack/registry.sh not found above " + start);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
