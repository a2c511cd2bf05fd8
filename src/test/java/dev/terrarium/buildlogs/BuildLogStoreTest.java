package dev.terrarium.buildlogs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

class BuildLogStoreTest {

    @Test
    void theRecordIsBesideTheBuildOwnedByItImmutableAndApartFromItsContextAndLock() {
        ImageBuild build = new ImageBuild();
        build.setMetadata(
                new ObjectMetaBuilder()
                        .withName("science-0123456789")
                        .withNamespace("team-a")
                        .withUid("u-1")
                        .build());
        build.setSpec(new ImageBuildSpec());
        build.getSpec().setEnvironment("science");

        var record = BuildLogStore.record(build, "science-0123456789-log", "STEP 1/3\n");

        assertThat(record.getMetadata().getNamespace()).isEqualTo("team-a");
        assertThat(record.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(
                        owner -> {
                            assertThat(owner.getUid()).isEqualTo("u-1");
                            assertThat(owner.getController()).isTrue();
                        });
        assertThat(record.getImmutable()).isTrue();
        assertThat(record.getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/component", "log")
                .containsEntry("terrarium.dev/imagebuild", "science-0123456789");
        assertThat(record.getData()).containsExactly(java.util.Map.entry("log", "STEP 1/3\n"));
    }
}
