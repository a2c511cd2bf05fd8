package dev.terrarium.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.testing.ImageGarbageCollection.CachedImage;
import dev.terrarium.testing.ImageGarbageCollection.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ImageGarbageCollectionTest {

    private static final long MB = 1024 * 1024;
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final Policy POLICY = new Policy(1000 * MB, 500 * MB, Duration.ofMinutes(10));

    private static CachedImage image(String digest, long megabytes, Duration unusedFor) {
        return new CachedImage(digest, megabytes * MB, NOW.minus(unusedFor));
    }

    private static List<String> victims(List<CachedImage> cached, Set<String> inUse, long free) {
        return ImageGarbageCollection.victims(cached, inUse, free * MB, NOW, POLICY).stream()
                .map(CachedImage::digest)
                .toList();
    }

    @Test
    void aCacheWithinItsBudgetOnADiskWithRoomLosesNothing() {
        List<CachedImage> cached =
                List.of(image("a", 400, Duration.ofDays(3)), image("b", 600, Duration.ofDays(2)));

        assertThat(victims(cached, Set.of(), 500)).isEmpty();
    }

    @Test
    void overItsBudgetTheLeastRecentlyUsedGoFirstUntilItFits() {
        List<CachedImage> cached =
                List.of(
                        image("newest", 500, Duration.ofHours(1)),
                        image("oldest", 500, Duration.ofDays(5)),
                        image("middle", 500, Duration.ofDays(1)));

        assertThat(victims(cached, Set.of(), 10_000)).containsExactly("oldest");
    }

    @Test
    void aDiskBelowItsReserveLosesImagesEvenWithinTheBudget() {
        List<CachedImage> cached =
                List.of(
                        image("a", 200, Duration.ofHours(3)),
                        image("b", 200, Duration.ofHours(2)),
                        image("c", 200, Duration.ofHours(1)));

        assertThat(victims(cached, Set.of(), 150)).containsExactly("a", "b");
    }

    @Test
    void anImageAContainerRunsOrOneUsedWithinTheMinimumAgeIsKept() {
        List<CachedImage> cached =
                List.of(
                        image("running", 900, Duration.ofDays(9)),
                        image("just-pulled", 900, Duration.ofMinutes(9)),
                        image("idle", 900, Duration.ofMinutes(11)));

        assertThat(victims(cached, Set.of("running"), 0)).containsExactly("idle");
    }

    @Test
    void whatCannotBeFreedIsLeftAndNothingElseIsTaken() {
        List<CachedImage> cached =
                List.of(
                        image("running", 5000, Duration.ofDays(9)),
                        image("idle", 100, Duration.ofDays(1)));

        assertThat(victims(cached, Set.of("running"), 0)).containsExactly("idle");
    }
}
