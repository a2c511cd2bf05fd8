package dev.terrarium.requirements;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.buildcontext.Fixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CondaLockYmlTest {

    private static final String FIELD = "spec.files.condaLockYml";

    @Test
    void takesTheLinux64EntriesThatAreNotOptional() {
        List<Violation> violations = new ArrayList<>();

        LockedConda lock =
                CondaLockYml.read(Fixtures.condaLock("conda-lock.yml"), FIELD, violations);

        assertThat(violations).isEmpty();
        assertThat(lock.explicitLines())
                .containsExactly(
                        "https://conda.example.com/conda-forge/linux-64/"
                                + "python-3.12.4-h194c7f8_0_cpython.conda#sha256:"
                                + "3".repeat(64));
        assertThat(lock.python()).isEqualTo("3.12.4");
        assertThat(lock.pipLines())
                .containsExactly(
                        "six @ https://files.example.com/packages/py2.py3/s/six/"
                                + "six-1.16.0-py2.py3-none-any.whl --hash=sha256:"
                                + "8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254");
    }

    @Test
    void aLockWithoutLinux64NamesThePlatformsItHas() {
        List<Violation> violations = new ArrayList<>();
        String osxOnly =
                Fixtures.condaLock("conda-lock.yml")
                        .replace("platform: linux-64", "platform: osx-64");

        CondaLockYml.read(osxOnly, FIELD, violations);

        assertThat(violations)
                .extracting(Violation::message)
                .containsExactly(
                        FIELD
                                + ": the lock has no package for linux-64, the platform of the "
                                + "image; it has osx-64, osx-arm64 (conda-lock lock --platform "
                                + "linux-64 adds it)");
    }

    @Test
    void refusesAnEntryWithoutAHashQuotingItsLine() {
        List<Violation> violations = new ArrayList<>();
        String noHash =
                Fixtures.condaLock("conda-lock.yml")
                        .replace(
                                "    md5: 4be4e5e4f0e8d5b8e2c8f1a7c3e9a0b1\n"
                                        + "    sha256: "
                                        + "3".repeat(64)
                                        + "\n",
                                "    {}\n")
                        .replace("  hash:\n    {}\n", "  hash: {}\n");

        CondaLockYml.read(noHash, FIELD, violations);

        assertThat(violations)
                .extracting(Violation::message)
                .singleElement()
                .asString()
                .startsWith(
                        FIELD
                                + " line 19 \"url: https://conda.example.com/conda-forge/"
                                + "linux-64/python-3.12.4-h194c7f8_0_cpython.conda\": package[0] "
                                + "has no hash");
    }

    @Test
    void refusesPipWithoutSha256OrOverHttpAndAnotherVersion() {
        String base = Fixtures.condaLock("conda-lock.yml");
        List<Violation> http = new ArrayList<>();
        CondaLockYml.read(
                base.replace("url: https://files.example.com", "url: http://files.example.com"),
                FIELD,
                http);
        assertThat(http)
                .extracting(Violation::message)
                .singleElement()
                .asString()
                .contains("package[3]")
                .contains("package URLs must start with https://");

        List<Violation> md5Only = new ArrayList<>();
        CondaLockYml.read(
                base.replace(
                        "    sha256: 8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254",
                        "    md5: 4be4e5e4f0e8d5b8e2c8f1a7c3e9a0b1"),
                FIELD,
                md5Only);
        assertThat(md5Only)
                .extracting(Violation::message)
                .singleElement()
                .asString()
                .contains("needs hash.sha256");

        List<Violation> version = new ArrayList<>();
        CondaLockYml.read(base.replace("version: 1\n", "version: 2\n"), FIELD, version);
        assertThat(version)
                .extracting(Violation::message)
                .singleElement()
                .asString()
                .startsWith(FIELD + " line 1 \"version: 2\": only version 1");
    }

    @Test
    void pipWithoutPythonIsRefused() {
        List<Violation> violations = new ArrayList<>();
        String noPython =
                Fixtures.condaLock("conda-lock.yml")
                        .replace(
                                "- name: python\n  version: 3.12.4",
                                "- name: libzlib\n  version: 1.3")
                        .replace(
                                "/python-3.12.4-h194c7f8_0_cpython.conda", "/libzlib-1.3-h0.conda");

        CondaLockYml.read(noPython, FIELD, violations);

        assertThat(violations)
                .extracting(Violation::message)
                .singleElement()
                .asString()
                .contains("pip packages need python");
    }
}
