package dev.terrarium.workload;

import static dev.terrarium.testing.Objects.awaitEnvironment;
import static dev.terrarium.testing.Objects.awaitWorkload;
import static dev.terrarium.testing.Objects.onNode;
import static dev.terrarium.testing.Objects.uniquePackage;
import static dev.terrarium.testing.Objects.venv;
import static dev.terrarium.testing.Objects.workload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrarium.api.Condition;
import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentOutput;
import dev.terrarium.api.EnvironmentPhase;
import dev.terrarium.api.Workload;
import dev.terrarium.api.WorkloadIsolation;
import dev.terrarium.api.WorkloadMode;
import dev.terrarium.api.WorkloadPhase;
import dev.terrarium.api.WorkloadPort;
import dev.terrarium.status.Conditions;
import dev.terrarium.testing.TerrariumTest;
import dev.terrarium.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClassBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docker run -d / docker stop / docker rm, the Kubernetes way, on the local control plane. */
@TerrariumTest
class WorkloadIT {

    private static final Duration CONVERGE = Duration.ofSeconds(120);

    @Test
    void theExamplesRunWithReadyPodsAndAnEndpoint(TestNamespace ns) {
        ns.kubectl().run("apply", "-f", ns.plane().repo().resolve("deploy/examples").toString());

        assertThat(
                        ns.kubectl()
                                .run(
                                        "wait",
                                        "--for=condition=Ready",
                                        "workload/web-api",
                                        "--timeout=120s"))
                .contains("condition met");
        Workload web = ns.client().resources(Workload.class).withName("web-api").get();
        assertThat(web.getStatus().getPhase()).isEqualTo(WorkloadPhase.Running);
        assertThat(web.getStatus().getReadyReplicas()).isEqualTo(2);
        assertThat(web.getStatus().getEndpoint()).isEqualTo("web-api." + ns.name() + ".svc:8080");
        Environment env = ns.client().resources(Environment.class).withName("web-api").get();
        assertThat(web.getStatus().getImage())
                .isEqualTo(env.getStatus().getImage())
                .contains("@sha256:");
        assertThat(
                        ns.kubectl()
                                .run(
                                        "get",
                                        "pods",
                                        "-l",
                                        "terrarium.dev/workload=web-api",
                                        "-o",
                                        "jsonpath={range .items[*]}{.status.containerStatuses[0].ready}{\"\\n\"}{end}"))
                .isEqualTo("true\ntrue\n");
        var service = ns.client().services().withName("web-api").get();
        assertThat(service.getSpec().getPorts())
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.getPort()).isEqualTo(8080);
                            assertThat(p.getTargetPort().getStrVal()).isEqualTo("http");
                        });
        assertThat(
                        ns.kubectl()
                                .run(
                                        "wait",
                                        "--for=jsonpath={.status.phase}=Succeeded",
                                        "workload/train-model",
                                        "--timeout=120s"))
                .contains("condition met");
        assertThat(ns.kubectl().run("get", "workloads"))
                .containsPattern(
                        "web-api\\s+web-api\\s+2/2\\s+Running\\s+web-api\\."
                                + ns.name()
                                + "\\.svc:8080");
    }

    @Test
    void aWorkloadWaitsForAMissingEnvironmentAndStartsWhenItAppears(TestNamespace ns) {
        ns.client().resource(workload("early", "later")).create();
        Workload waiting =
                awaitWorkload(
                        ns.client(),
                        ns.name(),
                        "early",
                        w -> w.getStatus().getPhase() == WorkloadPhase.WaitingForEnvironment,
                        CONVERGE);
        Condition ready = Conditions.find(waiting.getStatus().getConditions(), Condition.READY);
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("EnvironmentNotFound");
        assertThat(ready.getMessage()).contains("later");
        assertThat(ns.client().apps().deployments().withName("early").get()).isNull();

        ns.client().resource(venv("later", uniquePackage())).create();

        Workload running =
                awaitWorkload(
                        ns.client(),
                        ns.name(),
                        "early",
                        w -> w.getStatus().getPhase() == WorkloadPhase.Running,
                        CONVERGE);
        assertThat(running.getStatus().getImage()).contains("@sha256:");
    }

    @Test
    void aPackageChangeRollsOutTheNewDigestOnlyAfterItsBuildSucceeds(TestNamespace ns) {
        String probe = uniquePackage();
        ns.client().resource(venv("rolling", "rich==13.7.1", probe)).create();
        Workload app = workload("app", "rolling");
        app.getSpec().setReplicas(2);
        ns.client().resource(app).create();
        Workload first =
                awaitWorkload(
                        ns.client(),
                        ns.name(),
                        "app",
                        w -> w.getStatus().getPhase() == WorkloadPhase.Running,
                        CONVERGE);
        String oldImage = first.getStatus().getImage();

        ns.client()
                .resources(Environment.class)
                .withName("rolling")
                .edit(
                        e -> {
                            e.getSpec().setPip(List.of("rich==13.8.0", probe));
                            return onNode(e, "slow");
                        });
        awaitEnvironment(
                ns.client(),
                ns.name(),
                "rolling",
                e -> e.getStatus().getPhase() == EnvironmentPhase.Building,
                CONVERGE);
        Workload duringBuild =
                awaitWorkload(
                        ns.client(),
                        ns.name(),
                        "app",
                        w ->
                                Conditions.find(w.getStatus().getConditions(), Condition.READY)
                                        .getMessage()
                                        .contains("newer build"),
                        CONVERGE);
        assertThat(duringBuild.getStatus().getPhase()).isEqualTo(WorkloadPhase.Running);
        assertThat(Conditions.isTrue(duringBuild.getStatus().getConditions(), Condition.READY))
                .isTrue();
        assertThat(deploymentImage(ns, "app")).isEqualTo(oldImage);

        Environment rebuilt =
                awaitEnvironment(
                        ns.client(),
                        ns.name(),
                        "rolling",
                        e -> e.getStatus().getPhase() == EnvironmentPhase.Ready,
                        CONVERGE);
        assertThat(rebuilt.getStatus().getImage()).isNotEqualTo(oldImage);
        Workload rolled =
                awaitWorkload(
                        ns.client(),
                        ns.name(),
                        "app",
                        w ->
                                rebuilt.getStatus().getImage().equals(w.getStatus().getImage())
                                        && w.getStatus().getPhase() == WorkloadPhase.Running,
                        CONVERGE);
        assertThat(deploymentImage(ns, "app")).isEqualTo(rebuilt.getStatus().getImage());
        assertThat(rolled.getStatus().getReadyReplicas()).isEqualTo(2);
        assertThat(reasons(ns, "app")).contains("RolloutStarted");
    }

    @Test
    void aFailedRebuildLeavesTheRunningDigestInPlace(TestNamespace ns) {
        ns.client().resource(venv("flaky", uniquePackage())).create();
        ns.client().resource(workload("steady", "flaky")).create();
        String image =
                awaitWorkload(
                                ns.client(),
                                ns.name(),
                                "steady",
                                w -> w.getStatus().getPhase() == WorkloadPhase.Running,
                                CONVERGE)
                        .getStatus()
                        .getImage();

        ns.client()
                .resources(Environment.class)
                .withName("flaky")
                .edit(
                        e -> {
                            e.getSpec().setPip(List.of(uniquePackage()));
                            return onNode(e, "fail");
                        });

        Workload after =
                awaitWorkload(
                        ns.client(),
                        ns.name(),
                        "steady",
                        w ->
                                Conditions.find(w.getStatus().getConditions(), Condition.READY)
                                        .getMessage()
                                        .contains("failed"),
                        CONVERGE);
        assertThat(after.getStatus().getPhase()).isEqualTo(WorkloadPhase.Running);
        assertThat(after.getStatus().getImage()).isEqualTo(image);
        assertThat(deploymentImage(ns, "steady")).isEqualTo(image);
    }

    @Test
    void suspendStopsTheWorkloadAndKeepsItsObjects(TestNamespace ns) {
        ns.client().resource(venv("pausable", uniquePackage())).create();
        Workload web = workload("pausable", "pausable");
        web.getSpec().setReplicas(2);
        web.getSpec().setPorts(List.of(new WorkloadPort("http", 8000, null)));
        ns.client().resource(web).create();
        awaitWorkload(
                ns.client(),
                ns.name(),
                "pausable",
                w -> w.getStatus().getPhase() == WorkloadPhase.Running,
                CONVERGE);

        ns.client()
                .resources(Workload.class)
                .withName("pausable")
                .edit(
                        w -> {
                            w.getSpec().setSuspend(true);
                            return w;
                        });
        Workload stopped =
                awaitWorkload(
                        ns.client(),
                        ns.name(),
                        "pausable",
                        w -> w.getStatus().getPhase() == WorkloadPhase.Stopped,
                        CONVERGE);
        assertThat(stopped.getStatus().getReadyReplicas()).isZero();
        assertThat(
                        ns.client()
                                .apps()
                                .deployments()
                                .withName("pausable")
                                .get()
                                .getSpec()
                                .getReplicas())
                .isZero();
        assertThat(ns.client().services().withName("pausable").get()).isNotNull();
        await().atMost(CONVERGE)
                .until(
                        () ->
                                ns.client()
                                        .pods()
                                        .withLabel("terrarium.dev/workload", "pausable")
                                        .list()
                                        .getItems()
                                        .isEmpty());

        ns.client()
                .resources(Workload.class)
                .withName("pausable")
                .edit(
                        w -> {
                            w.getSpec().setSuspend(false);
                            return w;
                        });
        Workload started =
                awaitWorkload(
                        ns.client(),
                        ns.name(),
                        "pausable",
                        w -> w.getStatus().getPhase() == WorkloadPhase.Running,
                        CONVERGE);
        assertThat(started.getStatus().getReadyReplicas()).isEqualTo(2);
    }

    @Test
    void deletedOrHandEditedChildrenAreRestoredAndOthersFieldsLeftAlone(TestNamespace ns) {
        ns.client().resource(venv("guarded", uniquePackage())).create();
        Workload pinned = workload("pinned", "guarded");
        pinned.getSpec().setReplicas(2);
        pinned.getSpec().setCommand(List.of("python", "-m", "http.server"));
        ns.client().resource(pinned).create();
        ns.client().resource(workload("scalable", "guarded")).create();
        String image =
                awaitWorkload(
                                ns.client(),
                                ns.name(),
                                "pinned",
                                w -> w.getStatus().getPhase() == WorkloadPhase.Running,
                                CONVERGE)
                        .getStatus()
                        .getImage();
        awaitWorkload(
                ns.client(),
                ns.name(),
                "scalable",
                w -> w.getStatus().getPhase() == WorkloadPhase.Running,
                CONVERGE);

        String uid =
                ns.client().apps().deployments().withName("pinned").get().getMetadata().getUid();
        ns.kubectl().run("delete", "deployment/pinned");
        await().atMost(CONVERGE)
                .untilAsserted(
                        () -> {
                            Deployment back =
                                    ns.client().apps().deployments().withName("pinned").get();
                            assertThat(back).isNotNull();
                            assertThat(back.getMetadata().getUid()).isNotEqualTo(uid);
                        });

        ns.kubectl().run("set", "image", "deployment/pinned", "main=registry.example/evil:1");
        ns.kubectl().run("scale", "deployment/pinned", "--replicas=5");
        ns.kubectl()
                .run(
                        "patch",
                        "deployment/pinned",
                        "--type=json",
                        "-p",
                        "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/command\",\"value\":[\"sh\"]}]");
        await().atMost(CONVERGE)
                .untilAsserted(
                        () -> {
                            Deployment restored =
                                    ns.client().apps().deployments().withName("pinned").get();
                            assertThat(
                                            restored.getSpec()
                                                    .getTemplate()
                                                    .getSpec()
                                                    .getContainers()
                                                    .get(0)
                                                    .getImage())
                                    .isEqualTo(image);
                            assertThat(
                                            restored.getSpec()
                                                    .getTemplate()
                                                    .getSpec()
                                                    .getContainers()
                                                    .get(0)
                                                    .getCommand())
                                    .containsExactly("python", "-m", "http.server");
                            assertThat(restored.getSpec().getReplicas()).isEqualTo(2);
                        });

        ns.kubectl().run("scale", "deployment/scalable", "--replicas=3");
        await().during(Duration.ofSeconds(5))
                .atMost(Duration.ofSeconds(20))
                .untilAsserted(
                        () ->
                                assertThat(
                                                ns.client()
                                                        .apps()
                                                        .deployments()
                                                        .withName("scalable")
                                                        .get()
                                                        .getSpec()
                                                        .getReplicas())
                                        .isEqualTo(3));
        awaitWorkload(
                ns.client(),
                ns.name(),
                "scalable",
                w -> "3/3".equals(w.getStatus().getReady()),
                CONVERGE);
    }

    @Test
    void aWorkloadRunsInTheRuntimeClassItAsksFor(TestNamespace ns) {
        String runtimeClass = "sandbox-" + ns.name();
        var admin = ns.plane().adminClient();
        admin.resource(
                        new RuntimeClassBuilder()
                                .withNewMetadata()
                                .withName(runtimeClass)
                                .endMetadata()
                                .withHandler("runsc")
                                .build())
                .create();
        try {
            ns.client().resource(venv("sandboxed-env", uniquePackage())).create();
            Workload sandboxed = workload("sandboxed", "sandboxed-env");
            sandboxed.getSpec().setRuntimeClassName(runtimeClass);
            ns.client().resource(sandboxed).create();

            awaitWorkload(
                    ns.client(),
                    ns.name(),
                    "sandboxed",
                    w -> w.getStatus().getPhase() == WorkloadPhase.Running,
                    CONVERGE);
            assertThat(
                            ns.client()
                                    .apps()
                                    .deployments()
                                    .withName("sandboxed")
                                    .get()
                                    .getSpec()
                                    .getTemplate()
                                    .getSpec()
                                    .getRuntimeClassName())
                    .isEqualTo(runtimeClass);
            assertThat(
                            ns.client()
                                    .pods()
                                    .withLabel("terrarium.dev/workload", "sandboxed")
                                    .list()
                                    .getItems())
                    .isNotEmpty()
                    .allSatisfy(
                            pod ->
                                    assertThat(pod.getSpec().getRuntimeClassName())
                                            .isEqualTo(runtimeClass));
        } finally {
            admin.resources(RuntimeClass.class).withName(runtimeClass).delete();
        }
    }

    @Test
    void anIsolationWhoseRuntimeClassIsMissingMakesNoPodsUntilItExists(TestNamespace ns) {
        var admin = ns.plane().adminClient();
        admin.resources(RuntimeClass.class).withName("kata").delete();
        ns.client().resource(venv("vm-env", uniquePackage())).create();
        Workload isolated = workload("isolated", "vm-env");
        isolated.getSpec().setIsolation(WorkloadIsolation.VM);
        ns.client().resource(isolated).create();

        Workload waiting =
                awaitWorkload(
                        ns.client(),
                        ns.name(),
                        "isolated",
                        w -> w.getStatus().getPhase() == WorkloadPhase.Degraded,
                        CONVERGE);
        Condition ready = Conditions.find(waiting.getStatus().getConditions(), Condition.READY);
        assertThat(ready.getStatus()).isEqualTo(Condition.FALSE);
        assertThat(ready.getReason()).isEqualTo("RuntimeClassNotFound");
        assertThat(ready.getMessage())
                .contains("spec.isolation vm")
                .contains("RuntimeClass kata")
                .contains("terrarium.isolation.vm-runtime-class");
        assertThat(ns.client().apps().deployments().withName("isolated").get()).isNull();

        admin.resource(
                        new RuntimeClassBuilder()
                                .withNewMetadata()
                                .withName("kata")
                                .endMetadata()
                                .withHandler("kata-qemu")
                                .build())
                .create();
        try {
            awaitWorkload(
                    ns.client(),
                    ns.name(),
                    "isolated",
                    w -> w.getStatus().getPhase() == WorkloadPhase.Running,
                    CONVERGE);
            assertThat(
                            ns.client()
                                    .apps()
                                    .deployments()
                                    .withName("isolated")
                                    .get()
                                    .getSpec()
                                    .getTemplate()
                                    .getSpec()
                                    .getRuntimeClassName())
                    .isEqualTo("kata");
            assertThat(
                            ns.client()
                                    .pods()
                                    .withLabel("terrarium.dev/workload", "isolated")
                                    .list()
                                    .getItems())
                    .isNotEmpty()
                    .allSatisfy(
                            pod ->
                                    assertThat(pod.getSpec().getRuntimeClassName())
                                            .isEqualTo("kata"));
        } finally {
            admin.resources(RuntimeClass.class).withName("kata").delete();
        }
    }

    @Test
    void podsRunNonRootWithoutATokenAndPullWithTheEnvironmentsSecret(TestNamespace ns) {
        Environment env = venv("secured", uniquePackage());
        EnvironmentOutput output = new EnvironmentOutput();
        output.setPullSecret("registry-pull");
        env.getSpec().setOutput(output);
        ns.client().resource(env).create();
        ns.client().resource(workload("secured", "secured")).create();
        awaitWorkload(
                ns.client(), ns.name(), "secured", w -> w.getStatus().getImage() != null, CONVERGE);

        PodSpec pod =
                ns.client()
                        .apps()
                        .deployments()
                        .withName("secured")
                        .get()
                        .getSpec()
                        .getTemplate()
                        .getSpec();
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType())
                .isEqualTo("RuntimeDefault");
        assertThat(pod.getImagePullSecrets())
                .extracting(s -> s.getName())
                .containsExactly("registry-pull");
        var container = pod.getContainers().get(0).getSecurityContext();
        assertThat(container.getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(container.getRunAsNonRoot()).isTrue();
    }

    @Test
    void aJobWorkloadRunsToCompletionAndAFailingOneReportsItsExitCode(TestNamespace ns) {
        ns.client().resource(venv("batch", uniquePackage())).create();
        Workload ok = workload("once", "batch");
        ok.getSpec().setMode(WorkloadMode.Job);
        ok.getSpec().setCommand(List.of("python", "-c", "print('done')"));
        ns.client().resource(ok).create();
        Workload failing = workload("crash", "batch");
        failing.getSpec().setMode(WorkloadMode.Job);
        failing.getSpec().setCommand(List.of("python", "-c", "import sys; sys.exit(3)"));
        failing.getSpec().setNodeSelector(Map.of("terrarium.dev/kwok-fate", "fail"));
        failing.getSpec()
                .setTolerations(
                        List.of(
                                new TolerationBuilder()
                                        .withKey("terrarium.dev/kwok-fate")
                                        .withOperator("Exists")
                                        .withEffect("NoSchedule")
                                        .build()));
        ns.client().resource(failing).create();

        Workload succeeded =
                awaitWorkload(
                        ns.client(),
                        ns.name(),
                        "once",
                        w -> w.getStatus().getPhase() == WorkloadPhase.Succeeded,
                        CONVERGE);
        assertThat(succeeded.getStatus().getExitCode()).isZero();
        assertThat(Conditions.isTrue(succeeded.getStatus().getConditions(), Condition.READY))
                .isTrue();

        Workload failed =
                awaitWorkload(
                        ns.client(),
                        ns.name(),
                        "crash",
                        w -> w.getStatus().getPhase() == WorkloadPhase.Failed,
                        CONVERGE);
        assertThat(failed.getStatus().getExitCode()).isEqualTo(3);
        assertThat(failed.getStatus().getLogTail()).isNotBlank();
        assertThat(
                        Conditions.find(failed.getStatus().getConditions(), Condition.READY)
                                .getMessage())
                .contains("exit code 3");
        assertThat(Conditions.isTrue(failed.getStatus().getConditions(), Condition.STALLED))
                .isTrue();
        assertThat(
                        ns.client()
                                .batch()
                                .v1()
                                .jobs()
                                .withLabel("terrarium.dev/workload", "crash")
                                .list()
                                .getItems()
                                .get(0)
                                .getSpec()
                                .getBackoffLimit())
                .isZero();
        assertThat(reasons(ns, "crash")).contains("Failed");
    }

    @Test
    void deletingAWorkloadRemovesItsChildren(TestNamespace ns) {
        ns.client().resource(venv("temporary", uniquePackage())).create();
        Workload web = workload("temporary", "temporary");
        web.getSpec().setPorts(List.of(new WorkloadPort("http", 8000, null)));
        ns.client().resource(web).create();
        awaitWorkload(
                ns.client(),
                ns.name(),
                "temporary",
                w -> w.getStatus().getPhase() == WorkloadPhase.Running,
                CONVERGE);

        ns.kubectl().run("delete", "workload/temporary");

        await().atMost(CONVERGE)
                .untilAsserted(
                        () -> {
                            assertThat(ns.client().apps().deployments().withName("temporary").get())
                                    .isNull();
                            assertThat(ns.client().services().withName("temporary").get()).isNull();
                        });
    }

    private static String deploymentImage(TestNamespace ns, String name) {
        return ns.client()
                .apps()
                .deployments()
                .withName(name)
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage();
    }

    private static List<String> reasons(TestNamespace ns, String object) {
        return ns.client().v1().events().list().getItems().stream()
                .filter(e -> object.equals(e.getInvolvedObject().getName()))
                .map(Event::getReason)
                .toList();
    }
}
