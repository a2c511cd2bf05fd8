package dev.terrarium.requirements;

import static dev.terrarium.requirements.Specs.DEFAULTS;
import static dev.terrarium.requirements.Specs.packages;
import static dev.terrarium.requirements.Specs.pip;
import static dev.terrarium.requirements.Specs.requirementsTxt;
import static dev.terrarium.requirements.Specs.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DirectReferenceTest {

    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @Test
    void anUnnamedReferenceTakesItsNameFromTheEggFragmentOrTheWheelsFileName() {
        assertThat(
                        DirectReference.parse(
                                        "git+https://github.com/neithere/argh.git@"
                                                + COMMIT
                                                + "#egg=argh")
                                .map(Pep508Requirement::canonical))
                .contains(
                        "argh @ git+https://github.com/neithere/argh.git@" + COMMIT + "#egg=argh");
        assertThat(
                        DirectReference.parse(
                                        "https://github.com/o/r/releases/download/v1/auto_gptq-0.4.2+cu117-cp310-cp310-linux_x86_64.whl;"
                                                + " platform_system == \"Linux\"")
                                .map(Pep508Requirement::canonical))
                .contains(
                        "auto-gptq @ https://github.com/o/r/releases/download/v1/auto_gptq-0.4.2+cu117-cp310-cp310-linux_x86_64.whl"
                                + " ; platform_system == \"Linux\"");
        assertThat(DirectReference.parse("requests==2.32.3")).isEmpty();
        assertThat(DirectReference.parse("requests @ https://example.org/r.whl")).isEmpty();
    }

    @Test
    void aUrlThatGivesNoNameStaysUnnamedWithItsMarker() {
        Pep508Requirement peft =
                DirectReference.parse("git+https://github.com/huggingface/peft.git").orElseThrow();
        assertThat(peft.name()).isNull();
        assertThat(peft.key()).isEqualTo("git+https://github.com/huggingface/peft.git");
        assertThat(peft.canonical()).isEqualTo("git+https://github.com/huggingface/peft.git");

        Pep508Requirement archive =
                DirectReference.parse(
                                "https://github.com/sdat2/pyxpcm/archive/sof-agu.zip;"
                                        + " python_version>='3.8'")
                        .orElseThrow();
        assertThat(archive.name()).isNull();
        assertThat(archive.canonical())
                .as("pip reads the marker of a URL line after \"; \"")
                .isEqualTo(
                        "https://github.com/sdat2/pyxpcm/archive/sof-agu.zip ; python_version >= \"3.8\"");
    }

    @Test
    void aReferenceOverPlainHttpButToALoopbackHostOrToAFileOrWithABadMarkerIsRefused() {
        assertThatThrownBy(() -> DirectReference.parse("git+http://github.com/o/r#egg=r"))
                .hasMessageContaining("URLs must start with https://, git+https:// or git+ssh://");
        assertThatThrownBy(() -> DirectReference.parse("http://files.example.com/r.zip"))
                .hasMessageContaining("URLs must start with https://, git+https:// or git+ssh://");
        assertThat(DirectReference.parse("http://127.0.0.1:8080/r.zip"))
                .as("to a loopback host, as index URLs")
                .get()
                .extracting(Pep508Requirement::url)
                .isEqualTo("http://127.0.0.1:8080/r.zip");
        assertThatThrownBy(() -> DirectReference.parse("file:///etc/passwd"))
                .hasMessageContaining("file: URLs are not allowed");
        assertThatThrownBy(() -> DirectReference.parse("https://e.org/r.zip; os_name == 'x$'"))
                .isInstanceOf(SpecSyntaxException.class);
    }

    @Test
    void aReferenceMovesUnlessItNamesACommitOrCarriesAHash() {
        assertThat(DirectReference.movable("git+https://github.com/o/r@" + COMMIT)).isEmpty();
        assertThat(DirectReference.movable("git+https://github.com/o/r@main#egg=r"))
                .get()
                .asString()
                .contains("pin a commit");
        assertThat(DirectReference.movable("git+https://github.com/o/r")).isPresent();
        assertThat(DirectReference.movable("https://e.org/r-1.0.tar.gz#sha256=abcd")).isEmpty();
        assertThat(DirectReference.movable("https://e.org/master.zip"))
                .get()
                .asString()
                .contains("#sha256=");
    }

    @Test
    void theNormalizerAcceptsThemAndWarnsOfThoseThatCanMove() {
        NormalizationResult result =
                new EnvironmentNormalizer()
                        .normalize(
                                spec(
                                        requirementsTxt(
                                                "git+https://github.com/o/argh@main#egg=argh\n"
                                                        + "git+https://github.com/o/six@"
                                                        + COMMIT
                                                        + "#egg=six\n")),
                                null,
                                DEFAULTS);

        assertThat(result.violations()).isEmpty();
        assertThat(result.environment().getPip())
                .containsExactly(
                        "argh @ git+https://github.com/o/argh@main#egg=argh",
                        "six @ git+https://github.com/o/six@" + COMMIT + "#egg=six");
        assertThat(result.warnings())
                .extracting(SpecWarning::reason, SpecWarning::message)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                SpecWarning.NOT_REPRODUCIBLE,
                                "spec.files.requirementsTxt line 1 \"git+https://github.com/o/argh@main#egg=argh\" "
                                        + "names a branch, a tag or no revision, which can move; pin a commit "
                                        + "(@<40-hex commit id>): the image keeps what its first build resolved "
                                        + "while the spec stays the same"
                                        + "; to take the newest, set a new value of the annotation terrarium.dev/rebuild on the Environment"));
    }

    @Test
    void unnamedReferencesAreKeyedByTheirUrlAndStillWarnWhenTheyCanMove() {
        NormalizationResult result =
                new EnvironmentNormalizer()
                        .normalize(
                                spec(
                                        packages("peft=0.3.0", "numpy"),
                                        pip(
                                                "git+https://github.com/huggingface/peft.git",
                                                "git+https://github.com/huggingface/peft.git",
                                                "https://github.com/o/r/archive/v1.zip; "
                                                        + "sys_platform == \"linux\"",
                                                "git+https://github.com/o/other.git@" + COMMIT,
                                                "peft==0.3.0")),
                                null,
                                DEFAULTS);

        assertThat(result.violations())
                .as(
                        "the unnamed peft URL is not checked against the conda pin, and the same URL twice is one")
                .isEmpty();
        assertThat(result.environment().getPip())
                .containsExactly(
                        "git+https://github.com/huggingface/peft.git",
                        "git+https://github.com/o/other.git@" + COMMIT,
                        "https://github.com/o/r/archive/v1.zip ; sys_platform == \"linux\"",
                        "peft==0.3.0");
        assertThat(result.warnings())
                .extracting(SpecWarning::message)
                .containsExactly(
                        "spec.pip[0] \"git+https://github.com/huggingface/peft.git\" names a branch, a "
                                + "tag or no revision, which can move; pin a commit (@<40-hex commit id>): "
                                + "the image keeps what its first build resolved while the spec stays the same"
                                + "; to take the newest, set a new value of the annotation terrarium.dev/rebuild on the Environment",
                        "spec.pip[2] \"https://github.com/o/r/archive/v1.zip; sys_platform == \\\"linux\\\"\" "
                                + "names an archive without a hash, which can change; add #sha256=<hex "
                                + "digest>: the image keeps what its first build resolved while the spec "
                                + "stays the same"
                                + "; to take the newest, set a new value of the annotation terrarium.dev/rebuild on the Environment");
    }

    @Test
    void theLockOfAnUnnamedReferenceNamesItAndPinsItsCommitWhenGivenBack() {
        // What uv pip freeze wrote after building git+https://github.com/huggingface/peft.git.
        NormalizationResult back =
                new EnvironmentNormalizer()
                        .normalize(
                                spec(
                                        requirementsTxt(
                                                "peft @ git+https://github.com/huggingface/peft.git@"
                                                        + COMMIT
                                                        + "\n")),
                                null,
                                DEFAULTS);
        assertThat(back.environment().getPip())
                .containsExactly("peft @ git+https://github.com/huggingface/peft.git@" + COMMIT);
        assertThat(back.warnings()).isEmpty();
        assertThat(back.hasMovingReferences()).isFalse();
    }

    @Test
    void theContentHashCoversTheUrlOfAnUnnamedReference() {
        String main = hash(pip("git+https://github.com/o/r.git@main"));
        assertThat(hash(pip("git+https://github.com/o/r.git@main"))).isEqualTo(main);
        assertThat(hash(pip("git+https://github.com/o/r.git@v2"))).isNotEqualTo(main);
    }

    @Test
    void hashCheckingModeWantsAHashOnAnUnnamedArchiveAndRefusesAGitUrl() {
        String digest = "sha256:" + "a".repeat(64);
        NormalizationResult hashed =
                new EnvironmentNormalizer()
                        .normalize(
                                spec(
                                        requirementsTxt(
                                                "six==1.16.0 --hash="
                                                        + digest
                                                        + "\nhttps://github.com/o/r/archive/v1.zip --hash="
                                                        + digest
                                                        + "\n")),
                                null,
                                DEFAULTS);
        assertThat(hashed.violations()).isEmpty();
        assertThat(hashed.environment().getPipHashes())
                .containsEntry("https://github.com/o/r/archive/v1.zip", List.of(digest))
                .containsEntry("six", List.of(digest));
        assertThat(hashed.warnings())
                .as("an archive checked against its hash cannot move")
                .isEmpty();

        assertThat(
                        new EnvironmentNormalizer()
                                .normalize(
                                        spec(
                                                requirementsTxt(
                                                        "six==1.16.0 --hash="
                                                                + digest
                                                                + "\nhttps://github.com/o/r/archive/v1.zip\n"
                                                                + "git+https://github.com/o/g.git --hash="
                                                                + digest
                                                                + "\n")),
                                        null,
                                        DEFAULTS)
                                .violations())
                .extracting(Violation::message)
                .satisfiesExactly(
                        noHash ->
                                assertThat(noHash)
                                        .startsWith(
                                                "spec.files.requirementsTxt line 2 \"https://github.com/o/r/archive/v1.zip\": "
                                                        + "has no --hash, but hash-checking mode"),
                        git ->
                                assertThat(git)
                                        .isEqualTo(
                                                "spec.files.requirementsTxt line 3 \"git+https://github.com/o/g.git\": "
                                                        + "hash-checking mode cannot check a git repository, which has "
                                                        + "no artifact to hash (pip and uv refuse it too): name an "
                                                        + "archive or a wheel by its URL, or a version with =="));
    }

    private static String hash(java.util.function.Consumer<dev.terrarium.api.EnvironmentSpec> pip) {
        return new SpecHasher()
                .hash(
                        new EnvironmentNormalizer()
                                .normalize(spec(pip), null, DEFAULTS)
                                .environment(),
                        dev.terrarium.api.BuildStrategy.BUILDAH,
                        "builder");
    }
}
