package dev.terrarium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The operator Deployment's environment overrides (deploy/operator, rendered from the chart's
 * values) stay in step with TerrariumConfig.
 */
class OperatorSettingsTest {

    /** Set on purpose to other values than the application's defaults: the in-cluster registry. */
    private static final Set<String> OVERRIDDEN =
            Set.of("TERRARIUM_REGISTRY_DEFAULT_REPOSITORY", "TERRARIUM_REGISTRY_INSECURE");

    /**
     * Settings of the removed BuildKit and kaniko builders: per-strategy images and the default
     * strategy.
     */
    private static final String REPLACED_PREFIX = "TERRARIUM_BUILDS_IMAGES_";

    private static final String REMOVED_STRATEGY = "TERRARIUM_BUILDS_DEFAULT_STRATEGY";

    private static Map<String, String> operatorEnv() {
        Deployment operator =
                Manifests.typed(
                        Manifests.readYaml(
                                Manifests.repo().resolve("deploy/operator/deployment.yaml")),
                        Deployment.class);
        return operator.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    @Test
    void theSettingsAreFoundWithTheirEnvironmentVariables() {
        assertThat(OperatorSettings.all())
                .extracting(OperatorSettings::key)
                .contains(
                        "terrarium.registry.default-repository",
                        "terrarium.builds.max-per-namespace",
                        "terrarium.builds.image",
                        "terrarium.base-images.venv",
                        "terrarium.default-python",
                        "terrarium.leader-election.namespace",
                        "terrarium.builds.node-selector");
        assertThat(OperatorSettings.envVar("terrarium.builds.max-per-namespace"))
                .isEqualTo("TERRARIUM_BUILDS_MAX_PER_NAMESPACE");
    }

    @Test
    void theDefaultBuilderImageIsTheChartsOwnForThisVersion() {
        assertThat(OperatorSettings.all())
                .filteredOn(s -> s.key().equals("terrarium.builds.image"))
                .singleElement()
                .satisfies(
                        image -> {
                            assertThat(image.envVar()).isEqualTo("TERRARIUM_BUILDS_IMAGE");
                            assertThat(image.defaultValue())
                                    .contains(
                                            "ghcr.io/terrarium-dev/terrarium-builder:"
                                                    + OperatorSettings.projectVersion());
                        });
        assertThat(operatorEnv())
                .containsEntry(
                        "TERRARIUM_BUILDS_IMAGE",
                        "ghcr.io/terrarium-dev/terrarium-builder:"
                                + OperatorSettings.projectVersion());
    }

    @Test
    void everySettingWithADefaultIsSetToItUnlessOverriddenOnPurpose() {
        Map<String, String> env = operatorEnv();
        for (OperatorSettings setting : OperatorSettings.all()) {
            if (setting.defaultValue().isEmpty() || OVERRIDDEN.contains(setting.envVar())) {
                continue;
            }
            assertThat(env)
                    .as(setting.key())
                    .containsEntry(setting.envVar(), setting.defaultValue().get());
        }
        assertThat(env).containsKeys(OVERRIDDEN.toArray(String[]::new));
    }

    @Test
    void theDeploymentSetsNoUnknownSetting() {
        List<String> known = OperatorSettings.all().stream().map(OperatorSettings::envVar).toList();
        assertThat(operatorEnv().keySet().stream().filter(name -> name.startsWith("TERRARIUM_")))
                .allSatisfy(name -> assertThat(known).as("known settings").contains(name));
        assertThat(operatorEnv().keySet())
                .as("per-strategy builder images are replaced by TERRARIUM_BUILDS_IMAGE")
                .noneMatch(name -> name.startsWith(REPLACED_PREFIX))
                .doesNotContain(REMOVED_STRATEGY);
        assertThat(known)
                .as("buildah is the only builder")
                .doesNotContain(REMOVED_STRATEGY)
                .noneMatch(name -> name.startsWith(REPLACED_PREFIX));
    }

    @Test
    void leaderElectionTakesItsNamespaceFromPodNamespace() throws IOException {
        String properties =
                Files.readString(
                        Manifests.repo().resolve("src/main/resources/application.properties"));
        assertThat(properties).contains("terrarium.leader-election.namespace=${POD_NAMESPACE:}");
        assertThat(operatorEnv()).doesNotContainKey("TERRARIUM_LEADER_ELECTION_NAMESPACE");
    }
}
