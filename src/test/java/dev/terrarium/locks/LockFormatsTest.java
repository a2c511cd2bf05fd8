package dev.terrarium.locks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.terrarium.api.Manager;
import dev.terrarium.api.ResolvedEnvironment;
import dev.terrarium.buildcontext.Fixtures;
import dev.terrarium.requirements.PylockToml;
import dev.terrarium.requirements.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LockFormatsTest {

    private static final String CONDA_LOCK =
            """
            # This file may be used to create an environment using:
            # $ conda create --name <env> --file <this file>
            # platform: linux-64
            @EXPLICIT
            http://127.0.0.1:18765/main/linux-64/python-3.11.2-0_debian.tar.bz2#ae4ebc8f
            http://127.0.0.1:18765/main/noarch/greet-1.5-fast_0.conda#c45d8093
            http://127.0.0.1:18765/extra/noarch/extra-tool-1.0-0.tar.bz2#b571917d
            # pip markdown-it-py @ https://files.example/p/c9/markdown_it_py-4.3.0-py3-none-any.whl#sha256=7aa1
            # pip rich[jupyter] @ https://files.example/p/19/rich-13.9.4-py3-none-any.whl#sha256=6049
            # pip legacy @ https://files.example/p/aa/legacy-0.9.tar.gz#sha256=1234
            # pip tool @ git+https://example.com/org/tool@0123abcd
            # pip six==1.16.0
            """;

    private static ResolvedEnvironment conda() {
        ResolvedEnvironment resolved = Fixtures.environment(Manager.CONDA, "3.11", "debian");
        resolved.setChannels(List.of("main", "extra"));
        resolved.setPackages(List.of("python 3.11.*", "greet * fast*", "extra-tool"));
        resolved.setPip(List.of("rich[jupyter]>=13", "six==1.16.0"));
        return resolved;
    }

    @Test
    void condaEnvExportListsEveryRecordAsNameVersionBuildAndThePipPackagesPinned()
            throws Exception {
        Map<String, String> files = LockFormats.of(CONDA_LOCK, null, "science", conda());

        assertThat(files)
                .containsOnlyKeys(
                        "environment.yml", "environment.from-history.yml", "explicit.txt");
        assertThat(files.get("environment.yml"))
                .isEqualTo(
                        """
                        name: science
                        channels:
                          - main
                          - extra
                        dependencies:
                          - python=3.11.2=0_debian
                          - greet=1.5=fast_0
                          - extra-tool=1.0=0
                          - pip:
                              - markdown-it-py==4.3.0
                              - "rich[jupyter]==13.9.4"
                              - legacy==0.9
                              - "tool @ git+https://example.com/org/tool@0123abcd"
                              - six==1.16.0
                        """);
        JsonNode parsed =
                new ObjectMapper(new YAMLFactory()).readTree(files.get("environment.yml"));
        assertThat(parsed.get("dependencies").get(3).get("pip").get(1).asText())
                .isEqualTo("rich[jupyter]==13.9.4");
    }

    @Test
    void fromHistoryIsWhatWasAskedForWithMatchSpecsQuotedWhereYamlWouldReadThemOtherwise()
            throws Exception {
        String fromHistory =
                LockFormats.of(CONDA_LOCK, null, "science", conda())
                        .get("environment.from-history.yml");

        assertThat(fromHistory)
                .contains(
                        "  - \"python 3.11.*\"\n",
                        "  - \"greet * fast*\"\n",
                        "  - extra-tool\n",
                        "      - \"rich[jupyter]>=13\"\n");
        JsonNode parsed = new ObjectMapper(new YAMLFactory()).readTree(fromHistory);
        assertThat(parsed.get("dependencies").get(1).asText()).isEqualTo("greet * fast*");
    }

    @Test
    void explicitIsTheCondaListWithoutThePipLines() {
        String explicit = LockFormats.of(CONDA_LOCK, null, "science", conda()).get("explicit.txt");

        assertThat(explicit)
                .startsWith("# This file may be used")
                .contains("@EXPLICIT\nhttp://127.0.0.1:18765/main/linux-64/python-3.11.2")
                .endsWith("extra-tool-1.0-0.tar.bz2#b571917d\n")
                .doesNotContain("# pip");
    }

    @Test
    void aVenvLockIsItsPipFreeze() {
        String freeze = "markdown-it-py==4.3.0\nrich==13.9.4\n";

        assertThat(LockFormats.of(freeze, null, "api", Fixtures.venvWithPip()))
                .containsExactly(Map.entry("requirements.txt", freeze));
    }

    @Test
    void aVenvBuildsExactLockIsThePylockTomlKeyAndOneThatParsesBack() {
        String freeze = "six==1.16.0\ntomli==2.2.1\n";
        String pylock = Fixtures.pylock("six-and-tomli.pylock.toml");

        Map<String, String> files = LockFormats.of(freeze, pylock, "api", Fixtures.venvWithPip());

        assertThat(files)
                .containsExactly(
                        Map.entry("requirements.txt", freeze), Map.entry("pylock.toml", pylock));
        List<Violation> violations = new ArrayList<>();
        assertThat(PylockToml.read(files.get("pylock.toml"), "pylock.toml", violations).packages())
                .extracting(PylockToml.LockedPackage::name)
                .containsExactly("six", "tomli", "example-from-git");
        assertThat(violations).isEmpty();
        assertThat(LockFormats.of(CONDA_LOCK, pylock, "science", conda()))
                .as("a conda environment's files have no pylock.toml")
                .doesNotContainKey("pylock.toml");
    }

    @Test
    void linesItCannotReadAreLeftOutNotGuessed() {
        assertThat(LockFormats.condaRecord("http://host/main/noarch/notes.txt#ab")).isEmpty();
        assertThat(LockFormats.condaRecord("# a comment")).isEmpty();
        assertThat(LockFormats.pipRequirement("not a requirement at all")).isEmpty();
        assertThat(LockFormats.pipRequirement("other @ https://h/p/something-else-2.0.tar.gz"))
                .contains("other @ https://h/p/something-else-2.0.tar.gz");
    }

    @Test
    void wordsYamlReadsAsBooleansOrNullAreQuoted() {
        assertThat(LockFormats.scalar("null")).isEqualTo("\"null\"");
        assertThat(LockFormats.scalar("yes")).isEqualTo("\"yes\"");
        assertThat(LockFormats.scalar("numpy=1.26.4=py312_0")).isEqualTo("numpy=1.26.4=py312_0");
        assertThat(LockFormats.scalar("a\"b")).isEqualTo("\"a\\\"b\"");
    }
}
