package dev.terrarium.builder;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.SecurityContext;
import org.junit.jupiter.api.Test;

class KanikoPodSpecTest {

    private final KanikoPodSpec spec = new KanikoPodSpec();

    @Test
    void runsTheExecutorWithoutAShell() {
        Container container = spec.pod(PodFixtures.request()).container();

        assertThat(container.getCommand()).containsExactly("/kaniko/executor");
        assertThat(container.getArgs()).containsExactly(
                "--dockerfile=/workspace/context/Dockerfile",
                "--context=dir:///workspace/context",
                "--destination=" + PodFixtures.TARGET,
                "--digest-file=/dev/termination-log",
                "--build-arg", "TERRARIUM_BASE_IMAGE=mambaorg/micromamba:2.0.5",
                "--build-arg", "TERRARIUM_ENV_0=it's $(id) `x`; a,b=c\nnext");
    }

    @Test
    void pushesOverPlainHttpOnlyWhenTheRegistryIsInsecure() {
        assertThat(spec.pod(PodFixtures.request().withInsecureRegistry(true)).container().getArgs())
                .contains("--insecure");
        assertThat(spec.pod(PodFixtures.request()).container().getArgs()).doesNotContain("--insecure");
    }

    @Test
    void readsCredentialsFromItsDefaultDockerConfig() {
        Container container = spec.pod(PodFixtures.request().withPushSecret("push")).container();

        assertThat(PodFixtures.mountAt(container, "/kaniko/.docker").orElseThrow().getName())
                .isEqualTo("push-secret");
        assertThat(container.getEnv()).isEmpty();
    }

    @Test
    void runsAsRootWithDefaultCapabilitiesAndNothingMore() {
        SecurityContext security = spec.pod(PodFixtures.request()).container().getSecurityContext();

        assertThat(security.getRunAsUser()).isZero();
        assertThat(security.getRunAsNonRoot()).isFalse();
        assertThat(security.getPrivileged()).isFalse();
        assertThat(security.getAllowPrivilegeEscalation()).isFalse();
        assertThat(security.getCapabilities()).isNull();
        assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    }
}
