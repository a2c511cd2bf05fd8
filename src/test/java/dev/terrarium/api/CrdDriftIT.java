package dev.terrarium.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.testing.LocalControlPlane;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The committed CRDs (crds/) are exactly what the build generates from the API classes
 * (target/kubernetes). Runs after packaging, where Quarkus has generated them; `make crds`
 * refreshes the committed copies, the Helm chart's included.
 */
class CrdDriftIT {

    private static final String CHART_CRDS = "deploy/helm/terrarium/files/crds";

    @Test
    void committedCrdsMatchTheGeneratedOnes() throws IOException {
        Path repo = LocalControlPlane.repoDir();
        List<Path> generated;
        try (Stream<Path> files = Files.list(repo.resolve("target/kubernetes"))) {
            generated =
                    files.filter(f -> f.getFileName().toString().endsWith(".terrarium.dev-v1.yml"))
                            .sorted()
                            .toList();
        }
        List<String> committed;
        try (Stream<Path> files = Files.list(repo.resolve("crds"))) {
            committed =
                    files.map(f -> f.getFileName().toString())
                            .filter(n -> n.endsWith(".yml"))
                            .sorted()
                            .toList();
        }
        assertThat(generated).hasSize(3);
        assertThat(committed)
                .containsExactlyElementsOf(
                        generated.stream().map(f -> f.getFileName().toString()).toList());
        for (Path file : generated) {
            assertThat(Files.readString(repo.resolve("crds").resolve(file.getFileName())))
                    .as("crds/%s is stale: run `make crds` and commit it", file.getFileName())
                    .isEqualTo(Files.readString(file));
            // The Helm chart installs its own copies (deploy/helm/terrarium/files/crds); make crds
            // writes both.
            assertThat(Files.readString(repo.resolve(CHART_CRDS).resolve(file.getFileName())))
                    .as(
                            "%s/%s is stale: run `make crds` and commit it",
                            CHART_CRDS, file.getFileName())
                    .isEqualTo(Files.readString(file));
        }
        try (Stream<Path> files = Files.list(repo.resolve(CHART_CRDS))) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
                    .containsExactlyElementsOf(committed);
        }
    }
}
