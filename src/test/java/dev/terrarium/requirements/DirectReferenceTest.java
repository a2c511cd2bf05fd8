package dev.terrarium.requirements;

import static dev.terrarium.requirements.Specs.DEFAULTS;
import static dev.terrarium.requirements.Specs.pip;
import static dev.terrarium.requirements.Specs.requirementsTxt;
import static dev.terrarium.requirements.Specs.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DirectReferenceTest {

    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @Test
    void anUnnamedReferenceTakesItsNameFromTheEggFragmentOrTheWheelsFileName() {
        assertThat(
                        DirectReference.named(
                                "git+https://github.com/neithere/argh.git@" + COMMIT + "#egg=argh"))
                .contains(
                        "argh @ git+https://github.com/neithere/argh.git@" + COMMIT + "#egg=argh");
        assertThat(
                        DirectReference.named(
                                "https://github.com/o/r/releases/download/v1/auto_gptq-0.4.2+cu117-cp310-cp310-linux_x86_64.whl;"
                                        + " platform_system == \"Linux\""))
                .contains(
                        "auto_gptq @ https://github.com/o/r/releases/download/v1/auto_gptq-0.4.2+cu117-cp310-cp310-linux_x86_64.whl"
                                + " ; platform_system == \"Linux\"");
        assertThat(DirectReference.named("requests==2.32.3")).isEmpty();
        assertThat(DirectReference.named("requests @ https://example.org/r.whl")).isEmpty();
    }

    @Test
    void aReferenceWithoutANameOrOverPlainHttpOrToAFileIsRefused() {
        assertThatThrownBy(() -> DirectReference.named("https://github.com/o/r/archive/master.zip"))
                .hasMessageContaining("write it as <name> @ <url>, or end it in #egg=<name>");
        assertThatThrownBy(() -> DirectReference.named("git+http://github.com/o/r#egg=r"))
                .hasMessageContaining("URLs must start with https:// or git+https://");
        assertThatThrownBy(() -> DirectReference.named("file:///etc/passwd#egg=x"))
                .hasMessageContaining("file: URLs are not allowed");
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
                                        + "while the spec stays the same"));
        assertThat(
                        new EnvironmentNormalizer()
                                .normalize(spec(pip("https://e.org/master.zip")), null, DEFAULTS)
                                .violations())
                .extracting(Violation::message)
                .containsExactly(
                        "spec.pip[0] \"https://e.org/master.zip\": a URL without a package name: write it as "
                                + "<name> @ <url>, or end it in #egg=<name> (pip and uv would build it to learn "
                                + "the name; Terrarium needs it before building) at column 1");
    }
}
