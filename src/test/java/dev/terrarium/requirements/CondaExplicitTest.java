package dev.terrarium.requirements;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.buildcontext.Fixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CondaExplicitTest {

    private static final String FIELD = "spec.files.condaExplicit";
    private static final String SHA =
            "1111111111111111111111111111111111111111111111111111111111111111";
    private static final String MD5 = "d7c89558ba9fa0495403155b64376d81";
    private static final String URL = "https://conda.example.com/main/linux-64/";

    @Test
    void readsTheRecordsWithTheirHashesInTheFilesOrder() {
        List<Violation> violations = new ArrayList<>();

        LockedConda lock =
                CondaExplicit.read(Fixtures.condaLock("explicit-sha256.txt"), FIELD, violations);

        assertThat(violations).isEmpty();
        assertThat(lock.conda())
                .extracting(LockedConda.CondaArtifact::name, LockedConda.CondaArtifact::algorithm)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("python", "sha256"),
                        org.assertj.core.groups.Tuple.tuple("greet", "md5"),
                        org.assertj.core.groups.Tuple.tuple("terrarium-hello", "sha256"));
        assertThat(lock.python()).isEqualTo("3.11.2");
        assertThat(lock.explicitLines())
                .containsExactly(
                        URL + "python-3.11.2-h0_0.conda#sha256:" + SHA,
                        "https://conda.example.com/main/noarch/greet-1.0-0.tar.bz2#" + MD5,
                        "https://conda.example.com/main/noarch/terrarium-hello-1.0-pyh0_0.conda"
                                + "#sha256:"
                                + "2".repeat(64));
        assertThat(lock.pip()).isEmpty();
    }

    @Test
    void aLineWithoutAHashIsInstalledAsCondaInstallsItWithAWarningNamingItsLine() {
        List<Violation> violations = new ArrayList<>();

        LockedConda lock =
                CondaExplicit.read(
                        "@EXPLICIT\n" + URL + "a-1-0.conda#" + MD5 + "\n" + URL + "b-1-0.conda\n",
                        FIELD,
                        violations);

        assertThat(violations).isEmpty();
        assertThat(lock.explicitLines())
                .containsExactly(URL + "a-1-0.conda#" + MD5, URL + "b-1-0.conda");
        assertThat(lock.warnings())
                .singleElement()
                .isEqualTo(
                        new SpecWarning(
                                "NotHashChecked",
                                FIELD
                                        + " line 3 name an archive without a hash (conda list --explicit "
                                        + "writes none without --sha256): the build installs what the URL "
                                        + "serves and the lock records its sha256; give the lock's "
                                        + "explicit.txt back to have every archive checked"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "http://conda.example.com/main/linux-64/a-1-0.conda#"
                        + MD5
                        + "|package URLs must start with https://",
                "file:///tmp/linux-64/a-1-0.conda#" + MD5 + "|file: URLs are not allowed",
                "https://user:secret@conda.example.com/main/linux-64/a-1-0.conda#"
                        + MD5
                        + "|credentials in URLs are not allowed",
                "https://conda.example.com/t/secret-tk/main/linux-64/a-1-0.conda#"
                        + MD5
                        + "|\"https://conda.example.com/t/***/main/linux-64/a-1-0.conda#"
                        + MD5
                        + "\": a token in the URL (/t/<token>/)",
                "https://conda.example.com/main/linux-64/a-1-0.whl#" + MD5 + "|.conda or .tar.bz2",
                "https://conda.example.com/main/osx-64/a-1-0.conda#" + MD5 + "|\"osx-64\"",
                "https://conda.example.com/main/linux-64/a-1-0.conda#ABC|is not #<md5>",
                "https://conda.example.com/main/linux-64/a-1-0.conda#sha256:"
                        + MD5
                        + "|is not #<md5>",
            })
    void refusesWhatABuildCannotInstallFaithfully(String line, String reason) {
        List<Violation> violations = new ArrayList<>();

        CondaExplicit.read("@EXPLICIT\n" + line + "\n", FIELD, violations);

        assertThat(violations).hasSize(1);
        assertThat(violations.get(0).message())
                .startsWith(FIELD + " line 2 \"")
                .contains(reason)
                .doesNotContain("secret");
    }

    @Test
    void plainHttpIsAllowedToTheLoopbackOnlyAsForIndexes() {
        List<Violation> violations = new ArrayList<>();

        CondaExplicit.read(
                "@EXPLICIT\nhttp://127.0.0.1:8080/main/noarch/a-1-0.conda#" + MD5 + "\n",
                FIELD,
                violations);

        assertThat(violations).isEmpty();
    }

    @Test
    void refusesAnotherPlatformAPackageBeforeTheMarkerTwinsAndNoMarker() {
        List<Violation> violations = new ArrayList<>();
        CondaExplicit.read(
                "# platform: osx-arm64\n"
                        + URL
                        + "a-1-0.conda#"
                        + MD5
                        + "\n@EXPLICIT\n"
                        + URL
                        + "a-1-0.conda#"
                        + MD5
                        + "\n"
                        + URL
                        + "a-2-0.conda#"
                        + MD5
                        + "\n",
                FIELD,
                violations);
        assertThat(violations)
                .extracting(Violation::message)
                .satisfiesExactly(
                        m -> assertThat(m).startsWith(FIELD + " line 1 \"# platform: osx-arm64\""),
                        m -> assertThat(m).startsWith(FIELD + " line 2 ").contains("before"),
                        m ->
                                assertThat(m)
                                        .startsWith(FIELD + " line 5 ")
                                        .contains("listed twice (also at " + FIELD + " line 4)"));

        List<Violation> noMarker = new ArrayList<>();
        CondaExplicit.read("# nothing\n", FIELD, noMarker);
        assertThat(noMarker)
                .extracting(Violation::message)
                .singleElement()
                .asString()
                .contains("has no @EXPLICIT line");
    }

    @Test
    void anExplicitFileIsToldFromARequirementsTxtByItsFirstLine() {
        assertThat(CondaExplicit.isExplicit("# comment\n\n@EXPLICIT\nhttps://x/a-1-0.conda\n"))
                .isTrue();
        assertThat(CondaExplicit.isExplicit("six==1.16.0\n@EXPLICIT\n")).isFalse();
        assertThat(CondaExplicit.isExplicit(null)).isFalse();
    }
}
