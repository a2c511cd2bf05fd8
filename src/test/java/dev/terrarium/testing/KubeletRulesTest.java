package dev.terrarium.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrarium.testing.KubeletRules.ConfigError;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelectorBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KubeletRulesTest {

    private static final String PASSWD =
            """
            root:x:0:0:root:/root:/bin/bash
            daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
            build:x:1000:1000::/home/build:/bin/sh
            jboss:x:185:0:JBoss user:/home/jboss:/sbin/nologin
            """;
    private static final String GROUP =
            """
            root:x:0:
            daemon:x:1:
            docker:x:999:build,other
            build:x:1000:
            wheel:x:10:jboss
            """;

    @Test
    void commandReplacesEntrypointAndCmd() {
        assertThat(
                        KubeletRules.argv(
                                List.of("/bin/sh", "-c"),
                                List.of("echo hi"),
                                List.of("/entry"),
                                List.of("default"),
                                Map.of()))
                .containsExactly("/bin/sh", "-c", "echo hi");
        assertThat(
                        KubeletRules.argv(
                                List.of("/bin/true"),
                                List.of(),
                                List.of("/entry"),
                                List.of("default"),
                                Map.of()))
                .as("command without args drops the image's Cmd too")
                .containsExactly("/bin/true");
    }

    @Test
    void argsAloneReplaceOnlyCmd() {
        assertThat(
                        KubeletRules.argv(
                                List.of(),
                                List.of("--flag"),
                                List.of("/entry", "x"),
                                List.of("default"),
                                Map.of()))
                .containsExactly("/entry", "x", "--flag");
    }

    @Test
    void neitherKeepsTheImageDefaults() {
        assertThat(
                        KubeletRules.argv(
                                List.of(),
                                List.of(),
                                List.of("/entry"),
                                List.of("a", "b"),
                                Map.of()))
                .containsExactly("/entry", "a", "b");
        assertThat(KubeletRules.argv(List.of(), List.of(), List.of(), List.of(), Map.of()))
                .isEmpty();
    }

    @Test
    void variablesExpandInCommandAndArgsButNotInImageDefaults() {
        Map<String, String> env = Map.of("NAME", "world");
        assertThat(
                        KubeletRules.argv(
                                List.of("echo", "$(NAME)"),
                                List.of("$$(NAME)", "$(MISSING)"),
                                List.of(),
                                List.of(),
                                env))
                .containsExactly("echo", "world", "$(NAME)", "$(MISSING)");
        assertThat(
                        KubeletRules.argv(
                                List.of(), List.of(), List.of("echo"), List.of("$(NAME)"), env))
                .containsExactly("echo", "$(NAME)");
    }

    @Test
    void expansionFollowsKubernetesSyntax() {
        Map<String, String> vars = Map.of("A", "1", "B_2", "two");
        assertThat(KubeletRules.expand("$(A)-$(B_2)", vars)).isEqualTo("1-two");
        assertThat(KubeletRules.expand("$$$(A)", vars)).isEqualTo("$1");
        assertThat(KubeletRules.expand("$(A", vars)).isEqualTo("$(A");
        assertThat(KubeletRules.expand("cost $5", vars)).isEqualTo("cost $5");
        assertThat(KubeletRules.expand("$(C)", vars)).isEqualTo("$(C)");
    }

    @Test
    void containerEnvironmentOverridesTheImagesAndKeepsItsOrder() {
        Map<String, String> container = new LinkedHashMap<>();
        container.put("LANG", "de_DE.UTF-8");
        container.put("EXTRA", "x=y");
        assertThat(
                        KubeletRules.environment(
                                List.of("PATH=/usr/bin", "LANG=C.UTF-8", "BROKEN"), container))
                .containsExactly("PATH=/usr/bin", "LANG=de_DE.UTF-8", "EXTRA=x=y");
    }

    @Test
    void imageUserByNameTakesItsPrimaryGroupAndTheGroupsListingIt() throws ConfigError {
        KubeletRules.User user = KubeletRules.user(null, null, "build", PASSWD, GROUP, "ns/p", "c");
        assertThat(user)
                .isEqualTo(new KubeletRules.User(1000, 1000, List.of(1000L, 999L), "/home/build"));
    }

    @Test
    void noUserAnywhereIsRoot() throws ConfigError {
        assertThat(KubeletRules.user(null, null, "", PASSWD, GROUP, "ns/p", "c"))
                .isEqualTo(new KubeletRules.User(0, 0, List.of(0L), "/root"));
    }

    @Test
    void runAsUserWinsOverTheImageAndTakesThePasswdGroupOfThatUid() throws ConfigError {
        SecurityContext container = new SecurityContextBuilder().withRunAsUser(185L).build();
        assertThat(KubeletRules.user(null, container, "build", PASSWD, GROUP, "ns/p", "c"))
                .isEqualTo(new KubeletRules.User(185, 0, List.of(0L, 10L), "/home/jboss"));
    }

    @Test
    void aUidUnknownToTheImageGetsGroupZeroAndHomeSlash() throws ConfigError {
        PodSecurityContext pod = new PodSecurityContextBuilder().withRunAsUser(4242L).build();
        assertThat(KubeletRules.user(pod, null, "", PASSWD, GROUP, "ns/p", "c"))
                .isEqualTo(new KubeletRules.User(4242, 0, List.of(0L), "/"));
    }

    @Test
    void containerSettingsWinOverThePodsAndGroupsAddUp() throws ConfigError {
        PodSecurityContext pod =
                new PodSecurityContextBuilder()
                        .withRunAsUser(1L)
                        .withRunAsGroup(1L)
                        .withSupplementalGroups(4000L, 4001L)
                        .withFsGroup(2000L)
                        .build();
        SecurityContext container =
                new SecurityContextBuilder().withRunAsUser(1000L).withRunAsGroup(3000L).build();
        assertThat(KubeletRules.user(pod, container, "daemon", PASSWD, GROUP, "ns/p", "c"))
                .isEqualTo(
                        new KubeletRules.User(
                                1000,
                                3000,
                                List.of(3000L, 999L, 4000L, 4001L, 2000L),
                                "/home/build"));
    }

    @Test
    void imageUserWithGroupNamesBothParts() throws ConfigError {
        assertThat(KubeletRules.user(null, null, "build:wheel", PASSWD, GROUP, "ns/p", "c").gid())
                .isEqualTo(10);
        assertThat(KubeletRules.user(null, null, "1000:5", PASSWD, GROUP, "ns/p", "c").gid())
                .isEqualTo(5);
        assertThat(KubeletRules.user(null, null, "77", PASSWD, GROUP, "ns/p", "c"))
                .isEqualTo(new KubeletRules.User(77, 0, List.of(0L), "/"));
    }

    @Test
    void unknownNamesAreConfigErrors() {
        assertThatThrownBy(
                        () ->
                                KubeletRules.user(
                                        null, null, "nobody-here", PASSWD, GROUP, "ns/p", "c"))
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("unable to find user nobody-here");
        assertThatThrownBy(
                        () ->
                                KubeletRules.user(
                                        null, null, "build:nogroup", PASSWD, GROUP, "ns/p", "c"))
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("unable to find group nogroup");
    }

    @Test
    void runAsNonRootRefusesRootAndUnverifiableNames() throws ConfigError {
        PodSecurityContext nonRoot = new PodSecurityContextBuilder().withRunAsNonRoot(true).build();
        assertThatThrownBy(() -> KubeletRules.user(nonRoot, null, "", PASSWD, GROUP, "ns/p", "c"))
                .hasMessage(
                        "container has runAsNonRoot and image will run as root (pod: \"ns/p\", container: c)");
        assertThatThrownBy(
                        () -> KubeletRules.user(nonRoot, null, "build", PASSWD, GROUP, "ns/p", "c"))
                .hasMessageContaining(
                        "image has non-numeric user (build), cannot verify user is non-root");
        assertThat(KubeletRules.user(nonRoot, null, "1000", PASSWD, GROUP, "ns/p", "c").uid())
                .isEqualTo(1000);
        SecurityContext explicit = new SecurityContextBuilder().withRunAsUser(1000L).build();
        assertThat(KubeletRules.user(nonRoot, explicit, "build", PASSWD, GROUP, "ns/p", "c").uid())
                .isEqualTo(1000);
    }

    @Test
    void mountsAreOrderedByDepthKeepingTheGivenOrderAmongEquals() {
        List<String> targets =
                List.of(
                        "/workspace/context/Dockerfile",
                        "/workspace/context",
                        "/dev/termination-log",
                        "/workspace/",
                        "/etc/hosts",
                        "/home/build/.local/share/containers",
                        "/workspace/context/a.txt");
        assertThat(KubeletRules.mountOrder(targets, t -> t))
                .containsExactly(
                        "/workspace/",
                        "/workspace/context",
                        "/dev/termination-log",
                        "/etc/hosts",
                        "/workspace/context/Dockerfile",
                        "/workspace/context/a.txt",
                        "/home/build/.local/share/containers");
    }

    @Test
    void capabilitiesStartFromTheRuntimeDefault() {
        assertThat(KubeletRules.capabilities(null))
                .containsExactlyInAnyOrderElementsOf(KubeletRules.DEFAULT_CAPABILITIES);
        SecurityContext some =
                new SecurityContextBuilder()
                        .withNewCapabilities()
                        .withAdd("NET_ADMIN")
                        .withDrop("MKNOD", "CAP_NET_RAW")
                        .endCapabilities()
                        .build();
        assertThat(KubeletRules.capabilities(some))
                .contains("CAP_NET_ADMIN", "CAP_CHOWN")
                .doesNotContain("CAP_MKNOD", "CAP_NET_RAW");
    }

    @Test
    void dropAllThenAddKeepsOnlyWhatIsAdded() {
        SecurityContext buildah =
                new SecurityContextBuilder()
                        .withNewCapabilities()
                        .withDrop("ALL")
                        .withAdd("SETUID", "SETGID", "SETFCAP")
                        .endCapabilities()
                        .build();
        assertThat(KubeletRules.capabilities(buildah))
                .containsExactly("CAP_SETFCAP", "CAP_SETGID", "CAP_SETUID");
        SecurityContext addAllDropOne =
                new SecurityContextBuilder()
                        .withNewCapabilities()
                        .withAdd("ALL")
                        .withDrop("SYS_ADMIN")
                        .endCapabilities()
                        .build();
        assertThat(KubeletRules.capabilities(addAllDropOne))
                .hasSize(KubeletRules.ALL_CAPABILITIES.size() - 1)
                .doesNotContain("CAP_SYS_ADMIN");
        SecurityContext privileged =
                new SecurityContextBuilder()
                        .withPrivileged(true)
                        .withNewCapabilities()
                        .withDrop("ALL")
                        .endCapabilities()
                        .build();
        assertThat(KubeletRules.capabilities(privileged))
                .hasSize(KubeletRules.ALL_CAPABILITIES.size());
    }

    @Test
    void noNewPrivilegesOnlyWhenEscalationIsForbidden() {
        assertThat(KubeletRules.noNewPrivileges(null)).isFalse();
        assertThat(KubeletRules.noNewPrivileges(new SecurityContextBuilder().build())).isFalse();
        assertThat(
                        KubeletRules.noNewPrivileges(
                                new SecurityContextBuilder()
                                        .withAllowPrivilegeEscalation(true)
                                        .build()))
                .isFalse();
        assertThat(
                        KubeletRules.noNewPrivileges(
                                new SecurityContextBuilder()
                                        .withAllowPrivilegeEscalation(false)
                                        .build()))
                .isTrue();
    }

    @Test
    void fieldRefsReadThePod() throws ConfigError {
        Pod pod =
                new PodBuilder()
                        .withNewMetadata()
                        .withName("web")
                        .withNamespace("team")
                        .withUid("u-1")
                        .addToLabels("app", "shop")
                        .endMetadata()
                        .withNewSpec()
                        .withNodeName("terrarium-builder")
                        .withServiceAccountName("runner")
                        .endSpec()
                        .build();
        assertThat(KubeletRules.fieldValue(pod, "metadata.name")).isEqualTo("web");
        assertThat(KubeletRules.fieldValue(pod, "metadata.namespace")).isEqualTo("team");
        assertThat(KubeletRules.fieldValue(pod, "metadata.labels['app']")).isEqualTo("shop");
        assertThat(KubeletRules.fieldValue(pod, "metadata.labels")).isEqualTo("app=\"shop\"\n");
        assertThat(KubeletRules.fieldValue(pod, "spec.serviceAccountName")).isEqualTo("runner");
        assertThat(KubeletRules.fieldValue(pod, "status.podIP")).isEqualTo("127.0.0.1");
        assertThatThrownBy(() -> KubeletRules.fieldValue(pod, "spec.nothing"))
                .isInstanceOf(ConfigError.class);
    }

    @Test
    void resourceFieldRefsRoundUpByTheDivisorAndFallBackToTheNode() throws ConfigError {
        Container container =
                new ContainerBuilder()
                        .withName("c")
                        .withNewResources()
                        .addToLimits("memory", new Quantity("300Mi"))
                        .addToRequests("cpu", new Quantity("250m"))
                        .endResources()
                        .build();
        Map<String, Quantity> node =
                Map.of("cpu", new Quantity("2"), "memory", new Quantity("8Gi"));
        assertThat(
                        KubeletRules.resourceValue(
                                container,
                                new ResourceFieldSelectorBuilder()
                                        .withResource("limits.memory")
                                        .withDivisor(new Quantity("1Mi"))
                                        .build(),
                                node))
                .isEqualTo("300");
        assertThat(
                        KubeletRules.resourceValue(
                                container,
                                new ResourceFieldSelectorBuilder()
                                        .withResource("requests.cpu")
                                        .build(),
                                node))
                .isEqualTo("1");
        assertThat(
                        KubeletRules.resourceValue(
                                container,
                                new ResourceFieldSelectorBuilder()
                                        .withResource("requests.cpu")
                                        .withDivisor(new Quantity("1m"))
                                        .build(),
                                node))
                .isEqualTo("250");
        assertThat(
                        KubeletRules.resourceValue(
                                container,
                                new ResourceFieldSelectorBuilder()
                                        .withResource("limits.cpu")
                                        .build(),
                                node))
                .isEqualTo("2");
    }

    @Test
    void terminationMessageIsTheFileOrOnFailureTheLogTail() {
        List<String> log = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            log.add("line " + i);
        }
        assertThat(KubeletRules.terminationMessage("sha256:abc", "File", 0, log))
                .isEqualTo("sha256:abc");
        assertThat(KubeletRules.terminationMessage("", "File", 1, log)).isEmpty();
        assertThat(KubeletRules.terminationMessage("", "FallbackToLogsOnError", 0, log)).isEmpty();
        String fallback = KubeletRules.terminationMessage("", "FallbackToLogsOnError", 1, log);
        assertThat(fallback).startsWith("line 21\n").endsWith("line 100");
        assertThat(KubeletRules.terminationMessage("x".repeat(5000), "File", 0, log)).hasSize(4096);
    }

    @Test
    void phaseFollowsTheKubelet() {
        ContainerStatus running = status("a", "running", 0, false);
        ContainerStatus ok = status("a", "terminated", 0, false);
        ContainerStatus failed = status("b", "terminated", 2, false);
        ContainerStatus waiting = status("b", "waiting", 0, false);
        ContainerStatus restarting = status("b", "waiting", 0, true);
        assertThat(KubeletRules.phase("Never", false, false, List.of(waiting)))
                .isEqualTo("Pending");
        assertThat(KubeletRules.phase("Never", false, true, List.of(waiting))).isEqualTo("Failed");
        assertThat(KubeletRules.phase("Always", false, true, List.of(waiting)))
                .isEqualTo("Pending");
        assertThat(KubeletRules.phase("Never", true, false, List.of(running, waiting)))
                .isEqualTo("Pending");
        assertThat(KubeletRules.phase("Never", true, false, List.of(running, ok)))
                .isEqualTo("Running");
        assertThat(KubeletRules.phase("Never", true, false, List.of(ok))).isEqualTo("Succeeded");
        assertThat(KubeletRules.phase("Never", true, false, List.of(ok, failed)))
                .isEqualTo("Failed");
        assertThat(KubeletRules.phase("OnFailure", true, false, List.of(ok, failed)))
                .isEqualTo("Running");
        assertThat(KubeletRules.phase("Always", true, false, List.of(ok))).isEqualTo("Running");
        assertThat(KubeletRules.phase("Always", true, false, List.of(restarting)))
                .isEqualTo("Running");
    }

    private static ContainerStatus status(
            String name, String state, int exitCode, boolean restarted) {
        ContainerStatusBuilder builder = new ContainerStatusBuilder().withName(name);
        switch (state) {
            case "running" -> builder.withNewState().withNewRunning().endRunning().endState();
            case "terminated" ->
                    builder.withNewState()
                            .withNewTerminated()
                            .withExitCode(exitCode)
                            .endTerminated()
                            .endState();
            default ->
                    builder.withNewState()
                            .withNewWaiting()
                            .withReason("ContainerCreating")
                            .endWaiting()
                            .endState();
        }
        if (restarted) {
            builder.withNewLastState()
                    .withNewTerminated()
                    .withExitCode(1)
                    .endTerminated()
                    .endLastState();
        }
        return builder.build();
    }
}
