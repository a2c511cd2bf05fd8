package dev.terrarium.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayOutputStream;
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
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.net.ssl.SSLContext;

/**
 * A private Python package index for a test: a static PEP 503 simple index of one pure-Python
 * wheel, made here, served over HTTP on 127.0.0.1 behind basic auth, as a company's index serves
 * its packages. Every request without the right credentials gets 401; {@link #requests()} records
 * who asked for what, and whether the credentials were right.
 */
public final class LocalPackageIndex implements AutoCloseable {

    /** One request the index answered. */
    public record Request(String path, int status) {}

    private final HttpServer server;
    private final String project;
    private final String version;
    private final String expectedAuthorization;
    private final String wheelName;
    private final byte[] wheel;
    private final Map<String, Path> otherWheels;
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private LocalPackageIndex(
            HttpServer server,
            String project,
            String version,
            String user,
            String password,
            Map<String, Path> otherWheels) {
        this.server = server;
        this.project = project;
        this.version = version;
        this.otherWheels = Map.copyOf(otherWheels);
        this.expectedAuthorization =
                user == null
                        ? null
                        : "Basic "
                                + Base64.getEncoder()
                                        .encodeToString(
                                                (user + ":" + password)
                                                        .getBytes(StandardCharsets.UTF_8));
        this.wheelName = module() + "-" + version + "-py3-none-any.whl";
        this.wheel = wheel(module(), project, version);
    }

    /**
     * Starts an index of {@code project}=={@code version} on a free port of 127.0.0.1 that admits
     * {@code user} with {@code password} only.
     */
    public static LocalPackageIndex start(
            String project, String version, String user, String password) {
        return start(project, version, user, password, Map.of(), null);
    }

    /**
     * Starts an index without credentials, as a mirror of the public index is: {@code
     * project}=={@code version}, and each project of {@code otherWheels} with that one wheel file,
     * such as a real release downloaded for the test.
     */
    public static LocalPackageIndex startOpen(
            String project, String version, Map<String, Path> otherWheels) {
        return start(project, version, null, null, otherWheels, null);
    }

    /**
     * {@link #startOpen}, over HTTPS with {@code tls}'s certificate: a mirror behind a private CA.
     */
    public static LocalPackageIndex startOpenTls(
            String project, String version, Map<String, Path> otherWheels, SSLContext tls) {
        return start(project, version, null, null, otherWheels, tls);
    }

