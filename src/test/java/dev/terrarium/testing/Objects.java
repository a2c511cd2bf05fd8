package dev.terrarium.testing;

import static org.awaitility.Awaitility.await;

import dev.terrarium.api.BuildOptions;
import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentOutput;
import dev.terrarium.api.EnvironmentSpec;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.Workload;
import dev.terrarium.api.WorkloadSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/** Builders and waits for Terrarium objects in integration tests. */
public final class Objects {

    private Objects() {}

    /** A pip requirement no other test asks for, so each test's spec has a hash of its own. */
    public static String uniquePackage() {
        return "terrarium-probe-" + UUID.randomUUID().toString().substring(0, 8) + "==1.0";
    }

    public static Environment venv(String name, String... pip) {
        EnvironmentSpec spec = new EnvironmentSpec();
        spec.setPython("3.12");
        spec.setPip(List.of(pip));
        return environment(name, spec);
    }

    public static Environment conda(String name, List<String> packages, List<String> pip) {
        EnvironmentSpec spec = new EnvironmentSpec();
        spec.setPython("3.12");
        spec.setPackages(packages);
        spec.setPip(pip);
        return environment(name, spec);
    }

    public static Environment environment(String name, EnvironmentSpec spec) {
        Environment environment = new Environment();
        environment.setMetadata(new ObjectMetaBuilder().withName(name).build());
        environment.setSpec(spec);
        return environment;
    }

    /**
     * Sends the build pods to the simulated node whose pods end as {@code fate} (slow, oom, fail,
     * pullfail).
     */
    public static Environment onNode(Environment environment, String fate) {
        BuildOptions build =
                environment.getSpec().getBuild() != null
                        ? environment.getSpec().getBuild()
                        : new BuildOptions();
        build.setNodeSelector(Map.of("terrarium.dev/kwok-fate", fate));
        build.setTolerations(
                List.of(
                        new TolerationBuilder()
                                .withKey("terrarium.dev/kwok-fate")
                                .withOperator("Exists")
                                .withEffect("NoSchedule")
                                .build()));
        environment.getSpec().setBuild(build);
        return environment;
    }

    public static Environment pushingTo(
            Environment environment, String repository, String pushSecret) {
        EnvironmentOutput output = new EnvironmentOutput();
        output.setImage(repository);
        output.setPushSecret(pushSecret);
        environment.getSpec().setOutput(output);
        return environment;
    }

    public static Workload workload(String name, String environment) {
        WorkloadSpec spec = new WorkloadSpec();
        spec.setEnvironment(environment);
        Workload workload = new Workload();
        workload.setMetadata(new ObjectMetaBuilder().withName(name).build());
        workload.setSpec(spec);
        return workload;
    }

    public static Environment awaitEnvironment(
            KubernetesClient client,
            String namespace,
            String name,
            Predicate<Environment> condition,
            Duration timeout) {
        return await().atMost(timeout)
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () ->
                                client.resources(Environment.class)
                                        .inNamespace(namespace)
                                        .withName(name)
                                        .get(),
                        e -> e != null && e.getStatus() != null && condition.test(e));
    }

    public static ImageBuild awaitBuild(
            KubernetesClient client,
            String namespace,
            String name,
            Predicate<ImageBuild> condition,
            Duration timeout) {
        return await().atMost(timeout)
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () ->
                                client.resources(ImageBuild.class)
                                        .inNamespace(namespace)
                                        .withName(name)
                                        .get(),
                        b -> b != null && b.getStatus() != null && condition.test(b));
    }

    public static Workload awaitWorkload(
            KubernetesClient client,
            String namespace,
            String name,
            Predicate<Workload> condition,
            Duration timeout) {
        return await().atMost(timeout)
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () ->
                                client.resources(Workload.class)
                                        .inNamespace(namespace)
                                        .withName(name)
                                        .get(),
                        w -> w != null && w.getStatus() != null && condition.test(w));
    }

    /**
     * Sets annotations on an Environment as {@code kubectl annotate --overwrite} does: a merge
     * patch without a resourceVersion, which the operator's own writes to the object (its status,
     * its finalizer) never make conflict, as a read-modify-write edit would.
     *
     * @return the Environment as the patch left it
     */
    public static Environment annotate(
            KubernetesClient client, String name, Map<String, String> annotations) {
        Environment patch = new Environment();
        patch.setMetadata(new ObjectMetaBuilder().withAnnotations(annotations).build());
        return client.resources(Environment.class)
                .withName(name)
                .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    }
}
