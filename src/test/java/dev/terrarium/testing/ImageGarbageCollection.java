package dev.terrarium.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Which unpacked images the test node deletes, as a kubelet's image garbage collection decides: the
 * least recently used first, never one a container of this node runs, never one used within the
 * minimum age (another test run on this machine may have just pulled it, or run a container from
 * it), until the cache is within its budget and the filesystem has its reserve free again.
 *
 * <p>Without it the cache only grows: every test run builds images of new digests, each unpacked
 * whole, and a machine that runs the tests all day fills its disk until builds fail with "no space
 * left on device".
 */
final class ImageGarbageCollection {

    /**
     * The limits: the cache's size after a collection, the free space the filesystem keeps, and how
     * long after its last use an image is kept whatever the first two say.
     */
    record Policy(long maxCacheBytes, long minFreeBytes, Duration minAge) {
        /**
         * A test run unpacks about 2 GB of new images (the builder, the base image, the images its
         * real builds push: 0.2 to 0.5 GB each), so 6 GiB holds what about three runs used, and
         * what the next run reuses is still there; the rest of the disk is for the builds' own
         * layer stores. Ten minutes is ten times the interval at which a node renews the last use
         * of the images its containers run.
         */
        static final Policy DEFAULT =
                new Policy(
                        6L * 1024 * 1024 * 1024, 4L * 1024 * 1024 * 1024, Duration.ofMinutes(10));
    }

    /** One unpacked image: its digest, its size on disk and when a node last used it. */
    record CachedImage(String digest, long bytes, Instant lastUsed) {}

    private ImageGarbageCollection() {}

    /** The images to delete, in the order to delete them. */
    static List<CachedImage> victims(
            List<CachedImage> cached,
            Set<String> inUse,
            long freeBytes,
            Instant now,
            Policy policy) {
        long total = cached.stream().mapToLong(CachedImage::bytes).sum();
        long free = freeBytes;
        List<CachedImage> candidates =
                cached.stream()
                        .filter(image -> !inUse.contains(image.digest()))
                        .filter(image -> image.lastUsed().plus(policy.minAge()).isBefore(now))
                        .sorted(
                                Comparator.comparing(CachedImage::lastUsed)
                                        .thenComparing(CachedImage::digest))
                        .toList();
        List<CachedImage> victims = new ArrayList<>();
        for (CachedImage candidate : candidates) {
            if (total <= policy.maxCacheBytes() && free >= policy.minFreeBytes()) {
                break;
            }
            victims.add(candidate);
            total -= candidate.bytes();
            free += candidate.bytes();
        }
        return victims;
    }
}
