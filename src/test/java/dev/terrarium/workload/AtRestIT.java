package dev.terrarium.workload;

import static dev.terrarium.testing.Objects.awaitEnvironment;
import static dev.terrarium.testing.Objects.awaitWorkload;
import static dev.terrarium.testing.Objects.conda;
import static dev.terrarium.testing.Objects.uniquePackage;
import static dev.terrarium.testing.Objects.venv;
import static dev.terrarium.testing.Objects.workload;
import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentPhase;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.Workload;
import dev.terrarium.api.WorkloadMode;
import dev.terrarium.api.WorkloadPhase;
import dev.terrarium.api.WorkloadPort;
import dev.terrarium.testing.AuditLog;
import dev.terrarium.testing.BuildNamespace;
import dev.terrarium.testing.TerrariumTest;
import dev.terrarium.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * An operator at rest writes nothing: once everything converged, no object changes and no event is
 * recorded.
 */
@TerrariumTest
class AtRestIT {

    @Test
    void aConvergedNamespaceSeesNoWrites(TestNamespace ns) throws InterruptedException {
        ns.client().resource(venv("api", uniquePackage())).create();
        ns.client()
                .resource(conda("science", List.of("numpy==1.26.4"), List.of(uniquePackage())))
                .create();
        Workload web = workload("web", "api");
        web.getSpec().setPorts(List.of(new WorkloadPort("http", 8000, 80)));
        ns.client().resource(web).create();
        Workload job = workload("report", "science");
        job.getSpec().setMode(WorkloadMode.Job);
        ns.client().resource(job).create();
        ns.client().resource(workload("orphan", "missing")).create();
        ns.client().resource(venv("invalid", "requests>>2")).create();

        Duration converge = Duration.ofSeconds(120);
        awaitEnvironment(
                ns.client(),
                ns.name(),
                "invalid",
                e -> e.getStatus().getPhase() == EnvironmentPhase.Invalid,
                converge);
        awaitWorkload(
                ns.client(),
                ns.name(),
                "web",
                w -> w.getStatus().getPhase() == WorkloadPhase.Running,
                converge);
        awaitWorkload(
                ns.client(),
                ns.name(),
                "report",
                w -> w.getStatus().getPhase() == WorkloadPhase.Succeeded,
                converge);
        awaitWorkload(
                ns.client(),
                ns.name(),
                "orphan",
                w -> w.getStatus().getPhase() == WorkloadPhase.WaitingForEnvironment,
                converge);
        Thread.sleep(3000);

        Map<String, String> before = versions(ns);
        int eventsBefore = ns.client().v1().events().list().getItems().size();
        Instant quietFrom = Instant.now();
        Thread.sleep(15000);
        Map<String, String> after = versions(ns);

        assertThat(after).isEqualTo(before);
        // Other test classes' namespaces may still be going away meanwhile, and the operator
        // follows their Workloads' children out; this namespace, the build namespace and the
        // operator's own are what must be quiet.
        Set<String> watched = Set.of(ns.name(), BuildNamespace.NAME, "terrarium-system");
        List<AuditLog.Request> writes =
                new AuditLog(ns.plane().auditLog())
                        .since(quietFrom).stream()
                                .filter(AuditLog.Request::isWrite)
                                .filter(
                                        w ->
                                                w.namespace() == null
                                                        || watched.contains(w.namespace()))
                                .toList();
        // Leader election renews its Lease every few seconds: the one write an operator at rest
        // makes by design.
        assertThat(writes)
                .as("the operator's writes at rest")
                .allSatisfy(
                        write -> {
                            assertThat(write.resource()).isEqualTo("leases");
                            assertThat(write.name()).isEqualTo("terrarium-operator");
                        });
        assertThat(ns.client().v1().events().list().getItems()).hasSize(eventsBefore);
        assertThat(before).hasSizeGreaterThan(15);
    }

    private static <T extends HasMetadata> List<T> inBuildNamespace(
            io.fabric8.kubernetes.client.dsl.MixedOperation<
                            T,
                            ? extends io.fabric8.kubernetes.api.model.KubernetesResourceList<T>,
                            ?>
                    kind,
            TestNamespace ns) {
        return kind.inNamespace(BuildNamespace.NAME)
                .withLabel("terrarium.dev/imagebuild-namespace", ns.name())
                .list()
                .getItems();
    }

    private static Map<String, String> versions(TestNamespace ns) {
        Map<String, String> versions = new TreeMap<>();
        var client = ns.client();
        List<List<? extends HasMetadata>> all =
                List.of(
                        client.resources(Environment.class).list().getItems(),
                        client.resources(ImageBuild.class).list().getItems(),
                        client.resources(Workload.class).list().getItems(),
                        client.apps().deployments().list().getItems(),
                        client.apps().replicaSets().list().getItems(),
                        client.services().list().getItems(),
                        client.batch().v1().jobs().list().getItems(),
                        client.configMaps().list().getItems(),
                        client.serviceAccounts().list().getItems(),
                        client.pods().list().getItems(),
                        // What its builds have in the build namespace must rest too.
                        inBuildNamespace(client.batch().v1().jobs(), ns),
                        inBuildNamespace(client.configMaps(), ns),
                        inBuildNamespace(client.pods(), ns));
        all.forEach(
                items ->
                        items.forEach(
                                o ->
                                        versions.put(
                                                o.getKind() + "/" + o.getMetadata().getName(),
                                                o.getMetadata().getResourceVersion())));
        return versions;
    }
}
