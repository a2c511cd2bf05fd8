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
                --trusted-host mirror.example.com
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
                                + " line 2 \"--trusted-host mirror.example.com\": --no-index and --trusted-host are not "
                                + "supported: packages come from the default index, the ones --index-url, "
                                + "--extra-index-url and --find-links name, over https",
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
    void readsThePackageIndexOptionsInEveryFormPipAccepts() {
        List<Violation> violations = new ArrayList<>();
        RequirementsTxt.RequirementsFile file =
                RequirementsTxt.read(
                        """
                -i https://mirror.example.com/simple
                --extra-index-url https://download.example.com/whl/cu121
                --extra-index-url=https://private.example.com/simple/
                torch==2.3.1
                -f https://wheels.example.com/links.html
                --find-links=https://wheels.example.com/more.html
                --index-url https://mirror.example.com/simple
                """,
                        FIELD,
                        violations);

        assertThat(violations).isEmpty();
        assertThat(file.requirements())
                .extracting(SourcedText::text)
                .containsExactly("torch==2.3.1");
        assertThat(file.indexOptions())
                .extracting(IndexOption::kind, IndexOption::url)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                IndexOption.Kind.INDEX_URL, "https://mirror.example.com/simple"),
                        org.assertj.core.groups.Tuple.tuple(
                                IndexOption.Kind.EXTRA_INDEX_URL,
                                "https://download.example.com/whl/cu121"),
                        org.assertj.core.groups.Tuple.tuple(
                                IndexOption.Kind.EXTRA_INDEX_URL,
                                "https://private.example.com/simple/"),
                        org.assertj.core.groups.Tuple.tuple(
                                IndexOption.Kind.FIND_LINKS,
                                "https://wheels.example.com/links.html"),
                        org.assertj.core.groups.Tuple.tuple(
                                IndexOption.Kind.FIND_LINKS,
                                "https://wheels.example.com/more.html"),
                        org.assertj.core.groups.Tuple.tuple(
                                IndexOption.Kind.INDEX_URL, "https://mirror.example.com/simple"));
        assertThat(file.indexOptions().get(3).source().where()).isEqualTo(FIELD + " line 5");
    }

    @Test
    void anEmptyFileHasNoRequirements() {
        List<Violation> violations = new ArrayList<>();
        assertThat(RequirementsTxt.requirements("", FIELD, violations)).isEmpty();
        assertThat(RequirementsTxt.requirements("\n# nothing\n\n", FIELD, violations)).isEmpty();
        assertThat(violations).isEmpty();
    }
}
