package dev.terrarium.builder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.BuildSettings;
import dev.terrarium.api.BuildStrategy;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildSpec;
import dev.terrarium.buildcontext.Fixtures;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BuildJobsTest {

    private static ImageBuild build(Long timeoutSeconds) {
        ImageBuild build = new ImageBuild();
        build.setMetadata(
                new ObjectMetaBuilder().withName("ds-0123456789").withNamespace("team").build());
        ImageBuildSpec spec = new ImageBuildSpec();
        spec.setEnvironment("ds");
        spec.setSpecHash("0123456789abcdef".repeat(4));
        spec.setRepository("registry.test/envs");
        spec.setResolved(Fixtures.venvMinimal());
        BuildSettings settings = new BuildSettings();
        settings.setStrategy(BuildStrategy.BUILDAH);
        settings.setBuilderImage("quay.io/buildah/stable:v1.38");
        settings.setServiceAccountName("ds-builder");
        settings.setTimeoutSeconds(timeoutSeconds);
        spec.setBuild(settings);
        build.setSpec(spec);
        return build;
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, 86_401, 35_999_996_400L, Long.MAX_VALUE})
    void aDeadlineOutsideOneSecondToADayIsRefusedNamingTheField(long timeoutSeconds) {
        BuildJobs.Preparation preparation =
                BuildJobs.prepare(build(timeoutSeconds), BuildPlacement.tenantNamespaces());

        assertThat(preparation)
                .isInstanceOfSatisfying(
                        BuildJobs.Refused.class,
                        refused ->
                                assertThat(refused.message())
                                        .contains(
                                                "spec.build.timeoutSeconds",
                                                Long.toString(timeoutSeconds),
                                                "86400"));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 1_800, 86_400})
    void aDeadlineWithinADayIsPrepared(long timeoutSeconds) {
        assertThat(BuildJobs.prepare(build(timeoutSeconds), BuildPlacement.tenantNamespaces()))
                .isInstanceOf(BuildJobs.Prepared.class);
    }

    @Test
    void aBuildThatTrustsACaBundleWaitsUntilItsConfigMapAndKeyAreThere() {
        ImageBuild build = build(600L);
        BuildPlacement placement = BuildPlacement.tenantNamespaces();
        assertThat(BuildJobs.caBundleMissing(build, placement, null))
                .as("a build that names no bundle waits for none")
                .isEmpty();

        build.getSpec().getBuild().setCaBundle("corp-ca");
        assertThat(BuildJobs.caBundleMissing(build, placement, null))
                .hasValue(
                        "Waiting for the ConfigMap corp-ca in namespace team, which the operator "
                                + "setting terrarium.builds.ca-bundle names: builds trust its "
                                + "certificates and do not start without them.");
        ConfigMap other =
                new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("corp-ca")
                        .endMetadata()
                        .withData(Map.of("bundle.pem", "-----BEGIN CERTIFICATE-----"))
                        .build();
        assertThat(BuildJobs.caBundleMissing(build, placement, other))
                .hasValue(
                        "Waiting for the key ca.crt of the ConfigMap corp-ca in namespace team, which "
                                + "the operator setting terrarium.builds.ca-bundle names "
                                + "(terrarium.builds.ca-bundle-key): it has only bundle.pem.");
        build.getSpec().getBuild().setCaBundleKey("bundle.pem");
        assertThat(BuildJobs.caBundleMissing(build, placement, other)).isEmpty();
    }
}
