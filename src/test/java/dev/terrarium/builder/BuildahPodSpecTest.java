package dev.terrarium.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildahPodSpecTest {

    private final BuildahPodSpec spec = new BuildahPodSpec();

    @Test
    void buildArgvCarriesEveryFlagAndBuildArgumentAsItsOwnEntry() {
        Container build = spec.pod(PodFixtures.request().withPushSecret("push")).build();

        assertThat(build.getArgs())
                .containsExactly(
                        "--storage-driver=vfs",
                        "--isolation=chroot",
                        "--file=/workspace/context/Dockerfile",
                        "--tag=" + PodFixtures.TARGET,
                        "--build-arg",
                        "TERRARIUM_BASE_IMAGE=mambaorg/micromamba:2.0.5",
                        "--build-arg",
                        "TERRARIUM_ENV_0=it's $(id) `x`; a,b=c\nnext",
                        "/workspace/context");
    }

    @Test
    void scriptBuildsWithTheArgumentsWritesTheImageAsAnOciLayoutThenFreesTheLayerStore() {
        Container build = spec.pod(PodFixtures.request()).build();

        assertThat(build.getCommand())
                .hasSize(4)
                .startsWith("/bin/sh", "-c")
                .endsWith("buildah-build");
        assertThat(build.getCommand().get(2))
                .isEqualTo(
                        "set -eu\n"
                                + "buildah build \"$@\"\n"
                                + "buildah push --storage-driver=vfs \"$TERRARIUM_IMAGE\" "
                                + "oci:/workspace/image:terrarium\n"
                                + "buildah rmi --all --force --storage-driver=vfs >/dev/null"
                                + " || true\n");
        assertThat(PodFixtures.env(build, "TERRARIUM_IMAGE")).contains(PodFixtures.TARGET);
    }

    @Test
    void theScriptIsTheSameWhateverTheRequest() {
        String script =
                spec.pod(PodFixtures.request().withPushSecret("push").withInsecureRegistry(true))
                        .build()
                        .getCommand()
                        .get(2);

        assertThat(script).isEqualTo(spec.pod(PodFixtures.request()).build().getCommand().get(2));
        assertThat(script).doesNotContain(PodFixtures.TARGET).doesNotContain("push-secret");
        assertThat(spec.pod(PodFixtures.request().withInsecureRegistry(true)).build().getArgs())
                .contains("--tls-verify=false");
    }

    @Test
    void theBuildStepHoldsNoCredentialEvenWhenThereIsAPushSecret() {
        BuilderPod pod = spec.pod(PodFixtures.request().withPushSecret("push"));
        Set<String> secretVolumes =
                pod.volumes().stream()
                        .filter(v -> v.getSecret() != null || v.getProjected() != null)
                        .map(Volume::getName)
                        .collect(Collectors.toSet());

        assertThat(secretVolumes).containsExactly("push-secret");
        assertThat(pod.build().getVolumeMounts())
                .extracting(VolumeMount::getName)
                .doesNotContainAnyElementsOf(secretVolumes);
        assertThat(pod.build().getArgs()).noneMatch(a -> a.contains("auth"));
        assertThat(pod.build().getCommand()).noneMatch(a -> a.contains("auth"));
        assertThat(pod.build().getEnv())
                .noneMatch(e -> e.getValueFrom() != null)
                .noneMatch(e -> e.getName().contains("AUTH") || e.getName().contains("DOCKER"));
        assertThat(pod.build().getEnvFrom()).isNullOrEmpty();
        assertThat(pod.push().getVolumeMounts())
                .filteredOn(m -> m.getName().equals("push-secret"))
                .singleElement()
                .satisfies(
                        m -> {
                            assertThat(m.getMountPath()).isEqualTo("/workspace/push-secret");
                            assertThat(m.getReadOnly()).isTrue();
                        });
    }

    @Test
    void theCredentialsSecretReachesOnlyTheBuildStepAndOnlyAsBuildSecrets() {
        BuilderPod pod =
                spec.pod(
                        PodFixtures.request()
                                .withPushSecret("push")
                                .withCredentialsSecret("ns-b-credentials"));

        assertThat(PodFixtures.volume(pod, "build-credentials"))
                .hasValueSatisfying(
                        v -> {
                            assertThat(v.getSecret().getSecretName()).isEqualTo("ns-b-credentials");
                            assertThat(v.getSecret().getItems())
                                    .extracting(item -> item.getKey() + ">" + item.getPath())
                                    .containsExactly(
                                            "netrc>netrc",
                                            "conda-auth.json>conda-auth.json",
                                            "ssh-privatekey>ssh-privatekey",
                                            "known_hosts>known_hosts");
                        });
        assertThat(PodFixtures.mountAt(pod.build(), "/workspace/credentials"))
                .hasValueSatisfying(m -> assertThat(m.getReadOnly()).isTrue());
        assertThat(pod.build().getArgs())
                .contains(
                        "--secret=id=pip-netrc,src=/workspace/credentials/netrc",
                        "--secret=id=conda-auth,src=/workspace/credentials/conda-auth.json",
                        "--secret=id=git-ssh-key,src=/workspace/credentials/ssh-privatekey",
                        "--secret=id=git-known-hosts,src=/workspace/credentials/known_hosts");
        assertThat(pod.push().getVolumeMounts())
                .extracting(VolumeMount::getName)
                .doesNotContain("build-credentials");
        assertThat(pod.build().getEnv())
                .noneMatch(e -> e.getName().contains("NETRC") || e.getName().contains("SSH"));

        BuilderPod without = spec.pod(PodFixtures.request());
        assertThat(PodFixtures.volume(without, "build-credentials")).isEmpty();
        assertThat(without.build().getArgs()).noneMatch(arg -> arg.startsWith("--secret=id=pip"));
        assertThat(without.build().getArgs()).noneMatch(a -> a.startsWith("--secret"));
    }

    private static final BuildNetwork NETWORK =
            new BuildNetwork(
                    "https://pypi-mirror.example.com/simple/",
                    "corporate-ca",
                    "bundle.pem",
                    "http://proxy.example.com:3128",
                    "http://proxy.example.com:3129",
                    "localhost,.svc");

    @Test
    void theCaBundleIsMountedReadOnlyIntoBothStepsAndHandedToTheBuildAsABuildSecret() {
        BuilderPod pod = spec.pod(PodFixtures.request().withNetwork(NETWORK));

        assertThat(PodFixtures.volume(pod, "ca-bundle"))
                .hasValueSatisfying(
                        v -> {
                            assertThat(v.getSecret()).isNull();
                            assertThat(v.getConfigMap().getName()).isEqualTo("corporate-ca");
                            assertThat(v.getConfigMap().getOptional()).isNull();
                            assertThat(v.getConfigMap().getItems())
                                    .singleElement()
                                    .satisfies(
                                            item -> {
                                                assertThat(item.getKey()).isEqualTo("bundle.pem");
                                                assertThat(item.getPath()).isEqualTo("ca.crt");
                                            });
                        });
        for (Container step : List.of(pod.build(), pod.push())) {
            assertThat(PodFixtures.mountAt(step, "/workspace/ca-bundle"))
                    .as(step.getName())
                    .hasValueSatisfying(m -> assertThat(m.getReadOnly()).isTrue());
            assertThat(PodFixtures.env(step, "SSL_CERT_FILE"))
                    .as("buildah and skopeo trust it for registries")
                    .contains("/workspace/ca-bundle/ca.crt");
        }
        assertThat(pod.build().getArgs())
                .contains("--secret=id=ca-bundle,src=/workspace/ca-bundle/ca.crt")
                .noneMatch(a -> a.contains("SSL_CERT_FILE") || a.contains("PIP_CERT"));
        assertThat(pod.push().getArgs()).noneMatch(a -> a.contains("ca-bundle"));

        BuilderPod without = spec.pod(PodFixtures.request());
        assertThat(PodFixtures.volume(without, "ca-bundle")).isEmpty();
        for (Container step : List.of(without.build(), without.push())) {
            assertThat(step.getEnv())
                    .extracting(EnvVar::getName)
                    .doesNotContain("SSL_CERT_FILE", "HTTP_PROXY", "http_proxy", "NO_PROXY");
        }
    }

    @Test
    void theProxiesAreEnvironmentOfBothStepsInBothCasesAndNeverBuildArguments() {
        BuilderPod pod = spec.pod(PodFixtures.request().withNetwork(NETWORK));

        for (Container step : List.of(pod.build(), pod.push())) {
            assertThat(PodFixtures.env(step, "HTTP_PROXY"))
                    .contains("http://proxy.example.com:3128");
            assertThat(PodFixtures.env(step, "http_proxy"))
                    .contains("http://proxy.example.com:3128");
            assertThat(PodFixtures.env(step, "HTTPS_PROXY"))
                    .contains("http://proxy.example.com:3129");
            assertThat(PodFixtures.env(step, "https_proxy"))
                    .contains("http://proxy.example.com:3129");
            assertThat(PodFixtures.env(step, "NO_PROXY")).contains("localhost,.svc");
            assertThat(PodFixtures.env(step, "no_proxy")).contains("localhost,.svc");
        }
        assertThat(pod.build().getArgs())
                .as("a build argument would be recorded in the image's history")
                .noneMatch(a -> a.toLowerCase(java.util.Locale.ROOT).contains("proxy"));
        assertThat(pod.volumes())
                .as("the mirror reaches the build through its context, not the pod")
                .noneMatch(v -> v.getName().contains("mirror"));

        BuildNetwork onlyHttps = new BuildNetwork(null, null, null, null, "http://p:1", null);
        Container build = spec.pod(PodFixtures.request().withNetwork(onlyHttps)).build();
        assertThat(build.getEnv())
                .extracting(EnvVar::getName)
                .contains("HTTPS_PROXY", "https_proxy")
                .doesNotContain("HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy");
    }

    @Test
    void thePushStepCopiesTheLayoutToTheTargetWithoutAShell() {
        Container push = spec.pod(PodFixtures.request().withPushSecret("push")).push();

        assertThat(push.getCommand()).containsExactly("skopeo");
        assertThat(push.getArgs())
                .containsExactly(
                        "copy",
                        "--authfile=/workspace/push-secret/config.json",
                        "--digestfile=/dev/termination-log",
                        "oci:/workspace/image:terrarium",
                        "docker://" + PodFixtures.TARGET);
        assertThat(spec.pod(PodFixtures.request().withInsecureRegistry(true)).push().getArgs())
                .containsExactly(
                        "copy",
                        "--dest-tls-verify=false",
                        "--digestfile=/dev/termination-log",
                        "oci:/workspace/image:terrarium",
                        "docker://" + PodFixtures.TARGET);
    }

    @Test
    void theLayoutIsAnEmptyDirTheBuildWritesAndThePushOnlyReads() {
        BuilderPod pod = spec.pod(PodFixtures.request());

        assertThat(PodFixtures.volume(pod, "image").orElseThrow().getEmptyDir()).isNotNull();
        VolumeMount written = PodFixtures.mountAt(pod.build(), "/workspace/image").orElseThrow();
        VolumeMount read = PodFixtures.mountAt(pod.push(), "/workspace/image").orElseThrow();
        assertThat(written.getName()).isEqualTo("image");
        assertThat(written.getReadOnly()).isFalse();
        assertThat(read.getName()).isEqualTo("image");
        assertThat(read.getReadOnly()).isTrue();
        assertThat(pod.push().getVolumeMounts())
                .extracting(VolumeMount::getName)
                .containsExactly("image");
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
        Container build = spec.pod(PodFixtures.request()).build();
        List<String> command = new ArrayList<>(build.getCommand());
        command.addAll(build.getArgs());

        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PATH", directory + ":/usr/bin:/bin");
        builder.environment().put("TERRARIUM_IMAGE", PodFixtures.TARGET);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();

        List<String> calls = List.of(Files.readString(record).split("\n(?=build\0|push\0|rmi\0)"));
        List<String> expectedBuild = new ArrayList<>(List.of("build"));
        expectedBuild.addAll(build.getArgs());
        assertThat(calls).hasSize(3);
        assertThat(List.of(calls.get(0).strip().split("\0"))).isEqualTo(expectedBuild);
        assertThat(List.of(calls.get(1).strip().split("\0")))
                .containsExactly(
                        "push",
                        "--storage-driver=vfs",
                        PodFixtures.TARGET,
                        "oci:/workspace/image:terrarium");
        assertThat(List.of(calls.get(2).strip().split("\0")))
                .containsExactly("rmi", "--all", "--force", "--storage-driver=vfs");
    }

    @Test
    void theBuildRunsRootlessWithOnlyTheCapabilitiesItsUserNamespaceNeeds() {
        SecurityContext security = spec.pod(PodFixtures.request()).build().getSecurityContext();

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
    void thePushMeetsTheRestrictedPodSecurityProfile() {
        SecurityContext security =
                spec.pod(PodFixtures.request().withPushSecret("push")).push().getSecurityContext();

        assertThat(security.getRunAsUser()).isEqualTo(1000L);
        assertThat(security.getRunAsNonRoot()).isTrue();
        assertThat(security.getPrivileged()).isFalse();
        assertThat(security.getAllowPrivilegeEscalation()).isFalse();
        assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(security.getAppArmorProfile()).isNull();
    }

    @Test
    void storageLivesInAnEmptyDirInTheBuildUsersHome() {
        BuilderPod pod = spec.pod(PodFixtures.request());

        assertThat(
                        PodFixtures.mountAt(pod.build(), "/home/build/.local/share/containers")
                                .orElseThrow()
                                .getName())
                .isEqualTo("buildah-storage");
        assertThat(PodFixtures.env(pod.build(), "HOME")).contains("/home/build");
    }
}
