package dev.terrarium.deploy;

import static dev.terrarium.deploy.Manifests.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * deploy/ and deploy/with-registry as kubectl kustomize renders them (both generated from the Helm
 * chart by make manifests; DeployDriftTest checks that they are what it renders).
 */
class DeployManifestsTest {

    private static final Set<String> CLUSTER_SCOPED =
            Set.of(
                    "Namespace",
                    "CustomResourceDefinition",
                    "ClusterRole",
                    "ClusterRoleBinding",
                    "ValidatingAdmissionPolicy",
                    "ValidatingAdmissionPolicyBinding");
    private static final String BUILD_NAMESPACE = "terrarium-builds";
    private static final String REGISTRY_HOST = "terrarium-registry.terrarium-system.svc:5000";

    /**
     * What deploy/rbac makes in the build namespace: the namespace, the operator's rights there and
     * the build pods' account.
     */
    private static final Set<String> BUILD_NAMESPACE_KINDS =
            Set.of("Namespace", "Role", "RoleBinding", "ServiceAccount");

    private static List<JsonNode> base;
    private static List<JsonNode> withRegistry;

    @BeforeAll
    static void render() {
        base = Manifests.render("deploy");
        withRegistry = Manifests.render("deploy/with-registry");
    }

    private static List<JsonNode> tree(String name) {
        return name.equals("deploy") ? base : withRegistry;
    }

    private static Deployment operator() {
        return Manifests.typed(
                Manifests.one(base, "Deployment", "terrarium-operator"), Deployment.class);
    }

    private static Container operatorContainer() {
        List<Container> containers = operator().getSpec().getTemplate().getSpec().getContainers();
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    @Test
    void theOperatorRunsTwoReplicasOfThePublishedImage() {
        assertThat(operator().getSpec().getReplicas()).isEqualTo(2);
        String appVersion =
                Manifests.readYaml(Manifests.repo().resolve(Manifests.CHART).resolve("Chart.yaml"))
                        .path("appVersion")
                        .asText();
        assertThat(operatorContainer().getImage())
                .isEqualTo("ghcr.io/terrarium-dev/terrarium-operator:" + appVersion);
    }

    @Test
    void theOperatorRunsAsTheTerrariumOperatorServiceAccountWithItsToken() {
        PodSpec pod = operator().getSpec().getTemplate().getSpec();
        assertThat(pod.getServiceAccountName()).isEqualTo("terrarium-operator");
        assertThat(pod.getAutomountServiceAccountToken()).isTrue();
        Manifests.one(base, "ServiceAccount", "terrarium-operator");
    }

    @Test
    void theOperatorPodIsRestrictedWithAWritableTmpOnly() {
        PodSpec pod = operator().getSpec().getTemplate().getSpec();
        Container container = operatorContainer();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isNotZero();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType())
                .isEqualTo("RuntimeDefault");
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getSecurityContext().getCapabilities().getDrop())
                .containsExactly("ALL");
        assertThat(container.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(container.getSecurityContext().getPrivileged()).isNotEqualTo(Boolean.TRUE);

        assertThat(container.getVolumeMounts())
                .singleElement()
                .satisfies(
                        mount -> {
                            assertThat(mount.getMountPath()).isEqualTo("/tmp");
                            Volume volume =
                                    pod.getVolumes().stream()
                                            .filter(v -> v.getName().equals(mount.getName()))
                                            .findFirst()
                                            .orElseThrow();
                            assertThat(volume.getEmptyDir()).isNotNull();
                        });
    }

    @Test
    void theOperatorHasLivenessAndReadinessProbesOnQuarkusHealth() {
        Container container = operatorContainer();
        assertProbe(container, container.getLivenessProbe(), "/q/health/live");
        assertProbe(container, container.getReadinessProbe(), "/q/health/ready");
    }

    private static void assertProbe(Container container, Probe probe, String path) {
        assertThat(probe).as(path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(portNumber(container, probe.getHttpGet().getPort())).isEqualTo(8080);
    }

    private static int portNumber(Container container, IntOrString port) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return container.getPorts().stream()
                .filter(p -> port.getStrVal().equals(p.getName()))
                .findFirst()
                .orElseThrow(
                        () -> new AssertionError("no container port named " + port.getStrVal()))
                .getContainerPort();
    }

    @Test
    void theOperatorKnowsItsNamespaceForLeaderElection() {
        EnvVar podNamespace =
                operatorContainer().getEnv().stream()
                        .filter(e -> e.getName().equals("POD_NAMESPACE"))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("POD_NAMESPACE is not set"));
        assertThat(podNamespace.getValue()).isNull();
        assertThat(podNamespace.getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("metadata.namespace");
    }

