package dev.terrarium.operator;

import dev.terrarium.builder.BuildPlacement;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Where builds run, from the operator's settings. */
@ApplicationScoped
public class BuildPlacementSettings {

    @Produces
    @Singleton
    BuildPlacement buildPlacement(TerrariumConfig config) {
        return config.builds()
                .namespace()
                .map(
                        namespace ->
                                new BuildPlacement(
                                        namespace,
                                        config.builds().serviceAccount(),
                                        config.registry().defaultRepository(),
                                        config.registry().pushSecret().orElse(null)))
                .orElseGet(BuildPlacement::tenantNamespaces);
    }
}
