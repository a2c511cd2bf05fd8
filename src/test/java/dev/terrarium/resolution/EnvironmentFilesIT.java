package dev.terrarium.resolution;

import static dev.terrarium.testing.Objects.awaitEnvironment;
import static dev.terrarium.testing.Objects.uniquePackage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.terrarium.api.BakedEnvVar;
import dev.terrarium.api.Condition;
import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentFiles;
import dev.terrarium.api.EnvironmentPhase;
import dev.terrarium.api.EnvironmentSpec;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.status.Conditions;
import dev.terrarium.testing.Objects;
import dev.terrarium.testing.TerrariumTest;
import dev.terrarium.testing.TestNamespace;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An environment.yml as conda-lock and people write it, applied to the local control plane: {@code
 * variables:} become the image's environment, keys other tools add are passed over with a Warning
 * condition that names them, and the Environment builds (on the simulated nodes).
 */
@TerrariumTest
class EnvironmentFilesIT {

    private static final Duration BUILD = Duration.ofSeconds(90);

    @Test
    void variablesBecomeTheImagesEnvironmentAndOtherToolsKeysAWarning(TestNamespace ns) {
        EnvironmentSpec spec = new EnvironmentSpec();
        spec.setFiles(new EnvironmentFiles());
        spec.getFiles()
                .setEnvironmentYml(
                        """
                        name: ml
                        channels: [conda-forge]
                        dependencies:
                          - python=3.11
                          - numpy
                          - pip:
                              - %s
                        variables:
                          OMP_NUM_THREADS: 1
                          HF_HOME: /data/hf
                        platforms: [linux-64, osx-arm64]
                        """
                                .formatted(uniquePackage()));
        ns.client().resource(Objects.environment("ml", spec)).create();

        Environment ready =
                awaitEnvironment(
                        ns.client(),
                        ns.name(),
                        "ml",
                        e -> e.getStatus().getPhase() == EnvironmentPhase.Ready,
                        BUILD);

        Condition warning = Conditions.find(ready.getStatus().getConditions(), Condition.WARNING);
        assertThat(warning).isNotNull();
        assertThat(warning.getStatus()).isEqualTo(Condition.TRUE);
        assertThat(warning.getReason()).isEqualTo("IgnoredKeys");
        assertThat(warning.getMessage())
                .contains("spec.files.environmentYml: key \"platforms\" not read");
        ImageBuild build =
                ns.client()
                        .resources(ImageBuild.class)
                        .withName(ready.getStatus().getLatestBuild())
                        .get();
        assertThat(build.getSpec().getResolved().getEnv())
                .extracting(BakedEnvVar::getName, BakedEnvVar::getValue)
                .containsExactly(tuple("HF_HOME", "/data/hf"), tuple("OMP_NUM_THREADS", "1"));
        assertThat(
                        ns.kubectl()
                                .run(
                                        "get",
                                        "environment",
                                        "ml",
                                        "-o",
                                        "jsonpath={.status.conditions[?(@.type==\"Warning\")].reason}"))
                .isEqualTo("IgnoredKeys");
    }
}
