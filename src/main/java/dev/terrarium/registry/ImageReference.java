package dev.terrarium.registry;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A parsed container image reference, {@code [registry[:port]/]path[:tag][@digest]}, normalised the
 * way the Docker CLI and the kubelet normalise it: a reference without a registry lives on {@code
 * docker.io}, and a single-component path there gets the {@code library/} prefix. A reference with
 * neither tag nor digest means the tag {@code latest}.
 *
 * @param registry registry host, with {@code :port} when one was given, e.g. {@code docker.io},
 *     {@code 127.0.0.1:5000}
 * @param repository repository path inside the registry, e.g. {@code library/python}
 * @param tag the tag, or {@code null} when the reference names only a digest
 * @param digest the digest ({@code algorithm:hex}), or {@code null}
 */
public record ImageReference(String registry, String repository, String tag, String digest) {

    /** The registry that references without a registry component refer to. */
    public static final String DOCKER_HUB = "docker.io";

    private static final String DEFAULT_TAG = "latest";
    private static final Pattern PATH_COMPONENT =
            Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern DIGEST =
            Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}");
    private static final Pattern SHA256_DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");
    private static final Pattern HOST =
            Pattern.compile(
                    "(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
                            + "|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]{1,5})?");

    public ImageReference {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(repository, "repository");
        if (tag == null && digest == null) {
            throw new IllegalArgumentException("an image reference needs a tag or a digest");
        }
        registry = normaliseRegistry(registry);
    }

    /**
     * Parses a reference such as {@code python:3.12}, {@code ghcr.io/org/app@sha256:...} or {@code
     * localhost:5000/team/env:abc123}.
     *
     * @throws IllegalArgumentException if the text is not a valid reference; the message says which
     *     part is wrong
     */
    public static ImageReference parse(String reference) {
        if (reference == null || reference.isBlank()) {
            throw new IllegalArgumentException("empty image reference");
        }
        String rest = reference.trim();

        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!DIGEST.matcher(digest).matches()) {
                throw new IllegalArgumentException(
                        "invalid digest '" + digest + "' in image reference '" + reference + "'");
            }
            if (digest.startsWith("sha256:") && !SHA256_DIGEST.matcher(digest).matches()) {
                throw new IllegalArgumentException(
                        "a sha256 digest has 64 lowercase hex digits: '"
                                + digest
                                + "' in '"
                                + reference
                                + "'");
            }
        }

        String tag = null;
        int lastSlash = rest.lastIndexOf('/');
        int colon = rest.lastIndexOf(':');
        if (colon > lastSlash) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw new IllegalArgumentException(
                        "invalid tag '" + tag + "' in image reference '" + reference + "'");
            }
        }

        String registry;
        String path;
        int firstSlash = rest.indexOf('/');
        String firstComponent = firstSlash < 0 ? null : rest.substring(0, firstSlash);
        if (firstComponent != null && looksLikeRegistry(firstComponent)) {
            registry = firstComponent;
            path = rest.substring(firstSlash + 1);
            if (!HOST.matcher(registry).matches()) {
                throw new IllegalArgumentException(
                        "invalid registry host '"
                                + registry
                                + "' in image reference '"
                                + reference
                                + "'");
            }
        } else {
            registry = DOCKER_HUB;
            path = rest;
        }
        registry = normaliseRegistry(registry);
        if (registry.equals(DOCKER_HUB) && path.indexOf('/') < 0) {
            path = "library/" + path;
        }
        for (String component : path.split("/", -1)) {
            if (!PATH_COMPONENT.matcher(component).matches()) {
                throw new IllegalArgumentException(
                        "invalid repository path '"
                                + path
                                + "' in image reference '"
                                + reference
                                + "': components are lowercase letters and digits separated by '.', '_', '__' "
                                + "or '-'");
            }
        }
        if (path.length() > 255) {
            throw new IllegalArgumentException(
                    "repository path longer than 255 characters in '" + reference + "'");
        }
        if (tag == null && digest == null) {
            tag = DEFAULT_TAG;
        }
        return new ImageReference(registry, path, tag, digest);
    }

    /** The same repository with another tag and no digest. */
    public ImageReference withTag(String newTag) {
        if (!TAG.matcher(newTag).matches()) {
            throw new IllegalArgumentException("invalid tag '" + newTag + "'");
        }
        return new ImageReference(registry, repository, newTag, null);
    }

    /** The same repository pinned to a digest, keeping no tag, as pods pull it. */
    public ImageReference withDigest(String newDigest) {
        if (!DIGEST.matcher(newDigest).matches()) {
            throw new IllegalArgumentException("invalid digest '" + newDigest + "'");
        }
        return new ImageReference(registry, repository, null, newDigest);
    }

    /**
     * What goes after {@code /manifests/} in the distribution API: the digest when there is one (it
     * is exact), else the tag.
     */
    public String manifestReference() {
        return digest != null ? digest : tag;
    }

    /** The full reference, {@code registry/repository[:tag][@digest]}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(registry).append('/').append(repository);
        if (tag != null) {
            text.append(':').append(tag);
        }
        if (digest != null) {
            text.append('@').append(digest);
        }
        return text.toString();
    }

    /**
     * Folds the names Docker Hub goes by onto {@link #DOCKER_HUB} and lowercases the host, since
     * host names are case-insensitive and credentials are looked up by it.
     */
    static String normaliseRegistry(String registry) {
        String lower = registry.toLowerCase(Locale.ROOT);
        if (lower.equals("index.docker.io") || lower.equals("registry-1.docker.io")) {
            return DOCKER_HUB;
        }
        return lower;
    }

    private static boolean looksLikeRegistry(String component) {
        return component.contains(".")
                || component.contains(":")
                || component.equals("localhost")
                || !component.equals(component.toLowerCase(Locale.ROOT));
    }
}
