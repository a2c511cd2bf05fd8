package dev.terrarium.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test node's image cache on a real directory: what its garbage collection deletes. */
class ImagePullerCollectionTest {

    private static final ImageGarbageCollection.Policy SMALL =
            new ImageGarbageCollection.Policy(3000, 0, Duration.ofMinutes(10));

    @TempDir Path cache;

    private Path image(String hex, int bytes, Duration unusedFor) throws IOException {
        Path dir = cache.resolve("sha256-" + hex);
        Files.createDirectories(dir.resolve("rootfs/usr/bin"));
        Files.write(dir.resolve("rootfs/usr/bin/tool"), new byte[bytes]);
        Files.createSymbolicLink(dir.resolve("rootfs/usr/bin/alias"), Path.of("tool"));
        Path lastUsed = Files.writeString(dir.resolve("last-used"), "");
        Files.setLastModifiedTime(lastUsed, FileTime.from(Instant.now().minus(unusedFor)));
        return dir;
    }

    @Test
    void theLeastRecentlyUsedImagesAreDeletedUntilTheCacheIsWithinItsBudget() throws IOException {
        Path oldest = image("aa", 2000, Duration.ofDays(3));
        Path older = image("bb", 2000, Duration.ofDays(2));
        Path recent = image("cc", 2000, Duration.ofHours(1));

        new ImagePuller(cache, null, SMALL).collectGarbage();

        assertThat(oldest).doesNotExist();
        assertThat(older).doesNotExist();
        assertThat(recent.resolve("rootfs/usr/bin/tool")).exists();
        assertThat(recent.resolve("bytes")).content().isEqualTo("2000");
    }

    @Test
    void anImageUsedWithinTheMinimumAgeStaysAndLeftoversOfAnEndedRunGo() throws IOException {
        Path justUsed = image("dd", 5000, Duration.ofMinutes(1));
        Path staging = Files.createDirectories(cache.resolve(".staging-old/rootfs"));
        Files.setLastModifiedTime(
                staging.getParent(), FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Path unpacking = Files.createDirectories(cache.resolve(".staging-now/rootfs"));

        new ImagePuller(cache, null, SMALL).collectGarbage();

        assertThat(justUsed.resolve("rootfs")).exists();
        assertThat(staging.getParent()).doesNotExist();
        assertThat(unpacking).exists();
    }

    @Test
    void anImageThatRecordedNothingIsJudgedByItsDirectorysTime() throws IOException {
        Path legacy = cache.resolve("sha256-ee");
        Files.createDirectories(legacy.resolve("rootfs"));
        Files.write(legacy.resolve("rootfs/lib.so"), new byte[4000]);
        Files.setLastModifiedTime(legacy, FileTime.from(Instant.now().minus(Duration.ofDays(1))));
        Path recent = image("ff", 1000, Duration.ofHours(1));

        new ImagePuller(cache, null, SMALL).collectGarbage();

        assertThat(legacy).doesNotExist();
        assertThat(recent).exists();
    }
}
