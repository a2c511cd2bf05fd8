package dev.terrarium.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.terrarium.registry.AuthChallenge;
import dev.terrarium.registry.Credentials;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

/**
 * Pushes tiny but valid OCI images to a plain-HTTP registry with the distribution API alone: each
 * layer is a tar (gzip-compressed or not) of the given files, uploaded with a monolithic blob
 * upload (POST, then PUT with the digest), then an OCI image config, then the manifest.
 *
 * <p>Authentication is answered the way a pushing client does it, independently of the registry
 * client under test: basic auth, or a bearer token for scope {@code repository:<repo>:pull,push}.
 */
public final class TestImages {

    /** Media type of the manifests {@link #push} writes. */
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    /** Media type of the index {@link #pushIndex} writes. */
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

    private static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    private static final String LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    private static final String LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .version(HttpClient.Version.HTTP_1_1)
                    .build();

    /**
     * One image layer: files by path (no leading slash); a file named {@code .wh.<name>} is a
     * whiteout that deletes {@code <name>} from the layers below.
     */
    public record Layer(Map<String, String> files, boolean gzip) {
        /** A gzip-compressed layer, as builders push them. */
        public static Layer gzip(Map<String, String> files) {
            return new Layer(files, true);
        }

        /** An uncompressed tar layer, which the OCI spec allows too. */
        public static Layer uncompressed(Map<String, String> files) {
            return new Layer(files, false);
        }
    }

    private TestImages() {}

    /**
     * Pushes a one-layer image holding {@code files} as {@code registry/repository:tag}.
     *
     * @return the manifest digest, {@code sha256:...}
     */
    public static String push(
            String registry,
            String repository,
            String tag,
            Map<String, String> files,
            Credentials credentials) {
        return push(registry, repository, tag, List.of(Layer.gzip(files)), credentials);
    }

    /**
     * Pushes an image with the given layers, the first being the bottom one.
     *
     * @return the manifest digest, {@code sha256:...}
     */
    public static String push(
            String registry,
            String repository,
            String tag,
            List<Layer> layers,
            Credentials credentials) {
        Session session = new Session(registry, repository, credentials);
        List<Map<String, Object>> layerDescriptors = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        for (Layer layer : layers) {
            byte[] tar = tar(layer.files());
            byte[] blob = layer.gzip() ? gzip(tar) : tar;
            diffIds.add(sha256(tar));
            String mediaType = layer.gzip() ? LAYER_GZIP : LAYER_TAR;
            layerDescriptors.add(descriptor(mediaType, session.uploadBlob(blob), blob.length));
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("architecture", "amd64");
        config.put("os", "linux");
        config.put("config", Map.of());
        config.put("rootfs", Map.of("type", "layers", "diff_ids", diffIds));
        byte[] configBytes = json(config);

        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", OCI_MANIFEST);
        manifest.put(
                "config",
                descriptor(OCI_CONFIG, session.uploadBlob(configBytes), configBytes.length));
        manifest.put("layers", layerDescriptors);
        return session.putManifest(tag, OCI_MANIFEST, json(manifest));
    }

    /**
     * Pushes an OCI index as {@code registry/repository:tag} listing manifests already in the
     * repository.
     *
     * @param platforms manifest digests by platform, {@code os/architecture}, in index order
     * @return the index digest
     */
    public static String pushIndex(
            String registry,
            String repository,
            String tag,
            Map<String, String> platforms,
            Credentials credentials) {
        Session session = new Session(registry, repository, credentials);
        List<Map<String, Object>> manifests = new ArrayList<>();
        for (Map.Entry<String, String> entry : platforms.entrySet()) {
            String[] osArchitecture = entry.getKey().split("/", 2);
            Map<String, Object> descriptor =
                    descriptor(
                            OCI_MANIFEST, entry.getValue(), session.manifestSize(entry.getValue()));
            descriptor.put(
                    "platform", Map.of("os", osArchitecture[0], "architecture", osArchitecture[1]));
            manifests.add(descriptor);
        }
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2);
        index.put("mediaType", OCI_INDEX);
        index.put("manifests", manifests);
        return session.putManifest(tag, OCI_INDEX, json(index));
    }

