package dev.terrarium.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.terrarium.registry.AuthChallenge;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The image puller of the test node, what containerd does for a kubelet: resolves an image
 * reference with the registry API (an index resolves to its linux/amd64 manifest), authenticates
 * with the pod's pull credentials (basic, or a bearer token from the registry's realm), downloads
 * the config and layers, checks their digests, and unpacks the layers (with whiteouts) into a root
 * filesystem cached by manifest digest, shared by every container of that image and never written
 * by them. The unpacking itself is done by terrarium-node-runtime chrooted into the new root, so
 * that an image's symlinks cannot make it write outside.
 *
 * <p>Registries on 127.0.0.1 and localhost are spoken to over plain HTTP, as containerd does for
 * localhost; others over HTTPS. Resolved tags are remembered for this node's lifetime (pull policy
 * IfNotPresent and Never), unpacked roots under the cache directory, shared by the test runs of
 * this machine since a digest names its content, until the image garbage collection deletes them
 * (see {@link ImageGarbageCollection}): each image records its size and, in the modification time
 * of a file, when a node last used it.
 */
final class ImagePuller {

    /** An image ready to run: its reference, manifest digest, unpacked root and config. */
    record Image(
            String reference, String digest, Path rootfs, ImageConfig config, String repository) {
        /** The image ID a kubelet reports: repository@digest. */
        String imageId() {
            return repository + "@" + digest;
        }
    }

    /** The run defaults of an image config. */
    record ImageConfig(
            List<String> entrypoint,
            List<String> cmd,
            List<String> env,
            String workingDir,
            String user) {}

    /** Credentials for one registry, from a pull secret. */
    record RegistryAuth(String registry, String username, String password) {}

    /** Why an image could not be pulled, worded for the container's waiting message. */
    static final class PullException extends Exception {
        PullException(String message) {
            super(message);
        }
    }

    private static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final String DOCKER_LIST =
            "application/vnd.docker.distribution.manifest.list.v2+json";
    private static final String DOCKER_MANIFEST =
            "application/vnd.docker.distribution.manifest.v2+json";
    private static final Set<String> LAYER_TYPES =
            Set.of(
                    "application/vnd.oci.image.layer.v1.tar",
                    "application/vnd.oci.image.layer.v1.tar+gzip",
                    "application/vnd.docker.image.rootfs.diff.tar.gzip");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SIZE = "bytes";
    private static final String LAST_USED = "last-used";
    private static final HttpClient HTTP =
            HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .version(HttpClient.Version.HTTP_1_1)
                    .build();

    private final Path cache;
    private final NodeRuntime runtime;
    private final Map<String, String> resolvedTags = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Map<String, Integer> inUse = new HashMap<>();
    private final ImageGarbageCollection.Policy policy;

    ImagePuller(Path cache, NodeRuntime runtime, ImageGarbageCollection.Policy policy) {
        this.cache = cache;
        this.runtime = runtime;
        this.policy = policy;
    }

