package dev.terrarium.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrarium.api.HostileInputs.Case;
import dev.terrarium.api.HostileInputs.RefusedBy;
import dev.terrarium.status.Conditions;
import dev.terrarium.status.ReconcileError;
import dev.terrarium.testing.BuildNamespace;
import dev.terrarium.testing.Commands;
import dev.terrarium.testing.TerrariumTest;
import dev.terrarium.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The hostile-input table ({@link HostileInputs}) against the real API server and operator, one
 * apply each: every object is refused at apply naming its field, or marked Invalid by the operator
 * naming its field, or, when the API server refuses a child the operator writes, shows Ready=False
 * with reason ReconcileError, the server's message and a Warning event. None of them makes a Job,
 * and none is left without status.
 */
@TerrariumTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputIT {

    /** An Environment whose build Job the API server refuses: its build tolerations are invalid. */
    private static final String BUILD_REFUSED = "h-env-build-toleration";

    private static Path dir;
    private static final Set<String> CREATED = new HashSet<>();

    @BeforeAll
    static void workDir() throws IOException {
        dir = Files.createTempDirectory("hostile-inputs");
    }

    @AfterAll
    static void removeWorkDir() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(dir);
    }

    @Test
    @Order(0)
    void withTheInvalidCorpusTheHostileInputsReachOneHundredAndFifty() throws IOException {
        List<Case> table = HostileInputs.all();

        assertThat(table.size() + ApiValidationIT.corpus().size()).isGreaterThanOrEqualTo(150);
        assertThat(table).extracting(c -> c.kind() + "/" + c.name()).doesNotHaveDuplicates();
    }

    @TestFactory
    @Order(1)
    List<DynamicTest> everyHostileObjectIsRefusedNamingItsField(TestNamespace ns) {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case hostile : HostileInputs.all()) {
            tests.add(
                    DynamicTest.dynamicTest(
                            hostile.id() + " (" + hostile.refusedBy() + ")",
                            () -> {
                                Path file = dir.resolve(hostile.id() + ".yaml");
                                Files.writeString(file, hostile.manifest());
                                if (hostile.refusedBy() == RefusedBy.APISERVER) {
                                    Commands.Result created =
                                            ns.kubectl().attempt("create", "-f", file.toString());
                                    assertThat(created.exitCode()).as(created.output()).isNotZero();
                                    // A field the schema lacks (hostPath) is refused by
                                    // kubectl's strict field validation before the schema's rules.
                                    assertThat(created.output())
                                            .containsAnyOf("is invalid", "unknown field")
                                            .contains(hostile.field());
                                    return;
                                }
                                ns.kubectl().run("create", "-f", file.toString());
                                CREATED.add(hostile.kind() + "/" + hostile.name());
                                if (hostile.refusedBy() == RefusedBy.OPERATOR) {
                                    assertInvalid(ns, hostile);
                                } else {
                                    assertReconcileError(ns, hostile);
                                }
                            }));
        }
        return tests;
    }

    private static void assertInvalid(TestNamespace ns, Case hostile) {
        ns.kubectl()
                .run(
                        "wait",
                        "--for=jsonpath={.status.phase}=Invalid",
                        "environment/" + hostile.name(),
                        "--timeout=60s");
        Environment environment =
                ns.client().resources(Environment.class).withName(hostile.name()).get();
        Condition ready = Conditions.find(environment.getStatus().getConditions(), Condition.READY);
        assertThat(ready.getReason()).isEqualTo("InvalidSpec");
        assertThat(ready.getMessage()).contains(hostile.field());
        assertThat(
                        ns.client()
                                .resources(ImageBuild.class)
                                .withLabel("terrarium.dev/environment", hostile.name())
                                .list()
                                .getItems())
                .isEmpty();
    }

    private static void assertReconcileError(TestNamespace ns, Case hostile) {
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            Workload workload =
                                    ns.client()
                                            .resources(Workload.class)
                                            .withName(hostile.name())
                                            .get();
                            assertThat(workload.getStatus()).isNotNull();
                            Condition ready =
                                    Conditions.find(
                                            workload.getStatus().getConditions(), Condition.READY);
                            assertThat(ready).isNotNull();
                            assertThat(ready.getStatus()).isEqualTo(Condition.FALSE);
                            assertThat(ready.getReason()).isEqualTo(ReconcileError.REASON);
                            assertThat(ready.getMessage())
                                    .contains(hostile.field())
                                    .contains("deployment: ")
                                    .contains("is invalid")
                                    .doesNotContain("Exception")
                                    .doesNotContain("\tat ");
                            assertThat(warnings(ns, hostile.name()))
                                    .contains(ReconcileError.REASON);
                        });
        assertThat(ns.client().apps().deployments().withName(hostile.name()).get()).isNull();
    }

    private static List<String> warnings(TestNamespace ns, String object) {
        return ns.client().v1().events().list().getItems().stream()
                .filter(
                        e ->
                                object.equals(e.getInvolvedObject().getName())
                                        && "Warning".equals(e.getType()))
                .map(Event::getReason)
                .toList();
    }

    @Test
    @Order(2)
    void aFailedAttemptIsReportedOnceNotOnEveryRetry(TestNamespace ns) {
        String name = "h-wl-child-toleration-operator";
        assertThat(CREATED).contains("Workload/" + name);
        // The retries back off from 2 s: within 20 s the operator tries several times more.
        await().pollDelay(Duration.ofSeconds(20)).atMost(Duration.ofSeconds(30)).until(() -> true);

        List<Event> events =
                ns.client().v1().events().list().getItems().stream()
                        .filter(
                                e ->
                                        name.equals(e.getInvolvedObject().getName())
                                                && ReconcileError.REASON.equals(e.getReason()))
                        .toList();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).getMessage()).contains("tolerations[0].operator");
    }

    @Test
    @Order(3)
    void aBuildJobThatTheApiServerRefusesShowsOnTheImageBuildAndItsEnvironment(TestNamespace ns)
            throws IOException {
        Path file = dir.resolve(BUILD_REFUSED + ".yaml");
        Files.writeString(
                file,
                "apiVersion: terrarium.dev/v1alpha1\nkind: Environment\nmetadata:\n  name: "
                        + BUILD_REFUSED
                        + "\nspec: {pip: [requests], build: {tolerations: [{key: gpu, operator: Bogus, "
                        + "effect: NoSchedule}]}}\n");
        ns.kubectl().run("create", "-f", file.toString());

        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(
                        () -> {
                            List<ImageBuild> builds =
                                    ns.client()
                                            .resources(ImageBuild.class)
                                            .withLabel("terrarium.dev/environment", BUILD_REFUSED)
                                            .list()
                                            .getItems();
                            assertThat(builds).hasSize(1);
                            ImageBuild build = builds.get(0);
                            assertThat(build.getStatus()).isNotNull();
                            Condition ready =
                                    Conditions.find(
                                            build.getStatus().getConditions(), Condition.READY);
                            assertThat(ready.getReason()).isEqualTo(ReconcileError.REASON);
                            assertThat(ready.getMessage())
                                    .contains("job: ")
                                    .contains("tolerations[0].operator")
                                    .doesNotContain("Exception")
                                    .doesNotContain("\tat ");
                            assertThat(warnings(ns, build.getMetadata().getName()))
                                    .contains(ReconcileError.REASON);
                            Environment environment =
                                    ns.client()
                                            .resources(Environment.class)
                                            .withName(BUILD_REFUSED)
                                            .get();
                            assertThat(
                                            Conditions.find(
                                                            environment.getStatus().getConditions(),
                                                            Condition.READY)
                                                    .getMessage())
                                    .contains("tolerations[0].operator");
                        });
    }

    @Test
    @Order(4)
    void noHostileObjectMadeAJobAndEveryOneThatExistsHasAStatus(TestNamespace ns) {
        assertThat(ns.client().batch().v1().jobs().list().getItems()).isEmpty();
        assertThat(BuildNamespace.jobs(ns.plane().adminClient(), ns.name())).isEmpty();
        assertThat(ns.client().resources(ImageBuild.class).list().getItems())
                .extracting(b -> b.getSpec().getEnvironment())
                .containsOnly(BUILD_REFUSED);
        for (String kind : List.of("environments", "workloads")) {
            ResourceDefinitionContext resources =
                    new ResourceDefinitionContext.Builder()
                            .withGroup(Environment.GROUP)
                            .withVersion(Environment.VERSION)
                            .withPlural(kind)
                            .withNamespaced(true)
                            .build();
            for (GenericKubernetesResource object :
                    ns.client().genericKubernetesResources(resources).list().getItems()) {
                Object status = object.getAdditionalProperties().get("status");
                assertThat(status).as(object.getMetadata().getName()).isInstanceOf(Map.class);
                Map<?, ?> fields = (Map<?, ?>) status;
                assertThat(fields.containsKey("conditions") && fields.containsKey("phase"))
                        .as(object.getMetadata().getName() + " has phase and conditions: " + status)
                        .isTrue();
            }
        }
        long created = CREATED.size();
        assertThat(created).as("objects that the API server admitted").isPositive();
    }
}
