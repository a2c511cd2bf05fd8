package dev.terrarium.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * A git repository of one pure-Python package for a test, served over git's dumb HTTP protocol (a
 * bare repository's files, as a static web server serves them) on 127.0.0.1: what a build clones
 * for a {@code git+http://127.0.0.1:<port>/<name>.git@main} requirement. {@link #commit} moves the
 * branch {@code main}, as a team pushes to a branch that an environment names.
 *
 * <p>The package ({@code import terrarium_gitpkg}) says which commit it was built from in {@code
 * MARK}; its build backend (flit_core) comes from the default index, as a git checkout's does.
 */
public final class LocalGitRepository implements AutoCloseable {

    public static final String MODULE = "terrarium_gitpkg";

    private final Path root;
    private final Path bare;
    private final Path work;
    private final HttpServer server;

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
