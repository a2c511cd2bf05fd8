package dev.terrarium.registry;

/**
 * A manifest exactly as a registry stores it: its bytes are what its digest is computed over, so
 * they are kept as they came rather than parsed and written again.
 *
 * @param mediaType the manifest's own {@code mediaType}, else the registry's {@code Content-Type};
 *     {@code null} when neither says
 * @param digest {@code sha256:<hex>} of {@code content} (or the digest it was asked by)
 * @param content the manifest's bytes; two manifests are the same when their digests are, so the
 *     array is never compared
 */
@SuppressWarnings("ArrayRecordComponent")
public record RawManifest(String mediaType, String digest, byte[] content) {}
