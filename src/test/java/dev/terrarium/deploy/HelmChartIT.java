package dev.terrarium.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.terrarium.api.Environment;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildPhase;
import dev.terrarium.testing.Commands;
import dev.terrarium.testing.Kubectl;
import dev.terrarium.testing.LocalControlPlane;
import dev.terrarium.testing.TerrariumTest;
import dev.terrarium.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The chart as a platform team uses it, with the real helm against the local control plane: install
 * (CRDs included), the roles for people and the admission policy at work, upgrade with changed
 * values, uninstall that leaves the CRDs and users' objects. The operator's pods are simulated by
 * kwok's nodes here: this shows what the chart installs and how the API server enforces it, not the
 * operator running from its image.
 *
 * <p>A release of its own (terrarium-it, in terrarium-it-system, building in terrarium-it-builds),
 * so that nothing collides with the objects that the harness applies for the operator under test
 * (deploy/rbac); its admission policy binds only namespaces labelled {@value #POLICY_LABEL}, so
 * that it never refuses that operator elsewhere.
 */
@TerrariumTest(operator = false)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HelmChartIT {

    private static final String RELEASE = "terrarium-it";
    private static final String RELEASE_NAMESPACE = "terrarium-it-system";
    private static final String BUILD_NAMESPACE = "terrarium-it-builds";
    private static final String OPERATOR_USER =
            "system:serviceaccount:" + RELEASE_NAMESPACE + ":terrarium-it-operator";
    private static final String POLICY_LABEL = "terrarium.dev/helm-it";
    private static final String DIGEST = "sha256:" + "5e".repeat(32);
    private static final List<String> CRDS =
            List.of(
                    "environments.terrarium.dev",
                    "imagebuilds.terrarium.dev",
                    "workloads.terrarium.dev");

    /**
     * A namespace editor and a viewer, as namespace RoleBindings to the built-in roles make them.
     */
    private static final String EDITOR = "alice";

    private static final String VIEWER = "bob";

    /** Cluster-admin-ish: system:masters passes every RBAC check, but not admission. */
    private static final List<String> ADMIN = List.of("--as=carol", "--as-group=system:masters");

    private static LocalControlPlane plane;
    private static Kubectl kubectl;
    private static String policyNamespace;

    @BeforeAll
    static void start() {
        plane = LocalControlPlane.get();
        kubectl = new Kubectl(plane);
        policyNamespace =
                "helm-it-policy-"
                        + Integer.toString(ThreadLocalRandom.current().nextInt(46656, 1679616), 36);
        plane.adminClient()
                .resource(
                        new NamespaceBuilder()
                                .withNewMetadata()
                                .withName(policyNamespace)
                                .addToLabels(POLICY_LABEL, "true")
                                .addToLabels("terrarium.dev/test", "true")
                                .endMetadata()
                                .build())
                .create();
    }

    @AfterAll
    static void cleanUp() {
        helm(
                List.of(
                        "uninstall",
                        RELEASE,
                        "--namespace",
                        RELEASE_NAMESPACE,
                        "--ignore-not-found",
                        "--wait"));
        kubectl.attempt(
                "delete",
                "namespace",
                policyNamespace,
                RELEASE_NAMESPACE,
                "--ignore-not-found",
                "--wait=false");
        // The CRDs stay, as the chart promises; they go back to being the harness's, without the
        // release's marks.
        for (String crd : CRDS) {
            kubectl.attempt(
                    "annotate",
                    "crd",
                    crd,
                    "meta.helm.sh/release-name-",
                    "meta.helm.sh/release-namespace-",
                    "helm.sh/resource-policy-");
            kubectl.attempt(
                    "label",
                    "crd",
                    crd,
                    "app.kubernetes.io/managed-by-",
                    "app.kubernetes.io/instance-",
                    "app.kubernetes.io/part-of-",
                    "app.kubernetes.io/version-",
                    "helm.sh/chart-");
        }
    }

    /** helm against the local control plane, with its state under target/. */
    private static Commands.Result helm(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Manifests.helmBinary().toString());
        command.addAll(args);
        Path state = plane.repo().resolve("target/helm-it");
        return Commands.run(
                command,
                Map.of(
                        "KUBECONFIG",
                        plane.kubeconfig().toString(),
                        "HELM_CACHE_HOME",
                        state.resolve("cache").toString(),
                        "HELM_CONFIG_HOME",
                        state.resolve("config").toString(),
                        "HELM_DATA_HOME",
                        state.resolve("data").toString()),
                plane.repo(),
                Duration.ofMinutes(5));
    }

    private static String helmOk(List<String> args) {
        Commands.Result result = helm(args);
        assertThat(result.exitCode())
                .as("helm %s\n%s", String.join(" ", args), result.output())
                .isZero();
        return result.output();
    }

    private static Deployment operatorDeployment() {
        return plane.adminClient()
                .apps()
                .deployments()
                .inNamespace(RELEASE_NAMESPACE)
                .withName("terrarium-it-operator")
                .get();
    }

    private static Map<String, String> operatorEnv() {
        return operatorDeployment()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getEnv()
                .stream()
                .filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    @Test
    @Order(1)
    void installsTheCrdsTheOperatorItsNamespacesRolesAndPolicy() {
        String output =
                helmOk(
                        List.of(
                                "install",
                                RELEASE,
                                plane.repo().resolve(Manifests.CHART).toString(),
                                "--namespace",
                                RELEASE_NAMESPACE,
                                "--create-namespace",
                                // The harness applied the CRDs already (hack/cluster.sh, kubectl
                                // apply --server-side): the release
                                // adopts them, and takes over spec.versions, an atomic list that
                                // the API server stores normalised
                                // (100.0 as 100, priority 0 left out), so that applying the same
                                // file as another manager conflicts.
                                "--take-ownership",
                                "--force-conflicts",
                                "--wait",
                                "--timeout",
                                "3m",
                                "--set",
                                "registry.defaultRepository="
                                        + plane.registry()
                                        + "/terrarium/environments",
                                "--set",
                                "image.digest=" + DIGEST,
                                "--set",
                                "builds.namespace.name=" + BUILD_NAMESPACE,
                                "--set-string",
                                "admissionPolicy.namespaceSelector.matchLabels.terrarium\\.dev/helm-it=true"));
        assertThat(output)
                .contains("STATUS: deployed")
                .contains("the CRDs stay (helm.sh/resource-policy: keep)");

        KubernetesClient admin = plane.adminClient();
        for (String name : CRDS) {
            CustomResourceDefinition crd =
                    admin.apiextensions().v1().customResourceDefinitions().withName(name).get();
            assertThat(crd.getMetadata().getAnnotations())
                    .as(name)
                    .containsEntry("helm.sh/resource-policy", "keep")
                    .containsEntry("meta.helm.sh/release-name", RELEASE);
        }
        assertThat(admin.namespaces().withName(BUILD_NAMESPACE).get().getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "privileged");
        assertThat(
                        admin.rbac()
                                .roles()
                                .inNamespace(BUILD_NAMESPACE)
                                .withName("terrarium-it-builds")
                                .get())
                .isNotNull();
        assertThat(
                        admin.rbac()
                                .roleBindings()
                                .inNamespace(RELEASE_NAMESPACE)
                                .withName("terrarium-it-leader-election")
                                .get())
                .isNotNull();
        for (String role :
                List.of("terrarium-it-operator", "terrarium-it-view", "terrarium-it-edit")) {
            assertThat(admin.rbac().clusterRoles().withName(role).get()).as(role).isNotNull();
        }
        assertThat(
                        admin.rbac()
                                .clusterRoleBindings()
                                .withName("terrarium-it-operator")
                                .get()
                                .getSubjects())
                .singleElement()
                .satisfies(
                        s ->
                                assertThat(
                                                "system:serviceaccount:"
                                                        + s.getNamespace()
                                                        + ":"
                                                        + s.getName())
                                        .isEqualTo(OPERATOR_USER));

        // The API server type-checks the policy's CEL against the ImageBuild schema and reports
        // what it finds.
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            JsonNode policy =
                                    Manifests.parseAll(
                                                    kubectl.run(
                                                            "get",
                                                            "validatingadmissionpolicy",
                                                            "terrarium-it-imagebuilds",
                                                            "-o",
                                                            "yaml"))
                                            .get(0);
                            assertThat(policy.path("status").path("observedGeneration").asLong())
                                    .isEqualTo(policy.path("metadata").path("generation").asLong());
                            assertThat(
                                            policy.path("status")
                                                    .path("typeChecking")
                                                    .path("expressionWarnings"))
                                    .as(policy.toString())
                                    .isEmpty();
                        });
        assertThat(
                        kubectl.run(
                                "get",
                                "validatingadmissionpolicybinding",
                                "terrarium-it-imagebuilds",
                                "-o",
                                "jsonpath={.spec.policyName}"))
                .isEqualTo("terrarium-it-imagebuilds");

        Deployment deployment = operatorDeployment();
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("ghcr.io/terrarium-dev/terrarium-operator@" + DIGEST);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(deployment.getStatus().getReadyReplicas())
                .as("kwok's nodes run the pods")
                .isEqualTo(2);
        assertThat(operatorEnv())
                .containsEntry("TERRARIUM_BUILDS_MAX_CONCURRENT", "10")
                .containsEntry("TERRARIUM_BUILDS_NAMESPACE", BUILD_NAMESPACE);
    }

    @Test
    @Order(2)
    void namespaceEditorsAndViewersGetTheAggregatedRoles(TestNamespace ns) {
        ns.kubectl()
                .run("create", "rolebinding", "editor", "--clusterrole=edit", "--user=" + EDITOR);
        ns.kubectl()
                .run("create", "rolebinding", "viewer", "--clusterrole=view", "--user=" + VIEWER);
        // The controller manager merges the labelled roles into view, edit and admin shortly after
        // they appear.
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () ->
                                assertThat(canI(ns, EDITOR, "create", "environments.terrarium.dev"))
                                        .isTrue());

        assertThat(canI(ns, EDITOR, "create", "workloads.terrarium.dev")).isTrue();
        assertThat(canI(ns, EDITOR, "patch", "environments.terrarium.dev")).isTrue();
        assertThat(canI(ns, EDITOR, "delete", "imagebuilds.terrarium.dev")).isTrue();
        assertThat(canI(ns, EDITOR, "list", "imagebuilds.terrarium.dev")).isTrue();
        assertThat(canI(ns, EDITOR, "create", "imagebuilds.terrarium.dev")).isFalse();
        assertThat(canI(ns, EDITOR, "patch", "imagebuilds.terrarium.dev")).isFalse();
        assertThat(canI(ns, EDITOR, "patch", "imagebuilds.terrarium.dev", "--subresource=status"))
                .isFalse();
        assertThat(canI(ns, EDITOR, "patch", "environments.terrarium.dev", "--subresource=status"))
                .isFalse();

        assertThat(canI(ns, VIEWER, "list", "imagebuilds.terrarium.dev")).isTrue();
        assertThat(canI(ns, VIEWER, "watch", "environments.terrarium.dev")).isTrue();
        assertThat(canI(ns, VIEWER, "create", "environments.terrarium.dev")).isFalse();
        assertThat(canI(ns, VIEWER, "delete", "imagebuilds.terrarium.dev")).isFalse();

        // The same through real requests: the API server authorises and admits them (dry run:
        // nothing is stored).
        Path environment = write("environment.yaml", environmentYaml("from-an-editor"));
        assertThat(
                        ns.kubectl()
                                .run(
                                        "--as=" + EDITOR,
                                        "create",
                                        "--dry-run=server",
                                        "-f",
                                        environment.toString()))
                .contains("created (server dry run)");
        Path imageBuild = write("imagebuild.yaml", imageBuildYaml("by-hand", ""));
        Commands.Result forged =
                ns.kubectl().attempt("--as=" + EDITOR, "create", "-f", imageBuild.toString());
        assertThat(forged.exitCode()).isNotZero();
        assertThat(forged.output())
                .contains("Forbidden")
                .contains("cannot create resource \"imagebuilds\"");
        assertThat(ns.kubectl().run("--as=" + VIEWER, "get", "imagebuilds"))
                .contains("No resources found");
        Commands.Result viewerCreates =
                ns.kubectl()
                        .attempt(
                                "--as=" + VIEWER,
                                "create",
                                "--dry-run=server",
                                "-f",
                                environment.toString());
        assertThat(viewerCreates.output()).contains("Forbidden");
    }

    @Test
    @Order(3)
    void onlyTheOperatorCreatesImageBuildsOrWritesTheirStatusAndDeletionStillWorks() {
        Kubectl policy = new Kubectl(plane, policyNamespace);
        Commands.Result byAdmin =
                policy.attempt(
                        withAdmin(
                                "create",
                                "-f",
                                write("forged.yaml", imageBuildYaml("forged", "")).toString()));
        assertThat(byAdmin.exitCode()).as(byAdmin.output()).isNotZero();
        assertThat(byAdmin.output())
                .contains("ValidatingAdmissionPolicy 'terrarium-it-imagebuilds'")
                .contains(
                        "ImageBuilds are created only by the Terrarium operator ("
                                + OPERATOR_USER
                                + ")");

        // An owner, so that a foreground deletion has a dependent to wait for; and one the admin
        // may drop.
        String ownerUid =
                policy.run("create", "configmap", "owner", "-o", "jsonpath={.metadata.uid}");
        String owners =
                """
                  ownerReferences:
                  - apiVersion: v1
                    kind: ConfigMap
                    name: owner
                    uid: %s
                """
                        .formatted(ownerUid);
        policy.run(
                "--as=" + OPERATOR_USER,
                "create",
                "-f",
                write("by-operator.yaml", imageBuildYaml("by-operator", owners)).toString());

        Commands.Result status =
                policy.attempt(
                        withAdmin(
                                "patch",
                                "imagebuild",
                                "by-operator",
                                "--subresource=status",
                                "--type=merge",
                                "-p",
                                "{\"status\":{\"phase\":\"Succeeded\"}}"));
        assertThat(status.exitCode()).isNotZero();
        assertThat(status.output())
                .contains("The status of an ImageBuild is written only by the Terrarium operator");
        // As the operator writes it: a patch of the status subresource, which its role allows
        // without a get.
        Config asOperator = plane.config();
        asOperator.setImpersonateUsername(OPERATOR_USER);
        try (KubernetesClient operator =
                new KubernetesClientBuilder().withConfig(asOperator).build()) {
            ImageBuild patched =
                    operator.resources(ImageBuild.class)
                            .inNamespace(policyNamespace)
                            .withName("by-operator")
                            .subresource("status")
                            .patch(
                                    PatchContext.of(PatchType.JSON_MERGE),
                                    "{\"status\":{\"phase\":\"Running\"}}");
            assertThat(patched.getStatus().getPhase()).isEqualTo(ImageBuildPhase.Running);
        }

        for (List<String> change :
                List.of(
                        List.of(
                                "label",
                                "imagebuild",
                                "by-operator",
                                "terrarium.dev/environment=other"),
                        List.of("annotate", "imagebuild", "by-operator", "example.com/note=x"),
                        List.of(
                                "patch",
                                "imagebuild",
                                "by-operator",
                                "--type=json",
                                "-p",
                                "[{\"op\":\"add\",\"path\":\"/metadata/ownerReferences/-\",\"value\":{\"apiVersion\":\"v1\","
                                        + "\"kind\":\"ConfigMap\",\"name\":\"other\",\"uid\":\""
                                        + ownerUid.replace('a', 'b')
                                        + "\"}}]"))) {
            Commands.Result refused = policy.attempt(withAdmin(change.toArray(String[]::new)));
            assertThat(refused.exitCode()).as("%s\n%s", change, refused.output()).isNotZero();
            assertThat(refused.output())
                    .contains("Only the Terrarium operator (" + OPERATOR_USER + ") changes");
        }
        // What the garbage collector and kubectl delete do stays open: finalizers, dropping owner
        // references.
        policy.run(
                withAdmin(
                        "patch",
                        "imagebuild",
                        "by-operator",
                        "--type=merge",
                        "-p",
                        "{\"metadata\":{\"finalizers\":[\"example.com/hold\"]}}"));
        policy.run(
                withAdmin(
                        "patch",
                        "imagebuild",
                        "by-operator",
                        "--type=json",
                        "-p",
                        "[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"},"
                                + "{\"op\":\"remove\",\"path\":\"/metadata/ownerReferences\"}]"));

        String buildUid =
                policy.run("get", "imagebuild", "by-operator", "-o", "jsonpath={.metadata.uid}");
        policy.run(
                "apply",
                "-f",
                write(
                                "dependent.yaml",
                                """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: build-dependent
                  ownerReferences:
                  - apiVersion: terrarium.dev/v1alpha1
                    kind: ImageBuild
                    name: by-operator
                    uid: %s
                    blockOwnerDeletion: true
                """
                                        .formatted(buildUid))
                        .toString());
        // The garbage collector deletes the dependent, then removes the foregroundDeletion
        // finalizer with an UPDATE.
        policy.run(
                withAdmin(
                        "delete",
                        "imagebuild",
                        "by-operator",
                        "--cascade=foreground",
                        "--timeout=60s"));
        assertThat(policy.attempt("get", "imagebuild", "by-operator").output())
                .contains("NotFound");
        assertThat(policy.attempt("get", "configmap", "build-dependent").output())
                .contains("NotFound");
    }

    @Test
    @Order(4)
    void upgradeWithChangedValuesChangesTheDeployment(TestNamespace ns) {
        ns.kubectl()
                .run(
                        "apply",
                        "-f",
                        write("users-environment.yaml", environmentYaml("users-own")).toString());
        long generation = operatorDeployment().getMetadata().getGeneration();

        String output =
                helmOk(
                        List.of(
                                "upgrade",
                                RELEASE,
                                plane.repo().resolve(Manifests.CHART).toString(),
                                "--namespace",
                                RELEASE_NAMESPACE,
                                "--reuse-values",
                                "--wait",
                                "--timeout",
                                "3m",
                                "--set",
                                "replicaCount=3",
                                "--set",
                                "builds.maxConcurrent=4"));
        assertThat(output).contains("REVISION: 2");

        Deployment deployment = operatorDeployment();
        assertThat(deployment.getMetadata().getGeneration()).isGreaterThan(generation);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
        assertThat(deployment.getStatus().getReadyReplicas()).isEqualTo(3);
        assertThat(operatorEnv())
                .containsEntry("TERRARIUM_BUILDS_MAX_CONCURRENT", "4")
                .containsEntry("TERRARIUM_BUILDS_NAMESPACE", BUILD_NAMESPACE);
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .as("reused values")
                .endsWith("@" + DIGEST);
    }

    @Test
    @Order(5)
    void uninstallLeavesTheCrdsAndUsersObjects(TestNamespace ns) {
        String output =
                helmOk(
                        List.of(
                                "uninstall",
                                RELEASE,
                                "--namespace",
                                RELEASE_NAMESPACE,
                                "--wait",
                                "--timeout",
                                "3m"));
        assertThat(output).contains("resource policy").contains("environments.terrarium.dev");

        KubernetesClient admin = plane.adminClient();
        assertThat(operatorDeployment()).isNull();
        assertThat(admin.rbac().clusterRoles().withName("terrarium-it-edit").get()).isNull();
        assertThat(
                        kubectl.attempt(
                                        "get",
                                        "validatingadmissionpolicy",
                                        "terrarium-it-imagebuilds")
                                .output())
                .contains("NotFound");
        var buildNamespace = admin.namespaces().withName(BUILD_NAMESPACE).get();
        assertThat(
                        buildNamespace == null
                                || buildNamespace.getMetadata().getDeletionTimestamp() != null)
                .as("the build namespace goes with the release")
                .isTrue();
        for (String name : CRDS) {
            assertThat(admin.apiextensions().v1().customResourceDefinitions().withName(name).get())
                    .as(name)
                    .isNotNull();
        }
        Environment kept = ns.client().resources(Environment.class).withName("users-own").get();
        assertThat(kept).isNotNull();
        assertThat(kept.getMetadata().getDeletionTimestamp()).isNull();
    }

    private static boolean canI(
            TestNamespace ns, String user, String verb, String resource, String... more) {
        List<String> args =
                new ArrayList<>(List.of("auth", "can-i", verb, resource, "--as=" + user));
        args.addAll(List.of(more));
        String answer = ns.kubectl().attempt(args.toArray(String[]::new)).output().strip();
        assertThat(answer).as("kubectl %s", args).isIn("yes", "no");
        return answer.equals("yes");
    }

    private static String[] withAdmin(String... args) {
        List<String> all = new ArrayList<>(ADMIN);
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    private static String environmentYaml(String name) {
        return """
                apiVersion: terrarium.dev/v1alpha1
                kind: Environment
                metadata:
                  name: %s
                spec:
                  python: "3.12"
                  pip: [rich==13.7.1]
                """
                .formatted(name);
    }

    /** An ImageBuild as the operator would make it, with {@code extraMetadata} under metadata. */
    private static String imageBuildYaml(String name, String extraMetadata) {
        return """
                apiVersion: terrarium.dev/v1alpha1
                kind: ImageBuild
                metadata:
                  name: %s
                %sspec:
                  environment: web
                  specHash: "%s"
                  repository: registry.example/terrarium/environments
                  resolved:
                    manager: venv
                    python: "3.12"
                    baseImage: python:3.12-slim
                    pip: [rich==13.7.1]
                  build:
                    strategy: buildah
                """
                .formatted(name, extraMetadata, "0".repeat(64));
    }

    private static Path write(String name, String content) {
        try {
            Path dir = plane.repo().resolve("target/helm-it");
            Files.createDirectories(dir);
            Path file = dir.resolve(name);
            Files.writeString(file, content);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
