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
import dev.terrarium.api.Manager;
import dev.terrarium.status.Conditions;
import dev.terrarium.testing.BuildNamespace;
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

    /**
     * The pylock.toml of a venv build's lock ConfigMap, given back as files.pylockToml: the new
     * Environment builds from that file as it is (the build context carries it, the Dockerfile
     * installs it with uv), and its own lock ConfigMap has it again.
     */
    @Test
    void theExactLockOfOneEnvironmentBuildsAnother(TestNamespace ns) {
        String probe = uniquePackage();
        ns.client().resource(Objects.venv("locked", probe, "six==1.16.0")).create();
        awaitEnvironment(
                ns.client(),
                ns.name(),
                "locked",
                e -> e.getStatus().getPhase() == EnvironmentPhase.Ready,
                BUILD);
        String pylock =
                ns.client().configMaps().withName("locked-lock").get().getData().get("pylock.toml");
        assertThat(pylock).contains("name = \"six\"", "version = \"1.16.0\"", "sha256 = ");

        EnvironmentSpec spec = new EnvironmentSpec();
        spec.setPython("3.12");
        spec.setFiles(new EnvironmentFiles());
        spec.getFiles().setPylockToml(pylock);
        ns.client().resource(Objects.environment("relocked", spec)).create();
        Environment ready =
                awaitEnvironment(
                        ns.client(),
                        ns.name(),
                        "relocked",
                        e -> e.getStatus().getPhase() == EnvironmentPhase.Ready,
                        BUILD);

        ImageBuild build =
                ns.client()
                        .resources(ImageBuild.class)
                        .withName(ready.getStatus().getLatestBuild())
                        .get();
        assertThat(build.getSpec().getResolved().getManager()).isEqualTo(Manager.VENV);
        assertThat(build.getSpec().getResolved().getPylockToml()).isEqualTo(pylock);
        assertThat(build.getSpec().getResolved().getPip()).isEmpty();
        var context =
                BuildNamespace.context(
                        ns.plane().adminClient(), ns.name(), build.getMetadata().getName());
        assertThat(context.getData()).containsEntry("pylock.toml", pylock);
        assertThat(context.getData().get("Dockerfile"))
                .contains(
                        "uv pip install --python /opt/venv/bin/python -r /tmp/terrarium/pylock.toml")
                .doesNotContain("six");
        var lock = ns.client().configMaps().withName("relocked-lock").get().getData();
        assertThat(lock.get("pylock.toml")).isEqualTo(pylock);
        assertThat(lock.get("lock")).contains("six==1.16.0", probe);
    }
}