    private static LocalPackageIndex start(
            String project,
            String version,
            String user,
            String password,
            Map<String, Path> otherWheels,
            SSLContext tls) {
        try {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            HttpServer server;
            if (tls == null) {
                server = HttpServer.create(address, 16);
            } else {
                HttpsServer https = HttpsServer.create(address, 16);
                https.setHttpsConfigurator(new HttpsConfigurator(tls));
                server = https;
            }
            server.setExecutor(
                    Executors.newFixedThreadPool(
                            2,
                            runnable -> {
                                Thread thread = new Thread(runnable, "package-index");
                                thread.setDaemon(true);
                                return thread;
                            }));
            LocalPackageIndex index =
                    new LocalPackageIndex(server, project, version, user, password, otherWheels);
            server.createContext("/", index::serve);
            server.start();
            return index;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The index URL, as pip's --extra-index-url takes it: {@code http://127.0.0.1:<port>/simple/}.
     */
    public String url() {
        return (server instanceof HttpsServer ? "https" : "http")
                + "://127.0.0.1:"
                + server.getAddress().getPort()
                + "/simple/";
    }

    /** The URL of the project's wheel, as a lock file names the artifact. */
    public String wheelUrl() {
        return url().replace("/simple/", "/files/" + wheelName);
    }

    /** The sha256 of the project's wheel, in hex. */
    public String wheelSha256() {
        return sha256Hex(wheel);
    }

    /** The Python module the wheel installs, which imports as {@code VERSION == version}. */
    public String module() {
        return project.replace('-', '_');
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (expectedAuthorization != null
                    && !expectedAuthorization.equals(
                            exchange.getRequestHeaders().getFirst("Authorization"))) {
                requests.add(new Request(path, 401));
                exchange.getResponseHeaders()
                        .set("WWW-Authenticate", "Basic realm=\"terrarium-test-index\"");
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            byte[] body;
            String type;
            if (path.equals("/simple/")) {
                body = page("<a href=\"/simple/" + project + "/\">" + project + "</a>");
                type = "text/html";
            } else if (path.equals("/simple/" + project + "/")) {
                body =
                        page(
                                "<a href=\"/files/"
                                        + wheelName
                                        + "#sha256="
                                        + sha256Hex(wheel)
                                        + "\">"
                                        + wheelName
                                        + "</a>");
                type = "text/html";
            } else if (path.equals("/files/" + wheelName)) {
                body = wheel;
                type = "application/octet-stream";
            } else if (otherWheels.containsKey(projectOf(path))) {
                Path file = otherWheels.get(projectOf(path));
                String name = file.getFileName().toString();
                if (path.startsWith("/simple/")) {
                    body =
                            page(
                                    "<a href=\"/files/"
                                            + name
                                            + "#sha256="
                                            + sha256Hex(Files.readAllBytes(file))
                                            + "\">"
                                            + name
                                            + "</a>");
                    type = "text/html";
                } else {
                    body = Files.readAllBytes(file);
                    type = "application/octet-stream";
                }
            } else {
                requests.add(new Request(path, 404));
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            requests.add(new Request(path, 200));
            exchange.getResponseHeaders().set("Content-Type", type);
            if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().set("Content-Length", Long.toString(body.length));
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /**
     * The project a path of another wheel is about: {@code /simple/<project>/}, or {@code
     * /files/<wheel>} whose name starts with the project's.
     */
    private String projectOf(String path) {
        if (path.startsWith("/simple/") && path.endsWith("/")) {
            return path.substring("/simple/".length(), path.length() - 1);
        }
        for (Map.Entry<String, Path> other : otherWheels.entrySet()) {
            if (path.equals("/files/" + other.getValue().getFileName())) {
                return other.getKey();
            }
        }
        return "";
    }

    private static byte[] page(String links) {
        return ("<!DOCTYPE html>\n<html><body>\n" + links + "\n</body></html>\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A pure-Python wheel: the module, and the dist-info's METADATA, WHEEL and RECORD (every file
     * with its urlsafe-base64 sha256 and size), as installers check it.
     */
    static byte[] wheel(String module, String project, String version) {
        String distInfo = module + "-" + version + ".dist-info/";
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(
                module + "/__init__.py",
                ("VERSION = \"" + version + "\"\n").getBytes(StandardCharsets.UTF_8));
        files.put(
                distInfo + "METADATA",
                ("Metadata-Version: 2.1\nName: " + project + "\nVersion: " + version + "\n")
                        .getBytes(StandardCharsets.UTF_8));
        files.put(
                distInfo + "WHEEL",
                ("Wheel-Version: 1.0\nGenerator: terrarium-tests\nRoot-Is-Purelib: true\n"
                                + "Tag: py3-none-any\n")
                        .getBytes(StandardCharsets.UTF_8));
        StringBuilder record = new StringBuilder();
        files.forEach(
                (name, content) ->
                        record.append(name)
                                .append(",sha256=")
                                .append(
                                        Base64.getUrlEncoder()
                                                .withoutPadding()
                                                .encodeToString(sha256(content)))
                                .append(',')
                                .append(content.length)
                                .append('\n'));
        record.append(distInfo).append("RECORD,,\n");
        files.put(distInfo + "RECORD", record.toString().getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(file.getKey()));
                zip.write(file.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static String sha256Hex(byte[] content) {
        return HexFormat.of().formatHex(sha256(content));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