    @Test
    void theLeaderElectionRoleGrantsLeasesInTheOperatorsNamespaceOnly() {
        Role role =
                Manifests.typed(
                        Manifests.one(base, "Role", "terrarium-leader-election"), Role.class);
        assertThat(role.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
        assertThat(role.getRules())
                .singleElement()
                .satisfies(
                        rule -> {
                            assertThat(rule.getApiGroups()).containsExactly("coordination.k8s.io");
                            assertThat(rule.getResources()).containsExactly("leases");
                        });
        RoleBinding binding =
                Manifests.typed(
                        Manifests.one(base, "RoleBinding", "terrarium-leader-election"),
                        RoleBinding.class);
        assertThat(binding.getRoleRef().getName()).isEqualTo("terrarium-leader-election");
        assertThat(binding.getSubjects())
                .singleElement()
                .satisfies(
                        subject -> {
                            assertThat(subject.getName()).isEqualTo("terrarium-operator");
                            assertThat(subject.getNamespace()).isEqualTo(NAMESPACE);
                        });
    }

    @Test
    void theMetricsServiceSelectsTheOperatorAndCarriesScrapeAnnotations() {
        Service service =
                Manifests.typed(
                        Manifests.one(base, "Service", "terrarium-operator-metrics"),
                        Service.class);
        assertThat(service.getMetadata().getAnnotations())
                .containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/path", "/q/metrics")
                .containsEntry("prometheus.io/port", "8080");
        assertThat(operator().getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(service.getSpec().getSelector());
        assertThat(service.getSpec().getPorts())
                .singleElement()
                .satisfies(
                        port -> {
                            assertThat(port.getPort()).isEqualTo(8080);
                            assertThat(portNumber(operatorContainer(), port.getTargetPort()))
                                    .isEqualTo(8080);
                        });
    }

    @Test
    void theClusterRoleHasNoWildcardsAndOnlyGetsSecrets() {
        ClusterRole role =
                Manifests.typed(
                        Manifests.one(base, "ClusterRole", "terrarium-operator"),
                        ClusterRole.class);
        assertThat(role.getRules()).isNotEmpty();
        for (PolicyRule rule : role.getRules()) {
            assertThat(rule.getVerbs())
                    .as("verbs of %s", rule.getResources())
                    .doesNotContain("*")
                    .isNotEmpty();
            assertThat(rule.getResources()).as("resources").doesNotContain("*").isNotEmpty();
            assertThat(rule.getApiGroups())
                    .as("apiGroups of %s", rule.getResources())
                    .doesNotContain("*");
            assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
            if (rule.getResources().contains("secrets")) {
                assertThat(rule.getVerbs()).as("verbs on secrets").containsExactly("get");
            }
        }
        ClusterRoleBinding binding =
                Manifests.typed(
                        Manifests.one(base, "ClusterRoleBinding", "terrarium-operator"),
                        ClusterRoleBinding.class);
        assertThat(binding.getRoleRef().getName()).isEqualTo("terrarium-operator");
        assertThat(binding.getSubjects())
                .singleElement()
                .satisfies(
                        subject -> {
                            assertThat(subject.getKind()).isEqualTo("ServiceAccount");
                            assertThat(subject.getName()).isEqualTo("terrarium-operator");
                            assertThat(subject.getNamespace()).isEqualTo(NAMESPACE);
                        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"deploy", "deploy/with-registry"})
    void
            everythingNamespacedIsInTerrariumSystemButTheOperatorsRightsAndTheBuildersAccountInTheBuildNamespace(
                    String name) {
        for (JsonNode object : tree(name)) {
            String kind = object.path("kind").asText();
            JsonNode namespace = object.path("metadata").path("namespace");
            String what = kind + "/" + object.path("metadata").path("name").asText();
            if (CLUSTER_SCOPED.contains(kind)) {
                assertThat(namespace.isMissingNode()).as("%s is cluster-scoped", what).isTrue();
            } else if (namespace.asText().equals(BUILD_NAMESPACE)) {
                assertThat(BUILD_NAMESPACE_KINDS)
                        .as("%s in the build namespace", what)
                        .contains(kind);
            } else {
                assertThat(namespace.asText()).as("namespace of %s", what).isEqualTo(NAMESPACE);
            }
        }
        JsonNode ns = Manifests.one(tree(name), "Namespace", NAMESPACE);
        assertThat(
                        ns.path("metadata")
                                .path("labels")
                                .path("pod-security.kubernetes.io/enforce")
                                .asText())
                .isEqualTo("restricted");
        // Rootless builders need Unconfined seccomp and AppArmor: only the namespace the operator
        // owns allows them.
        JsonNode builds = Manifests.one(tree(name), "Namespace", BUILD_NAMESPACE);
        assertThat(
                        builds.path("metadata")
                                .path("labels")
                                .path("pod-security.kubernetes.io/enforce")
                                .asText())
                .isEqualTo("privileged");
    }

    /**
     * Builds run in the build namespace, so the operator needs no cluster-wide rights for what only
     * builds use: no ServiceAccounts (one account in the build namespace serves every build pod,
     * made by the install) and no reading of events (the Job controller's, on build Jobs there).
     */
    @Test
    void theClusterRoleLeavesWhatOnlyBuildsNeedToTheBuildNamespace() {
        ClusterRole role =
                Manifests.typed(
                        Manifests.one(base, "ClusterRole", "terrarium-operator"),
                        ClusterRole.class);
        assertThat(role.getRules())
                .noneSatisfy(rule -> assertThat(rule.getResources()).contains("serviceaccounts"));
        assertThat(role.getRules())
                .filteredOn(rule -> rule.getResources().contains("events"))
                .singleElement()
                .satisfies(rule -> assertThat(rule.getVerbs()).containsOnly("create", "patch"));
        io.fabric8.kubernetes.api.model.ServiceAccount builder =
                Manifests.typed(
                        Manifests.one(base, "ServiceAccount", "terrarium-builder"),
                        io.fabric8.kubernetes.api.model.ServiceAccount.class);
        assertThat(builder.getMetadata().getNamespace()).isEqualTo(BUILD_NAMESPACE);
        assertThat(builder.getAutomountServiceAccountToken()).isFalse();
        assertThat(operatorContainer().getEnv())
                .anySatisfy(
                        e -> {
                            assertThat(e.getName()).isEqualTo("TERRARIUM_BUILDS_SERVICE_ACCOUNT");
                            assertThat(e.getValue()).isEqualTo("terrarium-builder");
                        });
    }

    @Test
    void theOperatorListsSecretsOnlyInTheBuildNamespace() {
        Role role = Manifests.typed(Manifests.one(base, "Role", "terrarium-builds"), Role.class);
        assertThat(role.getMetadata().getNamespace()).isEqualTo(BUILD_NAMESPACE);
        assertThat(role.getRules())
                .anySatisfy(
                        rule -> {
                            assertThat(rule.getResources()).containsExactly("secrets");
                            assertThat(rule.getVerbs())
                                    .contains("create", "delete", "list", "watch");
                        });
        assertThat(role.getRules())
                .anySatisfy(
                        rule -> {
                            assertThat(rule.getApiGroups()).containsExactly("batch");
                            assertThat(rule.getResources()).containsExactly("jobs");
                        });
        RoleBinding binding =
                Manifests.typed(
                        Manifests.one(base, "RoleBinding", "terrarium-builds"), RoleBinding.class);
        assertThat(binding.getSubjects())
                .singleElement()
                .satisfies(
                        subject -> {
                            assertThat(subject.getName()).isEqualTo("terrarium-operator");
                            assertThat(subject.getNamespace()).isEqualTo(NAMESPACE);
                        });
        assertThat(operatorContainer().getEnv())
                .anySatisfy(
                        e -> {
                            assertThat(e.getName()).isEqualTo("TERRARIUM_BUILDS_NAMESPACE");
                            assertThat(e.getValue()).isEqualTo(BUILD_NAMESPACE);
                        });
    }

    @Test
    void theRolesForPeopleAndTheAdmissionPolicyAreDeployed() {
        Manifests.one(base, "ClusterRole", "terrarium-view");
        Manifests.one(base, "ClusterRole", "terrarium-edit");
        JsonNode policy = Manifests.one(base, "ValidatingAdmissionPolicy", "terrarium-imagebuilds");
        assertThat(policy.toString())
                .contains("system:serviceaccount:" + NAMESPACE + ":terrarium-operator");
        assertThat(
                        Manifests.one(
                                        base,
                                        "ValidatingAdmissionPolicyBinding",
                                        "terrarium-imagebuilds")
                                .path("spec")
                                .path("policyName")
                                .asText())
                .isEqualTo("terrarium-imagebuilds");
    }

    @ParameterizedTest
    @ValueSource(strings = {"deploy", "deploy/with-registry"})
    void theThreeCrdsAreIncludedAsCommitted(String name) throws IOException {
        List<JsonNode> crds = Manifests.ofKind(tree(name), "CustomResourceDefinition");
        assertThat(crds)
                .extracting(crd -> crd.path("metadata").path("name").asText())
                .containsExactlyInAnyOrder(
                        "environments.terrarium.dev",
                        "imagebuilds.terrarium.dev",
                        "workloads.terrarium.dev");
        Map<String, JsonNode> committed;
        try (Stream<Path> files = Files.list(Manifests.repo().resolve("crds"))) {
            committed =
                    files.filter(f -> f.toString().endsWith(".yml"))
                            .map(Manifests::readYaml)
                            .collect(
                                    Collectors.toMap(
                                            crd -> crd.path("metadata").path("name").asText(),
                                            crd -> crd));
        }
        for (JsonNode crd : crds) {
            String crdName = crd.path("metadata").path("name").asText();
            // Compared as models: YAML renders 100.0 and 100 differently, the schema means the same
            // number.
            boolean same =
                    Manifests.typed(crd, CustomResourceDefinition.class)
                            .equals(
                                    Manifests.typed(
                                            committed.get(crdName),
                                            CustomResourceDefinition.class));
            assertThat(same).as("%s is rendered as committed in crds/", crdName).isTrue();
        }
    }

    /**
     * terrarium-system enforces the restricted pod security standard: a pod that breaks it is never
     * created.
     */
    @ParameterizedTest
    @ValueSource(strings = {"deploy", "deploy/with-registry"})
    void everyPodTemplateMeetsTheRestrictedPodSecurityStandard(String name) {
        List<JsonNode> deployments = Manifests.ofKind(tree(name), "Deployment");
        assertThat(deployments).isNotEmpty();
        for (JsonNode object : deployments) {
            PodSpec pod =
                    Manifests.typed(object, Deployment.class).getSpec().getTemplate().getSpec();
            String what = object.path("metadata").path("name").asText();
            assertThat(pod.getHostNetwork()).as(what).isNotEqualTo(Boolean.TRUE);
            assertThat(pod.getHostPID()).as(what).isNotEqualTo(Boolean.TRUE);
            assertThat(pod.getVolumes())
                    .as(what)
                    .allSatisfy(v -> assertThat(v.getHostPath()).isNull());
            for (Container container : pod.getContainers()) {
                var podContext = pod.getSecurityContext();
                var context = container.getSecurityContext();
                assertThat(context).as(what).isNotNull();
                boolean nonRoot =
                        Boolean.TRUE.equals(context.getRunAsNonRoot())
                                || (context.getRunAsNonRoot() == null
                                        && podContext != null
                                        && Boolean.TRUE.equals(podContext.getRunAsNonRoot()));
                assertThat(nonRoot).as("%s runs as non-root", what).isTrue();
                String seccomp =
                        context.getSeccompProfile() != null
                                ? context.getSeccompProfile().getType()
                                : podContext != null && podContext.getSeccompProfile() != null
                                        ? podContext.getSeccompProfile().getType()
                                        : null;
                assertThat(seccomp)
                        .as("%s seccomp profile", what)
                        .isIn("RuntimeDefault", "Localhost");
                assertThat(context.getAllowPrivilegeEscalation()).as(what).isFalse();
                assertThat(context.getCapabilities().getDrop()).as(what).contains("ALL");
                assertThat(context.getPrivileged()).as(what).isNotEqualTo(Boolean.TRUE);
                assertThat(container.getImage())
                        .as("%s image is pinned", what)
                        .doesNotEndWith(":latest")
                        .contains(":");
            }
        }
    }

    @Test
    void theRegistryServesTheRepositoryThatTheOperatorDefaultsTo() {
        Service service =
                Manifests.typed(
                        Manifests.one(withRegistry, "Service", "terrarium-registry"),
                        Service.class);
        assertThat(
                        service.getMetadata().getName()
                                + "."
                                + service.getMetadata().getNamespace()
                                + ".svc:"
                                + service.getSpec().getPorts().get(0).getPort())
                .isEqualTo(REGISTRY_HOST);
        Deployment registry =
                Manifests.typed(
                        Manifests.one(withRegistry, "Deployment", "terrarium-registry"),
                        Deployment.class);
        assertThat(registry.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(service.getSpec().getSelector());
        assertThat(registry.getSpec().getTemplate().getSpec().getContainers())
                .extracting(Container::getImage)
                .allSatisfy(
                        image ->
                                assertThat(image)
                                        .startsWith("ghcr.io/terrarium-dev/terrarium-registry:"));
        // Static files hold no password: hack/deploy.sh makes the registry's Secrets.
        assertThat(Manifests.ofKind(withRegistry, "Secret")).isEmpty();

        Map<String, String> env =
                operatorContainer().getEnv().stream()
                        .filter(e -> e.getValue() != null)
                        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        assertThat(env.get("TERRARIUM_REGISTRY_DEFAULT_REPOSITORY"))
                .startsWith(REGISTRY_HOST + "/");
        assertThat(env.get("TERRARIUM_REGISTRY_INSECURE").split(",")).contains(REGISTRY_HOST);
        assertThat(env.get("TERRARIUM_REGISTRY_PUSH_SECRET")).isEqualTo("terrarium-registry-push");
        assertThat(Manifests.ofKind(base, "Deployment"))
                .as("deploy/ alone has no registry")
                .hasSize(1);
    }
}