    /**
     * The image, pulled when the policy says so: Always asks the registry for the reference's
     * digest; IfNotPresent and Never use what this node already resolved.
     */
    Image pull(String reference, String pullPolicy, List<RegistryAuth> credentials)
            throws PullException {
        Reference ref = Reference.parse(reference);
        String known = ref.digest != null ? ref.digest : resolvedTags.get(reference);
        if (!"Always".equals(pullPolicy) && known != null && retainIfPresent(known)) {
            System.out.printf(
                    "test node: image %s is present (pull policy %s)%n",
                    named(reference, known), pullPolicy);
            return retained(reference, ref, known);
        }
        if ("Never".equals(pullPolicy)) {
            throw new PullException(
                    "Container image \""
                            + reference
                            + "\" is not present with pull policy of Never");
        }
        long start = System.nanoTime();
        try {
            Session session = Session.open(ref, credentials);
            Manifest manifest = session.manifest(ref.digest != null ? ref.digest : ref.tag);
            if (ref.digest != null && !ref.digest.equals(manifest.digest)) {
                throw new PullException(
                        "manifest of " + reference + " has digest " + manifest.digest);
            }
            String how = "already unpacked";
            synchronized (locks.computeIfAbsent(manifest.digest, d -> new Object())) {
                if (!retainIfPresent(manifest.digest)) {
                    collectGarbage();
                    how = unpack(session, manifest);
                    if (!retainIfPresent(manifest.digest)) {
                        throw new PullException(
                                "image " + manifest.digest + " was deleted as it was unpacked");
                    }
                }
            }
            System.out.printf(
                    "test node: pulled %s in %d ms, %s%n",
                    named(reference, manifest.digest),
                    (System.nanoTime() - start) / 1_000_000,
                    how);
            resolvedTags.put(reference, manifest.digest);
            return retained(reference, ref, manifest.digest);
        } catch (IOException e) {
            throw new PullException(
                    "failed to pull and unpack image \""
                            + reference
                            + "\": "
                            + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PullException("interrupted pulling " + reference);
        }
    }

    private static String named(String reference, String digest) {
        return reference.contains("@") ? reference : reference + " (" + digest + ")";
    }

    private Path imageDir(String digest) {
        return cache.resolve(digest.replace(':', '-'));
    }

    private Path rootfs(String digest) {
        return imageDir(digest).resolve("rootfs");
    }

    /**
     * Counts one more container of the image, which then is in use until {@link #release}, if the
     * image is unpacked; atomic with the garbage collection's choice of what to delete.
     */
    private synchronized boolean retainIfPresent(String digest) {
        if (!Files.isDirectory(rootfs(digest))) {
            return false;
        }
        inUse.merge(digest, 1, Integer::sum);
        markUsed(digest);
        return true;
    }

    /** A container of the image has ended: the image may be collected once unused long enough. */
    void release(Image image) {
        release(image.digest());
    }

    private synchronized void release(String digest) {
        inUse.computeIfPresent(digest, (d, count) -> count == 1 ? null : count - 1);
        markUsed(digest);
    }

    /**
     * Renews the last use of the images this node's containers run, so that another test run's
     * collection, which knows only the time, keeps them.
     */
    synchronized void markInUse() {
        inUse.keySet().forEach(this::markUsed);
    }

    private void markUsed(String digest) {
        try {
            Files.writeString(imageDir(digest).resolve(LAST_USED), Instant.now().toString());
        } catch (IOException e) {
            // Only the protection from another test run's collection is lost; a running container
            // keeps its root, which this node's collection never takes.
            System.out.printf("test node: cannot mark the use of %s: %s%n", digest, e);
        }
    }

    /**
     * Deletes what {@link ImageGarbageCollection} chooses, and what a test run that ended midway
     * left half made. The choice and the renaming out of the cache happen under this puller's lock,
     * so that no container of this node is given an image being deleted; the deleting does not hold
     * it.
     */
    void collectGarbage() {
        long start = System.nanoTime();
        List<Path> doomed = new ArrayList<>();
        long freed = 0;
        long kept;
        long free;
        try {
            Files.createDirectories(cache);
            synchronized (this) {
                List<ImageGarbageCollection.CachedImage> images = new ArrayList<>();
                Instant stale = Instant.now().minus(policy.minAge());
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(cache)) {
                    for (Path entry : entries) {
                        String name = entry.getFileName().toString();
                        if (name.startsWith(".")) {
                            if (Files.getLastModifiedTime(entry).toInstant().isBefore(stale)) {
                                doomed.add(entry);
                            }
                        } else if (Files.isDirectory(entry.resolve("rootfs"))) {
                            images.add(cachedImage(entry));
                        }
                    }
                }
                free = Files.getFileStore(cache).getUsableSpace();
                List<ImageGarbageCollection.CachedImage> victims =
                        ImageGarbageCollection.victims(
                                images, inUse.keySet(), free, Instant.now(), policy);
                for (ImageGarbageCollection.CachedImage victim : victims) {
                    Path trash = cache.resolve(".trash-" + UUID.randomUUID());
                    Files.move(imageDir(victim.digest()), trash, StandardCopyOption.ATOMIC_MOVE);
                    doomed.add(trash);
                    freed += victim.bytes();
                }
                kept = images.stream().mapToLong(ImageGarbageCollection.CachedImage::bytes).sum();
                kept -= freed;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot collect the images of " + cache, e);
        }
        for (Path entry : doomed) {
            try {
                NodeRuntime.removeTree(entry);
            } catch (UncheckedIOException e) {
                // Another test run's collection is deleting the same leftover.
                System.out.printf("test node: cannot delete %s: %s%n", entry, e.getCause());
            }
        }
        if (!doomed.isEmpty()) {
            System.out.printf(
                    "test node: image garbage collection deleted %d entries, %d MB, in %d ms;"
                            + " %d MB of images kept, %d MB were free%n",
                    doomed.size(),
                    freed / 1_000_000,
                    (System.nanoTime() - start) / 1_000_000,
                    kept / 1_000_000,
                    free / 1_000_000);
        }
    }

    private ImageGarbageCollection.CachedImage cachedImage(Path dir) throws IOException {
        Path lastUsed = dir.resolve(LAST_USED);
        // Read first: recording a size below changes the directory's time.
        Instant used =
                Files.getLastModifiedTime(Files.exists(lastUsed) ? lastUsed : dir).toInstant();
        Path sizeFile = dir.resolve(SIZE);
        long bytes;
        if (Files.isRegularFile(sizeFile)) {
            bytes = Long.parseLong(Files.readString(sizeFile).strip());
        } else {
            // Unpacked before images recorded their size.
            bytes = treeSize(dir.resolve("rootfs"));
            Files.writeString(sizeFile, Long.toString(bytes));
            Files.writeString(lastUsed, used.toString());
            Files.setLastModifiedTime(lastUsed, FileTime.from(used));
        }
        return new ImageGarbageCollection.CachedImage(
                dir.getFileName().toString().replaceFirst("-", ":"), bytes, used);
    }

    private static long treeSize(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(file -> Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS))
                    .mapToLong(
                            file -> {
                                try {
                                    return Files.size(file);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            })
                    .sum();
        }
    }

