package dev.terrarium.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildahPodSpecTest {

    private final BuildahPodSpec spec = new BuildahPodSpec();

    @Test
    void buildArgvCarriesEveryFlagAndBuildArgumentAsItsOwnEntry() {
        Container container = spec.pod(PodFixtures.request().withPushSecret("push")).container();

        assertThat(container.getArgs())
                .containsExactly(
                        "--storage-driver=vfs",
                        "--isolation=chroot",
                        "--layers",
                        "--authfile=/workspace/push-secret/config.json",
                        "--file=/workspace/context/Dockerfile",
                        "--tag=" + PodFixtures.TARGET,
                        "--build-arg",
                        "TERRARIUM_BASE_IMAGE=mambaorg/micromamba:2.0.5",
                        "--build-arg",
                        "TERRARIUM_ENV_0=it's $(id) `x`; a,b=c\nnext",
                        "/workspace/context");
    }

    @Test
    void scriptBuildsWithTheArgumentsThenPushesTheImageFromTheEnvironment() {
        Container container = spec.pod(PodFixtures.request()).container();

        assertThat(container.getCommand())
                .hasSize(4)
                .startsWith("/bin/sh", "-c")
                .endsWith("buildah-build");
        assertThat(container.getCommand().get(2))
                .isEqualTo(
                        "set -eu\n"
                                + "buildah build \"$@\"\n"
                                + "buildah push --storage-driver=vfs --digestfile=/dev/termination-log "
                                + "\"$TERRARIUM_IMAGE\" \"docker://$TERRARIUM_IMAGE\"\n");
        assertThat(PodFixtures.env(container, "TERRARIUM_IMAGE")).contains(PodFixtures.TARGET);
    }

    @Test
    void scriptVariesOnlyWithTheSecretAndTheRegistrysTls() {
        String script =
                spec.pod(PodFixtures.request().withPushSecret("push").withInsecureRegistry(true))
                        .container()
                        .getCommand()
                        .get(2);

        assertThat(script)
                .contains(
                        "buildah push --storage-driver=vfs --authfile=/workspace/push-secret/config.json "
                                + "--tls-verify=false --digestfile=/dev/termination-log ");
        assertThat(script).doesNotContain(PodFixtures.TARGET).doesNotContain("push\"");
        assertThat(spec.pod(PodFixtures.request()).container().getCommand().get(2))
                .doesNotContain("tls-verify");
        assertThat(spec.pod(PodFixtures.request()).container().getArgs())
                .noneMatch(a -> a.contains("authfile"));
    }

    @Test
    void theWrapperHandsEveryArgumentToBuildahUnchanged(@TempDir Path directory) throws Exception {
        assumeThat(Files.isExecutable(Path.of("/bin/sh"))).isTrue();
        Path fakeBuildah = directory.resolve("buildah");
        Path record = directory.resolve("calls");
        Files.writeString(
                fakeBuildah,
                "#!/bin/sh\nfor arg; do printf '%s\\0' \"$arg\"; done >> "
                        + record
                        + "\nprintf '\\n' >> "
                        + record
                        + "\n");
        fakeBuildah.toFile().setExecutable(true);
        Container container = spec.pod(PodFixtures.request()).container();
        String script =
                container
                        .getCommand()
                        .get(2)
                        .replace(
                                "--digestfile=/dev/termination-log",
                                "--digestfile=" + directory.resolve("digest"));
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", script, "buildah-build"));
        command.addAll(container.getArgs());

        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PATH", directory + ":/usr/bin:/bin");
        builder.environment().put("TERRARIUM_IMAGE", PodFixtures.TARGET);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();

        List<String> calls = List.of(Files.readString(record).split("\n(?=build\0|push\0)"));
        List<String> expectedBuild = new ArrayList<>(List.of("build"));
        expectedBuild.addAll(container.getArgs());
        assertThat(calls).hasSize(2);
        assertThat(List.of(calls.get(0).strip().split("\0"))).isEqualTo(expectedBuild);
        assertThat(List.of(calls.get(1).strip().split("\0")))
                .endsWith(PodFixtures.TARGET, "docker://" + PodFixtures.TARGET);
    }

    @Test
    void runsRootlessWithOnlyTheCapabilitiesItsUserNamespaceNeeds() {
        SecurityContext security = spec.pod(PodFixtures.request()).container().getSecurityContext();

        assertThat(security.getRunAsUser()).isEqualTo(1000L);
        assertThat(security.getRunAsGroup()).isEqualTo(1000L);
        assertThat(security.getRunAsNonRoot()).isTrue();
        assertThat(security.getPrivileged()).isFalse();
        assertThat(security.getAllowPrivilegeEscalation()).isTrue();
        assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(security.getCapabilities().getAdd())
                .containsExactlyInAnyOrder("SETUID", "SETGID", "SETFCAP");
        assertThat(security.getSeccompProfile().getType()).isEqualTo("Unconfined");
        assertThat(security.getAppArmorProfile().getType()).isEqualTo("Unconfined");
    }

    @Test
    void storageLivesInAnEmptyDirInTheBuildUsersHome() {
        BuilderPod pod = spec.pod(PodFixtures.request());

        assertThat(
                        PodFixtures.mountAt(pod.container(), "/home/build/.local/share/containers")
                                .orElseThrow()
                                .getName())
                .isEqualTo("buildah-storage");
        assertThat(PodFixtures.env(pod.container(), "HOME")).contains("/home/build");
    }
}
