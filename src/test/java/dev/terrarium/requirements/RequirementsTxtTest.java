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
                -e ./vendored/pip
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
                                + " line 3 \"-e ./vendored/pip\": editable installs are read only in files, and "
                                + "only of a URL (installed as a regular package): a build cannot read the "
                                + "directories of the machine that wrote the file; list the package as name @ url",
                        FIELD
                                + " line 4 \"-r base.txt\": an included file is read from the ConfigMap that "
                                + "holds this one, under its file name: give the files with spec.fromConfigMap "
                                + "(kubectl create configmap NAME --from-file=DIR), or list the requirements "
                                + "themselves",
                        FIELD
                                + " line 5 \"--constraint constraints.txt\": an included file is read from the ConfigMap that "
                                + "holds this one, under its file name: give the files with spec.fromConfigMap "
                                + "(kubectl create configmap NAME --from-file=DIR), or list the requirements "
                                + "themselves",
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

    @Test
    void includesAreReadFromTheConfigMapUnderTheirFileNames() {
        List<Violation> violations = new ArrayList<>();
        String field = "spec.fromConfigMap";
        RequirementsTxt.RequirementsFile file =
                RequirementsTxt.read(
                        """
                        --extra-index-url https://download.pytorch.org/whl/cu118
                        -r torch_common.txt
                        -c homeassistant/package_constraints.txt
                        torch==2.3.1+cu118
                        """,
                        field,
                        java.util.Map.of(
                                "torch_common.txt", "numpy\n--requirement=base.txt\n",
                                "base.txt", "six  # shared\n",
                                "package_constraints.txt", "numpy<2\n-r more-constraints.txt\n",
                                "more-constraints.txt", "six==1.16.0\n"),
                        violations);

        assertThat(violations).isEmpty();
        assertThat(file.requirements())
                .extracting(SourcedText::where, SourcedText::text)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                field + " key torch_common.txt line 1", "numpy"),
                        org.assertj.core.groups.Tuple.tuple(field + " key base.txt line 1", "six"),
                        org.assertj.core.groups.Tuple.tuple(
                                field + " line 4", "torch==2.3.1+cu118"));
        assertThat(file.constraints())
                .as("a -r inside a -c file is constraints too")
                .extracting(SourcedText::text)
                .containsExactly("numpy<2", "six==1.16.0");
        assertThat(file.indexOptions()).hasSize(1);
    }

    @Test
    void refusesAnIncludeItCannotReadNamingTheLine() {
        String field = "spec.fromConfigMap";
        java.util.Map<String, String> data =
                java.util.Map.of("a.txt", "-r b.txt\n", "b.txt", "-r a.txt\n");
        List<Violation> violations = new ArrayList<>();
        RequirementsTxt.read(
                "-r a.txt\n-r missing.txt\n-r https://example.com/r.txt\n",
                field,
                data,
                violations);
        RequirementsTxt.read("-r base.txt\n", FIELD, violations);
        RequirementsTxt.read(
                "-c c.txt\n",
                field,
                java.util.Map.of("c.txt", "six==1 --hash=sha256:" + "0".repeat(64) + "\n"),
                violations);

        assertThat(violations)
                .extracting(Violation::message)
                .containsExactly(
                        field
                                + " key b.txt line 1 \"-r a.txt\": includes a.txt, which is already being read "
                                + "(a.txt includes b.txt): a file cannot include itself",
                        field
                                + " line 2 \"-r missing.txt\": the ConfigMap has no key \"missing.txt\": an "
                                + "included file is read from the ConfigMap that holds this one, under its "
                                + "file name (kubectl create configmap NAME --from-file=DIR names each file so)",
                        field
                                + " line 3 \"-r https://example.com/r.txt\": expected the path of a file, read "
                                + "from the ConfigMap under its file name; URLs are not fetched",
                        FIELD
                                + " line 1 \"-r base.txt\": an included file is read from the ConfigMap that "
                                + "holds this one, under its file name: give the files with spec.fromConfigMap "
                                + "(kubectl create configmap NAME --from-file=DIR), or list the requirements "
                                + "themselves",
                        field
                                + " key c.txt line 1 \"six==1 --hash=sha256:"
                                + "0".repeat(64)
                                + "\": --hash is read on requirements, not on constraints: put the hashes on "
                                + "the requirement");
    }
}
