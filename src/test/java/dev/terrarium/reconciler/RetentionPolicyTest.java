package dev.terrarium.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildPhase;
import dev.terrarium.api.ImageBuildStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {

    private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    private static ImageBuild build(String name, int createdMinute, ImageBuildPhase phase) {
        ImageBuild build = new ImageBuild();
        build.setMetadata(
                new ObjectMetaBuilder()
                        .withName(name)
                        .withNamespace("team")
                        .withCreationTimestamp(EPOCH.plusSeconds(60L * createdMinute).toString())
                        .build());
        if (phase != null) {
            ImageBuildStatus status = new ImageBuildStatus();
            status.setPhase(phase);
            build.setStatus(status);
        } else {
            build.setStatus(null);
        }
        return build;
    }

    private static List<String> names(List<ImageBuild> builds) {
        return builds.stream().map(b -> b.getMetadata().getName()).toList();
    }

    private static List<ImageBuild> shuffled(ImageBuild... builds) {
        List<ImageBuild> list = new ArrayList<>(List.of(builds));
        Collections.shuffle(list, new Random(42));
        return list;
    }

    @Test
    void keepsTheNewestSucceededAndFailedBuildsAndDeletesTheOlderOnes() {
        List<ImageBuild> builds =
                shuffled(
                        build("s1", 1, ImageBuildPhase.Succeeded),
                        build("s2", 2, ImageBuildPhase.Succeeded),
                        build("s3", 3, ImageBuildPhase.Succeeded),
                        build("s4", 4, ImageBuildPhase.Succeeded),
                        build("f1", 5, ImageBuildPhase.Failed),
                        build("f2", 6, ImageBuildPhase.Failed),
                        build("f3", 7, ImageBuildPhase.Failed));

        List<ImageBuild> delete = RetentionPolicy.toDelete(builds, 2, 1, Set.of());

        assertThat(names(delete)).containsExactlyInAnyOrder("s1", "s2", "f1", "f2");
    }

    @Test
    void nothingIsDeletedWithinTheLimits() {
        List<ImageBuild> builds =
                List.of(
                        build("s1", 1, ImageBuildPhase.Succeeded),
                        build("f1", 2, ImageBuildPhase.Failed));

        assertThat(
                        RetentionPolicy.toDelete(
                                builds,
                                RetentionPolicy.DEFAULT_SUCCESSFUL,
                                RetentionPolicy.DEFAULT_FAILED,
                                Set.of()))
                .isEmpty();
    }

    @Test
    void aFailedLimitOfZeroDeletesEveryUnprotectedFailedBuild() {
        List<ImageBuild> builds =
                List.of(
                        build("f1", 1, ImageBuildPhase.Failed),
                        build("f2", 2, ImageBuildPhase.Failed));

        assertThat(names(RetentionPolicy.toDelete(builds, 3, 0, Set.of("f2"))))
                .containsExactly("f1");
    }

    @Test
    void protectedBuildsAreAlwaysKept() {
        List<ImageBuild> builds =
                shuffled(
                        build("in-use", 1, ImageBuildPhase.Succeeded),
                        build("s2", 2, ImageBuildPhase.Succeeded),
                        build("s3", 3, ImageBuildPhase.Succeeded),
                        build("current", 4, ImageBuildPhase.Failed),
                        build("f2", 5, ImageBuildPhase.Failed));

        List<ImageBuild> delete =
                RetentionPolicy.toDelete(builds, 1, 1, Set.of("in-use", "current"));

        assertThat(names(delete)).containsExactly("s2");
    }

    @Test
    void unfinishedBuildsThatAreNotProtectedAreDeleted() {
        List<ImageBuild> builds =
                List.of(
                        build("queued", 1, ImageBuildPhase.Queued),
                        build("running", 2, ImageBuildPhase.Running),
                        build("fresh", 3, null),
                        build("current", 4, ImageBuildPhase.Running));

        List<ImageBuild> delete = RetentionPolicy.toDelete(builds, 3, 3, Set.of("current"));

        assertThat(names(delete)).containsExactlyInAnyOrder("queued", "running", "fresh");
    }

    @Test
    void ageComesFromTheCreationTimestampNotFromTheNameOrTheInputOrder() {
        List<ImageBuild> builds =
                List.of(
                        build("a-newest", 30, ImageBuildPhase.Succeeded),
                        build("z-oldest", 1, ImageBuildPhase.Succeeded),
                        build("m-middle", 10, ImageBuildPhase.Succeeded));

        assertThat(names(RetentionPolicy.toDelete(builds, 2, 3, Set.of())))
                .containsExactly("z-oldest");
    }
}
