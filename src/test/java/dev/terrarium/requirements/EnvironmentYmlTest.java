package dev.terrarium.requirements;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvironmentYmlTest {

    private static final String FIELD = "spec.files.environmentYml";

    @Test
    void readsChannelsCondaPackagesAndThePipList() {
        List<Violation> violations = new ArrayList<>();
        EnvironmentYml yml =
                EnvironmentYml.parse(
                        """
                name: ds
                channels:
                  - conda-forge
                  - bioconda
                dependencies:
                  - python=3.12
                  - "numpy>=1.26,<2"   # quoted because of the comma
                  - pip
                  - pip:
                      - requests>=2.31
                      - pandas==2.2.2; python_version >= "3.10"
                prefix: /opt/conda/envs/ds
                """,
                        FIELD,
                        violations);

        assertThat(violations).isEmpty();
        assertThat(yml.channels())
                .extracting(SourcedText::text)
                .containsExactly("conda-forge", "bioconda");
        assertThat(yml.packages())
                .extracting(SourcedText::text)
                .containsExactly("python=3.12", "numpy>=1.26,<2", "pip");
        assertThat(yml.packages())
                .extracting(SourcedText::where)
                .containsExactly(
                        FIELD + " dependencies[0]",
                        FIELD + " dependencies[1]",
                        FIELD + " dependencies[2]");
        assertThat(yml.pip())
                .extracting(SourcedText::text)
                .containsExactly("requests>=2.31", "pandas==2.2.2; python_version >= \"3.10\"");
        assertThat(yml.pip())
                .extracting(SourcedText::where)
                .containsExactly(
                        FIELD + " dependencies[3].pip[0]", FIELD + " dependencies[3].pip[1]");
    }

    @Test
    void readsVariablesAsCondaSetsThemAndPassesOverKeysOtherToolsWrite() {
        List<Violation> violations = new ArrayList<>();
        EnvironmentYml yml =
                EnvironmentYml.parse(
                        """
                        name: ml
                        dependencies: [numpy]
                        variables:
                          OMP_NUM_THREADS: 1
                          HF_HOME: /data/hf
                          EMPTY:
                        platforms: [linux-64, osx-arm64]
                        category: main
                        """,
                        FIELD,
                        violations);

        assertThat(violations).isEmpty();
        assertThat(yml.variables())
                .containsExactly(
                        new EnvironmentYml.FileVariable(
                                FIELD + " variables.OMP_NUM_THREADS", "OMP_NUM_THREADS", "1"),
                        new EnvironmentYml.FileVariable(
                                FIELD + " variables.HF_HOME", "HF_HOME", "/data/hf"),
                        new EnvironmentYml.FileVariable(FIELD + " variables.EMPTY", "EMPTY", ""));
        assertThat(yml.ignoredKeys()).containsExactly("platforms", "category");
    }

    @Test
    void readsCondaLocksPipRepositoriesAndTheIndexOptionsOfThePipList() {
        List<Violation> violations = new ArrayList<>();
        EnvironmentYml yml =
                EnvironmentYml.parse(
                        """
                pip-repositories:
                  - https://private.example.com/simple
                dependencies:
                  - pip
                  - pip:
                    - --index-url https://mirror.example.com/simple
                    - requests
                    - -f https://wheels.example.com/links.html
                """,
                        FIELD,
                        violations);

        assertThat(violations).isEmpty();
        assertThat(yml.pip()).extracting(SourcedText::text).containsExactly("requests");
        assertThat(yml.indexOptions())
                .extracting(IndexOption::kind, IndexOption::url, o -> o.source().where())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                IndexOption.Kind.INDEX_URL,
                                "https://mirror.example.com/simple",
                                FIELD + " dependencies[1].pip[0]"),
                        org.assertj.core.groups.Tuple.tuple(
                                IndexOption.Kind.FIND_LINKS,
                                "https://wheels.example.com/links.html",
                                FIELD + " dependencies[1].pip[2]"),
                        org.assertj.core.groups.Tuple.tuple(
                                IndexOption.Kind.EXTRA_INDEX_URL,
                                "https://private.example.com/simple",
                                FIELD + " pip-repositories[0]"));
    }

    @Test
    void refusesKeysThatWouldChangeWhatIsInstalledAndVariablesOfTheWrongShape() {
        List<Violation> violations = new ArrayList<>();
        EnvironmentYml.parse(
                """
                dependencies: [numpy]
                channel_priority: strict
                pip-repositories: ["https://user:pw@index.example/simple"]
                """,
                FIELD,
                violations);
        EnvironmentYml.parse(
                """
                dependencies: [numpy]
                variables: [A, B]
                """,
                FIELD,
                violations);
        EnvironmentYml.parse(
                """
                dependencies: [numpy]
                variables: {A: [1, 2]}
                """,
                FIELD,
                violations);

        assertThat(violations)
                .extracting(Violation::message)
                .containsExactly(
                        FIELD
                                + ": key \"channel_priority\" is not supported; channels are used in the order "
                                + "given, with the operator's channel priority",
                        FIELD + ": variables must be a mapping of names to values, found a list",
                        FIELD + ": variables.A: expected a string, found a list");
    }

    @Test
    void refusesEntriesOfTheWrongShape() {
        List<Violation> violations = new ArrayList<>();
        EnvironmentYml yml =
                EnvironmentYml.parse(
                        """
                channels: conda-forge
                dependencies:
                  - numpy
                  - 3.12
                  - conda: [scipy]
                  - pip: [requests]
                  - pip: [flask]
                  - pip:
                      - {name: x}
                """,
                        FIELD,
                        violations);

        assertThat(yml.packages()).extracting(SourcedText::text).containsExactly("numpy");
        assertThat(yml.pip()).extracting(SourcedText::text).containsExactly("requests", "flask");
        assertThat(violations)
                .extracting(Violation::message)
                .containsExactly(
                        FIELD + ": channels must be a list",
                        FIELD
                                + ": dependencies[1]: expected a match spec string or a pip: list, found the number 3.12",
                        FIELD
                                + ": dependencies[2]: expected a match spec string or a pip: list, found a mapping with keys "
                                + "[conda]",
                        FIELD + ": dependencies[4]: only one pip list is allowed",
                        FIELD + ": dependencies[5]: only one pip list is allowed",
                        FIELD
                                + ": dependencies[5].pip[0]: expected a pip requirement, found a mapping with keys [name]");
    }

    @Test
    void reportsInvalidYamlWithItsPosition() {
        List<Violation> violations = new ArrayList<>();
        EnvironmentYml.parse("dependencies:\n  - numpy\n - [unclosed\n", FIELD, violations);
        assertThat(violations)
                .singleElement()
                .extracting(Violation::message)
                .asString()
                .startsWith(FIELD + ": not valid YAML at line ");
    }

    @Test
    void refusesDuplicateKeysAndFilesThatAreNotMappings() {
        List<Violation> violations = new ArrayList<>();
        EnvironmentYml.parse("dependencies: [numpy]\ndependencies: [scipy]\n", FIELD, violations);
        EnvironmentYml.parse("- numpy\n", FIELD, violations);
        EnvironmentYml.parse("# only a comment\n", FIELD, violations);
        assertThat(violations)
                .extracting(Violation::message)
                .satisfiesExactly(
                        m ->
                                assertThat(m)
                                        .startsWith(FIELD + ": not valid YAML")
                                        .contains("Duplicate field 'dependencies'"),
                        m ->
                                assertThat(m)
                                        .isEqualTo(
                                                FIELD
                                                        + ": expected a mapping with the keys name, channels and "
                                                        + "dependencies"),
                        m ->
                                assertThat(m)
                                        .isEqualTo(
                                                FIELD
                                                        + ": the file is empty; it needs dependencies"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            'dependencies: !!python/object/apply:os.system [''id'']'             | 1 | !!python/object/apply:os.system
            'name: x\ndependencies:\n  - !!python/name:os.system numpy'         | 3 | !!python/name:os.system
            'dependencies:\n  - numpy\n  - pip:\n    - !!str requests'         | 4 | !!str
            'channels: !custom [conda-forge]\ndependencies: [numpy]'            | 1 | !custom
            'dependencies: [numpy]\nprefix: !!binary aGVsbG8='                  | 2 | !!binary
            """)
    void refusesYamlTagsWithTheirLine(String text, int line, String tag) {
        List<Violation> violations = new ArrayList<>();
        EnvironmentYml yml = EnvironmentYml.parse(text.replace("\\n", "\n"), FIELD, violations);

        assertThat(violations)
                .singleElement()
                .extracting(Violation::message)
                .asString()
                .isEqualTo(
                        FIELD
                                + ": line "
                                + line
                                + ": the YAML tag "
                                + tag
                                + " is not allowed; environment.yml "
                                + "holds plain strings, lists and mappings");
        assertThat(yml.packages()).isEmpty();
        assertThat(yml.pip()).isEmpty();
    }
}
