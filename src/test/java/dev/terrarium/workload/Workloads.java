package dev.terrarium.workload;

import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentOutput;
import dev.terrarium.api.EnvironmentSpec;
import dev.terrarium.api.EnvironmentStatus;
import dev.terrarium.api.Workload;
import dev.terrarium.api.WorkloadSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

public final class Workloads {

    public static final String OLD = "registry.test/envs@sha256:" + "1".repeat(64);
    public static final String NEW = "registry.test/envs@sha256:" + "2".repeat(64);

    private Workloads() {}

    public static Workload onEnvironment(String name, String environment) {
        Workload workload = new Workload();
        workload.setMetadata(
                new ObjectMetaBuilder()
                        .withName(name)
                        .withNamespace("team")
                        .withGeneration(1L)
                        .build());
        WorkloadSpec spec = new WorkloadSpec();
        spec.setEnvironment(environment);
        workload.setSpec(spec);
        workload.setStatus(null);
        return workload;
    }

    public static Workload onImage(String name, String image) {
        Workload workload = onEnvironment(name, null);
        workload.getSpec().setImage(image);
        return workload;
    }

    public static Environment environment(
            String name, String image, String pushSecret, String pullSecret) {
        Environment environment = new Environment();
        environment.setMetadata(
                new ObjectMetaBuilder()
                        .withName(name)
                        .withNamespace("team")
                        .withGeneration(1L)
                        .build());
        EnvironmentSpec spec = new EnvironmentSpec();
        if (pushSecret != null || pullSecret != null) {
            EnvironmentOutput output = new EnvironmentOutput();
            output.setPushSecret(pushSecret);
            output.setPullSecret(pullSecret);
            spec.setOutput(output);
        }
        environment.setSpec(spec);
        if (image != null) {
            EnvironmentStatus status = new EnvironmentStatus();
            status.setImage(image);
            environment.setStatus(status);
        } else {
            environment.setStatus(null);
        }
        return environment;
    }
}