    private Image retained(String reference, Reference ref, String digest) throws PullException {
        try {
            return cached(reference, ref, digest);
        } catch (PullException | RuntimeException e) {
            release(digest);
            throw e;
        }
    }

    private Image cached(String reference, Reference ref, String digest) throws PullException {
        try {
            JsonNode config =
                    JSON.readTree(imageDir(digest).resolve("config.json").toFile()).path("config");
            ImageConfig run =
                    new ImageConfig(
                            strings(config.path("Entrypoint")),
                            strings(config.path("Cmd")),
                            strings(config.path("Env")),
                            config.path("WorkingDir").asText(""),
                            config.path("User").asText(""));
            return new Image(
                    reference, digest, rootfs(digest), run, ref.registry + "/" + ref.repository);
        } catch (IOException e) {
            throw new PullException(
                    "cannot read the config of " + reference + ": " + e.getMessage());
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    /** Downloads and unpacks the image; says how much and how long, for the node's log. */
    private String unpack(Session session, Manifest manifest)
            throws IOException, InterruptedException, PullException {
        Path staging = cache.resolve(".staging-" + UUID.randomUUID());
        Files.createDirectories(staging.resolve("rootfs"));
        try {
            JsonNode descriptor = manifest.body.path("config");
            Path config = staging.resolve("config.json");
            session.blob(descriptor.path("digest").asText(), config);
            List<Path> layers = new ArrayList<>();
            long downloadStart = System.nanoTime();
            long bytes = 0;
            for (JsonNode layer : manifest.body.path("layers")) {
                String mediaType = layer.path("mediaType").asText();
                if (!LAYER_TYPES.contains(mediaType)) {
                    throw new PullException(
                            "layer media type " + mediaType + " is not supported by the test node");
                }
                Path file = staging.resolve("layer-" + layers.size());
                session.blob(layer.path("digest").asText(), file);
                bytes += Files.size(file);
                layers.add(file);
            }
            long unpackStart = System.nanoTime();
            runtime.unpack(staging.resolve("rootfs"), layers);
            String how =
                    String.format(
                            "downloaded %d layers, %d MB, in %d ms, unpacked in %d ms",
                            layers.size(),
                            bytes / 1_000_000,
                            (unpackStart - downloadStart) / 1_000_000,
                            (System.nanoTime() - unpackStart) / 1_000_000);
            for (Path layer : layers) {
                Files.delete(layer);
            }
            Files.writeString(
                    staging.resolve(SIZE), Long.toString(treeSize(staging.resolve("rootfs"))));
            Files.writeString(staging.resolve(LAST_USED), Instant.now().toString());
            Files.createDirectories(cache);
            try {
                Files.move(staging, imageDir(manifest.digest), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (!Files.isDirectory(rootfs(manifest.digest))) {
                    throw e;
                }
                // Another node process (another test run) unpacked the same digest first: the same
                // content.
                NodeRuntime.removeTree(staging);
            }
            return how;
        } catch (IOException | RuntimeException | PullException e) {
            NodeRuntime.removeTree(staging);
            throw e;
        }
    }

    /** registry/repository[:tag][@digest], with Docker Hub's defaults. */
    record Reference(String registry, String repository, String tag, String digest) {
        static Reference parse(String image) throws PullException {
            String rest = image;
            String digest = null;
            int at = rest.indexOf('@');
            if (at >= 0) {
                digest = rest.substring(at + 1);
                rest = rest.substring(0, at);
            }
            String registry = "docker.io";
            int slash = rest.indexOf('/');
            if (slash > 0) {
                String first = rest.substring(0, slash);
                if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                    registry = first;
                    rest = rest.substring(slash + 1);
                }
            }
            String tag = "latest";
            int colon = rest.lastIndexOf(':');
            if (colon > rest.lastIndexOf('/')) {
                tag = rest.substring(colon + 1);
                rest = rest.substring(0, colon);
            }
            if (registry.equals("docker.io") && !rest.contains("/")) {
                rest = "library/" + rest;
            }
            if (rest.isEmpty()) {
                throw new PullException("invalid image reference \"" + image + "\"");
            }
            return new Reference(registry, rest, tag, digest);
        }

        String endpoint() {
            String host = registry.equals("docker.io") ? "registry-1.docker.io" : registry;
            boolean local =
                    host.startsWith("127.0.0.1")
                            || host.startsWith("localhost")
                            || host.startsWith("[::1]");
            return (local ? "http://" : "https://") + host;
        }

        boolean matches(String secretRegistry) {
            String key = secretRegistry.replaceFirst("^[a-z]+://", "");
            int path = key.indexOf('/');
            if (path >= 0) {
                key = key.substring(0, path);
            }
            if (registry.equals("docker.io")) {
                return Set.of("docker.io", "index.docker.io", "registry-1.docker.io").contains(key);
            }
            return key.equals(registry);
        }
    }

    private record Manifest(String digest, JsonNode body) {}

    /** Requests to one repository, with the credentials that the registry accepted. */
    private static final class Session {
        private final Reference ref;
        private final RegistryAuth auth;
        private String authorization;

        private Session(Reference ref, RegistryAuth auth) {
            this.ref = ref;
            this.auth = auth;
        }

        /**
         * Tries each matching credential in turn, as a kubelet does, and anonymous access when none
         * matches.
         */
        static Session open(Reference ref, List<RegistryAuth> credentials)
                throws IOException, InterruptedException, PullException {
            List<RegistryAuth> candidates =
                    credentials.stream().filter(c -> ref.matches(c.registry())).toList();
            if (candidates.isEmpty()) {
                candidates = new ArrayList<>();
                candidates.add(null);
            }
            PullException last = null;
            for (RegistryAuth candidate : candidates) {
                Session session = new Session(ref, candidate);
                HttpResponse<byte[]> response =
                        session.send(
                                session.request("/v2/")
                                        .method("GET", HttpRequest.BodyPublishers.noBody()));
                if (response.statusCode() == 200) {
                    return session;
                }
                last =
                        new PullException(
                                "authorization failed: "
                                        + ref.endpoint()
                                        + "/v2/ answered HTTP "
                                        + response.statusCode());
            }
            throw last;
        }

        Manifest manifest(String reference)
                throws IOException, InterruptedException, PullException {
            Manifest manifest = fetchManifest(reference);
            String mediaType = manifest.body.path("mediaType").asText();
            if (mediaType.equals(OCI_INDEX)
                    || mediaType.equals(DOCKER_LIST)
                    || manifest.body.has("manifests")) {
                for (JsonNode entry : manifest.body.path("manifests")) {
                    JsonNode platform = entry.path("platform");
                    if (platform.path("os").asText().equals("linux")
                            && platform.path("architecture").asText().equals("amd64")) {
                        return fetchManifest(entry.path("digest").asText());
                    }
                }
                throw new PullException(
                        "no matching manifest for linux/amd64 in the manifest list entries");
            }
            return manifest;
        }

        private Manifest fetchManifest(String reference)
                throws IOException, InterruptedException, PullException {
            HttpResponse<byte[]> response =
                    send(
                            request("/v2/" + ref.repository + "/manifests/" + reference)
                                    .header(
                                            "Accept",
                                            String.join(
                                                    ", ",
                                                    OCI_INDEX,
                                                    OCI_MANIFEST,
                                                    DOCKER_LIST,
                                                    DOCKER_MANIFEST))
                                    .GET());
            if (response.statusCode() != 200) {
                throw new PullException(
                        ref.registry
                                + "/"
                                + ref.repository
                                + ":"
                                + reference
                                + ": "
                                + (response.statusCode() == 404
                                        ? "not found"
                                        : "HTTP " + response.statusCode())
                                + " "
                                + new String(response.body(), StandardCharsets.UTF_8).strip());
            }
            return new Manifest(sha256(response.body()), JSON.readTree(response.body()));
        }

        /** Downloads a blob to a file, checking its digest on the way. */
        void blob(String digest, Path file)
                throws IOException, InterruptedException, PullException {
            HttpRequest request =
                    withAuthorization(request("/v2/" + ref.repository + "/blobs/" + digest).GET());
            HttpResponse<InputStream> response =
                    HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() == 401
                    && authorize(response.headers().allValues("WWW-Authenticate"))) {
                response.body().close();
                response =
                        HTTP.send(
                                withAuthorization(
                                        request("/v2/" + ref.repository + "/blobs/" + digest)
                                                .GET()),
                                HttpResponse.BodyHandlers.ofInputStream());
            }
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new PullException("blob " + digest + ": HTTP " + response.statusCode());
                }
                MessageDigest sha = messageDigest();
                try (OutputStream out = Files.newOutputStream(file);
                        DigestInputStream in = new DigestInputStream(body, sha)) {
                    in.transferTo(out);
                }
                String actual = "sha256:" + HexFormat.of().formatHex(sha.digest());
                if (!actual.equals(digest)) {
                    throw new PullException("blob " + digest + " has digest " + actual);
                }
            }
        }

