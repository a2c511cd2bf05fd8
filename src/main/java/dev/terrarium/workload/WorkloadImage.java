package dev.terrarium.workload;

import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentOutput;
import dev.terrarium.api.Workload;
import java.util.Optional;

/**
 * What a Workload runs: its plain image, or the digest-pinned image of its Environment. When the
 * Environment has no good image (missing, invalid, still building its first image) the image last
 * deployed keeps running, so a broken or deleted Environment never takes down pods that work.
 */
public record WorkloadImage(String image, String pullSecret) {

    public static Optional<WorkloadImage> resolve(
            Workload workload, Optional<Environment> environment) {
        if (workload.getSpec().getImage() != null) {
            return Optional.of(new WorkloadImage(workload.getSpec().getImage(), null));
        }
        String pullSecret = environment.map(WorkloadImage::pullSecretOf).orElse(null);
        Optional<String> built = environment.map(Environment::getStatus).map(s -> s.getImage());
        if (built.isPresent()) {
            return Optional.of(new WorkloadImage(built.get(), pullSecret));
        }
        return Optional.ofNullable(workload.getStatus())
                .map(s -> s.getImage())
                .map(deployed -> new WorkloadImage(deployed, pullSecret));
    }

    private static String pullSecretOf(Environment environment) {
        EnvironmentOutput output = environment.getSpec().getOutput();
        if (output == null) {
            return null;
        }
        return output.getPullSecret() != null ? output.getPullSecret() : output.getPushSecret();
    }
}
