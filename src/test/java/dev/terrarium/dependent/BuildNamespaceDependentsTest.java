package dev.terrarium.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.BuildSettings;
import dev.terrarium.api.BuildStrategy;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildSpec;
import dev.terrarium.buildcontext.Fixtures;
import dev.terrarium.builder.BuildPlacement;
import dev.terrarium.naming.Labels;
import dev.terrarium.naming.Names;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a build makes, and where, in both modes (BuildPlacement); nothing here talks to a cluster.
 */
class BuildNamespaceDependentsTest {

    private static final String SHARED = "registry.test/terrarium/environments";
    private static final BuildPlacement APART =
            new BuildPlacement("terrarium-builds", "terrarium-builder", SHARED, "registry-push");
    private static final BuildPlacement BESIDE = BuildPlacement.tenantNamespaces();

    private static ImageBuild build(String pushSecret) {
        ImageBuild build = new ImageBuild();
        build.setMetadata(
                new ObjectMetaBuilder()
                        .withName("ds-0123456789")
                        .withNamespace("team")
                        .withUid("4c1c2a43-0000-4000-8000-000000000001")
                        .build());
        ImageBuildSpec spec = new ImageBuildSpec();
        spec.setEnvironment("ds");
        spec.setSpecHash("0123456789abcdef".repeat(4));
        spec.setRepository(SHARED);
        spec.setPushSecret(pushSecret);
        spec.setResolved(Fixtures.venvMinimal());
        BuildSettings settings = new BuildSettings();
        settings.setStrategy(BuildStrategy.BUILDAH);
        settings.setBuilderImage("quay.io/buildah/stable:v1.38");
        settings.setServiceAccountName("ds-builder");
        settings.setTimeoutSeconds(600L);
        spec.setBuild(settings);
        build.setSpec(spec);
        return build;
    }

    private static String pushVolumeSecret(PodSpec pod) {
        return pod.getVolumes().stream()
                .filter(v -> v.getSecret() != null)
                .map(Volume::getSecret)
                .map(s -> s.getSecretName())
                .findFirst()
                .orElse(null);
    }

    private static String contextVolumeConfigMap(PodSpec pod) {
        return pod.getVolumes().stream()
                .filter(v -> v.getConfigMap() != null)
                .map(v -> v.getConfigMap().getName())
                .findFirst()
                .orElseThrow();
    }