        private HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(URI.create(ref.endpoint() + path))
                    .timeout(Duration.ofMinutes(5));
        }

        private HttpRequest withAuthorization(HttpRequest.Builder request) {
            if (authorization != null) {
                request.setHeader("Authorization", authorization);
            }
            return request.build();
        }

        private HttpResponse<byte[]> send(HttpRequest.Builder request)
                throws IOException, InterruptedException {
            HttpRequest template = request.build();
            HttpResponse<byte[]> response =
                    HTTP.send(
                            withAuthorization(
                                    HttpRequest.newBuilder(template, (name, value) -> true)),
                            HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() == 401
                    && authorize(response.headers().allValues("WWW-Authenticate"))) {
                response =
                        HTTP.send(
                                withAuthorization(
                                        HttpRequest.newBuilder(template, (name, value) -> true)),
                                HttpResponse.BodyHandlers.ofByteArray());
            }
            return response;
        }

        /** Answers a challenge; false when there is nothing to answer it with. */
        private boolean authorize(List<String> challenges)
                throws IOException, InterruptedException {
            for (AuthChallenge challenge : AuthChallenge.parseAll(challenges)) {
                if (challenge.isScheme("Basic") && auth != null) {
                    authorization = basic();
                    return true;
                }
                if (challenge.isScheme("Bearer") && challenge.parameter("realm").isPresent()) {
                    String query =
                            "scope="
                                    + URLEncoder.encode(
                                            "repository:" + ref.repository + ":pull",
                                            StandardCharsets.UTF_8);
                    if (challenge.parameter("service").isPresent()) {
                        query +=
                                "&service="
                                        + URLEncoder.encode(
                                                challenge.parameter("service").get(),
                                                StandardCharsets.UTF_8);
                    }
                    HttpRequest.Builder token =
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    challenge.parameter("realm").get()
                                                            + "?"
                                                            + query))
                                    .timeout(Duration.ofSeconds(30));
                    if (auth != null) {
                        token.header("Authorization", basic());
                    }
                    HttpResponse<String> response =
                            HTTP.send(token.build(), HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 200) {
                        return false;
                    }
                    JsonNode body = JSON.readTree(response.body());
                    String value =
                            body.hasNonNull("token")
                                    ? body.path("token").asText()
                                    : body.path("access_token").asText();
                    authorization = "Bearer " + value;
                    return true;
                }
            }
            return false;
        }

        private String basic() {
            return "Basic "
                    + Base64.getEncoder()
                            .encodeToString(
                                    (auth.username() + ":" + auth.password())
                                            .getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String sha256(byte[] content) {
        return "sha256:" + HexFormat.of().formatHex(messageDigest().digest(content));
    }

    private static MessageDigest messageDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The credentials of a dockerconfigjson or dockercfg pull secret's data (base64 values, as in a
     * Secret).
     */
    static List<RegistryAuth> credentials(Map<String, String> secretData) {
        List<RegistryAuth> found = new ArrayList<>();
        try {
            JsonNode auths;
            if (secretData.containsKey(".dockerconfigjson")) {
                auths =
                        JSON.readTree(
                                        Base64.getDecoder()
                                                .decode(secretData.get(".dockerconfigjson")))
                                .path("auths");
            } else if (secretData.containsKey(".dockercfg")) {
                auths = JSON.readTree(Base64.getDecoder().decode(secretData.get(".dockercfg")));
            } else {
                return found;
            }
            auths.fields()
                    .forEachRemaining(
                            entry -> {
                                JsonNode value = entry.getValue();
                                String user = value.path("username").asText("");
                                String password = value.path("password").asText("");
                                if (value.hasNonNull("auth")) {
                                    String pair =
                                            new String(
                                                    Base64.getDecoder()
                                                            .decode(value.path("auth").asText()),
                                                    StandardCharsets.UTF_8);
                                    int colon = pair.indexOf(':');
                                    if (colon > 0) {
                                        user = pair.substring(0, colon);
                                        password = pair.substring(colon + 1);
                                    }
                                }
                                found.add(new RegistryAuth(entry.getKey(), user, password));
                            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }
}
