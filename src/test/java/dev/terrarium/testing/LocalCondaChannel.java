package dev.terrarium.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * Two conda channels, {@code main} and {@code extra}, made for a test by
 * src/test/python/conda_channel.py (synthetic packages in both package formats, indexed with
 * py-rattler's index_fs; see that script for what each package is made to show) and served
 * read-only over HTTP on 127.0.0.1 by a static file server, as a channel host serves them. With
 * {@link #alias()} as the channel alias the channels are found by their names, as conda-forge is
 * under the public alias. {@link #startWithBasicAuth}, {@link #startWithBearerToken} and {@link
 * #startWithCondaToken} serve them behind credentials instead, as private channel hosts do, and
 * record every request and its status.
 *
 * <p>Needs python3 with py-rattler (hack/prereqs.sh installs it).
 */
public final class LocalCondaChannel implements AutoCloseable {

    public static final String MAIN = "main";
    public static final String EXTRA = "extra";

    private final Path root;
    private final HttpServer server;

    /** The Authorization header every request must carry; null for open channels. */
    private final String expectedAuthorization;

    /** The token every request's path must start with, as {@code /t/<token>/}; null for none. */
    private final String pathToken;

    private final List<LocalPackageIndex.Request> requests = new CopyOnWriteArrayList<>();

    private LocalCondaChannel(
            Path root, HttpServer server, String expectedAuthorization, String pathToken) {
        this.root = root;
        this.server = server;
        this.expectedAuthorization = expectedAuthorization;
        this.pathToken = pathToken;
    }

    private static LocalCondaChannel shared;

    /**
     * The channels of the whole test run, started on first use and stopped when the JVM exits: the
     * operator's channel alias in integration tests, which must stay the same for as long as the
     * operator runs.
     */
    public static synchronized LocalCondaChannel shared() {
        if (shared == null) {
            LocalCondaChannel channel = start();
            Runtime.getRuntime().addShutdownHook(new Thread(channel::close, "conda-channel-stop"));
            shared = channel;
        }
        return shared;
    }

    /**
     * Makes the channels under target/conda-channels and serves them on a free port of 127.0.0.1.
     */
    public static LocalCondaChannel start() {
        return start(null);
    }

    /**
     * As {@link #start()}, but every request needs the basic-auth credentials of {@code user} with
     * {@code password}; others get 401.
     */
    public static LocalCondaChannel startWithBasicAuth(String user, String password) {
        return start(
                "Basic "
                        + Base64.getEncoder()
                                .encodeToString(
                                        (user + ":" + password).getBytes(StandardCharsets.UTF_8)),
                null);
    }

    /**
     * As {@link #start()}, but every request needs {@code Authorization: Bearer <token>}, as
     * prefix.dev's private channels do; others get 401.
     */
    public static LocalCondaChannel startWithBearerToken(String token) {
        return start("Bearer " + token, null);
    }

    /**
     * As {@link #start()}, but every request's path must start with {@code /t/<token>/}, as
     * anaconda.org's and quetz's private channels take a token; others get 401. The channels' URLs
     * ({@link #channelUrl}, {@link #url}) are without the token, as a spec names them.
     */
    public static LocalCondaChannel startWithCondaToken(String token) {
        return start(null, token);
    }

    private static LocalCondaChannel start(String expectedAuthorization) {
        return start(expectedAuthorization, null);
    }

    private static LocalCondaChannel start(String expectedAuthorization, String pathToken) {
        Path repo = LocalControlPlane.repoDir();
        Path root =
                repo.resolve("target/conda-channels")
                        .resolve(UUID.randomUUID().toString().substring(0, 8));
        List<String> command =
                List.of(
                        "python3",
                        repo.resolve("src/test/python/conda_channel.py").toString(),
                        root.toString());
        Commands.Result made = Commands.run(command, Map.of(), repo, Duration.ofMinutes(2));
        if (made.exitCode() != 0) {
            throw new IllegalStateException(
                    "cannot make the test conda channels (python3 needs py-rattler: run "
                            + "hack/prereqs.sh): "
                            + made.output());
        }
        try {
            HttpServer server =
                    HttpServer.create(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            server.setExecutor(
                    Executors.newFixedThreadPool(
                            4,
                            runnable -> {
                                Thread thread = new Thread(runnable, "conda-channel");
                                thread.setDaemon(true);
                                return thread;
                            }));
            LocalCondaChannel channel =
                    new LocalCondaChannel(root, server, expectedAuthorization, pathToken);
            server.createContext("/", channel::serve);
            server.start();
            return channel;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The channel alias under which {@link #MAIN} and {@link #EXTRA} are found: {@code
     * http://127.0.0.1:<port>/}.
     */
    public String alias() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /**
     * The URL of a package file, as a solver's record names it: {@code
     * main/noarch/greet-1.5-fast_0.conda}.
     */
    public String url(String path) {
        return alias() + path;
    }

    /** The URL of a channel, as spec.channels takes it: {@code http://127.0.0.1:<port>/main}. */
    public String channelUrl(String channel) {
        return alias() + channel;
    }

    /** Every request served so far, with its status, in order. */
    public List<LocalPackageIndex.Request> requests() {
        return List.copyOf(requests);
    }

    /** The sha256 of a package file of the channels, in lower-case hex. */
    public String sha256(String path) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(Files.readAllBytes(file(path))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The md5 of a package file of the channels, in lower-case hex. */
    public String md5(String path) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("MD5")
                                    .digest(Files.readAllBytes(file(path))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The line of an @EXPLICIT list that names this package file: its URL and sha256. */
    public String explicitLine(String path) {
        return url(path) + "#" + sha256(path);
    }

    private Path file(String path) {
        Path file = root.resolve(path).normalize();
        if (!file.startsWith(root)) {
            throw new IllegalArgumentException("outside the channels: " + path);
        }
        return file;
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            boolean tokenInPath = pathToken != null && path.startsWith("/t/" + pathToken + "/");
            if (tokenInPath) {
                path = path.substring(("/t/" + pathToken).length());
            }
            if ((pathToken != null && !tokenInPath)
                    || (expectedAuthorization != null
                            && !expectedAuthorization.equals(
                                    exchange.getRequestHeaders().getFirst("Authorization")))) {
                requests.add(new LocalPackageIndex.Request(path, 401));
                exchange.getResponseHeaders()
                        .set("WWW-Authenticate", "Basic realm=\"terrarium-test-channel\"");
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            Path file = root.resolve(path.substring(1)).normalize();
            if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                requests.add(new LocalPackageIndex.Request(path, 404));
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            requests.add(new LocalPackageIndex.Request(path, 200));
            byte[] body = Files.readAllBytes(file);
            exchange.getResponseHeaders().set("Content-Type", contentType(file));
            if (method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Content-Length", Long.toString(body.length));
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static String contentType(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".json") ? "application/json" : "application/octet-stream";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
