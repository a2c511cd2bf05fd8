package dev.terrarium.deploy;

import static dev.terrarium.deploy.Manifests.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.terrarium.testing.Commands;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Helm chart deploy/helm/terrarium, linted and rendered by the real helm (hack/build-helm.sh),
 * no cluster.
 */
class HelmChartTest {

    private static final String DIGEST = "sha256:" + "ab".repeat(32);
    private static final String REPOSITORY = "registry.example/terrarium/environments";
    private static final String OPERATOR_USER =
            "system:serviceaccount:" + NAMESPACE + ":terrarium-operator";

    @TempDir Path scratch;

    private static List<JsonNode> render(String... args) {
        List<String> all =
                new ArrayList<>(List.of("--set", "registry.defaultRepository=" + REPOSITORY));
        all.addAll(List.of(args));
        return Manifests.renderChart(all.toArray(String[]::new));
    }

    private static Container operator(List<JsonNode> objects) {
        return Manifests.typed(
                        Manifests.one(objects, "Deployment", "terrarium-operator"),
                        Deployment.class)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
    }

    private static Map<String, String> env(List<JsonNode> objects) {
        return operator(objects).getEnv().stream()
                .filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "ci/external-registry-values.yaml",
                "ci/in-cluster-registry-values.yaml",
                "../manifests-values.yaml"
            })
    void lintsStrictlyCleanWithEachValuesFile(String values) {
        Commands.Result lint =
                Manifests.helm(
                        List.of(
                                "lint",
                                "--strict",
                                Manifests.repo().resolve(Manifests.CHART).toString(),
                                "--namespace",
                                NAMESPACE,
                                "--values",
                                Manifests.repo()
                                        .resolve(Manifests.CHART)
                                        .resolve(values)
                                        .normalize()
                                        .toString()));
        assertThat(lint.exitCode()).as(lint.output()).isZero();
        assertThat(lint.output())
                .contains("1 chart(s) linted, 0 chart(s) failed")
                .doesNotContain("[WARNING]");
    }

    @Test
    void withoutARepositoryOrTheInClusterRegistryItRefusesToRender() {
        Commands.Result result =
                Manifests.helm(
                        List.of(
                                "template",
                                "terrarium",
                                Manifests.repo().resolve(Manifests.CHART).toString()));
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("registry.defaultRepository is required");
    }

    @Test
    void theSchemaRefusesUnknownValuesAndTheRemovedStrategy() {
        Commands.Result typo =
                Manifests.helm(
                        List.of(
                                "template",
                                "terrarium",
                                Manifests.repo().resolve(Manifests.CHART).toString(),
                                "--set",
                                "registry.defaultRepository=r/x",
                                "--set",
                                "replicas=3"));
        assertThat(typo.exitCode()).isNotZero();
        assertThat(typo.output()).contains("replicas");
        Commands.Result strategy =
                Manifests.helm(
                        List.of(
                                "template",
                                "terrarium",
                                Manifests.repo().resolve(Manifests.CHART).toString(),
                                "--set",
                                "registry.defaultRepository=r/x",
                                "--set",
                                "builds.defaultStrategy=buildah"));
        assertThat(strategy.exitCode())
                .as("buildah is the only builder: there is nothing to choose")
                .isNotZero();
        assertThat(strategy.output()).contains("defaultStrategy");
    }

    @Test
    void appVersionIsThePomVersionAndTheDefaultImageTag() throws IOException {
        JsonNode chart =
                Manifests.readYaml(Manifests.repo().resolve(Manifests.CHART).resolve("Chart.yaml"));
        assertThat(chart.path("apiVersion").asText()).isEqualTo("v2");
        assertThat(chart.path("version").asText()).isEqualTo("0.1.0");
        String pom = Files.readString(Manifests.repo().resolve("pom.xml"));
        Matcher version =
                Pattern.compile(
                                "<artifactId>terrarium-operator</artifactId>\\s*<version>([^<]+)</version>")
                        .matcher(pom);
        assertThat(version.find()).isTrue();
        assertThat(chart.path("appVersion").asText()).isEqualTo(version.group(1));

        Map<String, String> env = env(render());
        assertThat(operator(render()).getImage())
                .isEqualTo("ghcr.io/terrarium-dev/terrarium-operator:" + version.group(1));
        assertThat(env.get("TERRARIUM_BUILDS_IMAGE"))
                .isEqualTo("ghcr.io/terrarium-dev/terrarium-builder:" + version.group(1));
    }

    @Test
    void aDigestWinsOverTheTag() {
        List<JsonNode> objects =
                render(
                        "--set",
                        "image.repository=registry.example/op",
                        "--set",
                        "image.tag=1.2.3",
                        "--set",
                        "image.digest=" + DIGEST,
                        "--set",
                        "builds.image.repository=registry.example/builder",
                        "--set",
                        "builds.image.digest=" + DIGEST);
        assertThat(operator(objects).getImage()).isEqualTo("registry.example/op@" + DIGEST);
        assertThat(env(objects).get("TERRARIUM_BUILDS_IMAGE"))
                .isEqualTo("registry.example/builder@" + DIGEST);
        assertThat(operator(render("--set", "image.tag=1.2.3")).getImage()).endsWith(":1.2.3");
    }

    @Test
    void theSettingsComeFromTheValues() {
        List<JsonNode> objects =
                render(
                        "--values",
                        Manifests.repo()
                                .resolve(Manifests.CHART)
                                .resolve("ci/external-registry-values.yaml")
                                .toString(),
                        "--set",
                        "builds.maxConcurrent=7",
                        "--set",
                        "builds.maxPerNamespace=2",
                        "--set",
                        "builds.namespace.name=builds-x",
                        "--set",
                        "registry.insecure={a.example:5000,b.example}");
        Map<String, String> env = env(objects);
        assertThat(env)
                .containsEntry("TERRARIUM_REGISTRY_DEFAULT_REPOSITORY", REPOSITORY)
                .containsEntry("TERRARIUM_REGISTRY_INSECURE", "a.example:5000,b.example")
                .containsEntry("TERRARIUM_REGISTRY_PUSH_SECRET", "build-push")
                .containsEntry("TERRARIUM_BUILDS_MAX_CONCURRENT", "7")
                .containsEntry("TERRARIUM_BUILDS_MAX_PER_NAMESPACE", "2")
                .containsEntry("TERRARIUM_BUILDS_NAMESPACE", "builds-x")
                .containsEntry("TERRARIUM_BUILDS_NODE_SELECTOR", "terrarium.dev/build-node=true");
        List<Toleration> tolerations =
                List.of(
                        Manifests.SERIALIZATION.unmarshal(
                                env.get("TERRARIUM_BUILDS_TOLERATIONS"), Toleration[].class));
        assertThat(tolerations)
                .singleElement()
                .satisfies(
                        t -> {
                            assertThat(t.getKey()).isEqualTo("terrarium.dev/build-node");
                            assertThat(t.getOperator()).isEqualTo("Exists");
                            assertThat(t.getEffect()).isEqualTo("NoSchedule");
                        });
        JsonNode namespace = Manifests.one(objects, "Namespace", "builds-x");
        assertThat(
                        namespace
                                .path("metadata")
                                .path("labels")
                                .path("pod-security.kubernetes.io/enforce")
                                .asText())
                .isEqualTo("privileged");
        assertThat(
                        Manifests.one(objects, "Role", "terrarium-builds")
                                .path("metadata")
                                .path("namespace")
                                .asText())
                .isEqualTo("builds-x");
        assertThat(Manifests.ofKind(objects, "Namespace"))
                .as("the release namespace is helm's --create-namespace")
                .hasSize(1);
    }

    @Test
    void watchedNamespacesGetTheOperatorsRulesThereOnly() {
        List<JsonNode> objects = render("--set", "watchNamespaces={team-a,team-b}");
        assertThat(env(objects)).containsEntry("QUARKUS_OPERATOR_SDK_NAMESPACES", "team-a,team-b");
        assertThat(Manifests.ofKind(objects, "ClusterRoleBinding")).isEmpty();
        List<RoleBinding> bindings =
                Manifests.ofKind(objects, "RoleBinding").stream()
                        .map(o -> Manifests.typed(o, RoleBinding.class))
                        .filter(b -> b.getRoleRef().getName().equals("terrarium-operator"))
                        .toList();
        assertThat(bindings)
                .extracting(b -> b.getMetadata().getNamespace())
                .containsExactlyInAnyOrder("team-a", "team-b");
        assertThat(bindings)
                .allSatisfy(b -> assertThat(b.getRoleRef().getKind()).isEqualTo("ClusterRole"));
        assertThat(Manifests.ofKind(render(), "ClusterRoleBinding")).hasSize(1);
    }

    @Test
    void theCrdsAreThoseOfCrdsDirectoryKeptOnUninstallAndCanBeLeftOut() throws IOException {
        Map<String, CustomResourceDefinition> committed = new HashMap<>();
        try (Stream<Path> files = Files.list(Manifests.repo().resolve("crds"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yml")).toList()) {
                Path copy =
                        Manifests.repo()
                                .resolve(Manifests.CHART)
                                .resolve("files/crds")
                                .resolve(file.getFileName());
                assertThat(copy)
                        .as("the chart's copy of %s: make crds refreshes both", file.getFileName())
                        .hasSameBinaryContentAs(file);
                CustomResourceDefinition crd =
                        Manifests.typed(Manifests.readYaml(file), CustomResourceDefinition.class);
                committed.put(crd.getMetadata().getName(), crd);
            }
        }
        List<JsonNode> rendered = Manifests.ofKind(render(), "CustomResourceDefinition");
        assertThat(rendered).hasSize(committed.size()).hasSize(3);
        for (JsonNode object : rendered) {
            CustomResourceDefinition crd = Manifests.typed(object, CustomResourceDefinition.class);
            assertThat(crd.getMetadata().getAnnotations())
                    .containsEntry("helm.sh/resource-policy", "keep");
            assertThat(crd.getMetadata().getLabels())
                    .containsEntry("app.kubernetes.io/part-of", "terrarium");
            CustomResourceDefinition expected = committed.get(crd.getMetadata().getName());
            assertThat(expected).as(crd.getMetadata().getName()).isNotNull();
            assertThat(crd.getSpec())
                    .as("spec of %s", crd.getMetadata().getName())
                    .isEqualTo(expected.getSpec());
        }
        // Byte for byte around the metadata the chart adds: server-side apply takes 100 and 100.0
        // as two values.
        Commands.Result text =
                Manifests.helm(
                        List.of(
                                "template",
                                "terrarium",
                                Manifests.repo().resolve(Manifests.CHART).toString(),
                                "--set",
                                "registry.defaultRepository=" + REPOSITORY,
                                "--show-only",
                                "templates/crds/crds.yaml"));
        assertThat(text.exitCode()).as(text.output()).isZero();
        try (Stream<Path> files = Files.list(Manifests.repo().resolve("crds"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yml")).toList()) {
                String content = Files.readString(file);
                int metadata = content.indexOf("\nmetadata:\n") + "\nmetadata:\n".length();
                assertThat(text.output())
                        .as(file.getFileName().toString())
                        .contains(content.substring(0, metadata))
                        .contains(content.substring(content.indexOf("  name: ", metadata)));
            }
        }
        assertThat(
                        Manifests.ofKind(
                                render("--set", "crds.install=false"), "CustomResourceDefinition"))
                .isEmpty();
    }

    @Test
    void theAdmissionPolicyTrustsTheReleasesServiceAccountOnly() {
        List<JsonNode> objects = render("--set", "serviceAccount.name=op");
        ValidatingAdmissionPolicy policy =
                Manifests.typed(
                        Manifests.one(
                                objects, "ValidatingAdmissionPolicy", "terrarium-imagebuilds"),
                        ValidatingAdmissionPolicy.class);
        String self = "system:serviceaccount:" + NAMESPACE + ":op";
        assertThat(policy.getSpec().getMatchConditions())
                .singleElement()
                .satisfies(
                        c ->
                                assertThat(c.getExpression())
                                        .isEqualTo(
                                                "request.userInfo.username != \"" + self + "\""));
        assertThat(policy.getSpec().getValidations())
                .allSatisfy(v -> assertThat(v.getMessage()).contains(self));
        assertThat(policy.getSpec().getMatchConstraints().getResourceRules())
                .singleElement()
                .satisfies(
                        rule -> {
                            assertThat(rule.getOperations())
                                    .containsExactlyInAnyOrder("CREATE", "UPDATE");
                            assertThat(rule.getResources())
                                    .containsExactlyInAnyOrder("imagebuilds", "imagebuilds/status");
                        });
        ValidatingAdmissionPolicyBinding binding =
                Manifests.typed(
                        Manifests.one(
                                objects,
                                "ValidatingAdmissionPolicyBinding",
                                "terrarium-imagebuilds"),
                        ValidatingAdmissionPolicyBinding.class);
        assertThat(binding.getSpec().getPolicyName()).isEqualTo("terrarium-imagebuilds");
        assertThat(binding.getSpec().getValidationActions()).containsExactly("Deny");
        assertThat(binding.getSpec().getMatchResources()).isNull();
        assertThat(
                        Manifests.ofKind(
                                render("--set", "admissionPolicy.enabled=false"),
                                "ValidatingAdmissionPolicy"))
                .isEmpty();
        assertThat(
                        Manifests.one(
                                        render(),
                                        "ValidatingAdmissionPolicy",
                                        "terrarium-imagebuilds")
                                .toString())
                .contains(OPERATOR_USER);
    }

    @Test
    void viewersReadAndEditorsNeverWriteImageBuilds() {
        List<JsonNode> objects = render();
        ClusterRole view =
                Manifests.typed(
                        Manifests.one(objects, "ClusterRole", "terrarium-view"), ClusterRole.class);
        assertThat(view.getMetadata().getLabels())
                .containsEntry("rbac.authorization.k8s.io/aggregate-to-view", "true")
                .containsEntry("rbac.authorization.k8s.io/aggregate-to-edit", "true")
                .containsEntry("rbac.authorization.k8s.io/aggregate-to-admin", "true");
        assertThat(view.getRules())
                .allSatisfy(
                        r ->
                                assertThat(r.getVerbs())
                                        .containsExactlyInAnyOrder("get", "list", "watch"));
        ClusterRole edit =
                Manifests.typed(
                        Manifests.one(objects, "ClusterRole", "terrarium-edit"), ClusterRole.class);
        assertThat(edit.getMetadata().getLabels())
                .containsEntry("rbac.authorization.k8s.io/aggregate-to-edit", "true")
                .containsEntry("rbac.authorization.k8s.io/aggregate-to-admin", "true")
                .doesNotContainKey("rbac.authorization.k8s.io/aggregate-to-view");
        for (PolicyRule rule : edit.getRules()) {
            if (rule.getResources().stream().anyMatch(r -> r.startsWith("imagebuilds"))) {
                assertThat(rule.getResources()).containsExactly("imagebuilds");
                assertThat(rule.getVerbs()).containsExactlyInAnyOrder("delete", "deletecollection");
            }
        }
        assertThat(Manifests.ofKind(render("--set", "rbac.aggregatedRoles=false"), "ClusterRole"))
                .extracting(o -> o.path("metadata").path("name").asText())
                .containsExactly("terrarium-operator");
    }

    @Test
    void theInClusterRegistryKeepsPushCredentialsInTheBuildNamespaceOnly() throws IOException {
        String password = "s3cret-" + Long.toHexString(System.nanoTime());
        List<JsonNode> objects =
                Manifests.renderChart(
                        "--set",
                        "inClusterRegistry.enabled=true",
                        "--set",
                        "inClusterRegistry.auth.password=" + password);
        String host = "terrarium-registry." + NAMESPACE + ".svc:5000";
        Map<String, String> env = env(objects);
        assertThat(env)
                .containsEntry(
                        "TERRARIUM_REGISTRY_DEFAULT_REPOSITORY", host + "/terrarium/environments")
                .containsEntry("TERRARIUM_REGISTRY_INSECURE", host)
                .containsEntry("TERRARIUM_REGISTRY_PUSH_SECRET", "terrarium-registry-push");

        List<Secret> secrets =
                Manifests.ofKind(objects, "Secret").stream()
                        .map(o -> Manifests.typed(o, Secret.class))
                        .toList();
        assertThat(secrets)
                .extracting(s -> s.getMetadata().getNamespace() + "/" + s.getMetadata().getName())
                .containsExactlyInAnyOrder(
                        NAMESPACE + "/terrarium-registry-htpasswd",
                        "terrarium-builds/terrarium-registry-push");
        for (Secret secret : secrets) {
            String all =
                    secret.getData().values().stream()
                            .map(
                                    v ->
                                            new String(
                                                    Base64.getDecoder().decode(v),
                                                    StandardCharsets.UTF_8))
                            .collect(Collectors.joining("\n"));
            if (secret.getMetadata().getNamespace().equals(NAMESPACE)) {
                assertThat(all)
                        .as("the registry's namespace holds only the hash")
                        .doesNotContain(password);
                Path htpasswd = scratch.resolve("htpasswd");
                Files.writeString(htpasswd, all);
                // Apache's htpasswd verifies the bcrypt hash as nginx's auth_basic_user_file reads
                // it.
                Commands.Result verify =
                        Commands.run(
                                List.of("htpasswd", "-vb", htpasswd.toString(), "push", password),
                                Map.of(),
                                null,
                                Duration.ofSeconds(30));
                assertThat(verify.exitCode()).as(verify.output()).isZero();
            } else {
                assertThat(secret.getType()).isEqualTo("kubernetes.io/dockerconfigjson");
                JsonNode auth = Manifests.YAML.readTree(all).path("auths").path(host);
                assertThat(auth.path("username").asText()).isEqualTo("push");
                assertThat(auth.path("password").asText()).isEqualTo(password);
                assertThat(
                                new String(
                                        Base64.getDecoder().decode(auth.path("auth").asText()),
                                        StandardCharsets.UTF_8))
                        .isEqualTo("push:" + password);
            }
        }
        Deployment registry =
                Manifests.typed(
                        Manifests.one(objects, "Deployment", "terrarium-registry"),
                        Deployment.class);
        assertThat(registry.getSpec().getTemplate().getSpec().getContainers())
                .extracting(Container::getName)
                .containsExactly("registry", "auth-proxy");
        String nginx =
                Manifests.one(objects, "ConfigMap", "terrarium-registry")
                        .path("data")
                        .path("nginx.conf")
                        .asText();
        assertThat(nginx).contains("limit_except GET HEAD").contains("listen 5000;");
        String config =
                Manifests.one(objects, "ConfigMap", "terrarium-registry")
                        .path("data")
                        .path("config.yml")
                        .asText();
        assertThat(config)
                .as("the registry itself listens on the pod's loopback only")
                .contains("addr: 127.0.0.1:");
    }

    @Test
    void aGeneratedRegistryPasswordIsRandomAndStaticManifestsHoldNone() {
        List<JsonNode> first = Manifests.renderChart("--set", "inClusterRegistry.enabled=true");
        List<JsonNode> second = Manifests.renderChart("--set", "inClusterRegistry.enabled=true");
        assertThat(
                        Manifests.one(first, "Secret", "terrarium-registry-push")
                                .path("data")
                                .toString())
                .isNotEqualTo(
                        Manifests.one(second, "Secret", "terrarium-registry-push")
                                .path("data")
                                .toString());
        List<JsonNode> unmanaged =
                Manifests.renderChart(
                        "--set",
                        "inClusterRegistry.enabled=true",
                        "--set",
                        "inClusterRegistry.auth.createSecrets=false");
        assertThat(Manifests.ofKind(unmanaged, "Secret")).isEmpty();
    }

    @Test
    void theServiceMonitorSelectsTheMetricsService() {
        List<JsonNode> objects = render("--set", "metrics.serviceMonitor.enabled=true");
        JsonNode monitor = Manifests.one(objects, "ServiceMonitor", "terrarium-operator");
        JsonNode service = Manifests.one(objects, "Service", "terrarium-operator-metrics");
        monitor.path("spec")
                .path("selector")
                .path("matchLabels")
                .fields()
                .forEachRemaining(
                        label ->
                                assertThat(
                                                service.path("metadata")
                                                        .path("labels")
                                                        .path(label.getKey())
                                                        .asText())
                                        .as(label.getKey())
                                        .isEqualTo(label.getValue().asText()));
        assertThat(monitor.path("spec").path("endpoints").get(0).path("port").asText())
                .isEqualTo(service.path("spec").path("ports").get(0).path("name").asText());
    }

    @Test
    void notesSayWhatUninstallLeaves() {
        Commands.Result install =
                Manifests.helm(
                        List.of(
                                "install",
                                "terrarium",
                                Manifests.repo().resolve(Manifests.CHART).toString(),
                                "--dry-run=client",
                                "--namespace",
                                NAMESPACE,
                                "--set",
                                "registry.defaultRepository=" + REPOSITORY));
        assertThat(install.exitCode()).as(install.output()).isZero();
        assertThat(install.output())
                .contains("the CRDs stay (helm.sh/resource-policy: keep)")
                .contains("Only " + OPERATOR_USER + " may create ImageBuilds");
    }
}
