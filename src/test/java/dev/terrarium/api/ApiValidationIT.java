package dev.terrarium.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.terrarium.status.Conditions;
import dev.terrarium.testing.Commands;
import dev.terrarium.testing.LocalControlPlane;
import dev.terrarium.testing.TerrariumTest;
import dev.terrarium.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The API as users meet it through kubectl: examples are accepted, every rule of the invalid corpus
 * is refused at create time by the API server or marked Invalid by the operator, and either way the
 * message names the field.
 */
@TerrariumTest
class ApiValidationIT {

    /**
     * One file of src/test/resources/invalid: its header says which rule, who refuses it and which
     * field.
     */
    record InvalidCase(Path file, String rule, String refusedBy, String field) {
        static InvalidCase read(Path file) {
            try {
                List<String> lines = Files.readAllLines(file);
                return new InvalidCase(
                        file,
                        header(lines, "rule"),
                        header(lines, "refused-by"),
                        header(lines, "field"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private static String header(List<String> lines, String key) {
            return lines.stream()
                    .filter(l -> l.startsWith("# " + key + ": "))
                    .findFirst()
                    .map(l -> l.substring(key.length() + 4))
                    .orElseThrow(() -> new IllegalStateException(key));
        }

        String name() {
            return file.getFileName().toString().replace(".yaml", "");
        }
    }

    static List<InvalidCase> corpus() throws IOException {
        try (Stream<Path> files =
                Files.list(LocalControlPlane.repoDir().resolve("src/test/resources/invalid"))) {
            return files.filter(f -> f.toString().endsWith(".yaml"))
                    .sorted()
                    .map(InvalidCase::read)
                    .toList();
        }
    }

    @Test
    void theCorpusCoversAtLeastThirtyRules() throws IOException {
        List<InvalidCase> corpus = corpus();
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(30);
        assertThat(corpus).extracting(InvalidCase::refusedBy).containsOnly("apiserver", "operator");
    }

    @TestFactory
    List<DynamicTest> everyInvalidObjectIsRefusedNamingItsField(TestNamespace ns)
            throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (InvalidCase invalid : corpus()) {
            tests.add(
                    DynamicTest.dynamicTest(
                            invalid.name() + " (" + invalid.rule() + ")",
                            () -> {
                                if (invalid.refusedBy().equals("apiserver")) {
                                    Commands.Result created =
                                            ns.kubectl()
                                                    .attempt(
                                                            "create",
                                                            "-f",
                                                            invalid.file().toString());
                                    assertThat(created.exitCode()).as(created.output()).isNotZero();
                                    assertThat(created.output())
                                            .contains("is invalid")
                                            .contains(invalid.field());
                                } else {
                                    ns.kubectl().run("create", "-f", invalid.file().toString());
                                    ns.kubectl()
                                            .run(
                                                    "wait",
                                                    "--for=jsonpath={.status.phase}=Invalid",
                                                    "environment/" + invalid.name(),
                                                    "--timeout=60s");
                                    Environment environment =
                                            ns.client()
                                                    .resources(Environment.class)
                                                    .withName(invalid.name())
                                                    .get();
                                    Condition ready =
                                            Conditions.find(
                                                    environment.getStatus().getConditions(),
                                                    Condition.READY);
                                    assertThat(ready.getStatus()).isEqualTo("False");
                                    assertThat(ready.getReason()).isEqualTo("InvalidSpec");
                                    assertThat(ready.getMessage()).contains(invalid.field());
                                    assertThat(
                                                    Conditions.isTrue(
                                                            environment.getStatus().getConditions(),
                                                            Condition.STALLED))
                                            .isTrue();
                                    assertThat(environment.getStatus().getObservedGeneration())
                                            .isEqualTo(1L);
                                    assertThat(
                                                    ns.client()
                                                            .resources(ImageBuild.class)
                                                            .withLabel(
                                                                    "terrarium.dev/environment",
                                                                    invalid.name())
                                                            .list()
                                                            .getItems())
                                            .isEmpty();
                                    assertThat(
                                                    ns.client()
                                                            .serviceAccounts()
                                                            .withName(invalid.name() + "-builder")
                                                            .get())
                                            .isNull();
                                }
                            }));
        }
        return tests;
    }

    @Test
    void everyExampleIsAcceptedAndListedWithItsColumns(TestNamespace ns) {
        String applied =
                ns.kubectl()
                        .run(
                                "apply",
                                "-f",
                                ns.plane().repo().resolve("deploy/examples").toString());
        assertThat(applied)
                .contains("environment.terrarium.dev/data-science created")
                .contains("environment.terrarium.dev/web-api created")
                .contains("workload.terrarium.dev/web-api created")
                .contains("workload.terrarium.dev/train-model created");

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            String listed = ns.kubectl().run("get", "terrarium");
                            assertThat(listed)
                                    .containsPattern(
                                            "NAME\\s+PYTHON\\s+MANAGER\\s+PHASE\\s+IMAGE\\s+AGE")
                                    .containsPattern(
                                            "NAME\\s+ENVIRONMENT\\s+PHASE\\s+CACHE\\s+DIGEST\\s+DURATION\\s+AGE")
                                    .containsPattern(
                                            "NAME\\s+ENVIRONMENT\\s+READY\\s+PHASE\\s+ENDPOINT\\s+AGE")
                                    .containsPattern(
                                            "environment.terrarium.dev/data-science\\s+3.12\\s+conda\\s+Ready")
                                    .containsPattern(
                                            "environment.terrarium.dev/web-api\\s+3.12\\s+venv\\s+Ready");
                        });
        assertThat(ns.kubectl().run("get", "env,ib,wl", "-o", "name"))
                .contains("environment.terrarium.dev/web-api")
                .contains("imagebuild.terrarium.dev/web-api-")
                .contains("workload.terrarium.dev/web-api");
    }

