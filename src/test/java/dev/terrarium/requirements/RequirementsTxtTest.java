package dev.terrarium.requirements;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequirementsTxtTest {

    private static final String FIELD = "spec.files.requirementsTxt";

    @Test
    void readsRequirementsSkippingCommentsAndBlankLines() {
        List<Violation> violations = new ArrayList<>();
        List<SourcedText> requirements =
                RequirementsTxt.requirements(
                        """
                # the web stack
                requests>=2.31  # HTTP

                pandas==2.2.2; python_version >= "3.10"
                pip @ https://example.com/pip.whl#sha256=abc
                   # indented comment
                """,
                        FIELD,
                        violations);

        assertThat(violations).isEmpty();
        assertThat(requirements)
                .extracting(SourcedText::text)
                .containsExactly(
                        "requests>=2.31",
                        "pandas==2.2.2; python_version >= \"3.10\"",
                        "pip @ https://example.com/pip.whl#sha256=abc");
        assertThat(requirements)
                .extracting(SourcedText::where)
                .containsExactly(FIELD + " line 2", FIELD + " line 4", FIELD + " line 5");
        assertThat(requirements).extracting(SourcedText::field).containsOnly(FIELD);
    }

    @Test
    void joinsBackslashContinuationsAndReportsTheFirstLine() {
        List<Violation> violations = new ArrayList<>();
        List<SourcedText> requirements =
                RequirementsTxt.requirements(
                        "numpy\r\nrequests>=2.31,\\\r\n    <3 \\\n  ; python_version >= \"3.8\"\r\n# done \\\nscipy",
                        FIELD,
                        violations);

        assertThat(violations).isEmpty();
        assertThat(requirements)
                .extracting(SourcedText::text)
                .containsExactly(
                        "numpy", "requests>=2.31,    <3   ; python_version >= \"3.8\"", "scipy");
        assertThat(requirements.get(1).where()).isEqualTo(FIELD + " line 2");
        assertThat(requirements.get(2).where()).isEqualTo(FIELD + " line 6");
    }

    @Test
    void refusesOptionsSayingWhatToDoInstead() {
        List<Violation> violations = new ArrayList<>();
        List<SourcedText> requirements =
                RequirementsTxt.requirements(
                        """
                requests
                --index-url https://mirror.example.com/simple
                -e git+https://github.com/pypa/pip.git#egg=pip
                -r base.txt
                --constraint constraints.txt
                --pre
                """,
                        FIELD,
                        violations);

        assertThat(requirements).extracting(SourcedText::text).containsExactly("requests");
        assertThat(violations)
                .extracting(Violation::message)
                .containsExactly(
                        FIELD
                                + " line 2 \"--index-url https://mirror.example.com/simple\": options are not supported, package "
                                + "indexes included: packages come from the build's configured index; list the requirements "
                                + "themselves",
                        FIELD
                                + " line 3 \"-e git+https://github.com/pypa/pip.git#egg=pip\": options are not supported, "
                                + "editable installs included; list the package as name @ url",
                        FIELD
                                + " line 4 \"-r base.txt\": options and includes are not supported; list the requirements "
                                + "themselves",
                        FIELD
                                + " line 5 \"--constraint constraints.txt\": options and includes are not supported; list the "
                                + "requirements themselves",
                        FIELD
                                + " line 6 \"--pre\": options are not supported; list the requirements themselves");
        assertThat(violations).extracting(Violation::field).containsOnly(FIELD);
    }

    @Test
    void anEmptyFileHasNoRequirements() {
        List<Violation> violations = new ArrayList<>();
        assertThat(RequirementsTxt.requirements("", FIELD, violations)).isEmpty();
        assertThat(RequirementsTxt.requirements("\n# nothing\n\n", FIELD, violations)).isEmpty();
        assertThat(violations).isEmpty();
    }
}
