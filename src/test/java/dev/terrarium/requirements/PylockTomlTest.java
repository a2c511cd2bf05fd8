package dev.terrarium.requirements;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.buildcontext.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PylockTomlTest {

    private static final String FIELD = "spec.files.pylockToml";

    private static final String SHA =
            "8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254";

    @Test
    void readsTheLockAsUvWritesIt() {
        List<Violation> violations = new ArrayList<>();

        PylockToml lock =
                PylockToml.read(Fixtures.pylock("six-and-tomli.pylock.toml"), FIELD, violations);

        assertThat(violations).isEmpty();
        assertThat(lock.packages())
                .extracting(PylockToml.LockedPackage::name, PylockToml.LockedPackage::version)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("six", "1.16.0"),
                        org.assertj.core.groups.Tuple.tuple("tomli", "2.2.1"),
                        org.assertj.core.groups.Tuple.tuple("example-from-git", null));
        assertThat(lock.packages().get(0).artifacts())
                .extracting(PylockToml.Artifact::kind)
                .containsExactly("sdist", "wheel");
        assertThat(lock.packages().get(0).artifacts().get(1).hashes())
                .isEqualTo(Map.of("sha256", SHA));
        assertThat(lock.packages().get(2).artifacts())
                .singleElement()
                .satisfies(
                        vcs -> {
                            assertThat(vcs.kind()).isEqualTo("vcs");
                            assertThat(vcs.hashes())
                                    .containsEntry(
                                            "commit-id",
                                            "0123456789abcdef0123456789abcdef01234567");
                        });
    }

    @Test
    void namesAreNormalisedAsPep503Says() {
        List<Violation> violations = new ArrayList<>();

        PylockToml lock =
                PylockToml.read(lock(wheelPackage("Typing_Extensions")), FIELD, violations);

        assertThat(violations).isEmpty();
        assertThat(lock.packages().get(0).name()).isEqualTo("typing-extensions");
    }

    /** Each refusal names the line, the key and the value, as the other files' refusals do. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            textBlock =
                    """
                    plain http          | url = "https://files.example.com/six-1.16.0-py3-none-any.whl"   | url = "http://files.example.com/six-1.16.0-py3-none-any.whl"   | 8 | packages[0].wheels[0].url "http://files.example.com/six-1.16.0-py3-none-any.whl": URLs must start with https://
                    file url            | url = "https://files.example.com/six-1.16.0-py3-none-any.whl"   | url = "file:///wheels/six-1.16.0-py3-none-any.whl"              | 8 | file: URLs are not allowed
                    credentials         | url = "https://files.example.com/six-1.16.0-py3-none-any.whl"   | url = "https://me:secret@files.example.com/six-1.16.0-py3-none-any.whl" | 8 | packages[0].wheels[0].url "https://***@files.example.com/six-1.16.0-py3-none-any.whl": credentials in URLs are not allowed
                    local path          | url = "https://files.example.com/six-1.16.0-py3-none-any.whl"   | path = "dist/six-1.16.0-py3-none-any.whl"                       | 8 | packages[0].wheels[0].path "dist/six-1.16.0-py3-none-any.whl": a file of the machine that wrote the lock
                    md5                 | hashes = { sha256 = "SHA" }                                     | hashes = { md5 = "0123456789abcdef0123456789abcdef" }           | 8 | packages[0].wheels[0].hashes "md5": not a hash uv checks
                    short sha256        | hashes = { sha256 = "SHA" }                                     | hashes = { sha256 = "abc123" }                                  | 8 | packages[0].wheels[0].hashes.sha256 "abc123": must be 64 lower-case hex digits
                    no hashes           | hashes = { sha256 = "SHA" }                                     | upload-time = 2021-05-05T14:18:17Z                              | 4 | packages[0].wheels[0].hashes is missing
                    bad version         | version = "1.16.0"                                              | version = "one point sixteen"                                   | 6 | packages[0].version "one point sixteen": not a PEP 440 version
                    no version          | version = "1.16.0"                                              | index = "https://pypi.example.com/simple"                        | 4 | packages[0].version is missing
                    bad marker          | version = "1.16.0"                                              | version = "1.16.0"\\nmarker = "python_version >>> '3'"           | 7 | packages[0].marker "python_version >>> '3'": not a PEP 508 marker
                    bad name            | name = "six"                                                    | name = "six!"                                                   | 4 | packages[0].name must be a package name
                    not a wheel         | url = "https://files.example.com/six-1.16.0-py3-none-any.whl"   | url = "https://files.example.com/six-1.16.0.tar.gz"             | 8 | "six-1.16.0.tar.gz": a wheel's file name ends in .whl
                    """)
    void refusalsNameTheLineTheKeyAndTheValue(
            String title, String original, String replacement, int line, String message) {
        String text =
                lock(wheelPackage("six"))
                        .replace(original.replace("SHA", SHA), replacement.replace("\\n", "\n"));
        assertThat(text).as("the case changes the lock").isNotEqualTo(lock(wheelPackage("six")));
        List<Violation> violations = new ArrayList<>();

        PylockToml.read(text, FIELD, violations);

        assertThat(violations)
                .as(title)
                .singleElement()
                .satisfies(
                        v -> {
                            assertThat(v.field()).isEqualTo(FIELD);
                            assertThat(v.message())
                                    .startsWith(FIELD + " line " + line + " \"six")
                                    .contains(message);
                        });
    }

    @Test
    void theFileMustBeALockOfVersionOne() {
        List<Violation> violations = new ArrayList<>();

        PylockToml.read(
                lock(wheelPackage("six"))
                        .replace("lock-version = \"1.0\"", "lock-version = \"2.0\""),
                FIELD,
                violations);
        PylockToml.read(
                lock(wheelPackage("six")).replace("created-by = \"uv\"\n", ""), FIELD, violations);
        PylockToml.read("lock-version = \"1.0\"\ncreated-by = \"uv\"\n", FIELD, violations);

        assertThat(violations)
                .extracting(Violation::message)
                .containsExactly(
                        FIELD
                                + " line 1 \"2.0\": lock-version must be 1.x, the PEP 751 version uv installs",
                        FIELD
                                + ": created-by is missing: PEP 751 lock files name the tool that wrote them",
                        FIELD
                                + ": packages lists nothing: the lock must have at least one [[packages]]");
    }

    @Test
    void aTomlSyntaxErrorNamesItsLine() {
        List<Violation> violations = new ArrayList<>();

        PylockToml.read(
                "lock-version = \"1.0\"\ncreated-by = \"uv\"\n\n[[packages]]\nname = \"six\" \"x\"\n",
                FIELD,
                violations);

        assertThat(violations)
                .singleElement()
                .satisfies(v -> assertThat(v.message()).startsWith(FIELD + " line 5: not TOML: "));
    }

    @Test
    void sourcesADirectoryAndMoreThanOneKindAreRefused() {
        List<Violation> violations = new ArrayList<>();
        String directory =
                """
                [[packages]]
                name = "mine"
                directory = { path = "../mine" }
                """;
        String both =
                """
                [[packages]]
                name = "two"
                version = "1.0"
                archive = { url = "https://files.example.com/two-1.0.zip", hashes = { sha256 = "%s" } }
                wheels = [{ url = "https://files.example.com/two-1.0-py3-none-any.whl", hashes = { sha256 = "%s" } }]
                """
                        .formatted(SHA, SHA);
        String none =
                """
                [[packages]]
                name = "empty"
                version = "1.0"
                """;
        String movingGit =
                """
                [[packages]]
                name = "moving"
                vcs = { type = "git", url = "https://git.example.com/org/moving.git", requested-revision = "main" }
                """;

        PylockToml.read(
                lock(directory + "\n" + both + "\n" + none + "\n" + movingGit), FIELD, violations);

        assertThat(violations)
                .extracting(Violation::message)
                .containsExactly(
                        FIELD
                                + " line 4 \"mine\": packages[0].directory is a directory of the machine that wrote the lock: a build cannot read it; lock the package from an index or a git URL",
                        FIELD
                                + " line 8 \"two\": packages[1] has more than one kind of source (archive, sdist/wheels); PEP 751 allows one",
                        FIELD
                                + " line 14 \"empty\": packages[2] names no artifact to install: PEP 751 packages have wheels, an sdist, an archive or a vcs source",
                        FIELD
                                + " line 18 \"moving\": packages[3].vcs.commit-id must be the full commit hash (40 or 64 lower-case hex digits), which PEP 751 requires so that the lock cannot move");
    }

    @Test
    void theProjectBesideTheLockIsLeftOutOfTheFileTheBuildInstallsWithAWarning() {
        List<Violation> violations = new ArrayList<>();
        String project =
                """
                [[packages]]
                name = "archverse-coc"

                [packages.directory]
                path = "."
                editable = true

                [[packages.dependencies]]
                name = "six"
                """;
        String text = lock(project + "\n" + wheelPackage("six")) + "\n[tool.pip]\nkept = true\n";

        PylockToml lock = PylockToml.read(text, FIELD, violations);

        assertThat(violations).isEmpty();
        assertThat(lock.packages())
                .extracting(PylockToml.LockedPackage::name)
                .containsExactly("six");
        assertThat(lock.installable())
                .doesNotContain("archverse-coc", "[packages.directory]", "editable")
                .contains("name = \"six\"", "[tool.pip]", "kept = true");
        assertThat(PylockToml.read(lock.installable(), FIELD, violations).packages())
                .as("what is left is a lock of the rest")
                .extracting(PylockToml.LockedPackage::name)
                .containsExactly("six");
        assertThat(violations).isEmpty();
        assertThat(lock.warnings())
                .singleElement()
                .satisfies(
                        w -> {
                            assertThat(w.reason()).isEqualTo("ProjectNotInstalled");
                            assertThat(w.message())
                                    .startsWith(
                                            FIELD
                                                    + " line 4 \"archverse-coc\" is the project the lock "
                                                    + "sits beside");
                        });
    }

    private static String wheelPackage(String name) {
        return """
                [[packages]]
                name = "%s"
                version = "1.16.0"
                wheels = [
                    { url = "https://files.example.com/six-1.16.0-py3-none-any.whl", size = 11053, hashes = { sha256 = "%s" } },
                ]
                """
                .formatted(name, SHA);
    }

    private static String lock(String packages) {
        return "lock-version = \"1.0\"\ncreated-by = \"uv\"\n\n" + packages;
    }
}
