package dev.terrarium.builder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.BuildStrategy;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What every builder's pod must do, whichever the builder. */
class BuilderPodContractTest {

    @ParameterizedTest
    @EnumSource(BuildStrategy.class)
    void specIsFoundByItsStrategy(BuildStrategy strategy) {
        assertThat(BuilderPodSpec.forStrategy(strategy).strategy()).isEqualTo(strategy);
    }

    @Test
    void buildahIsTheDefault() {
        assertThat(BuilderPodSpec.forStrategy(null).strategy()).isEqualTo(BuildStrategy.BUILDAH);
    }

    @ParameterizedTest
    @EnumSource(BuildStrategy.class)
    void theDigestGoesToTheTerminationLogReadFromTheFileOnly(BuildStrategy strategy) {
        BuilderPod pod = BuilderPodSpec.forStrategy(strategy).pod(PodFixtures.request());
        Container container = pod.push();

        assertThat(pod.build().getName()).isEqualTo(BuilderPod.BUILD_CONTAINER);
        assertThat(container.getName()).isEqualTo(BuilderPod.PUSH_CONTAINER);
        assertThat(container.getTerminationMessagePath()).isEqualTo("/dev/termination-log");
        assertThat(container.getTerminationMessagePolicy()).isEqualTo("File");
        assertThat(
                        String.join(" ", container.getCommand())
                                + " "
                                + String.join(" ", container.getArgs()))
                .contains("/dev/termination-log");
    }

    @ParameterizedTest
    @EnumSource(BuildStrategy.class)
    void everyContextFileIsMountedAsAPlainFileInTheContextDirectory(BuildStrategy strategy) {
        BuilderPod pod = BuilderPodSpec.forStrategy(strategy).pod(PodFixtures.request());

        Volume context = PodFixtures.volume(pod, "context").orElseThrow();
        assertThat(context.getConfigMap().getName()).isEqualTo(PodFixtures.CONFIG_MAP);
        assertThat(PodFixtures.volume(pod, "context-dir").orElseThrow().getEmptyDir()).isNotNull();
        for (String file : PodFixtures.request().contextFiles()) {
            VolumeMount mount =
                    PodFixtures.mountAt(pod.build(), "/workspace/context/" + file).orElseThrow();
            assertThat(mount.getName()).isEqualTo("context");
            assertThat(mount.getSubPath()).isEqualTo(file);
            assertThat(mount.getReadOnly()).isTrue();
        }
        assertThat(PodFixtures.mountAt(pod.build(), "/workspace/context").orElseThrow().getName())
                .isEqualTo("context-dir");
    }

    @ParameterizedTest
    @EnumSource(BuildStrategy.class)
    void everyMountRefersToAVolumeOfThePodAndNoneIsLeftOver(BuildStrategy strategy) {
        BuilderPod pod =
                BuilderPodSpec.forStrategy(strategy)
                        .pod(PodFixtures.request().withPushSecret("push"));

        Set<String> volumes =
                pod.volumes().stream().map(Volume::getName).collect(Collectors.toSet());
        Set<String> mounted =
                Stream.of(pod.build(), pod.push())
                        .flatMap(c -> c.getVolumeMounts().stream())
                        .map(VolumeMount::getName)
                        .collect(Collectors.toSet());
        assertThat(mounted).isEqualTo(volumes);
        assertThat(volumes).hasSize(pod.volumes().size());
    }

    @ParameterizedTest
    @EnumSource(BuildStrategy.class)
    void thePushSecretIsMountedOnlyWhenThereIsOne(BuildStrategy strategy) {
        BuilderPodSpec spec = BuilderPodSpec.forStrategy(strategy);

        Volume secret =
                PodFixtures.volume(
                                spec.pod(PodFixtures.request().withPushSecret("push")),
                                "push-secret")
                        .orElseThrow();
        assertThat(secret.getSecret().getSecretName()).isEqualTo("push");
        assertThat(secret.getSecret().getItems())
                .singleElement()
                .satisfies(
                        item -> {
                            assertThat(item.getKey()).isEqualTo(".dockerconfigjson");
                            assertThat(item.getPath()).isEqualTo("config.json");
                        });
        assertThat(PodFixtures.volume(spec.pod(PodFixtures.request()), "push-secret")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(BuildStrategy.class)
    void imageAndResourcesComeFromTheRequest(BuildStrategy strategy) {
        BuilderPodSpec spec = BuilderPodSpec.forStrategy(strategy);

        BuilderPod pod = spec.pod(PodFixtures.request());
        assertThat(List.of(pod.build(), pod.push()))
                .extracting(Container::getImage)
                .containsOnly(PodFixtures.BUILDER_IMAGE);
        BuilderPod custom = spec.pod(PodFixtures.request().withResources(PodFixtures.RESOURCES));
        assertThat(List.of(custom.build(), custom.push()))
                .extracting(Container::getResources)
                .containsOnly(PodFixtures.RESOURCES);
    }

    @ParameterizedTest
    @EnumSource(BuildStrategy.class)
    void theSameRequestGivesTheSamePod(BuildStrategy strategy) {
        BuilderPodSpec spec = BuilderPodSpec.forStrategy(strategy);

        assertThat(spec.pod(PodFixtures.request())).isEqualTo(spec.pod(PodFixtures.request()));
    }

    @Test
    void podRunsTheBuildThenThePushOnceWithoutAServiceAccountToken() {
        PodSpec pod = new BuildahPodSpec().pod(PodFixtures.request()).toPodSpec();

        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getEnableServiceLinks()).isFalse();
        assertThat(pod.getInitContainers())
                .singleElement()
                .extracting(Container::getName)
                .isEqualTo("build");
        assertThat(pod.getContainers())
                .singleElement()
                .extracting(Container::getName)
                .isEqualTo("push");
        assertThat(pod.getVolumes())
                .extracting(Volume::getName)
                .contains("context", "context-dir", "buildah-storage", "image");
        assertThat(BuilderPod.ANNOTATIONS)
                .containsEntry("kubectl.kubernetes.io/default-container", "build");
    }
}
