package dev.terrarium.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A git repository of one pure-Python package for a test, served over git's dumb HTTP protocol (a
 * bare repository's files, as a static web server serves them) on 127.0.0.1: what a build clones
 * for a {@code git+http://127.0.0.1:<port>/<name>.git@main} requirement. {@link #commit} moves the
 * branch {@code main}, as a team pushes to a branch that an environment names.
 *
 * <p>The package ({@code import terrarium_gitpkg}) says which commit it was built from in {@code
 * MARK}; its build backend (flit_core) comes from the default index, as a git checkout's does.
 *
 * <p>The same repository is also served over SSH, by an sshd of its own on 127.0.0.1 that the first
 * call of {@link #sshUrl}, {@link #sshPrivateKey} or {@link #sshKnownHosts} starts: what a build
 * clones for a {@code git+ssh://} requirement with a deploy key. That needs OpenSSH's server
 * ({@code hack/prereqs.sh} installs it); a test that only uses HTTP does not.
 */
public final class LocalGitRepository implements AutoCloseable {

    public static final String MODULE = "terrarium_gitpkg";

    private static final Path SSHD = Path.of("/usr/sbin/sshd");
    private static final Duration SSHD_START = Duration.ofSeconds(30);

    private final Path root;
    private final Path bare;
    private final Path work;
    private final HttpServer server;
    // Started on first use, so that the tests that clone over HTTP need no sshd.
    private Sshd sshd;

    private record Sshd(Process process, int port, Path directory) {}

    private LocalGitRepository(Path root, Path bare, Path work, HttpServer server) {
        this.root = root;
        this.bare = bare;
        this.work = work;
        this.server = server;
    }

    /** A repository whose branch main holds the package with {@code MARK = "<mark>"}. */
    public static LocalGitRepository start(String mark) {
        try {
            Path root = Files.createTempDirectory("terrarium-git-");
            Path bare = root.resolve("served").resolve(MODULE + ".git");
            Path work = root.resolve("work");
            Files.createDirectories(bare);
            Files.createDirectories(work);
            git(bare, "init", "--quiet", "--bare", "--initial-branch=main");
            git(work, "init", "--quiet", "--initial-branch=main");
            Files.writeString(
                    work.resolve("pyproject.toml"),
                    """
                    [build-system]
                    requires = ["flit_core>=3.4,<4"]
                    build-backend = "flit_core.buildapi"

                    [project]
                    name = "terrarium-gitpkg"
                    version = "1.0"
                    description = "A package a test serves from a git repository"
                    """);
            HttpServer server =
                    HttpServer.create(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(Executors.newFixedThreadPool(4));
            LocalGitRepository repository = new LocalGitRepository(root, bare, work, server);
            server.createContext("/", repository::serve);
            server.start();
            repository.commit(mark);
            return repository;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The unnamed requirement of the repository, without a revision. */
    public String url() {
        return "git+http://127.0.0.1:" + server.getAddress().getPort() + "/" + bare.getFileName();
    }

    /**
     * The unnamed requirement of the repository over SSH, without a revision: {@code
     * git+ssh://<user>@127.0.0.1:<port>/<path>.git}, where the user is the one this JVM runs as and
     * the path is the bare repository's absolute path. Starts the sshd if it is not running yet.
     */
    public String sshUrl() {
        return "git+ssh://"
                + System.getProperty("user.name")
                + "@127.0.0.1:"
                + sshd().port()
                + bare.toAbsolutePath();
    }

    /**
     * The OpenSSH private key (ed25519, no passphrase) that the sshd accepts for {@link #sshUrl}'s
     * user: the deploy key. Starts the sshd if it is not running yet.
     */
    public String sshPrivateKey() {
        return read(sshd().directory().resolve("client_ed25519"));
    }

    /**
     * The known_hosts line of the sshd's host key, {@code [127.0.0.1]:<port> ssh-ed25519 AAAA...}:
     * what a client with strict host key checking needs to accept it. Starts the sshd if it is not
     * running yet.
     */
    public String sshKnownHosts() {
        Sshd running = sshd();
        String[] publicKey =
                read(running.directory().resolve("host_ed25519.pub")).strip().split(" ");
        return "[127.0.0.1]:" + running.port() + " " + publicKey[0] + " " + publicKey[1];
    }

    private synchronized Sshd sshd() {
        if (sshd != null) {
            return sshd;
        }
        try {
            Path directory = Files.createDirectories(root.resolve("ssh"));
            sshKeygen(directory.resolve("host_ed25519"), "terrarium-test-host");
            sshKeygen(directory.resolve("client_ed25519"), "terrarium-test-deploy-key");
            Files.copy(
                    directory.resolve("client_ed25519.pub"), directory.resolve("authorized_keys"));
            // sshd started as root chroots its unprivileged pre-authentication child into this
            // directory, which otherwise only the system service's tmpfiles rule creates.
            Path privilegeSeparation = Path.of("/run/sshd");
            if ("root".equals(System.getProperty("user.name"))
                    && !Files.isDirectory(privilegeSeparation)) {
                Files.createDirectories(privilegeSeparation);
            }
            // Another process may take the free port before sshd binds it: then pick another.
            for (int attempt = 1; ; attempt++) {
                Sshd started = startSshd(directory, freePort());
                if (started != null) {
                    sshd = started;
                    return sshd;
                }
                if (attempt == 3) {
                    throw new IllegalStateException(
                            "sshd exited before it listened:\n"
                                    + read(directory.resolve("sshd.log")));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The running sshd, or null if it exited before it listened. */
    private static Sshd startSshd(Path directory, int port) throws IOException {
        Path config = directory.resolve("sshd_config");
        Path log = directory.resolve("sshd.log");
        // With -f, sshd reads no /etc/ssh/sshd_config: this is its whole configuration.
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "ListenAddress 127.0.0.1",
                        "Port " + port,
                        "HostKey " + directory.resolve("host_ed25519"),
                        "AuthorizedKeysFile " + directory.resolve("authorized_keys"),
                        "PidFile " + directory.resolve("sshd.pid"),
                        "PasswordAuthentication no",
                        "KbdInteractiveAuthentication no",
                        "PubkeyAuthentication yes",
                        // The tests run as root, in CI too; a key is the only way in.
                        "PermitRootLogin prohibit-password",
                        // The keys live under /tmp, whose world-writable mode StrictModes refuses.
                        "StrictModes no",
                        // PAM would want the system's account setup, which a test does not need.
                        "UsePAM no",
                        ""));
        Process process =
                new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        process.getOutputStream().close();
        Instant deadline = Instant.now().plus(SSHD_START);
        while (true) {
            if (!process.isAlive()) {
                return null;
            }
            if (greets(port)) {
                return new Sshd(process, port, directory);
            }
            if (Instant.now().isAfter(deadline)) {
                stop(process);
                throw new IllegalStateException(
                        "sshd did not listen on 127.0.0.1:"
                                + port
                                + " within "
                                + SSHD_START
                                + ":\n"
                                + read(log));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop(process);
                throw new IllegalStateException("interrupted starting sshd", e);
            }
        }
    }

    /** Whether an SSH server answers on the port: a bare accepted connection could be anyone. */
    private static boolean greets(int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(2000);
            InputStream in = socket.getInputStream();
            byte[] banner = in.readNBytes(4);
            return new String(banner, StandardCharsets.US_ASCII).equals("SSH-");
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void sshKeygen(Path key, String comment) {
        List<String> command =
                List.of(
                        "ssh-keygen",
                        "-q",
                        "-t",
                        "ed25519",
                        "-N",
                        "",
                        "-C",
                        comment,
                        "-f",
                        key.toString());
        Commands.run(command, Map.of(), null, Duration.ofMinutes(1)).requireSuccess(command);
    }

    private static void stop(Process process) {
        // sshd forks a child per connection, which outlives the listener on SIGTERM.
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Commits the package with {@code MARK = "<mark>"} to main and publishes it.
     *
     * @return the commit's full id
     */
    public String commit(String mark) {
        try {
            Path module = work.resolve(MODULE);
            Files.createDirectories(module);
            Files.writeString(
                    module.resolve("__init__.py"),
                    "\"\"\"Built from a test's git repository.\"\"\"\n\nMARK = \"" + mark + "\"\n");
            git(work, "add", "--all");
            git(
                    work,
                    "-c",
                    "user.name=Terrarium tests",
                    "-c",
                    "user.email=tests@terrarium.invalid",
                    "commit",
                    "--quiet",
                    "--message",
                    mark);
            git(work, "push", "--quiet", "--force", bare.toString(), "main");
            // The dumb protocol reads the refs from info/refs, which only this writes.
            git(bare, "update-server-info");
            return head();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            Path served = bare.getParent();
            Path file = served.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            if (!exchange.getRequestMethod().equals("GET")
                    || !file.startsWith(served)
                    || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = Files.readAllBytes(file);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static String git(Path directory, String... arguments) {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(arguments));
        return Commands.run(command, Map.of(), directory, Duration.ofMinutes(1))
                .requireSuccess(command)
                .output();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (sshd != null) {
                stop(sshd.process());
            }
        }
        server.stop(0);
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The full id of the commit main points at. */
    public String head() {
        return git(work, "rev-parse", "HEAD").strip();
    }

    /** For messages: the branch's commits, newest first. */
    @Override
    public String toString() {
        return url() + " " + git(work, "log", "--format=%H %s").replace('\n', ' ');
    }
}