    @Test
    void kubectlExplainPrintsTheFieldDescriptions(TestNamespace ns) {
        assertThat(ns.kubectl().run("explain", "environment.spec.pip"))
                .contains("PEP 508 requirements");
        assertThat(ns.kubectl().run("explain", "workload.spec.suspend")).contains("docker stop");
        assertThat(ns.kubectl().run("explain", "imagebuild.status.failure.logTail"))
                .contains("last 40 lines");
        // Embedded Kubernetes types carry Kubernetes' own text, as under a Pod.
        assertThat(ns.kubectl().run("explain", "workload.spec.securityContext.privileged"))
                .contains("Run container in privileged mode.");
        assertThat(ns.kubectl().run("explain", "environment.spec.build.tolerations.operator"))
                .contains("Operator represents a key's relationship to the value.");
    }

    @Test
    void anImageBuildSpecCannotBeChanged(TestNamespace ns) {
        ImageBuild build = new ImageBuild();
        build.setMetadata(new ObjectMetaBuilder().withName("frozen").build());
        ImageBuildSpec spec = new ImageBuildSpec();
        spec.setEnvironment("nowhere");
        spec.setSpecHash("a".repeat(64));
        spec.setRepository("registry.test/envs");
        ResolvedEnvironment resolved = new ResolvedEnvironment();
        resolved.setManager(Manager.VENV);
        resolved.setPython("3.12");
        resolved.setBaseImage("python:3.12-slim");
        spec.setResolved(resolved);
        spec.setBuild(new BuildSettings());
        build.setSpec(spec);
        ns.client().resource(build).create();

        Commands.Result patched =
                ns.kubectl()
                        .attempt(
                                "patch",
                                "imagebuild/frozen",
                                "--type=merge",
                                "-p",
                                "{\"spec\":{\"specHash\":\"" + "b".repeat(64) + "\"}}");

        assertThat(patched.exitCode()).isNotZero();
        assertThat(patched.output()).contains("the spec of an ImageBuild is immutable");
    }
}
