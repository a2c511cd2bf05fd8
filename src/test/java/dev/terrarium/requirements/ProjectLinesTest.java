package dev.terrarium.requirements;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProjectLinesTest {

    private static final String FIELD = "spec.files.requirementsTxt";

    @Test
    void theProjectItselfIsPassedOverWithAWarningThatNamesTheLine() {
        for (String line :
                List.of("-e .", "-e .[socks]", "--editable=.", ".", ".[dev, test]", "./")) {
            List<SpecWarning> warnings = new ArrayList<>();
            assertThat(ProjectLines.read(entry(line), warnings)).as(line).isEmpty();
            assertThat(warnings)
                    .singleElement()
                    .satisfies(
                            w -> {
                                assertThat(w.reason()).isEqualTo("ProjectNotInstalled");
                                assertThat(w.message())
                                        .startsWith(
                                                FIELD
                                                        + " line 1 \""
                                                        + line
                                                        + "\" installs the project");
                            });
        }
    }

    @Test
    void anEditableUrlIsInstalledAsARegularPackage() {
        List<SpecWarning> warnings = new ArrayList<>();
        String url = "git+https://github.com/openai/CLIP.git@main#egg=clip";

        assertThat(ProjectLines.read(entry("-e " + url), warnings))
                .hasValueSatisfying(
                        e -> {
                            assertThat(e.text()).isEqualTo(url);
                            assertThat(e.where()).isEqualTo(FIELD + " line 1");
                        });
        assertThat(ProjectLines.read(entry("--editable=" + url), warnings))
                .get()
                .extracting(SourcedText::text)
                .isEqualTo(url);
        assertThat(warnings)
                .extracting(SpecWarning::reason)
                .containsExactly("NotEditable", "NotEditable");
        assertThat(warnings.get(0).message())
                .isEqualTo(
                        FIELD
                                + " line 1 \"-e "
                                + url
                                + "\" is installed as a regular package, not an editable one: an image "
                                + "has no checkout to edit");
    }

    @Test
    void otherLinesAndOtherPathsPassAsTheyAre() {
        for (String line :
                List.of(
                        "numpy",
                        "-e ./module_to_install_in_editable_mode",
                        "-e ..",
                        "./relative_package",
                        ".venv-tool",
                        "-r requirements.txt")) {
            List<SpecWarning> warnings = new ArrayList<>();
            assertThat(ProjectLines.read(entry(line), warnings))
                    .as(line)
                    .get()
                    .extracting(SourcedText::text)
                    .isEqualTo(line);
            assertThat(warnings).as(line).isEmpty();
        }
    }

    private static SourcedText entry(String text) {
        return new SourcedText(FIELD, FIELD + " line 1", text);
    }

    @Test
    void aPathOtherThanTheProjectIsRefusedAsAPath() {
        for (String path :
                List.of("./relative_package", "../lib", "..", "/home/me/pkg", "~/src/pkg")) {
            assertThat(ProjectLines.pathRefusal(path))
                    .as(path)
                    .hasValue(
                            "is a path on the machine that wrote the file, which a build cannot read; "
                                    + "publish the package and list it by name, or as name @ git+https://…");
        }
        for (String other :
                List.of("numpy", ".venv-tool", "numpy>=1 ; python_version < \"3.12\"")) {
            assertThat(ProjectLines.pathRefusal(other)).as(other).isEmpty();
        }
    }
}
