package dev.terrarium.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * Reads from and writes to an OCI distribution registry: whether a tag exists and its digest, a
 * file inside an image, manifests and blobs as stored; uploads of blobs and manifests, and tags.
 *
 * <p>Authentication works as the Docker CLI does it: a request goes out anonymously (or with an
 * authorization that worked before), and on {@code 401} the {@code WWW-Authenticate} challenge
 * decides: {@code Basic} sends the user name and password; {@code Bearer} fetches a token from the
 * challenge's realm for scope {@code repository:<repo>:pull} ({@code repository:<repo>:pull,push}
 * for writes), with the user name and password as basic auth, or an identity token as an OAuth2
 * refresh token, or anonymously, then retries with it. Tokens are cached per registry, scope and
 * credentials until their {@code expires_in} (60 s when absent) runs out.
 *
 * <p>Registries are reached over HTTPS, except those named as insecure, which are reached over
 * plain HTTP. Every request, body included, is bounded by the request timeout; bodies are bounded
 * in size. Instances are thread-safe and meant to be shared.
 */
public final class RegistryClient {

    /** Time allowed for one request, from sending it to the last byte of its body. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Largest layer {@link #readFileFromImage} downloads (it holds one layer in memory at a time).
     */
    public static final long DEFAULT_MAX_BLOB_BYTES = 64L * 1024 * 1024;

    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String DOCKER_MANIFEST_LIST =
            "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final String MANIFEST_ACCEPT =
            String.join(", ", OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST);
    static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);

    private static final Set<String> INDEX_TYPES = Set.of(OCI_INDEX, DOCKER_MANIFEST_LIST);
    private static final Set<String> IMAGE_MANIFEST_TYPES = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);
    private static final Set<String> LAYER_TYPES =
            Set.of(
                    "application/vnd.oci.image.layer.v1.tar",
                    "application/vnd.oci.image.layer.v1.tar+gzip",
                    "application/vnd.oci.image.layer.nondistributable.v1.tar",
                    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
                    "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip");

    /** containerd refuses manifests above 4 MiB too; no real manifest comes near it. */
    private static final long MAX_MANIFEST_BYTES = 4L * 1024 * 1024;

    private static final long MAX_TOKEN_RESPONSE_BYTES = 1024L * 1024;
    private static final long MAX_ERROR_BODY_BYTES = 16L * 1024;
    private static final int MAX_REDIRECTS = 5;
    private static final int MAX_INDEX_DEPTH = 2;
    private static final String DOCKER_HUB_API_HOST = "registry-1.docker.io";
    private static final String USER_AGENT = "terrarium-operator";
    private static final String PLATFORM_OS = "linux";
    private static final String PLATFORM_ARCHITECTURE = "amd64";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final InsecureRegistries insecureRegistries;
    private final Duration requestTimeout;
    private final long maxBlobBytes;
    private final HttpClient http;
    private final TokenCache tokens;

    /**
     * A client with the default timeout and blob limit.
     *
     * @param insecureRegistries registries reached over plain HTTP, each {@code host:port} (that
     *     port only) or {@code host} (every port); all others are reached over HTTPS
     */
    public RegistryClient(Set<String> insecureRegistries) {
        this(insecureRegistries, DEFAULT_REQUEST_TIMEOUT, DEFAULT_MAX_BLOB_BYTES);
    }

    /**
     * A client with its own limits.
     *
     * @param insecureRegistries as in {@link #RegistryClient(Set)}
     * @param requestTimeout time allowed for each request, connection and body included
     * @param maxBlobBytes largest layer (and largest file in it) that {@link #readFileFromImage}
     *     reads
     */
    public RegistryClient(
            Set<String> insecureRegistries, Duration requestTimeout, long maxBlobBytes) {
        this(insecureRegistries, requestTimeout, maxBlobBytes, Clock.systemUTC());
    }

    /**
     * A client with the default limits that trusts {@code tls}'s certificates over HTTPS instead of
     * the JVM's default ones ({@link TrustedCertificates}).
     */
    public RegistryClient(Set<String> insecureRegistries, SSLContext tls) {
        this(insecureRegistries, Objects.requireNonNull(tls, "tls"), null);
    }

    /**
     * A client with the default limits that trusts {@code tls}'s certificates (the JVM's default
     * ones when null) and goes through the proxies {@code proxies} chooses (direct when null).
     */
    public RegistryClient(Set<String> insecureRegistries, SSLContext tls, ProxySelector proxies) {
        this(
                insecureRegistries,
                DEFAULT_REQUEST_TIMEOUT,
                DEFAULT_MAX_BLOB_BYTES,
                Clock.systemUTC(),
                tls,
                proxies);
    }

    RegistryClient(
            Set<String> insecureRegistries,
            Duration requestTimeout,
            long maxBlobBytes,
            Clock clock) {
        this(insecureRegistries, requestTimeout, maxBlobBytes, clock, null, null);
    }

    private RegistryClient(
            Set<String> insecureRegistries,
            Duration requestTimeout,
            long maxBlobBytes,
            Clock clock,
            SSLContext tls,
            ProxySelector proxies) {
        this.insecureRegistries = new InsecureRegistries(insecureRegistries);
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("request timeout must be positive");
        }
        if (maxBlobBytes <= 0) {
            throw new IllegalArgumentException("maximum blob size must be positive");
        }
        this.requestTimeout = requestTimeout;
        this.maxBlobBytes = maxBlobBytes;
        this.tokens = new TokenCache(clock);
        // Redirects are followed by hand: the registry's Authorization header must not travel to
        // blob storage.
        HttpClient.Builder builder =
                HttpClient.newBuilder()
                        .connectTimeout(requestTimeout)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .version(HttpClient.Version.HTTP_1_1);
        if (tls != null) {
            builder.sslContext(tls);
        }
        if (proxies != null) {
            builder.proxy(proxies);
        }
        this.http = builder.build();
    }

    /**
     * The digest of the manifest a tag (or digest) points to, as the registry reports it.
     *
     * <p>Sends {@code HEAD /v2/<repo>/manifests/<tag>} accepting OCI and Docker manifests and
     * indexes, and returns its {@code Docker-Content-Digest}. When the registry leaves that header
     * out, falls back to {@code GET} and the sha256 of the manifest body.
     *
     * @return the digest, e.g. {@code sha256:4f1c...}, or empty when the registry says the tag or
     *     repository does not exist (404)
     * @throws RegistryException on any other failure, e.g. refused credentials (status 401 or 403)
     */
    public Optional<String> manifestDigest(ImageReference image, Credentials credentials) {
        Credentials creds = Objects.requireNonNullElse(credentials, Credentials.ANONYMOUS);
        URI uri = manifestUri(image, image.manifestReference());
        Response head = send(image, creds, "HEAD", uri, MANIFEST_ACCEPT, 0);
        if (head.status() == 404) {
            return Optional.empty();
        }
        if (head.status() == 200) {
            Optional<String> digest =
                    head.header("Docker-Content-Digest")
                            .map(String::trim)
                            .filter(value -> !value.isEmpty());
            if (digest.isPresent()) {
                return digest;
            }
        }
        // A HEAD failure carries no error body, and a HEAD without the header no digest: GET has
        // both.
        Response get = send(image, creds, "GET", uri, MANIFEST_ACCEPT, MAX_MANIFEST_BYTES);
        if (get.status() == 404) {
            return Optional.empty();
        }
        requireSuccess(image, creds, get);
        String algorithm =
                image.digest() != null ? algorithmOf(image.registry(), image.digest()) : "sha256";
        String digest = digestOf(image.registry(), algorithm, get.body());
        if (image.digest() != null && !image.digest().equals(digest)) {
            throw new RegistryException(
                    image.registry(),
                    "manifest of "
                            + image
                            + " hashes to "
                            + digest
                            + ", not to the digest it was asked by",
                    null);
        }
        return Optional.of(digest);
    }

    /**
     * Reads one file from an image without pulling it whole.
     *
     * <p>Resolves an index to its linux/amd64 manifest (or else its first image manifest), then
     * downloads layers from the top one down, verifying each against its digest, until a layer
     * holds the path, or deletes it with a whiteout, or hides it under an opaque directory.
     *
     * @param path a path inside the image, with or without a leading slash, e.g. {@code
     *     opt/terrarium/lock}
     * @return the file's content as UTF-8, or empty when no layer holds it or a layer above the one
     *     holding it deletes it
     * @throws RegistryException when the image does not exist (status 404), a request fails, a blob
     *     does not match its digest, the path is a link, or a layer that must be read is larger
     *     than the maximum blob size (the search stops there rather than guess that the file is
     *     absent)
     */
    public Optional<String> readFileFromImage(
            ImageReference image, Credentials credentials, String path) {
        Credentials creds = Objects.requireNonNullElse(credentials, Credentials.ANONYMOUS);
        String target = LayerArchive.normalise(Objects.requireNonNull(path, "path"));
        if (target.isEmpty()) {
            throw new IllegalArgumentException("path names no file: '" + path + "'");
        }
        String registry = image.registry();
        Manifest manifest = fetchManifest(image, creds, image.manifestReference(), image.digest());
        for (int depth = 0; manifest.isIndex(); depth++) {
            if (depth == MAX_INDEX_DEPTH) {
                throw new RegistryException(
                        registry,
                        "image index of "
                                + image
                                + " nests more than "
                                + MAX_INDEX_DEPTH
                                + " levels deep",
                        null);
            }
            String child = platformManifest(image, manifest.json());
            manifest = fetchManifest(image, creds, child, child);
        }
        if (!manifest.isImageManifest()) {
            throw new RegistryException(
                    registry,
                    "manifest of " + image + " has unsupported media type " + manifest.mediaType(),
                    null);
        }
        JsonNode layers = manifest.json().path("layers");
        for (int i = layers.size() - 1; i >= 0; i--) {
            Descriptor layer = Descriptor.of(registry, layers.get(i));
            if (layer.mediaType() != null && !LAYER_TYPES.contains(layer.mediaType())) {
                throw new RegistryException(
                        registry,
                        "layer "
                                + layer.digest()
                                + " of "
                                + image
                                + " has unsupported media type "
                                + layer.mediaType(),
                        null);
            }
            if (layer.size() > maxBlobBytes) {
                throw new RegistryException(
                        registry,
                        "layer "
                                + layer.digest()
                                + " of "
                                + image
                                + " is "
                                + layer.size()
                                + " bytes, more than the limit of "
                                + maxBlobBytes
                                + "; gave up looking for "
                                + target
                                + " in it and below",
                        null);
            }
            byte[] blob = fetchBlob(image, creds, layer);
            LayerArchive.Lookup lookup;
            try {
                lookup = LayerArchive.lookup(blob, target, maxBlobBytes);
            } catch (IOException e) {
                throw new RegistryException(
                        registry,
                        "reading "
                                + target
                                + " from layer "
                                + layer.digest()
                                + " of "
                                + image
                                + ": "
                                + e.getMessage(),
                        e);
            }
            if (lookup instanceof LayerArchive.Found found) {
                return Optional.of(new String(found.content(), StandardCharsets.UTF_8));
            }
            if (lookup instanceof LayerArchive.Hidden) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * The manifest a tag or digest points to, exactly as the registry stores it.
     *
     * <p>Accepts OCI and Docker manifests and indexes. The content is checked against the digest it
     * was asked by; asked by tag, against the registry's {@code Docker-Content-Digest} when it
     * sends one.
     *
     * @param maxBytes largest manifest read; a larger one fails without being read whole
     * @return the manifest, or empty when the registry says the tag, digest or repository does not
     *     exist (404)
     * @throws RegistryException on any other failure, on content that does not match its digest, or
     *     on a manifest larger than {@code maxBytes}
     */
    public Optional<RawManifest> getManifest(
            ImageReference image, Credentials credentials, long maxBytes) {
        Credentials creds = Objects.requireNonNullElse(credentials, Credentials.ANONYMOUS);
        String registry = image.registry();
        Response response =
                send(
                        image,
                        creds,
                        "GET",
                        manifestUri(image, image.manifestReference()),
                        MANIFEST_ACCEPT,
                        Math.min(maxBytes, MAX_MANIFEST_BYTES));
        if (response.status() == 404) {
            return Optional.empty();
        }
        requireSuccess(image, creds, response);
        String algorithm =
                image.digest() != null ? algorithmOf(registry, image.digest()) : "sha256";
        String digest = digestOf(registry, algorithm, response.body());
        String expected =
                image.digest() != null
                        ? image.digest()
                        : response.header("Docker-Content-Digest")
                                .map(String::trim)
                                .filter(d -> d.startsWith("sha256:"))
                                .orElse(digest);
        if (!expected.equals(digest)) {
            throw new RegistryException(
                    registry,
                    "manifest "
                            + image.manifestReference()
                            + " of "
                            + image.repository()
                            + " should be "
                            + expected
                            + " but its content hashes to "
                            + digest,
                    null);
        }
        String mediaType = null;
        try {
            JsonNode json = JSON.readTree(response.body());
            if (json != null && json.path("mediaType").isTextual()) {
                mediaType = json.get("mediaType").asText();
            }
        } catch (IOException e) {
            throw new RegistryException(
                    registry,
                    "manifest "
                            + image.manifestReference()
                            + " of "
                            + image.repository()
                            + " is not valid JSON",
                    e);
        }
        if (mediaType == null) {
            mediaType =
                    response.header("Content-Type").map(RegistryClient::mediaTypeOf).orElse(null);
        }
        return Optional.of(new RawManifest(mediaType, digest, response.body()));
    }

    /**
     * A blob of a repository, read whole into memory and checked against its digest.
     *
     * @param maxBytes largest blob read; a larger one fails after at most {@code maxBytes} bytes
     *     were received
     * @throws RegistryException when the blob does not exist (status 404), a request fails, the
     *     content does not match the digest, or the blob is larger than {@code maxBytes}
     */
    public byte[] getBlob(
            ImageReference repository, Credentials credentials, String digest, long maxBytes) {
        Credentials creds = Objects.requireNonNullElse(credentials, Credentials.ANONYMOUS);
        return fetchBlob(
                repository, creds, new Descriptor(null, requireDigest(digest), -1), maxBytes);
    }

    /**
     * Uploads a blob to a repository unless the repository already has it.
     *
     * <p>Sends {@code HEAD /v2/<repo>/blobs/<digest>}; when that is not 200, starts an upload
     * ({@code POST /v2/<repo>/blobs/uploads/}) and completes it with one {@code PUT
     * <location>?digest=<digest>} carrying the whole content (the monolithic upload of the
     * distribution spec). Authenticates for {@code repository:<repo>:pull,push}. An upload location
     * on another origin than the registry gets no registry credentials.
     *
     * @return the blob's digest, {@code sha256:<hex>}
     * @throws RegistryException when the registry refuses the upload or reports another digest than
     *     the content's
     */
    public String pushBlob(ImageReference repository, Credentials credentials, byte[] content) {
        Credentials creds = Objects.requireNonNullElse(credentials, Credentials.ANONYMOUS);
        String registry = repository.registry();
        String digest = digestOf(registry, "sha256", content);
        String blobs = baseUri(registry) + "/v2/" + repository.repository() + "/blobs/";
        Response head =
                send(
                        repository,
                        creds,
                        Access.PUSH,
                        new Outgoing("HEAD", URI.create(blobs + digest), null, null, null),
                        0);
        if (head.status() == 200) {
            return digest;
        }
        if (head.isAuthenticationFailure()) {
            requireSuccess(repository, creds, head);
        }
        Response started =
                send(
                        repository,
                        creds,
                        Access.PUSH,
                        new Outgoing(
                                "POST", URI.create(blobs + "uploads/"), null, null, new byte[0]),
                        MAX_ERROR_BODY_BYTES);
        requireSuccess(repository, creds, started);
        String location =
                started.header("Location")
                        .map(String::trim)
                        .filter(value -> !value.isEmpty())
                        .orElseThrow(
                                () ->
                                        new RegistryException(
                                                registry,
                                                "registry "
                                                        + registry
                                                        + " started an upload to "
                                                        + repository.repository()
                                                        + " without a Location",
                                                null));
        URI upload = started.uri().resolve(location);
        URI finish =
                URI.create(
                        upload
                                + (upload.getRawQuery() == null ? "?" : "&")
                                + "digest="
                                + URLEncoder.encode(digest, StandardCharsets.UTF_8));
        Outgoing put = new Outgoing("PUT", finish, null, "application/octet-stream", content);
        Response finished =
                sameOrigin(upload, URI.create(baseUri(registry)))
                        ? send(repository, creds, Access.PUSH, put, MAX_ERROR_BODY_BYTES)
                        : sendFollowingRedirects(registry, put, null, MAX_ERROR_BODY_BYTES);
        requireSuccess(repository, creds, finished);
        requireReportedDigest(repository, finished, "blob", digest);
        return digest;
    }

    /**
     * Stores a manifest under the reference's tag (or digest).
     *
     * <p>Sends {@code PUT /v2/<repo>/manifests/<reference>} with the media type as {@code
     * Content-Type}, authenticated for {@code repository:<repo>:pull,push}. The blobs it refers to
     * must already be in the repository.
     *
     * @return the manifest's digest, {@code sha256:<hex>} of the bytes sent, which the registry's
     *     {@code Docker-Content-Digest} must confirm when it sends one
     * @throws IllegalArgumentException when the reference names a digest the content does not hash
     *     to, or the manifest is larger than registries accept (4 MiB)
     * @throws RegistryException when the registry refuses the manifest or reports another digest
     */
    public String putManifest(
            ImageReference target, Credentials credentials, String mediaType, byte[] manifest) {
        Credentials creds = Objects.requireNonNullElse(credentials, Credentials.ANONYMOUS);
        Objects.requireNonNull(mediaType, "mediaType");
        String registry = target.registry();
        if (manifest.length > MAX_MANIFEST_BYTES) {
            throw new IllegalArgumentException(
                    "manifest of "
                            + manifest.length
                            + " bytes is larger than the "
                            + MAX_MANIFEST_BYTES
                            + " bytes registries accept");
        }
        String digest = digestOf(registry, "sha256", manifest);
        if (target.digest() != null && !target.digest().equals(digest)) {
            throw new IllegalArgumentException(
                    "manifest hashes to " + digest + ", not to " + target.digest());
        }
        Response response =
                send(
                        target,
                        creds,
                        Access.PUSH,
                        new Outgoing(
                                "PUT",
                                manifestUri(target, target.manifestReference()),
                                null,
                                mediaType,
                                manifest),
                        MAX_ERROR_BODY_BYTES);
        requireSuccess(target, creds, response);
        requireReportedDigest(target, response, "manifest", digest);
        return digest;
    }

    /**
     * Points a tag at a manifest the repository already has: the manifest is read by digest and
     * stored again, byte for byte, under the tag (a {@code docker tag} plus {@code docker push}
     * without pulling the layers).
     *
     * @param image a reference with a digest
     * @return the digest, which the tag now points at
     * @throws IllegalArgumentException when the reference has no digest or the tag is invalid
     * @throws RegistryException when the manifest does not exist (status 404) or a request fails
     */
    public String putTag(ImageReference image, String tag, Credentials credentials) {
        if (image.digest() == null) {
            throw new IllegalArgumentException("tagging needs an image pinned by digest: " + image);
        }
        ImageReference pinned = image.withDigest(image.digest());
        ImageReference target = image.withTag(tag);
        RawManifest manifest =
                getManifest(pinned, credentials, MAX_MANIFEST_BYTES)
                        .orElseThrow(
                                () ->
                                        new RegistryException(
                                                image.registry(),
                                                "manifest "
                                                        + image.digest()
                                                        + " of "
                                                        + image.repository()
                                                        + " does not exist",
                                                404,
                                                "MANIFEST_UNKNOWN",
                                                null));
        if (manifest.mediaType() == null) {
            throw new RegistryException(
                    image.registry(),
                    "manifest "
                            + image.digest()
                            + " of "
                            + image.repository()
                            + " has no media type to store it under",
                    null);
        }
        return putManifest(target, credentials, manifest.mediaType(), manifest.content());
    }

    private Manifest fetchManifest(
            ImageReference image, Credentials creds, String reference, String expectedDigest) {
        String registry = image.registry();
        Response response =
                send(
                        image,
                        creds,
                        "GET",
                        manifestUri(image, reference),
                        MANIFEST_ACCEPT,
                        MAX_MANIFEST_BYTES);
        requireSuccess(image, creds, response);
        if (expectedDigest != null) {
            String actual =
                    digestOf(registry, algorithmOf(registry, expectedDigest), response.body());
            if (!actual.equals(expectedDigest)) {
                throw new RegistryException(
                        registry,
                        "manifest "
                                + expectedDigest
                                + " of "
                                + image.repository()
                                + " does not match its digest (content hashes to "
                                + actual
                                + ")",
                        null);
            }
        }
        JsonNode json;
        try {
            json = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new RegistryException(
                    registry,
                    "manifest " + reference + " of " + image.repository() + " is not valid JSON",
                    e);
        }
        if (json == null || !json.isObject()) {
            throw new RegistryException(
                    registry,
                    "manifest " + reference + " of " + image.repository() + " is not a JSON object",
                    null);
        }
        String mediaType =
                json.hasNonNull("mediaType")
                        ? json.get("mediaType").asText()
                        : response.header("Content-Type")
                                .map(RegistryClient::mediaTypeOf)
                                .orElse(null);
        return new Manifest(mediaType, json);
    }

    /** The media type of a Content-Type header, without its parameters. */
    private static String mediaTypeOf(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
    }

    private String platformManifest(ImageReference image, JsonNode index) {
        JsonNode manifests = index.path("manifests");
        for (JsonNode entry : manifests) {
            JsonNode platform = entry.path("platform");
            if (PLATFORM_OS.equals(platform.path("os").asText())
                    && PLATFORM_ARCHITECTURE.equals(platform.path("architecture").asText())
                    && isManifestType(entry.path("mediaType").asText())) {
                return Descriptor.of(image.registry(), entry).digest();
            }
        }
        for (JsonNode entry : manifests) {
            boolean attestation =
                    "attestation-manifest"
                            .equals(
                                    entry.path("annotations")
                                            .path("vnd.docker.reference.type")
                                            .asText());
            if (IMAGE_MANIFEST_TYPES.contains(entry.path("mediaType").asText()) && !attestation) {
                return Descriptor.of(image.registry(), entry).digest();
            }
        }
        throw new RegistryException(
                image.registry(), "image index of " + image + " lists no image manifest", null);
    }

    private byte[] fetchBlob(ImageReference image, Credentials creds, Descriptor blob) {
        return fetchBlob(image, creds, blob, maxBlobBytes);
    }

    private byte[] fetchBlob(ImageReference image, Credentials creds, Descriptor blob, long limit) {
        String registry = image.registry();
        URI uri =
                URI.create(
                        baseUri(registry)
                                + "/v2/"
                                + image.repository()
                                + "/blobs/"
                                + blob.digest());
        Response response = send(image, creds, "GET", uri, "*/*", limit);
        requireSuccess(image, creds, response);
        if (blob.size() >= 0 && response.body().length != blob.size()) {
            throw new RegistryException(
                    registry,
                    "blob "
                            + blob.digest()
                            + " of "
                            + image.repository()
                            + " is "
                            + response.body().length
                            + " bytes, its descriptor says "
                            + blob.size(),
                    null);
        }
        String actual = digestOf(registry, algorithmOf(registry, blob.digest()), response.body());
        if (!actual.equals(blob.digest())) {
            throw new RegistryException(
                    registry,
                    "blob "
                            + blob.digest()
                            + " of "
                            + image.repository()
                            + " does not match its digest (content hashes to "
                            + actual
                            + ")",
                    null);
        }
        return response.body();
    }

    private static void requireReportedDigest(
            ImageReference image, Response response, String what, String digest) {
        Optional<String> reported =
                response.header("Docker-Content-Digest")
                        .map(String::trim)
                        .filter(value -> !value.isEmpty());
        if (reported.isPresent() && !reported.get().equals(digest)) {
            throw new RegistryException(
                    image.registry(),
                    "registry "
                            + image.registry()
                            + " stored "
                            + what
                            + " "
                            + digest
                            + " of "
                            + image.repository()
                            + " as "
                            + reported.get(),
                    null);
        }
    }

    private static String requireDigest(String digest) {
        if (digest == null || !digest.matches("(sha256:[a-f0-9]{64})|(sha512:[a-f0-9]{128})")) {
            throw new IllegalArgumentException("not a sha256 or sha512 digest: " + digest);
        }
        return digest;
    }

    /**
     * Sends a request for a repository, answering one authentication challenge: first with what
     * worked before (or nothing), then, on 401, with what the challenge asks for.
     */
    private Response send(
            ImageReference image,
            Credentials creds,
            String method,
            URI uri,
            String accept,
            long bodyLimit) {
        return send(
                image,
                creds,
                Access.PULL,
                new Outgoing(method, uri, accept, null, null),
                bodyLimit);
    }

    private Response send(
            ImageReference image,
            Credentials creds,
            Access access,
            Outgoing outgoing,
            long bodyLimit) {
        String registry = image.registry();
        String scope = "repository:" + image.repository() + ":" + access.actions;
        TokenCache.Key key = new TokenCache.Key(registry, scope, creds.fingerprint());
        String cached = tokens.authorization(key);
        Response response = sendFollowingRedirects(registry, outgoing, cached, bodyLimit);
        if (response.status() != 401) {
            return response;
        }
        tokens.forget(key);
        String authorization =
                authorize(registry, scope, creds, challenges(registry, response), key);
        if (authorization == null || authorization.equals(cached)) {
            return response;
        }
        Response retried = sendFollowingRedirects(registry, outgoing, authorization, bodyLimit);
        if (retried.status() == 401) {
            tokens.forget(key);
        }
        return retried;
    }

    /**
     * The {@code Authorization} value the challenges ask for, or {@code null} when these
     * credentials cannot answer.
     */
    private String authorize(
            String registry,
            String scope,
            Credentials creds,
            List<AuthChallenge> challenges,
            TokenCache.Key key) {
        Optional<AuthChallenge> bearer =
                challenges.stream().filter(c -> c.isScheme("Bearer")).findFirst();
        if (bearer.isPresent()) {
            return fetchBearerToken(registry, bearer.get(), scope, creds, key);
        }
        boolean basic = challenges.stream().anyMatch(c -> c.isScheme("Basic"));
        if (basic && creds.hasPassword()) {
            String authorization = creds.basicAuthorization();
            tokens.putBasic(key, authorization);
            return authorization;
        }
        return null;
    }

    private String fetchBearerToken(
            String registry,
            AuthChallenge challenge,
            String scope,
            Credentials creds,
            TokenCache.Key key) {
        String realm =
                challenge
                        .parameter("realm")
                        .orElseThrow(
                                () ->
                                        new RegistryException(
                                                registry,
                                                "registry "
                                                        + registry
                                                        + " sent a Bearer challenge without a realm",
                                                null));
        URI realmUri;
        try {
            realmUri = new URI(realm);
        } catch (java.net.URISyntaxException e) {
            throw new RegistryException(
                    registry, "registry " + registry + " sent an invalid token realm", e);
        }
        String scheme =
                realmUri.getScheme() == null ? "" : realmUri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new RegistryException(
                    registry,
                    "registry "
                            + registry
                            + " sent a token realm that is not an "
                            + "HTTP(S) URL: "
                            + realm,
                    null);
        }
        List<String> parameters = new ArrayList<>();
        challenge
                .parameter("service")
                .ifPresent(service -> parameters.add(formField("service", service)));
        parameters.add(formField("scope", scope));

        HttpRequest.Builder request =
                HttpRequest.newBuilder().timeout(requestTimeout).header("User-Agent", USER_AGENT);
        if (creds.hasIdentityToken()) {
            parameters.add(formField("grant_type", "refresh_token"));
            parameters.add(formField("refresh_token", creds.identityToken()));
            parameters.add(formField("client_id", USER_AGENT));
            request.uri(realmUri)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(String.join("&", parameters)));
        } else {
            if (creds.hasPassword()) {
                parameters.add(formField("account", creds.username()));
                request.header("Authorization", creds.basicAuthorization());
            }
            String query = String.join("&", parameters);
            String separator = realmUri.getRawQuery() == null ? "?" : "&";
            request.uri(URI.create(realm + separator + query)).GET();
        }

        Response response = exchange(registry, request.build(), MAX_TOKEN_RESPONSE_BYTES);
        String endpoint =
                realmUri.getScheme() + "://" + realmUri.getRawAuthority() + realmUri.getRawPath();
        if (response.status() != 200) {
            ErrorDetails error = ErrorDetails.of(response.body());
            throw new RegistryException(
                    registry,
                    "token endpoint "
                            + endpoint
                            + " answered HTTP "
                            + response.status()
                            + " for scope "
                            + scope
                            + " "
                            + describe(creds)
                            + error.suffix(),
                    response.status(),
                    error.code(),
                    error.message());
        }
        JsonNode json;
        try {
            json = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new RegistryException(
                    registry, "token endpoint " + endpoint + " answered with invalid JSON", e);
        }
        String token = json == null ? null : textOrNull(json, "token");
        if (token == null) {
            token = json == null ? null : textOrNull(json, "access_token");
        }
        if (token == null || token.isEmpty()) {
            throw new RegistryException(
                    registry, "token endpoint " + endpoint + " answered without a token", null);
        }
        long expiresIn = json.path("expires_in").asLong(0);
        Duration lifetime = expiresIn > 0 ? Duration.ofSeconds(expiresIn) : DEFAULT_TOKEN_LIFETIME;
        String authorization = "Bearer " + token;
        tokens.putBearer(key, authorization, lifetime);
        return authorization;
    }

    private Response sendFollowingRedirects(
            String registry, Outgoing outgoing, String authorization, long bodyLimit) {
        URI current = outgoing.uri();
        String currentMethod = outgoing.method();
        byte[] currentBody = outgoing.body();
        String currentAuthorization = authorization;
        for (int redirects = 0; ; redirects++) {
            HttpRequest.Builder request =
                    HttpRequest.newBuilder(current)
                            .timeout(requestTimeout)
                            .header("User-Agent", USER_AGENT)
                            .method(
                                    currentMethod,
                                    currentBody == null
                                            ? HttpRequest.BodyPublishers.noBody()
                                            : HttpRequest.BodyPublishers.ofByteArray(currentBody));
            if (outgoing.accept() != null) {
                request.header("Accept", outgoing.accept());
            }
            if (currentBody != null && outgoing.contentType() != null) {
                request.header("Content-Type", outgoing.contentType());
            }
            if (currentAuthorization != null) {
                request.header("Authorization", currentAuthorization);
            }
            Response response = exchange(registry, request.build(), bodyLimit);
            Optional<String> location = response.header("Location");
            if (!isRedirect(response.status()) || location.isEmpty()) {
                return response;
            }
            // 301, 302 and 303 turn a write into a GET without its body, whose success would pass
            // for the write's:
            // writes follow only 307 and 308, which keep method and body.
            boolean write = !currentMethod.equals("GET") && !currentMethod.equals("HEAD");
            if (write && response.status() != 307 && response.status() != 308) {
                return response;
            }
            if (redirects == MAX_REDIRECTS) {
                throw new RegistryException(
                        registry,
                        currentMethod
                                + " "
                                + outgoing.uri()
                                + " redirected more than "
                                + MAX_REDIRECTS
                                + " times",
                        null);
            }
            URI next = current.resolve(location.get());
            if ("https".equalsIgnoreCase(current.getScheme())
                    && !"https".equalsIgnoreCase(next.getScheme())) {
                throw new RegistryException(
                        registry,
                        currentMethod
                                + " "
                                + current
                                + " redirected from HTTPS to "
                                + next.getScheme()
                                + "; refused",
                        null);
            }
            // Blob storage behind a redirect authenticates with the signed URL and rejects a second
            // credential.
            if (!sameOrigin(current, next)) {
                currentAuthorization = null;
            }
            if (response.status() == 303 && !currentMethod.equals("HEAD")) {
                currentMethod = "GET";
            }
            current = next;
        }
    }

    private Response exchange(String registry, HttpRequest request, long bodyLimit) {
        String what = request.method() + " " + request.uri();
        CompletableFuture<HttpResponse<byte[]>> future =
                http.sendAsync(
                        request, BoundedBodySubscriber.handler(bodyLimit, MAX_ERROR_BODY_BYTES));
        try {
            HttpResponse<byte[]> response =
                    future.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
            byte[] body = response.body() == null ? new byte[0] : response.body();
            return new Response(
                    request.method(),
                    request.uri(),
                    response.statusCode(),
                    response.headers(),
                    body);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new RegistryException(
                    registry, what + " timed out after " + requestTimeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new RegistryException(registry, what + " was interrupted", e);
        } catch (ExecutionException e) {
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof BoundedBodySubscriber.BodyTooLargeException tooLarge) {
                    throw new RegistryException(
                            registry,
                            what
                                    + ": response body is larger than the limit of "
                                    + tooLarge.limit()
                                    + " bytes",
                            tooLarge);
                }
            }
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String hint =
                    cause instanceof SSLException && "https".equals(request.uri().getScheme())
                            ? " (if "
                                    + registry
                                    + " serves plain HTTP, list it as an insecure registry)"
                            : "";
            throw new RegistryException(
                    registry,
                    what
                            + " failed: "
                            + cause.getClass().getSimpleName()
                            + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
                            + hint,
                    cause);
        }
    }

    private void requireSuccess(ImageReference image, Credentials creds, Response response) {
        if (response.status() / 100 == 2) {
            return;
        }
        ErrorDetails error = ErrorDetails.of(response.body());
        StringBuilder message =
                new StringBuilder("registry ")
                        .append(image.registry())
                        .append(" answered HTTP ")
                        .append(response.status())
                        .append(" for image ")
                        .append(image)
                        .append(" (")
                        .append(response.method())
                        .append(' ')
                        .append(response.uri().getRawPath())
                        .append(") ")
                        .append(describe(creds))
                        .append(error.suffix());
        if (response.status() == 401) {
            challenges(image.registry(), response).stream()
                    .flatMap(challenge -> challenge.parameter("error").stream())
                    .findFirst()
                    .ifPresent(
                            challengeError ->
                                    message.append(" (").append(challengeError).append(')'));
        }
        throw new RegistryException(
                image.registry(),
                message.toString(),
                response.status(),
                error.code(),
                error.message());
    }

    private static List<AuthChallenge> challenges(String registry, Response response) {
        try {
            return AuthChallenge.parseAll(response.headers().allValues("WWW-Authenticate"));
        } catch (IllegalArgumentException e) {
            throw new RegistryException(registry, e.getMessage(), 401, null, null);
        }
    }

    private static String describe(Credentials creds) {
        if (creds.isAnonymous()) {
            return "without credentials";
        }
        if (creds.hasIdentityToken()) {
            return "with an identity token";
        }
        return "as user " + creds.username();
    }

    private URI manifestUri(ImageReference image, String reference) {
        return URI.create(
                baseUri(image.registry())
                        + "/v2/"
                        + image.repository()
                        + "/manifests/"
                        + reference);
    }

    private String baseUri(String registry) {
        String host = registry.equals(ImageReference.DOCKER_HUB) ? DOCKER_HUB_API_HOST : registry;
        return (isInsecure(registry) ? "http://" : "https://") + host;
    }

    private boolean isInsecure(String registry) {
        return insecureRegistries.includes(registry);
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(lower(a.getScheme()), lower(b.getScheme()))
                && Objects.equals(lower(a.getHost()), lower(b.getHost()))
                && effectivePort(a) == effectivePort(b);
    }

    private static String lower(String text) {
        return text == null ? null : text.toLowerCase(Locale.ROOT);
    }

    private static int effectivePort(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static boolean isManifestType(String mediaType) {
        return IMAGE_MANIFEST_TYPES.contains(mediaType) || INDEX_TYPES.contains(mediaType);
    }

    private static String formField(String name, String value) {
        return name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String textOrNull(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || !value.isTextual() ? null : value.asText();
    }

    private static String algorithmOf(String registry, String digest) {
        String algorithm = digest.substring(0, Math.max(0, digest.indexOf(':')));
        if (!algorithm.equals("sha256") && !algorithm.equals("sha512")) {
            throw new RegistryException(
                    registry, "unsupported digest algorithm in " + digest, null);
        }
        return algorithm;
    }

    static String digestOf(String registry, String algorithm, byte[] content) {
        String javaName = algorithm.equals("sha512") ? "SHA-512" : "SHA-256";
        try {
            return algorithm
                    + ":"
                    + HexFormat.of().formatHex(MessageDigest.getInstance(javaName).digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new RegistryException(registry, javaName + " is not available", e);
        }
    }

    /** The actions a request's bearer token must grant. */
    private enum Access {
        PULL("pull"),
        PUSH("pull,push");

        private final String actions;

        Access(String actions) {
            this.actions = actions;
        }
    }

    /**
     * A request before authentication: {@code body} is {@code null} for none, and never compared.
     */
    @SuppressWarnings("ArrayRecordComponent")
    private record Outgoing(
            String method, URI uri, String accept, String contentType, byte[] body) {}

    /**
     * A response as received; its body is read once and never compared, so an array is what it is.
     */
    @SuppressWarnings("ArrayRecordComponent")
    private record Response(String method, URI uri, int status, HttpHeaders headers, byte[] body) {
        Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        boolean isAuthenticationFailure() {
            return status == 401 || status == 403;
        }
    }

    private record Manifest(String mediaType, JsonNode json) {
        boolean isIndex() {
            return INDEX_TYPES.contains(mediaType) || (mediaType == null && json.has("manifests"));
        }

        boolean isImageManifest() {
            return IMAGE_MANIFEST_TYPES.contains(mediaType)
                    || ((mediaType == null || mediaType.equals("application/json"))
                            && json.has("layers")
                            && json.has("config"));
        }
    }

    private record Descriptor(String mediaType, String digest, long size) {
        static Descriptor of(String registry, JsonNode json) {
            String digest = json.path("digest").asText("");
            if (!digest.matches("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}")) {
                throw new RegistryException(
                        registry, "descriptor without a valid digest: " + json, null);
            }
            String mediaType = json.hasNonNull("mediaType") ? json.get("mediaType").asText() : null;
            return new Descriptor(mediaType, digest, json.path("size").asLong(-1));
        }
    }

    /**
     * The code and message of a distribution API error body, or of an OAuth2 token endpoint's
     * error.
     */
    private record ErrorDetails(String code, String message) {
        static ErrorDetails of(byte[] body) {
            if (body.length == 0) {
                return new ErrorDetails(null, null);
            }
            try {
                JsonNode json = JSON.readTree(body);
                if (json != null
                        && json.path("errors").isArray()
                        && !json.path("errors").isEmpty()) {
                    List<String> messages = new ArrayList<>();
                    for (JsonNode error : json.get("errors")) {
                        messages.add(error.path("message").asText(error.path("code").asText()));
                    }
                    return new ErrorDetails(
                            json.get("errors").get(0).path("code").asText(null),
                            String.join("; ", messages));
                }
                if (json != null && json.hasNonNull("error")) {
                    String description = textOrNull(json, "error_description");
                    return new ErrorDetails(
                            json.get("error").asText(),
                            description != null ? description : json.get("error").asText());
                }
                if (json != null && (json.hasNonNull("details") || json.hasNonNull("message"))) {
                    return new ErrorDetails(
                            null,
                            json.path(json.hasNonNull("details") ? "details" : "message").asText());
                }
            } catch (IOException e) {
                // Not JSON: a proxy's or load balancer's page; its first line is the best message
                // there is.
            }
            String text = new String(body, StandardCharsets.UTF_8).strip();
            int newline = text.indexOf('\n');
            String firstLine = newline < 0 ? text : text.substring(0, newline);
            return new ErrorDetails(
                    null, firstLine.length() > 200 ? firstLine.substring(0, 200) : firstLine);
        }

        String suffix() {
            if (message == null || message.isEmpty()) {
                return "";
            }
            return code == null || message.startsWith(code)
                    ? ": " + message
                    : ": " + code + ": " + message;
        }
    }
}
