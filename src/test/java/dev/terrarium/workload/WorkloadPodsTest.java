package dev.terrarium.workload;

import static dev.terrarium.workload.Workloads.NEW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.ProbeExec;
import dev.terrarium.api.ProbeGrpc;
import dev.terrarium.api.ProbeHeader;
import dev.terrarium.api.ProbeHttpGet;
import dev.terrarium.api.Workload;
import dev.terrarium.api.WorkloadIsolation;
import dev.terrarium.api.WorkloadMode;
import dev.terrarium.api.WorkloadPort;
import dev.terrarium.api.WorkloadProbe;
import dev.terrarium.api.WorkloadProbes;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPHeader;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadPodsTest {

    private static final WorkloadRuntime RUNTIME = new WorkloadRuntime("gvisor", "kata");

    private static PodTemplateSpec template(Workload workload, String pullSecret) {
        return WorkloadPods.template(
                workload, new WorkloadImage(NEW, pullSecret), RUNTIME, "Always");
    }

    private static Container container(PodTemplateSpec template) {
        return template.getSpec().getContainers().get(0);
    }

    @Test
    void thePodRunsOneContainerWithTheImageAndTheWorkloadsCommand() {
        Workload workload = Workloads.onEnvironment("web", "ds");
        workload.getSpec().setCommand(List.of("python", "-m", "http.server"));
        workload.getSpec().setArgs(List.of("8000"));
        workload.getSpec().setWorkingDir("/srv");
        workload.getSpec().setEnv(List.of(new EnvVar("MODE", "prod", null)));

        PodTemplateSpec template = template(workload, null);

        assertThat(template.getSpec().getContainers()).hasSize(1);
        Container container = container(template);
        assertThat(container.getName()).isEqualTo(WorkloadPods.CONTAINER);
        assertThat(container.getImage()).isEqualTo(NEW);
        assertThat(container.getCommand()).containsExactly("python", "-m", "http.server");
        assertThat(container.getArgs()).containsExactly("8000");
        assertThat(container.getWorkingDir()).isEqualTo("/srv");
        assertThat(container.getEnv()).extracting(EnvVar::getName).containsExactly("MODE");
        assertThat(template.getSpec().getRestartPolicy()).isEqualTo("Always");
    }

    @Test
    void anIsolationRunsThePodsInTheRuntimeClassTheSettingsMapItTo() {
        Workload vm = Workloads.onEnvironment("untrusted", "ds");
        vm.getSpec().setIsolation(WorkloadIsolation.VM);
        Workload sandboxed = Workloads.onEnvironment("sandboxed", "ds");
        sandboxed.getSpec().setIsolation(WorkloadIsolation.SANDBOXED);
        Workload container = Workloads.onEnvironment("plain", "ds");
        container.getSpec().setIsolation(WorkloadIsolation.CONTAINER);

        assertThat(template(vm, null).getSpec().getRuntimeClassName()).isEqualTo("kata");
        assertThat(template(sandboxed, null).getSpec().getRuntimeClassName()).isEqualTo("gvisor");
        assertThat(template(container, null).getSpec().getRuntimeClassName()).isNull();
    }

    @Test
    void aRuntimeClassRunsThePodsInItsRuntimeAndNoneLeavesTheNodesDefault() {
        Workload sandboxed = Workloads.onEnvironment("untrusted", "ds");
        sandboxed.getSpec().setRuntimeClassName("gvisor");

        assertThat(template(sandboxed, null).getSpec().getRuntimeClassName()).isEqualTo("gvisor");
        assertThat(
                        template(Workloads.onEnvironment("web", "ds"), null)
                                .getSpec()
                                .getRuntimeClassName())
                .isNull();
    }

    @Test
    void podsAreSecureByDefault() {
        PodTemplateSpec template = template(Workloads.onEnvironment("web", "ds"), null);

        PodSpec pod = template.getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType())
                .isEqualTo("RuntimeDefault");
        SecurityContext container = container(template).getSecurityContext();
        assertThat(container.getRunAsNonRoot()).isTrue();
        assertThat(container.getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(container.getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(container.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(container.getPrivileged()).isNull();
        assertThat(container.getRunAsUser()).isNull();
    }

    @Test
    void anExplicitSecurityFieldOverridesOnlyThatField() {
        Workload workload = Workloads.onEnvironment("web", "ds");
        workload.getSpec()
                .setSecurityContext(
                        new SecurityContextBuilder()
                                .withRunAsNonRoot(false)
                                .withRunAsUser(0L)
                                .build());

        PodTemplateSpec template = template(workload, null);

        assertThat(template.getSpec().getSecurityContext().getRunAsNonRoot()).isFalse();
        assertThat(template.getSpec().getSecurityContext().getSeccompProfile().getType())
                .isEqualTo("RuntimeDefault");
        SecurityContext container = container(template).getSecurityContext();
        assertThat(container.getRunAsNonRoot()).isFalse();
        assertThat(container.getRunAsUser()).isZero();
        assertThat(container.getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(container.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    }

    @Test
    void anExplicitReadOnlyRootFilesystemKeepsTheSecureDefaults() {
        Workload workload = Workloads.onEnvironment("web", "ds");
        workload.getSpec()
                .setSecurityContext(
                        new SecurityContextBuilder()
                                .withReadOnlyRootFilesystem(true)
                                .withRunAsUser(1000L)
                                .build());

        SecurityContext container = container(template(workload, null)).getSecurityContext();

        assertThat(container.getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getRunAsUser()).isEqualTo(1000L);
        assertThat(container.getRunAsNonRoot()).isTrue();
        assertThat(container.getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
    }

    @Test
    void anAddedCapabilityKeepsAllOthersDropped() {
        Workload workload = Workloads.onEnvironment("web", "ds");
        workload.getSpec()
                .setSecurityContext(
                        new SecurityContextBuilder()
                                .withNewCapabilities()
                                .withAdd("NET_BIND_SERVICE")
                                .endCapabilities()
                                .build());

        SecurityContext container = container(template(workload, null)).getSecurityContext();

        assertThat(container.getCapabilities().getAdd()).containsExactly("NET_BIND_SERVICE");
        assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
    }

    @Test
    void anExplicitDropListReplacesDropAll() {
        Workload workload = Workloads.onEnvironment("web", "ds");
        workload.getSpec()
                .setSecurityContext(
                        new SecurityContextBuilder()
                                .withNewCapabilities()
                                .withDrop("NET_RAW")
                                .endCapabilities()
                                .build());

        SecurityContext container = container(template(workload, null)).getSecurityContext();

        assertThat(container.getCapabilities().getDrop()).containsExactly("NET_RAW");
        assertThat(container.getCapabilities().getAdd()).isNullOrEmpty();
    }

    @Test
    void withoutServiceAccountThePodGetsNoToken() {
        PodSpec pod = template(Workloads.onEnvironment("web", "ds"), null).getSpec();

        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getServiceAccountName()).isNull();
    }

    @Test
    void aNamedServiceAccountLeavesTheTokenToTheServiceAccount() {
        Workload workload = Workloads.onEnvironment("web", "ds");
        workload.getSpec().setServiceAccountName("reader");

        PodSpec pod = template(workload, null).getSpec();

        assertThat(pod.getServiceAccountName()).isEqualTo("reader");
        assertThat(pod.getAutomountServiceAccountToken()).isNull();
    }

    @Test
    void thePullSecretBecomesTheImagePullSecret() {
        assertThat(
                        template(Workloads.onEnvironment("web", "ds"), "registry-creds")
                                .getSpec()
                                .getImagePullSecrets())
                .containsExactly(new LocalObjectReference("registry-creds"));
        assertThat(
                        template(Workloads.onEnvironment("web", "ds"), null)
                                .getSpec()
                                .getImagePullSecrets())
                .isNullOrEmpty();
    }

    @Test
    void theWorkloadsPullSecretsFollowTheEnvironmentsEachOnce() {
        Workload workload = Workloads.onEnvironment("web", "ds");
        workload.getSpec()
                .setImagePullSecrets(List.of("team-registry", "registry-creds", "mirror"));

        assertThat(template(workload, "registry-creds").getSpec().getImagePullSecrets())
                .containsExactly(
                        new LocalObjectReference("registry-creds"),
                        new LocalObjectReference("team-registry"),
                        new LocalObjectReference("mirror"));
        Workload plain = Workloads.onImage("private", "registry.test/team/app:1");
        plain.getSpec().setImagePullSecrets(List.of("team-registry"));
        assertThat(template(plain, null).getSpec().getImagePullSecrets())
                .containsExactly(new LocalObjectReference("team-registry"));
    }

    @Test
    void aServiceWithPortsIsReadyOnceItsFirstTcpPortListens() {
        Workload web = Workloads.onEnvironment("web", "ds");
        web.getSpec()
                .setPorts(
                        List.of(
                                udp(new WorkloadPort("dns", 53, null)),
                                new WorkloadPort("http", 8000, 80),
                                new WorkloadPort("metrics", 9090, null)));

        Container container = container(template(web, null));

        assertThat(container.getReadinessProbe().getTcpSocket().getPort())
                .isEqualTo(new IntOrString("http"));
        assertThat(container.getReadinessProbe().getPeriodSeconds()).isEqualTo(10);
        assertThat(container.getLivenessProbe()).isNull();
        assertThat(container.getStartupProbe()).isNull();
    }

    @Test
    void theReadinessDefaultCanBeTurnedOffAndNeedsATcpPortAndModeService() {
        Workload off = Workloads.onEnvironment("web", "ds");
        off.getSpec().setPorts(List.of(new WorkloadPort("http", 8000, null)));
        WorkloadProbes probes = new WorkloadProbes();
        probes.setDefaultReadiness(false);
        off.getSpec().setProbes(probes);
        assertThat(container(template(off, null)).getReadinessProbe()).isNull();

        Workload job = Workloads.onEnvironment("train", "ds");
        job.getSpec().setMode(WorkloadMode.Job);
        job.getSpec().setPorts(List.of(new WorkloadPort("http", 8000, null)));
        assertThat(container(template(job, null)).getReadinessProbe()).isNull();

        Workload noPorts = Workloads.onEnvironment("worker", "ds");
        assertThat(container(template(noPorts, null)).getReadinessProbe()).isNull();

        Workload udpOnly = Workloads.onEnvironment("dns", "ds");
        udpOnly.getSpec().setPorts(List.of(udp(new WorkloadPort("dns", 53, null))));
        assertThat(container(template(udpOnly, null)).getReadinessProbe()).isNull();
    }

    @Test
    void theWorkloadsProbesBecomeTheContainersInKubernetesShape() {
        Workload web = Workloads.onEnvironment("web", "ds");
        web.getSpec().setPorts(List.of(new WorkloadPort("http", 8000, null)));
        WorkloadProbes probes = new WorkloadProbes();
        WorkloadProbe readiness = new WorkloadProbe();
        ProbeHttpGet get = new ProbeHttpGet();
        get.setPath("/healthz");
        get.setPort(new IntOrString("http"));
        ProbeHeader header = new ProbeHeader();
        header.setName("X-Probe");
        header.setValue("1");
        get.setHttpHeaders(List.of(header));
        readiness.setHttpGet(get);
        readiness.setPeriodSeconds(2);
        readiness.setFailureThreshold(5);
        probes.setReadiness(readiness);
        WorkloadProbe liveness = new WorkloadProbe();
        ProbeExec exec = new ProbeExec();
        exec.setCommand(List.of("pgrep", "python"));
        liveness.setExec(exec);
        liveness.setInitialDelaySeconds(30);
        probes.setLiveness(liveness);
        WorkloadProbe startup = new WorkloadProbe();
        ProbeGrpc grpc = new ProbeGrpc();
        grpc.setPort(9000);
        grpc.setService("model");
        startup.setGrpc(grpc);
        startup.setFailureThreshold(60);
        probes.setStartup(startup);
        web.getSpec().setProbes(probes);

        Container container = container(template(web, null));

        Probe ready = container.getReadinessProbe();
        assertThat(ready.getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(ready.getHttpGet().getPort()).isEqualTo(new IntOrString("http"));
        assertThat(ready.getHttpGet().getHttpHeaders())
                .containsExactly(new HTTPHeader("X-Probe", "1"));
        assertThat(ready.getHttpGet().getHost()).isNull();
        assertThat(ready.getTcpSocket()).as("the user's probe replaces the default").isNull();
        assertThat(ready.getPeriodSeconds()).isEqualTo(2);
        assertThat(ready.getFailureThreshold()).isEqualTo(5);
        assertThat(container.getLivenessProbe().getExec().getCommand())
                .containsExactly("pgrep", "python");
        assertThat(container.getLivenessProbe().getInitialDelaySeconds()).isEqualTo(30);
        assertThat(container.getStartupProbe().getGrpc().getPort()).isEqualTo(9000);
        assertThat(container.getStartupProbe().getGrpc().getService()).isEqualTo("model");
        assertThat(container.getStartupProbe().getFailureThreshold()).isEqualTo(60);
    }

    private static WorkloadPort udp(WorkloadPort port) {
        port.setProtocol("UDP");
        return port;
    }

    @Test
    void podsAreLabelledWithTheWorkload() {
        Map<String, String> labels =
                template(Workloads.onEnvironment("web", "ds"), null).getMetadata().getLabels();

        assertThat(labels)
                .containsEntry("terrarium.dev/workload", "web")
                .containsEntry("app.kubernetes.io/name", "web")
                .containsEntry("app.kubernetes.io/instance", "web")
                .containsEntry("app.kubernetes.io/managed-by", "terrarium")
                .containsEntry("app.kubernetes.io/component", "workload")
                .containsEntry("app.kubernetes.io/part-of", "terrarium");
        assertThat(WorkloadPods.selector("web"))
                .containsExactly(Map.entry("terrarium.dev/workload", "web"));
    }

    @Test
    void containerPortsAreNamedWithTcpByDefault() {
        Workload workload = Workloads.onEnvironment("web", "ds");
        WorkloadPort dns = new WorkloadPort("dns", 5353, 53);
        dns.setProtocol("UDP");
        workload.getSpec().setPorts(List.of(new WorkloadPort("http", 8000, 80), dns));

        Container container = container(template(workload, null));

        assertThat(container.getPorts())
                .extracting(p -> p.getName() + ":" + p.getContainerPort() + "/" + p.getProtocol())
                .containsExactly("http:8000/TCP", "dns:5353/UDP");
    }

    @Test
    void theContainerAlwaysHasBothResourceMaps() {
        Container container = container(template(Workloads.onEnvironment("web", "ds"), null));

        assertThat(container.getResources().getRequests()).isNotNull().isEmpty();
        assertThat(container.getResources().getLimits()).isNotNull().isEmpty();
    }
}
