package dev.terrarium.builder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.BuildSettings;
import dev.terrarium.api.BuildStrategy;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildSpec;
import dev.terrarium.buildcontext.Fixtures;
import dev.terrarium.naming.Labels;
import dev.terrarium.naming.Names;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

class BuildPlacementTest {

    static final String SHARED = "registry.test/terrarium/environments";
    static final BuildPlacement APART =
            new BuildPlacement("terrarium-builds", "terrarium-builder", SHARED, "registry-push");
    static final BuildPlacement BESIDE = BuildPlacement.tenantNamespaces();

    static ImageBuild build(String repository, String pushSecret) {
        ImageBuild build = new ImageBuild();
        build.setMetadata(
                new ObjectMetaBuilder().withName("ds-0123456789").withNamespace("team").build());
        ImageBuildSpec spec = new ImageBuildSpec();
        spec.setEnvironment("ds");
        spec.setSpecHash("0123456789abcdef".repeat(4));
        spec.setRepository(repository);
        spec.setPushSecret(pushSecret);
        spec.setResolved(Fixtures.venvMinimal());
        BuildSettings settings = new BuildSettings();
        settings.setStrategy(BuildStrategy.BUILDAH);
        settings.setBuilderImage("quay.io/buildah/stable:v1.38");
        settings.setServiceAccountName("ds-builder");
        spec.setBuild(settings);
        build.setSpec(spec);
        return build;
    }

    @Test
    void inSingleTeamModeEverythingStaysBesideTheImageBuildUnderItsName() {
        ImageBuild build = build("registry.test/team/ds", "team-push");

        assertThat(BESIDE.separate()).isFalse();
        assertThat(BESIDE.namespace(build)).isEqualTo("team");
        assertThat(BESIDE.jobName(build)).isEqualTo("ds-0123456789");
        assertThat(BESIDE.contextName(build)).isEqualTo("ds-0123456789-context");
        assertThat(BESIDE.pushSecretCopy(build)).isEmpty();
        assertThat(BESIDE.podPushSecret(build)).isEqualTo("team-push");
        assertThat(BESIDE.podServiceAccount(build)).isEqualTo("ds-builder");
        assertThat(BESIDE.labels(build)).doesNotContainKey(Labels.IMAGE_BUILD_NAMESPACE);
    }

    @Test
    void inTheBuildNamespaceNamesTellTenantsApartAndLabelsNameTheImageBuild() {
        ImageBuild build = build("registry.test/team/ds", "team-push");

        assertThat(APART.namespace(build)).isEqualTo("terrarium-builds");
        assertThat(APART.jobName(build)).isEqualTo(Names.buildJob("team", "ds-0123456789"));
        assertThat(APART.contextName(build)).isEqualTo(Names.buildContext("team", "ds-0123456789"));
        assertThat(APART.podServiceAccount(build)).isEqualTo("terrarium-builder");
        assertThat(APART.labels(build))
                .containsEntry(Labels.IMAGE_BUILD, "ds-0123456789")
                .containsEntry(Labels.IMAGE_BUILD_NAMESPACE, "team")
                .containsEntry(Labels.ENVIRONMENT, "ds");
    }

    @Test
    void aTenantsPushSecretIsCopiedAndTheCopyMountedNeverTheShared() {
        ImageBuild own = build(SHARED, "team-push");

        assertThat(APART.pushSecretCopy(own))
                .contains(Names.pushSecretCopy("team", "ds-0123456789"));
        assertThat(APART.podPushSecret(own)).isEqualTo(APART.pushSecretCopy(own).orElseThrow());
        assertThat(APART.sharedPushSecretFor(own)).isEmpty();
    }

    @Test
    void theSharedPushSecretGoesOnlyToBuildsOfTheDefaultRepositoryInTheBuildNamespace() {
        assertThat(APART.podPushSecret(build(SHARED, null))).isEqualTo("registry-push");
        assertThat(APART.sharedPushSecretFor(build(SHARED, null))).contains("registry-push");
        assertThat(APART.podPushSecret(build("registry.test/team/ds", null))).isNull();
        assertThat(APART.pushSecretCopy(build(SHARED, null))).isEmpty();
        assertThat(BESIDE.podPushSecret(build(SHARED, null))).isNull();
        assertThat(BESIDE.sharedPushSecretFor(build(SHARED, null))).isEmpty();
        assertThat(
                        new BuildPlacement("terrarium-builds", "terrarium-builder", SHARED, null)
                                .podPushSecret(build(SHARED, null)))
                .isNull();
    }
}
