package dev.terrarium.buildcontext;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.Patterns;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The prefixes a Workload may not mount over (a CEL rule of the API, which imports nothing of ours)
 * are where the build context puts the environment.
 */
class EnvironmentPrefixesTest {

    @Test
    void theApiForbidsMountsOverEveryPrefixTheBuildContextUses() {
        String terrarium = Path.of(BuildContextGenerator.LOCK_FILE).getParent().toString();

        assertThat(Patterns.ENVIRONMENT_PREFIXES)
                .contains("'" + BuildContextGenerator.VENV + "'")
                .contains("'" + BuildContextGenerator.CONDA_PREFIX + "'")
                .contains("'" + terrarium + "'");
        assertThat(BuildContextGenerator.TOOLS_VENV).startsWith(terrarium + "/");
        assertThat(BuildContextGenerator.BASE_GLIBC).startsWith(terrarium + "/");
    }
}
