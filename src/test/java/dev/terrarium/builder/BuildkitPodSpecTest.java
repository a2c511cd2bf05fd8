package dev.terrarium.builder;

import dev.terrarium.buildcontext.BuildContext;
import dev.terrarium.buildcontext.BuildContextGenerator;
import dev.terrarium.buildcontext.BuildContextOptions;
import dev.terrarium.buildcontext.Fixtures;
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

class BuildkitPodSpecTest {

    private final BuildkitPodSpec spec = new BuildkitPodSpec();

    @Test
    void runsBuildctlDaemonlessThroughAFixedWrapper() {
        Container container = spec.pod(PodFixtures.request()).container();

        assertThat(container.getCommand()).containsExactly("/bin/sh", "-c",
                "buildctl-daemonless.sh \"$@\" && cat /tmp/buildkit-metadata.json > /dev/termination-log",
                "buildctl-daemonless.sh");
    }

    @Test
    void buildsTheDockerfileFromTheContextAndPushesWithMetadata() {
        Container container = spec.pod(PodFixtures.request()).container();

        assertThat(container.getArgs()).containsExactly(
                "build", "--progress=plain", "--frontend", "dockerfile.v0",
                "--local", "context=/workspace/context", "--local", "dockerfile=/workspace/context",
                "--opt", "build-arg:TERRARIUM_BASE_IMAGE=mambaorg/micromamba:2.0.5",
                "--opt", "build-arg:TERRARIUM_ENV_0=it's $(id) `x`; a,b=c\nnext",
                "--output", "type=image,name=" + PodFixtures.TARGET + ",push=true",
                "--metadata-file", "/tmp/buildkit-metadata.json");
    }

    @Test
    void buildArgumentsKeepTheRequestOrder() {
        BuildContext context = new BuildContextGenerator(BuildContextOptions.defaults())
                .generate(Fixtures.condaFull(), Fixtures.HASH);
        List<String> args = spec.pod(BuildRequest.of(PodFixtures.BUILDER_IMAGE, PodFixtures.TARGET, "ctx", context)).container().getArgs();

        assertThat(args.stream().filter(a -> a.startsWith("build-arg:")).toList()).containsExactly(
                "build-arg:TERRARIUM_BASE_IMAGE=mambaorg/micromamba:2.0.5", "build-arg:TERRARIUM_PYTHON=3.12",
                "build-arg:TERRARIUM_ENV_0=hello world", "build-arg:TERRARIUM_ENV_1=Agg");
    }

    @Test
    void anInsecureRegistryIsMarkedOnTheOutputOnly() {
        List<String> args = spec.pod(PodFixtures.request().withInsecureRegistry(true)).container().getArgs();

        assertThat(args).contains("type=image,name=" + PodFixtures.TARGET + ",push=true,registry.insecure=true");
        assertThat(spec.pod(PodFixtures.request()).container().getArgs())
                .noneMatch(arg -> arg.contains("insecure"));
    }

    @Test
    void runsRootlessWithTheProfilesBuildKitDocuments() {
        SecurityContext security = spec.pod(PodFixtures.request()).container().getSecurityContext();

        assertThat(security.getRunAsUser()).isEqualTo(1000L);
        assertThat(security.getRunAsGroup()).isEqualTo(1000L);
        assertThat(security.getRunAsNonRoot()).isTrue();
        assertThat(security.getSeccompProfile().getType()).isEqualTo("Unconfined");
        assertThat(security.getAppArmorProfile().getType()).isEqualTo("Unconfined");
        assertThat(security.getPrivileged()).isNotEqualTo(Boolean.TRUE);
        assertThat(security.getAllowPrivilegeEscalation()).isTrue();
        assertThat(security.getCapabilities()).isNull();
    }

    @Test
    void daemonRunsWithoutAProcessSandboxAndKeepsWholeStepLogs() {
        Container container = spec.pod(PodFixtures.request()).container();

        assertThat(PodFixtures.env(container, "BUILDKITD_FLAGS")).contains("--oci-worker-no-process-sandbox");
        assertThat(PodFixtures.env(container, "BUILDKIT_STEP_LOG_MAX_SIZE").map(Long::parseLong).orElseThrow())
                .isGreaterThan(2L * 1024 * 1024);
        assertThat(PodFixtures.env(container, "BUILDKIT_STEP_LOG_MAX_SPEED").map(Long::parseLong).orElseThrow())
                .isGreaterThan(1024L * 1024);
    }

    @Test
    void stateLivesInAnEmptyDir() {
        BuilderPod pod = spec.pod(PodFixtures.request());

        assertThat(PodFixtures.mountAt(pod.container(), "/home/user/.local/share/buildkit").orElseThrow().getName())
                .isEqualTo("buildkit-state");
        assertThat(PodFixtures.volume(pod, "buildkit-state").orElseThrow().getEmptyDir()).isNotNull();
    }

    @Test
    void pushCredentialsAreFoundThroughDockerConfig() {
        Container withSecret = spec.pod(PodFixtures.request().withPushSecret("push")).container();
        Container withoutSecret = spec.pod(PodFixtures.request()).container();

        assertThat(PodFixtures.env(withSecret, "DOCKER_CONFIG")).contains("/workspace/docker-config");
        assertThat(PodFixtures.mountAt(withSecret, "/workspace/docker-config").orElseThrow().getName())
                .isEqualTo("push-secret");
        assertThat(PodFixtures.env(withoutSecret, "DOCKER_CONFIG")).isEmpty();
    }

    @Test
    void theWrapperPassesTheArgumentsUnchangedAndCopiesTheMetadataOnlyAfterSuccess(@TempDir Path directory)
            throws Exception {
        assumeThat(Files.isExecutable(Path.of("/bin/sh"))).isTrue();
        Container container = spec.pod(PodFixtures.request()).container();
        Path record = directory.resolve("argv");
        Path metadata = directory.resolve("metadata.json");
        Path terminationLog = directory.resolve("termination-log");
        Files.writeString(terminationLog, "");
        String script = container.getCommand().get(2).replace(BuildkitPodSpec.METADATA_FILE, metadata.toString())
                .replace("/dev/termination-log", terminationLog.toString());

        Path fake = directory.resolve("buildctl-daemonless.sh");
        Files.writeString(fake, "#!/bin/sh\nfor arg; do printf '%s\\0' \"$arg\"; done > " + record
                + "\nprintf '{\"containerimage.digest\": \"sha256:%064d\"}' 0 > " + metadata + "\n");
        fake.toFile().setExecutable(true);
        assertThat(run(directory, script, container.getArgs())).isZero();
        assertThat(List.of(Files.readString(record).split("\0"))).isEqualTo(container.getArgs());
        assertThat(BuildResultParser.digest(Files.readString(terminationLog))).isEqualTo("sha256:" + "0".repeat(64));

        Files.writeString(terminationLog, "");
        Files.writeString(fake, "#!/bin/sh\necho '{}' > " + metadata + "\nexit 3\n");
        assertThat(run(directory, script, container.getArgs())).isEqualTo(3);
        assertThat(Files.readString(terminationLog)).isEmpty();
    }

    private static int run(Path directory, String script, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", script, "buildctl-daemonless.sh"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PATH", directory + ":/usr/bin:/bin");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as(output).isTrue();
        return process.exitValue();
    }
}