    /** The sha256 digest of some bytes, {@code sha256:<hex>}. */
    public static String sha256(byte[] content) {
        try {
            return "sha256:"
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A ustar archive of the files, preceded by entries for their parent directories. */
    public static byte[] tar(Map<String, String> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Set<String> directories = new LinkedHashSet<>();
        for (String path : files.keySet()) {
            for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
                directories.add(path.substring(0, slash + 1));
            }
        }
        for (String directory : directories) {
            writeTarEntry(out, directory, '5', new byte[0]);
        }
        files.forEach(
                (path, content) ->
                        writeTarEntry(out, path, '0', content.getBytes(StandardCharsets.UTF_8)));
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private static void writeTarEntry(
            ByteArrayOutputStream out, String path, char type, byte[] content) {
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        if (name.length > 100) {
            throw new IllegalArgumentException("test image paths are at most 100 bytes: " + path);
        }
        byte[] header = new byte[512];
        System.arraycopy(name, 0, header, 0, name.length);
        writeOctal(header, 100, 8, type == '5' ? 0755 : 0644);
        writeOctal(header, 108, 8, 0);
        writeOctal(header, 116, 8, 0);
        writeOctal(header, 124, 12, content.length);
        writeOctal(header, 136, 12, 0);
        header[156] = (byte) type;
        System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, header, 257, 6);
        header[263] = '0';
        header[264] = '0';
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        long checksum = 0;
        for (byte b : header) {
            checksum += b & 0xff;
        }
        writeOctal(header, 148, 7, checksum);
        out.writeBytes(header);
        out.writeBytes(content);
        out.writeBytes(new byte[(512 - content.length % 512) % 512]);
    }

    /** Zero-padded octal of {@code length - 1} digits followed by a NUL. */
    private static void writeOctal(byte[] header, int offset, int length, long value) {
        String octal = String.format("%0" + (length - 1) + "o", value);
        System.arraycopy(octal.getBytes(StandardCharsets.US_ASCII), 0, header, offset, length - 1);
        header[offset + length - 1] = 0;
    }

    private static byte[] gzip(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static Map<String, Object> descriptor(String mediaType, String digest, long size) {
        Map<String, Object> descriptor = new LinkedHashMap<>();
        descriptor.put("mediaType", mediaType);
        descriptor.put("digest", digest);
        descriptor.put("size", size);
        return descriptor;
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Requests to one repository, answering the registry's authentication challenge once and
     * keeping the answer.
     */
    private static final class Session {
        private final String base;
        private final String repository;
        private final Credentials credentials;
        private String authorization;

        Session(String registry, String repository, Credentials credentials) {
            this.base = "http://" + registry;
            this.repository = repository;
            this.credentials = credentials == null ? Credentials.ANONYMOUS : credentials;
        }

        String uploadBlob(byte[] blob) {
            String digest = sha256(blob);
            HttpResponse<String> started =
                    send(
                            HttpRequest.newBuilder(uri("/v2/" + repository + "/blobs/uploads/"))
                                    .POST(HttpRequest.BodyPublishers.noBody()));
            expect(started, 202, "starting a blob upload");
            URI location =
                    URI.create(base)
                            .resolve(started.headers().firstValue("Location").orElseThrow());
            String separator = location.getRawQuery() == null ? "?" : "&";
            URI finish =
                    URI.create(
                            location
                                    + separator
                                    + "digest="
                                    + URLEncoder.encode(digest, StandardCharsets.UTF_8));
            HttpResponse<String> finished =
                    send(
                            HttpRequest.newBuilder(finish)
                                    .header("Content-Type", "application/octet-stream")
                                    .PUT(HttpRequest.BodyPublishers.ofByteArray(blob)));
            expect(finished, 201, "uploading blob " + digest);
            return digest;
        }

        String putManifest(String tag, String mediaType, byte[] manifest) {
            HttpResponse<String> response =
                    send(
                            HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + tag))
                                    .header("Content-Type", mediaType)
                                    .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)));
            expect(response, 201, "putting manifest " + tag);
            String digest = sha256(manifest);
            String reported = response.headers().firstValue("Docker-Content-Digest").orElse(digest);
            if (!reported.equals(digest)) {
                throw new IllegalStateException(
                        "registry says manifest digest " + reported + ", content is " + digest);
            }
            return digest;
        }

        long manifestSize(String digest) {
            HttpResponse<String> response =
                    send(
                            HttpRequest.newBuilder(
                                            uri("/v2/" + repository + "/manifests/" + digest))
                                    .header("Accept", OCI_MANIFEST + ", " + OCI_INDEX)
                                    .method("HEAD", HttpRequest.BodyPublishers.noBody()));
            expect(response, 200, "reading manifest " + digest);
            return Long.parseLong(response.headers().firstValue("Content-Length").orElseThrow());
        }

        private HttpResponse<String> send(HttpRequest.Builder request) {
            HttpRequest template = request.timeout(Duration.ofSeconds(30)).build();
            HttpResponse<String> response = exchange(template, authorization);
            if (response.statusCode() == 401 && authorize(response)) {
                response = exchange(template, authorization);
            }
            return response;
        }

        private boolean authorize(HttpResponse<String> challenged) {
            List<AuthChallenge> challenges =
                    AuthChallenge.parseAll(challenged.headers().allValues("WWW-Authenticate"));
            for (AuthChallenge challenge : challenges) {
                if (challenge.isScheme("Basic") && credentials.hasPassword()) {
                    authorization = basic();
                    return true;
                }
                if (challenge.isScheme("Bearer")) {
                    authorization = "Bearer " + token(challenge);
                    return true;
                }
            }
            return false;
        }

        private String token(AuthChallenge challenge) {
            String query =
                    "service="
                            + URLEncoder.encode(
                                    challenge.parameter("service").orElse(""),
                                    StandardCharsets.UTF_8)
                            + "&scope="
                            + URLEncoder.encode(
                                    "repository:" + repository + ":pull,push",
                                    StandardCharsets.UTF_8);
            HttpRequest.Builder request =
                    HttpRequest.newBuilder(
                                    URI.create(
                                            challenge.parameter("realm").orElseThrow()
                                                    + "?"
                                                    + query))
                            .timeout(Duration.ofSeconds(30));
            if (credentials.hasPassword()) {
                request.header("Authorization", basic());
            }
            HttpResponse<String> response = exchange(request.build(), null);
            expect(response, 200, "fetching a push token");
            try {
                return JSON.readTree(response.body()).path("token").asText();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private String basic() {
            return "Basic "
                    + Base64.getEncoder()
                            .encodeToString(
                                    (credentials.username() + ":" + credentials.password())
                                            .getBytes(StandardCharsets.UTF_8));
        }

        private HttpResponse<String> exchange(HttpRequest template, String withAuthorization) {
            HttpRequest.Builder request = HttpRequest.newBuilder(template, (name, value) -> true);
            if (withAuthorization != null) {
                request.setHeader("Authorization", withAuthorization);
            }
            try {
                return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        private URI uri(String path) {
            return URI.create(base + path);
        }

        private static void expect(HttpResponse<String> response, int status, String what) {
            if (response.statusCode() != status) {
                throw new IllegalStateException(
                        what + ": HTTP " + response.statusCode() + " " + response.body());
            }
        }
    }
}