    @Test
    void inTheBuildNamespaceTheJobRunsAsTheSharedTokenlessAccountWithTheSecretCopy() {
        ImageBuild build = build("team-push");
        Job job = new BuildJobDependent(APART).desired(build, null);
        PodSpec pod = job.getSpec().getTemplate().getSpec();

        assertThat(job.getMetadata().getNamespace()).isEqualTo("terrarium-builds");
        assertThat(job.getMetadata().getName()).isEqualTo(Names.buildJob("team", "ds-0123456789"));
        assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry(Labels.IMAGE_BUILD, "ds-0123456789")
                .containsEntry(Labels.IMAGE_BUILD_NAMESPACE, "team");
        assertThat(pod.getServiceAccountName()).isEqualTo("terrarium-builder");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pushVolumeSecret(pod)).isEqualTo(Names.pushSecretCopy("team", "ds-0123456789"));
        assertThat(contextVolumeConfigMap(pod))
                .isEqualTo(Names.buildContext("team", "ds-0123456789"));
    }

    @Test
    void inTheBuildNamespaceABuildOfTheDefaultRepositoryMountsTheSharedPushSecret() {
        PodSpec pod =
                new BuildJobDependent(APART)
                        .desired(build(null), null)
                        .getSpec()
                        .getTemplate()
                        .getSpec();

        assertThat(pushVolumeSecret(pod)).isEqualTo("registry-push");
    }

    @Test
    void inSingleTeamModeTheJobIsTheImageBuildsNamesakeBesideIt() {
        ImageBuild build = build("team-push");
        Job job = new BuildJobDependent(BESIDE).desired(build, null);
        PodSpec pod = job.getSpec().getTemplate().getSpec();

        assertThat(job.getMetadata().getNamespace()).isEqualTo("team");
        assertThat(job.getMetadata().getName()).isEqualTo("ds-0123456789");
        assertThat(pod.getServiceAccountName()).isEqualTo("ds-builder");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pushVolumeSecret(pod)).isEqualTo("team-push");
        assertThat(contextVolumeConfigMap(pod)).isEqualTo("ds-0123456789-context");
        assertThat(job.getMetadata().getLabels()).doesNotContainKey(Labels.IMAGE_BUILD_NAMESPACE);
    }

    @Test
    void theContextIsMadeWhereTheJobRuns() {
        ImageBuild build = build(null);
        ConfigMap apart = new BuildContextConfigMapDependent(APART).desired(build, null);
        ConfigMap beside = new BuildContextConfigMapDependent(BESIDE).desired(build, null);

        assertThat(apart.getMetadata().getNamespace()).isEqualTo("terrarium-builds");
        assertThat(apart.getMetadata().getName())
                .isEqualTo(Names.buildContext("team", "ds-0123456789"));
        assertThat(apart.getData()).containsKey("Dockerfile");
        assertThat(beside.getMetadata().getNamespace()).isEqualTo("team");
        assertThat(beside.getMetadata().getName()).isEqualTo("ds-0123456789-context");
        assertThat(beside.getData()).isEqualTo(apart.getData());
    }

    @Test
    void theSecretCopyHasTheTenantSecretsTypeAndDataAndNothingOfItsMetadata() {
        ImageBuild build = build("team-push");
        Secret original =
                new SecretBuilder()
                        .withNewMetadata()
                        .withName("team-push")
                        .withNamespace("team")
                        .withLabels(Map.of("owner", "team"))
                        .withAnnotations(Map.of("note", "theirs"))
                        .endMetadata()
                        .withType("kubernetes.io/dockerconfigjson")
                        .withData(Map.of(".dockerconfigjson", "e30="))
                        .build();

        Secret copy = BuildPushSecretDependent.desired(build, APART, original);

        assertThat(copy.getMetadata().getNamespace()).isEqualTo("terrarium-builds");
        assertThat(copy.getMetadata().getName())
                .isEqualTo(Names.pushSecretCopy("team", "ds-0123456789"));
        assertThat(copy.getMetadata().getLabels())
                .containsEntry(Labels.IMAGE_BUILD_NAMESPACE, "team")
                .doesNotContainKey("owner");
        assertThat(copy.getMetadata().getAnnotations()).doesNotContainKey("note");
        assertThat(copy.getType()).isEqualTo("kubernetes.io/dockerconfigjson");
        assertThat(copy.getData()).isEqualTo(original.getData());
    }

    @Test
    void inTheBuildNamespaceNoOwnerReferenceCrossesNamespacesTheAnnotationsMapBack() {
        ImageBuild build = build("team-push");
        BuildJobDependent dependent = new BuildJobDependent(APART);
        Job job = dependent.desired(build, null);

        dependent.addReferenceHandlingMetadata(job, build);

        assertThat(job.getMetadata().getOwnerReferences()).isEmpty();
        assertThat(Mappers.fromDefaultAnnotations(ImageBuild.class).toPrimaryResourceIDs(job))
                .singleElement()
                .satisfies(
                        id -> {
                            assertThat(id.getName()).isEqualTo("ds-0123456789");
                            assertThat(id.getNamespace()).contains("team");
                        });
    }

    @Test
    void inSingleTeamModeTheImageBuildOwnsItsObjects() {
        ImageBuild build = build(null);
        BuildContextConfigMapDependent dependent = new BuildContextConfigMapDependent(BESIDE);
        HasMetadata context = dependent.desired(build, null);

        dependent.addReferenceHandlingMetadata((ConfigMap) context, build);

        assertThat(context.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(o -> assertThat(o.getName()).isEqualTo("ds-0123456789"));
        assertThat(context.getMetadata().getAnnotations())
                .doesNotContainKey(Mappers.DEFAULT_ANNOTATION_FOR_NAME);
    }
}
