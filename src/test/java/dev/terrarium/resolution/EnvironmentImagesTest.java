package dev.terrarium.resolution;

import static dev.terrarium.workload.Workloads.NEW;
import static dev.terrarium.workload.Workloads.OLD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.Environment;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildPhase;
import dev.terrarium.api.ImageBuildStatus;
import dev.terrarium.workload.Workloads;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnvironmentImagesTest {

    private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    private static ImageBuild build(
            String name, int createdMinute, ImageBuildPhase phase, String image) {
        ImageBuild build = new ImageBuild();
        build.setMetadata(
                new ObjectMetaBuilder()
                        .withName(name)
                        .withNamespace("team")
                        .withCreationTimestamp(EPOCH.plusSeconds(60L * createdMinute).toString())
                        .build());
        ImageBuildStatus status = new ImageBuildStatus();
        status.setPhase(phase);
        status.setImage(image);
        build.setStatus(status);
        return build;
    }

    private static Environment pointingAt(String image) {
        return Workloads.environment("ds", image, null, null);
    }

    @Test
    void theCurrentBuildGivesTheImageOnceItSucceeded() {
        ImageBuild current = build("ds-new", 2, ImageBuildPhase.Succeeded, NEW);
        ImageBuild previous = build("ds-old", 1, ImageBuildPhase.Succeeded, OLD);

        assertThat(
                        EnvironmentImages.imageBuild(
                                pointingAt(OLD), "ds-new", List.of(previous, current)))
                .containsSame(current);
    }

    @Test
    void whileTheCurrentBuildRunsThePreviousImagesBuildStays() {
        ImageBuild current = build("ds-new", 2, ImageBuildPhase.Running, null);
        ImageBuild previous = build("ds-old", 1, ImageBuildPhase.Succeeded, OLD);
        ImageBuild unrelated = build("ds-other", 3, ImageBuildPhase.Succeeded, NEW);

        assertThat(
                        EnvironmentImages.imageBuild(
                                pointingAt(OLD), "ds-new", List.of(current, unrelated, previous)))
                .containsSame(previous);
    }

    @Test
    void afterTheCurrentBuildFailedThePreviousImagesBuildStays() {
        ImageBuild current = build("ds-new", 2, ImageBuildPhase.Failed, null);
        ImageBuild previous = build("ds-old", 1, ImageBuildPhase.Succeeded, OLD);

        assertThat(
                        EnvironmentImages.imageBuild(
                                pointingAt(OLD), "ds-new", List.of(current, previous)))
                .containsSame(previous);
    }

    @Test
    void ofSeveralBuildsOfThePreviousImageTheNewestIsTaken() {
        ImageBuild older = build("ds-old-1", 1, ImageBuildPhase.Succeeded, OLD);
        ImageBuild newer = build("ds-old-2", 5, ImageBuildPhase.Succeeded, OLD);

        assertThat(EnvironmentImages.imageBuild(pointingAt(OLD), "ds-new", List.of(newer, older)))
                .containsSame(newer);
    }

    @Test
    void withoutPreviousImageAnUnfinishedCurrentBuildGivesNothing() {
        ImageBuild current = build("ds-new", 2, ImageBuildPhase.Running, null);
        ImageBuild other = build("ds-old", 1, ImageBuildPhase.Succeeded, OLD);

        assertThat(
                        EnvironmentImages.imageBuild(
                                pointingAt(null), "ds-new", List.of(current, other)))
                .isEmpty();
    }

    @Test
    void aPreviousImageWhoseBuildIsGoneGivesNothing() {
        ImageBuild current = build("ds-new", 2, ImageBuildPhase.Queued, null);

        assertThat(EnvironmentImages.imageBuild(pointingAt(OLD), "ds-new", List.of(current)))
                .isEmpty();
    }
}
