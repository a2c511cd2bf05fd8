package dev.terrarium.requirements;

import static dev.terrarium.requirements.Specs.DEFAULTS;
import static dev.terrarium.requirements.Specs.baseImage;
import static dev.terrarium.requirements.Specs.channels;
import static dev.terrarium.requirements.Specs.condaExplicit;
import static dev.terrarium.requirements.Specs.condaLockYml;
import static dev.terrarium.requirements.Specs.env;
import static dev.terrarium.requirements.Specs.environmentYml;
import static dev.terrarium.requirements.Specs.fromConfigMap;
import static dev.terrarium.requirements.Specs.manager;
import static dev.terrarium.requirements.Specs.packages;
import static dev.terrarium.requirements.Specs.pip;
import static dev.terrarium.requirements.Specs.pylockToml;
import static dev.terrarium.requirements.Specs.python;
import static dev.terrarium.requirements.Specs.requirementsTxt;
import static dev.terrarium.requirements.Specs.spec;
import static dev.terrarium.requirements.Specs.system;
import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.EnvironmentSpec;
import dev.terrarium.api.Manager;
import dev.terrarium.api.ResolvedEnvironment;
import dev.terrarium.buildcontext.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnvironmentNormalizerTest {

    private final EnvironmentNormalizer normalizer = new EnvironmentNormalizer();

    private ResolvedEnvironment resolve(EnvironmentSpec spec) {
        return resolve(spec, null);
    }

    private ResolvedEnvironment resolve(EnvironmentSpec spec, String configMapContent) {
        NormalizationResult result =
                normalizer.normalize(spec, Specs.configMap(spec, configMapContent), DEFAULTS);
        assertThat(result.violations()).isEmpty();
        assertThat(result.isResolved()).isTrue();
        return result.environment();
    }

    private List<String> refusals(EnvironmentSpec spec) {
        return refusals(spec, null);
    }

    private List<String> refusals(EnvironmentSpec spec, String configMapContent) {
        NormalizationResult result =
                normalizer.normalize(spec, Specs.configMap(spec, configMapContent), DEFAULTS);
        assertThat(result.isResolved()).isFalse();
        assertThat(result.environment()).isNull();
        return result.violations().stream().map(Violation::message).toList();
    }

    @Test
    void packagesMakeACondaEnvironmentWithEveryDefaultExplicit() {
        ResolvedEnvironment env =
                resolve(
                        spec(
                                packages("NumPy==1.26.4", "pandas", "numpy 1.26.4"),
                                pip("Requests >= 2.31")));

        assertThat(env.getManager()).isEqualTo(Manager.CONDA);
        assertThat(env.getPython()).isEqualTo("3.12");
        assertThat(env.getBaseImage()).isEqualTo("mambaorg/micromamba:2.0.5");
        assertThat(env.getChannels()).containsExactly("conda-forge");
        assertThat(env.getPackages())
                .containsExactly("numpy ==1.26.4", "pandas", "pip", "python 3.12.*");
        assertThat(env.getPip()).containsExactly("requests>=2.31");
        assertThat(env.getSystem()).isEmpty();
        assertThat(env.getEnv()).isEmpty();
    }

    @Test
    void pipAloneMakesAVenvEnvironment() {
        ResolvedEnvironment env = resolve(spec(python("3.11.4"), pip("flask", "Django>=5")));

        assertThat(env.getManager()).isEqualTo(Manager.VENV);
        assertThat(env.getPython()).isEqualTo("3.11.4");
        assertThat(env.getBaseImage()).isEqualTo("python:3.11.4-slim");
        assertThat(env.getChannels()).isEmpty();
        assertThat(env.getPackages()).isEmpty();
        assertThat(env.getPip()).containsExactly("django>=5", "flask");
    }

    @Test
    void anExplicitCondaManagerInstallsPipRequirementsWithPython() {
        ResolvedEnvironment env = resolve(spec(manager(Manager.CONDA), pip("flask")));
        assertThat(env.getManager()).isEqualTo(Manager.CONDA);
        assertThat(env.getPackages()).containsExactly("pip", "python 3.12.*");
        assertThat(env.getChannels()).containsExactly("conda-forge");
    }

    @Test
    void channelsKeepTheirOrderWithoutDuplicates() {
        ResolvedEnvironment env =
                resolve(
                        spec(
                                channels("bioconda", "Conda-Forge", "bioconda", "nodefaults"),
                                packages("samtools")));
        assertThat(env.getChannels()).containsExactly("bioconda", "conda-forge");
        assertThat(env.getManager()).isEqualTo(Manager.CONDA);
    }

    @Test
    void pythonComesFromSpecPythonElseFromThePythonPackageElseFromTheDefault() {
        assertThat(resolve(spec(python("3.11"), packages("numpy"))).getPackages())
                .containsExactly("numpy", "python 3.11.*");
        assertThat(resolve(spec(python("3.11.4"), packages("numpy"))).getPackages())
                .containsExactly("numpy", "python ==3.11.4");

        ResolvedEnvironment fromPackage = resolve(spec(packages("python=3.11", "numpy")));
        assertThat(fromPackage.getPython()).isEqualTo("3.11");
        assertThat(fromPackage.getPackages()).containsExactly("numpy", "python 3.11.*");

        ResolvedEnvironment exact = resolve(spec(packages("python==3.11.4", "numpy")));
        assertThat(exact.getPython()).isEqualTo("3.11.4");
        assertThat(exact.getPackages()).containsExactly("numpy", "python ==3.11.4");

        ResolvedEnvironment range = resolve(spec(packages("python>=3.10", "numpy")));
        assertThat(range.getPython()).isEqualTo("3.12");
        assertThat(range.getPackages()).containsExactly("numpy", "python 3.12.*");
    }

    @Test
    void aRangeBelowTheDefaultPythonTakesTheNewestMinorVersionItWhollyAdmits() {
        ResolvedEnvironment below = resolve(spec(packages("python <3.11", "numpy")));
        assertThat(below.getPython()).isEqualTo("3.10");
        assertThat(below.getPackages()).containsExactly("numpy", "python 3.10.*");
        assertThat(resolve(spec(packages("python>=3.8,<3.10.5", "numpy"))).getPython())
                .as("3.10 is only partly in the range")
                .isEqualTo("3.9");
        assertThat(resolve(spec(packages("python>=3.9,!=3.11.*,<3.12", "numpy"))).getPython())
                .isEqualTo("3.10");
        assertThat(refusals(spec(python("3.12"), packages("numpy", "python<3.11"))))
                .as("spec.python still decides")
                .containsExactly("spec.packages[1] \"python<3.11\": contradicts spec.python 3.12");
    }

    @Test
    void aPythonPackageNarrowerThanThePythonVersionIsKeptBesideThePin() {
        assertThat(resolve(spec(python("3.12"), packages("python>=3.12.3", "numpy"))).getPackages())
                .containsExactly("numpy", "python 3.12.*,>=3.12.3");
        assertThat(
                        resolve(spec(packages("conda-forge::python 3.12.* *_cpython", "numpy")))
                                .getPackages())
                .containsExactly("conda-forge::python 3.12.* *_cpython", "numpy");
    }

    @Test
    void numbersTooLargeForAnyPythonAreRefusedWithoutOverflowing() {
        assertThat(refusals(spec(python("3.99999999999"), pip("flask"))))
                .singleElement()
                .asString()
                .startsWith("spec.python \"3.99999999999\"");
        assertThat(refusals(spec(packages("numpy", "python>=3.99999999999"))))
                .singleElement()
                .asString()
                .startsWith("spec.packages[1] \"python>=3.99999999999\"");
        assertThat(refusals(spec(python("3.12"), packages("numpy", "python 3.2147483647.*"))))
                .singleElement()
                .asString()
                .startsWith("spec.packages[1] \"python 3.2147483647.*\"");
    }

    @Test
    void refusesAPythonVersionThatThePackagesContradict() {
        assertThat(refusals(spec(python("3.12"), packages("numpy", "python=3.11"))))
                .containsExactly("spec.packages[1] \"python=3.11\": contradicts spec.python 3.12");
        assertThat(refusals(spec(packages("numpy", "python>=3.13"))))
                .containsExactly(
                        "spec.packages[1] \"python>=3.13\": does not name one python version, and the "
                                + "default python 3.12 does not satisfy it; set spec.python");
        assertThat(refusals(spec(packages("numpy", "python 3.12.*,<3.12"))))
                .containsExactly(
                        "spec.packages[1] \"python 3.12.*,<3.12\": no python version satisfies it");
        assertThat(refusals(spec(packages("numpy", "python=2.7"))))
                .containsExactly(
                        "spec.packages[1] \"python=2.7\": python 2.7 is not supported; use a python 3 "
                                + "version such as 3.12");
        assertThat(refusals(spec(packages("numpy", "python 3.13.0rc1"))))
                .containsExactly(
                        "spec.packages[1] \"python 3.13.0rc1\": python versions must be numeric, such as "
                                + "3.12 or 3.12.4");
        assertThat(refusals(spec(python("3.12"), packages("numpy", "python 3.12.1|3.11.*"))))
                .containsExactly(
                        "spec.packages[1] \"python 3.12.1|3.11.*\": python 3.12 satisfies only some of these "
                                + "alternatives; pin python to one version with spec.python");
        assertThat(refusals(spec(python("3.12"), pip("python==3.11", "flask"))))
                .containsExactly(
                        "spec.pip[0] \"python==3.11\": python is installed by the manager, not by pip; set "
                                + "spec.python instead");
        assertThat(refusals(spec(python("3.012"), pip("flask"))))
                .containsExactly(
                        "spec.python \"3.012\": expected a python 3 version as X.Y or X.Y.Z, such as 3.12 or "
                                + "3.12.4");
    }

    @Test
    void refusesAPackagePinnedTwice() {
        assertThat(refusals(spec(packages("numpy==1.26", "scipy", "NumPy==1.25"))))
                .containsExactly(
                        "spec.packages[2] \"NumPy==1.25\": numpy is pinned twice with different versions, "
                                + "here and at spec.packages[0] \"numpy==1.26\"; list it once");
        assertThat(refusals(spec(pip("requests==2.31.0", "requests<3", "requests==2.32.3"))))
                .containsExactly(
                        "spec.pip[2] \"requests==2.32.3\": requests is pinned twice with different versions, "
                                + "here and at spec.pip[0] \"requests==2.31.0\"; list it once");
        assertThat(resolve(spec(pip("requests>=2", "requests<3", "requests==2.32.3"))).getPip())
                .as("ranges and one exact version combine, as pip applies every line of a package")
                .containsExactly("requests<3", "requests==2.32.3", "requests>=2");
        assertThat(resolve(spec(pip("six==1.16.0", "six<2,==1.16.0"))).getPip())
                .containsExactly("six<2,==1.16.0", "six==1.16.0");
        assertThat(refusals(spec(packages("numpy==1.26"), pip("numpy==1.25"))))
                .containsExactly(
                        "spec.pip[0] \"numpy==1.25\": numpy is pinned twice with different versions, here "
                                + "and at spec.packages[0] \"numpy==1.26\"; list it once");
        assertThat(refusals(spec(packages("python=3.11", "python=3.12", "numpy"))))
                .containsExactly(
                        "spec.packages[1] \"python=3.12\": python is pinned twice with different versions, "
                                + "here and at spec.packages[0] \"python=3.11\"; list it once");
    }

    @Test
    void mergesDuplicatesAndBareNamesButKeepsAlternativesUnderMarkers() {
        ResolvedEnvironment env =
                resolve(
                        spec(
                                packages("numpy", "numpy>=1.26", "NUMPY >= 1.26"),
                                pip(
                                        "requests",
                                        "requests[socks]>=2.31",
                                        "requests>=2.31",
                                        "requests >=2.31",
                                        "numpy==1.26.4; python_version < \"3.13\"",
                                        "numpy==2.1; python_version >= \"3.13\"")));
        assertThat(env.getPackages()).containsExactly("numpy >=1.26", "pip", "python 3.12.*");
        assertThat(env.getPip())
                .containsExactly(
                        "numpy==1.26.4; python_version < \"3.13\"",
                        "numpy==2.1; python_version >= \"3.13\"",
                        "requests>=2.31",
                        "requests[socks]>=2.31");
    }

    @Test
    void acceptsCondaAndPipPinsThatAgree() {
        ResolvedEnvironment env =
                resolve(spec(packages("numpy=1.26"), pip("numpy==1.26.4", "scipy==1.13.0")));
        assertThat(env.getPip()).containsExactly("numpy==1.26.4", "scipy==1.13.0");
        assertThat(resolve(spec(packages("scipy==1.13"), pip("scipy==1.13.0"))).getPip())
                .containsExactly("scipy==1.13.0");
    }

    @Test
    void namesTheFieldTheIndexAndTheOffendingText() {
        NormalizationResult result =
                normalizer.normalize(
                        spec(pip("flask", "numpy", "pandas", "requests>>2")), null, DEFAULTS);
        assertThat(result.violations())
                .containsExactly(
                        new Violation(
                                "spec.pip[3]",
                                "spec.pip[3] \"requests>>2\": expected a version specifier after \"requests\" at column 9"));

        assertThat(
                        refusals(
                                spec(
                                        requirementsTxt(
                                                "flask\n\n# base\n-r base.txt\nrequests==2.31.0 --hash=sha256:ab\n"))))
                .containsExactly(
                        "spec.files.requirementsTxt line 4 \"-r base.txt\": an included file is read from the ConfigMap that "
                                + "holds this one, under its file name: give the files with spec.fromConfigMap "
                                + "(kubectl create configmap NAME --from-file=DIR), or list the requirements "
                                + "themselves",
                        "spec.files.requirementsTxt line 5 \"requests==2.31.0 --hash=sha256:ab\": --hash "
                                + "\"sha256:ab\" is not a hash pip checks: expected sha256:, sha384: or sha512: and "
                                + "the lower-case hex digest",
                        "spec.files.requirementsTxt line 1 \"flask\": has no --hash, but hash-checking mode "
                                + "(spec.files.requirementsTxt line 5 has one) needs hashes on every "
                                + "requirement, as pip does");
        assertThat(refusals(spec(packages("numpy; rm -rf /"))))
                .containsExactly(
                        "spec.packages[0] \"numpy; rm -rf /\": unexpected \";\" (shell metacharacters have "
                                + "no place here) at column 6");
        assertThat(refusals(spec(pip("flask\nnumpy"))))
                .containsExactly(
                        "spec.pip[0] \"flask\\nnumpy\": newline U+000A is not allowed at column 6");
    }

    @Test
    void collectsEveryViolation() {
        NormalizationResult result =
                normalizer.normalize(
                        spec(
                                manager(Manager.VENV),
                                packages("numpy>>1"),
                                pip("requests>>2", "-e ."),
                                system("Bad Name"),
                                env("1X", "v", "OK", "a\u0007b"),
                                baseImage("Not An Image")),
                        null,
                        DEFAULTS);
        assertThat(result.violations())
                .extracting(Violation::field)
                .containsExactlyInAnyOrder(
                        "spec.manager",
                        "spec.packages[0]",
                        "spec.pip[0]",
                        "spec.pip[1]",
                        "spec.system[0]",
                        "spec.env[0].name",
                        "spec.env[1].value",
                        "spec.baseImage");
    }

    @Test
    void readsAnEnvironmentYml() {
        ResolvedEnvironment env =
                resolve(
                        spec(
                                environmentYml(
                                        """
                name: ds
                channels: [bioconda, conda-forge]
                dependencies:
                  - python=3.11
                  - samtools
                  - pip:
                      - requests
                """)));
        assertThat(env.getManager()).isEqualTo(Manager.CONDA);
        assertThat(env.getPython()).isEqualTo("3.11");
        assertThat(env.getChannels()).containsExactly("bioconda", "conda-forge");
        assertThat(env.getPackages()).containsExactly("pip", "python 3.11.*", "samtools");
        assertThat(env.getPip()).containsExactly("requests");
    }

    @Test
    void anEnvironmentYmlsVariablesJoinSpecEnvByItsRulesAndIgnoredKeysAreWarnings() {
        NormalizationResult result =
                normalizer.normalize(
                        spec(
                                env("LANG", "C.UTF-8", "OMP_NUM_THREADS", "1"),
                                environmentYml(
                                        """
                dependencies: [numpy]
                variables:
                  OMP_NUM_THREADS: 1
                  HF_HOME: /data/hf
                platforms: [linux-64]
                """)),
                        null,
                        DEFAULTS);

        assertThat(result.violations()).isEmpty();
        assertThat(result.environment().getEnv())
                .extracting(v -> v.getName() + "=" + v.getValue())
                .containsExactly("HF_HOME=/data/hf", "LANG=C.UTF-8", "OMP_NUM_THREADS=1");
        assertThat(result.warnings())
                .extracting(SpecWarning::message)
                .containsExactly(
                        "spec.files.environmentYml: key \"platforms\" not read (as conda reads past keys "
                                + "it does not know); only name, channels, dependencies, variables and "
                                + "prefix say what is built");

        assertThat(
                        refusals(
                                spec(
                                        env("OMP_NUM_THREADS", "4"),
                                        environmentYml(
                                                """
                dependencies: [numpy]
                variables:
                  OMP_NUM_THREADS: 1
                  1BAD: x
                  CTRL: "a\\u0007b"
                """))))
                .containsExactly(
                        "spec.files.environmentYml variables.OMP_NUM_THREADS \"OMP_NUM_THREADS\": set twice "
                                + "with different values",
                        "spec.files.environmentYml variables.1BAD \"1BAD\": expected letters, digits and "
                                + "underscores, not starting with a digit, at most 128 characters",
                        "spec.files.environmentYml variables.CTRL \"a\\u0007b\": control character U+0007 "
                                + "at column 2 is not allowed");
    }

    @Test
    void aRequirementsTxtWithHashesIsHashCheckingModeByPipsRules() {
        String six = "sha256:8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254";
        String other = "sha256:" + "1".repeat(64);
        ResolvedEnvironment hashed =
                resolve(
                        spec(
                                requirementsTxt(
                                        "six==1.16.0 \\\n    --hash="
                                                + six
                                                + " \\\n    --hash "
                                                + other
                                                + "\nIdna==3.7 --hash="
                                                + other
                                                + "  # via requests\n")));
        assertThat(hashed.getPip()).containsExactly("idna==3.7", "six==1.16.0");
        assertThat(hashed.getPipHashes())
                .containsExactly(
                        java.util.Map.entry("idna", List.of(other)),
                        java.util.Map.entry("six", List.of(other, six)));
        assertThat(resolve(spec(requirementsTxt("six==1.16.0\n"))).getPipHashes())
                .as("no hash, no hash-checking mode")
                .isNull();

        assertThat(
                        refusals(
                                spec(
                                        requirementsTxt(
                                                "six==1.16.0 --hash="
                                                        + six
                                                        + "\nidna>=3 --hash="
                                                        + other
                                                        + "\nrich==13.* --hash="
                                                        + other
                                                        + "\nnumpy==1.26.4 --hash="
                                                        + six
                                                        + " --no-deps\n"))))
                .containsExactly(
                        "spec.files.requirementsTxt line 4 \"numpy==1.26.4 --hash="
                                + six
                                + " --no-deps\": only --hash options may follow a requirement (pip's "
                                + "hash-checking mode), not \"--no-deps\"",
                        "spec.files.requirementsTxt line 2 \"idna>=3\": hash-checking mode needs one version "
                                + "pinned with == (or ===) or an archive's URL, as pip does",
                        "spec.files.requirementsTxt line 3 \"rich==13.*\": hash-checking mode needs one "
                                + "version pinned with == (or ===) or an archive's URL, as pip does");
        assertThat(
                        refusals(
                                spec(
                                        manager(Manager.CONDA),
                                        requirementsTxt("six==1.16.0 --hash=" + six + "\n"))))
                .containsExactly(
                        "spec.manager: hash-checking mode (--hash in a requirements.txt) is for venv "
                                + "environments; leave manager unset or set it to venv");
    }

    @Test
    void refusesAnEnvironmentYmlWithBadEntries() {
        assertThat(
                        refusals(
                                spec(
                                        environmentYml(
                                                """
                dependencies:
                  - numpy>>1
                  - pip: ["requests>>2"]
                variables: {A: b}
                """))))
                .containsExactly(
                        "spec.files.environmentYml dependencies[0] \"numpy>>1\": expected a version after \">\" at column 7",
                        "spec.files.environmentYml dependencies[1].pip[0] \"requests>>2\": expected a version specifier after "
                                + "\"requests\" at column 9");
        assertThat(refusals(spec(python("3.12"), environmentYml("dependencies: [numpy]"))))
                .containsExactly(
                        "spec.python: must not be set together with files.environmentYml: the file says "
                                + "which python it wants");
        assertThat(refusals(spec(manager(Manager.VENV), environmentYml("dependencies: [numpy]"))))
                .containsExactly(
                        "spec.manager: venv cannot install conda packages, channels or an environment.yml; "
                                + "use manager: conda, or list the packages in pip");
    }

    @Test
    void readsARequirementsTxtAsAVenvEnvironment() {
        ResolvedEnvironment env =
                resolve(spec(python("3.11"), requirementsTxt("Flask>=3  # web\nnumpy\n")));
        assertThat(env.getManager()).isEqualTo(Manager.VENV);
        assertThat(env.getPip()).containsExactly("flask>=3", "numpy");
        assertThat(env.getBaseImage()).isEqualTo("python:3.11-slim");
    }

    @Test
    void readsTheFileOfAConfigMapByTheEndingOfItsKey() {
        ResolvedEnvironment yml =
                resolve(spec(fromConfigMap("deps", "environment.yaml")), "dependencies: [numpy]");
        assertThat(yml.getManager()).isEqualTo(Manager.CONDA);
        assertThat(yml.getPackages()).containsExactly("numpy", "python 3.12.*");
        ResolvedEnvironment txt =
                resolve(spec(fromConfigMap("deps", "requirements.txt")), "numpy\n");
        assertThat(txt.getManager()).isEqualTo(Manager.VENV);
        assertThat(txt.getPip()).containsExactly("numpy");

        assertThat(refusals(spec(fromConfigMap("deps", "requirements.txt")), null))
                .containsExactly(
                        "spec.fromConfigMap: ConfigMap \"deps\" has no key \"requirements.txt\"");
        assertThat(refusals(spec(fromConfigMap("deps", "requirements.txt")), "-r other.txt\n"))
                .containsExactly(
                        "spec.fromConfigMap line 1 \"-r other.txt\": the ConfigMap has no key "
                                + "\"other.txt\": an included file is read from the ConfigMap that holds this "
                                + "one, under its file name (kubectl create configmap NAME --from-file=DIR names "
                                + "each file so)");
    }

    @Test
    void aRequirementsTxtInAConfigMapIncludesItsOtherKeysAndConstrainsWithItsCFiles() {
        EnvironmentSpec spec = spec(fromConfigMap("deps", "requirements_test.txt"));
        NormalizationResult result =
                normalizer.normalize(
                        spec,
                        java.util.Map.of(
                                "requirements_test.txt",
                                "-c homeassistant/package_constraints.txt\n-r pre_commit.txt\npytest==8.3.4\n",
                                "pre_commit.txt",
                                "ruff==0.8.0\n",
                                "package_constraints.txt",
                                "Requests>=2.32\nidna==3.10 ; python_version >= \"3.9\"\n"),
                        DEFAULTS);

        assertThat(result.violations()).isEmpty();
        assertThat(result.environment().getPip()).containsExactly("pytest==8.3.4", "ruff==0.8.0");
        assertThat(result.environment().getPipConstraints())
                .containsExactly("idna==3.10; python_version >= \"3.9\"", "requests>=2.32");
        assertThat(resolve(spec(requirementsTxt("pytest==8.3.4\n"))).getPipConstraints())
                .as("absent without -c, so the content hash of every other spec stays")
                .isNull();

        NormalizationResult conda =
                normalizer.normalize(
                        spec(fromConfigMap("deps", "r.txt"), manager(Manager.CONDA)),
                        java.util.Map.of(
                                "r.txt",
                                "-c c.txt\nsix\n",
                                "c.txt",
                                "requests[socks]<3\nhttps://x.example.com/a.whl\n"),
                        DEFAULTS);
        assertThat(conda.violations())
                .extracting(Violation::message)
                .containsExactly(
                        "spec.fromConfigMap key c.txt line 1 \"requests[socks]<3\": constraints (-c) are "
                                + "read for venv environments; leave manager unset or set it to venv");
        NormalizationResult venv =
                normalizer.normalize(
                        spec(fromConfigMap("deps", "r.txt")),
                        java.util.Map.of(
                                "r.txt",
                                "-c c.txt\nsix\n",
                                "c.txt",
                                "requests[socks]<3\nhttps://x.example.com/a.whl\n"),
                        DEFAULTS);
        assertThat(venv.violations())
                .extracting(Violation::message)
                .containsExactly(
                        "spec.fromConfigMap key c.txt line 1 \"requests[socks]<3\": a constraint has no "
                                + "extras (pip refuses them): constrain requests itself",
                        "spec.fromConfigMap key c.txt line 2 \"https://x.example.com/a.whl\": a constraint "
                                + "names its package: write name @ url, or name and versions");
    }

    @Test
    void aPylockTomlIsAVenvEnvironmentThatCarriesTheFileAsItIs() {
        String lock = Fixtures.pylock("six-and-tomli.pylock.toml");

        ResolvedEnvironment env = resolve(spec(python("3.11"), pylockToml(lock)));

        assertThat(env.getManager()).isEqualTo(Manager.VENV);
        assertThat(env.getPylockToml()).isEqualTo(lock);
        assertThat(env.getPip()).isEmpty();
        assertThat(env.getPipHashes()).isNull();
        assertThat(env.getBaseImage()).isEqualTo("python:3.11-slim");
        assertThat(resolve(spec(manager(Manager.VENV), pylockToml(lock))).getPython())
                .isEqualTo(DEFAULTS.python());
        ResolvedEnvironment fromConfigMap =
                resolve(spec(fromConfigMap("deps", "pylock.toml")), lock);
        assertThat(fromConfigMap.getPylockToml()).isEqualTo(lock);
        assertThat(fromConfigMap.getManager()).isEqualTo(Manager.VENV);
    }

    @Test
    void aPylockTomlIsRefusedForCondaAndWhenItIsNotALock() {
        String lock = Fixtures.pylock("six-and-tomli.pylock.toml");

        assertThat(refusals(spec(manager(Manager.CONDA), pylockToml(lock))))
                .containsExactly(
                        "spec.manager: conda cannot install spec.files.pylockToml: uv installs a "
                                + "pylock.toml into a venv; leave manager unset or set it to venv");
        assertThat(
                        refusals(
                                spec(
                                        pylockToml(
                                                lock.replace(
                                                        "https://files.example.com/packages/d9",
                                                        "http://files.example.com/packages/d9")))))
                .singleElement()
                .asString()
                .startsWith("spec.files.pylockToml line 10 \"six\": packages[0].wheels[0].url ")
                .contains("URLs must start with https://");
        assertThat(refusals(spec(fromConfigMap("deps", "pylock.toml")), "lock-version = 1"))
                .contains(
                        "spec.fromConfigMap: created-by is missing: PEP 751 lock files name the tool that wrote them");
    }

    @Test
    void aCondaExplicitFileIsACondaEnvironmentOfItsRecordsWithItsPython() {
        String explicit = Fixtures.condaLock("explicit-sha256.txt");

        ResolvedEnvironment env = resolve(spec(condaExplicit(explicit)));

        assertThat(env.getManager()).isEqualTo(Manager.CONDA);
        assertThat(env.getPython()).isEqualTo("3.11.2");
        assertThat(env.getChannels()).isEmpty();
        assertThat(env.getPackages()).isEmpty();
        assertThat(env.getCondaExplicit())
                .hasSize(3)
                .first()
                .asString()
                .startsWith(
                        "https://conda.example.com/main/linux-64/python-3.11.2-h0_0.conda#sha256:");
        assertThat(env.getCondaLockedPip()).isNull();
        assertThat(env.getBaseImage()).isEqualTo(DEFAULTS.condaBaseImage());

        ResolvedEnvironment fromConfigMap =
                resolve(spec(fromConfigMap("lock", "explicit.txt")), explicit);
        assertThat(fromConfigMap.getCondaExplicit()).isEqualTo(env.getCondaExplicit());
        assertThat(resolve(spec(fromConfigMap("lock", "conda-linux-64.lock")), explicit))
                .usingRecursiveComparison()
                .isEqualTo(env);
    }

    @Test
    void aCondaLockYmlGivesItsLinux64CondaAndPipArtifacts() {
        String lock = Fixtures.condaLock("conda-lock.yml");

        ResolvedEnvironment env = resolve(spec(condaLockYml(lock)));
        ResolvedEnvironment fromConfigMap =
                resolve(spec(fromConfigMap("lock", "conda-lock.yml")), lock);

        assertThat(env.getManager()).isEqualTo(Manager.CONDA);
        assertThat(env.getPython()).isEqualTo("3.12.4");
        assertThat(env.getCondaExplicit()).hasSize(1);
        assertThat(env.getCondaLockedPip())
                .singleElement()
                .asString()
                .startsWith("six @ https://files.example.com/")
                .endsWith(
                        " --hash=sha256:8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254");
        assertThat(fromConfigMap).usingRecursiveComparison().isEqualTo(env);
    }

    @Test
    void theContentHashCoversTheLocksRecordsNotItsComments() {
        String explicit = Fixtures.condaLock("explicit-sha256.txt");
        SpecHasher hasher = new SpecHasher();
        String hash =
                hasher.hash(
                        resolve(spec(condaExplicit(explicit))),
                        dev.terrarium.api.BuildStrategy.BUILDAH,
                        "builder");

        String commented = "# exported on Monday\n" + explicit.replace("@EXPLICIT", "@EXPLICIT\n");
        String otherDigest = explicit.replace("1111111111", "1111111112");

        assertThat(
                        hasher.hash(
                                resolve(spec(condaExplicit(commented))),
                                dev.terrarium.api.BuildStrategy.BUILDAH,
                                "builder"))
                .isEqualTo(hash);
        assertThat(
                        hasher.hash(
                                resolve(spec(condaExplicit(otherDigest))),
                                dev.terrarium.api.BuildStrategy.BUILDAH,
                                "builder"))
                .isNotEqualTo(hash);
    }

    @Test
    void aCondaLockRefusesVenvAPythonAndPackageIndexes() {
        String explicit = Fixtures.condaLock("explicit-sha256.txt");

        assertThat(refusals(spec(manager(Manager.VENV), python("3.12"), condaExplicit(explicit))))
                .containsExactly(
                        "spec.manager: venv cannot install spec.files.condaExplicit: a conda lock is "
                                + "installed by conda; leave manager unset or set it to conda",
                        "spec.python: must not be set together with spec.files.condaExplicit: the "
                                + "lock says which python it installs");
        assertThat(
                        refusals(
                                spec(fromConfigMap("lock", "explicit.txt")),
                                "@EXPLICIT\nhttps://x.example.com/linux-64/a-1-0.conda#sha256:12\n"))
                .singleElement()
                .asString()
                .startsWith(
                        "spec.fromConfigMap line 2 \"https://x.example.com/linux-64/a-1-0.conda#sha256:12\": "
                                + "the hash \"sha256:12\" is not");
        assertThat(refusals(spec(fromConfigMap("lock", "conda-linux-64.lock")), "six==1.0\n"))
                .first()
                .asString()
                .startsWith("spec.fromConfigMap line 1 \"six==1.0\": comes before @EXPLICIT");
    }

    @Test
    void refusesMoreThanOneSource() {
        assertThat(refusals(spec(pip("flask"), requirementsTxt("numpy"))))
                .containsExactly(
                        "spec: at most one environment source may be set: the fields (packages, channels, "
                                + "pip), files, or fromConfigMap");
        assertThat(
                        refusals(
                                spec(
                                        requirementsTxt("numpy"),
                                        s -> s.getFiles().setEnvironmentYml("dependencies: []"))))
                .containsExactly(
                        "spec.files: exactly one of environmentYml, requirementsTxt, pylockToml, "
                                + "condaExplicit or condaLockYml must be set");
    }

    @Test
    void refusesAnEnvironmentThatInstallsNothingAndWarnsOfAnEnvironmentYmlThatListsNothing() {
        String nothing =
                "spec: the environment installs nothing: list conda packages, pip requirements or system "
                        + "packages";
        assertThat(refusals(spec())).containsExactly(nothing);
        assertThat(refusals(spec(python("3.12")))).containsExactly(nothing);
        assertThat(refusals(spec(requirementsTxt("# nothing yet\n")))).containsExactly(nothing);
        NormalizationResult empty =
                new EnvironmentNormalizer()
                        .normalize(spec(environmentYml("dependencies: []")), null, DEFAULTS);
        assertThat(empty.environment().getPackages())
                .as("conda creates an empty environment; the image has python")
                .containsExactly("python 3.12.*");
        assertThat(empty.warnings())
                .singleElement()
                .isEqualTo(
                        new SpecWarning(
                                "NothingListed",
                                "spec.files.environmentYml: dependencies lists nothing, so the image "
                                        + "holds python 3.12 alone; list conda packages or a pip "
                                        + "section under dependencies"));
        assertThat(resolve(spec(packages("python=3.11"))).getPackages())
                .as("a conda environment of python alone, as conda create makes one")
                .containsExactly("python 3.11.*");
        assertThat(resolve(spec(environmentYml("dependencies: [python <3.11]"))).getPython())
                .isEqualTo("3.10");
        assertThat(
                        new EnvironmentNormalizer()
                                .normalize(
                                        spec(environmentYml("name: x\nrequirements: [black]\n")),
                                        null,
                                        DEFAULTS)
                                .warnings())
                .extracting(SpecWarning::reason, SpecWarning::message)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "IgnoredKeys",
                                "spec.files.environmentYml: key \"requirements\" not read (as conda reads "
                                        + "past keys it does not know); only name, channels, dependencies, "
                                        + "variables and prefix say what is built"),
                        org.assertj.core.groups.Tuple.tuple(
                                "NothingListed",
                                "spec.files.environmentYml: requirements is not read (only dependencies "
                                        + "lists what conda installs), so the image holds python 3.12 "
                                        + "alone; list conda packages or a pip section under dependencies"));
        assertThat(resolve(spec(system("curl"))).getManager()).isEqualTo(Manager.VENV);
    }

    @Test
    void aDevelopmentFileBuildsWithoutItsProjectAndWithItsEditableUrlsAsRegularPackages() {
        NormalizationResult txt =
                new EnvironmentNormalizer()
                        .normalize(
                                spec(requirementsTxt("-e .[socks]\npytest>=8\n")), null, DEFAULTS);
        assertThat(txt.environment().getPip()).containsExactly("pytest>=8");
        assertThat(txt.warnings())
                .extracting(SpecWarning::reason)
                .containsExactly("ProjectNotInstalled");

        NormalizationResult yml =
                new EnvironmentNormalizer()
                        .normalize(
                                spec(
                                        environmentYml(
                                                """
                                                dependencies:
                                                  - python=3.10
                                                  - pip
                                                  - pip:
                                                    - -e git+https://github.com/openai/CLIP.git@main#egg=clip
                                                    - -e .
                                                """)),
                                null,
                                DEFAULTS);
        assertThat(yml.environment().getPip())
                .containsExactly("clip @ git+https://github.com/openai/CLIP.git@main#egg=clip");
        assertThat(yml.warnings())
                .extracting(SpecWarning::reason)
                .containsExactly("NotEditable", "ProjectNotInstalled", "NotReproducible");

        assertThat(refusals(spec(pip("-e git+https://github.com/openai/CLIP.git@main#egg=clip"))))
                .as("spec.pip is written for Terrarium: name @ url")
                .containsExactly(
                        "spec.pip[0] \"-e git+https://github.com/openai/CLIP.git@main#egg=clip\": "
                                + "editable installs are read only in files, and only of a URL (installed "
                                + "as a regular package): a build cannot read the directories of the "
                                + "machine that wrote the file; list the package as name @ url");
        assertThat(refusals(spec(requirementsTxt("-e .\n"))))
                .as("a file of the project alone installs nothing")
                .containsExactly(
                        "spec: the environment installs nothing: list conda packages, pip requirements "
                                + "or system packages");
    }

    @Test
    void normalisesSystemPackagesAndRefusesNamesThatAreNotDebianPackages() {
        assertThat(resolve(spec(system("Curl", "git=1:2.39.2-1", "curl", "libssl3"))).getSystem())
                .containsExactly("curl", "git=1:2.39.2-1", "libssl3");
        assertThat(refusals(spec(system("curl;rm", "a", "curl=1", "curl=2", "libfoo_bar"))))
                .containsExactly(
                        "spec.system[0] \"curl;rm\": unexpected \";\" (shell metacharacters have no place here) at column 5",
                        "spec.system[1] \"a\": expected a Debian package name (lower-case letters, digits, \"+\", \"-\" and "
                                + "\".\", at least two) with an optional =version at column 1",
                        "spec.system[4] \"libfoo_bar\": unexpected \"_\" at column 7",
                        "spec.system[3] \"curl=2\": curl is pinned twice with different versions, here and at spec.system[2] "
                                + "\"curl=1\"; list it once");
    }

    @Test
    void sortsBakedVariablesAndRefusesControlCharactersAndConflicts() {
        ResolvedEnvironment env =
                resolve(
                        spec(
                                pip("flask"),
                                env("ZED", "1", "ALPHA", "x y", "ZED", "1", "EMPTY", null)));
        assertThat(env.getEnv())
                .extracting(v -> v.getName() + "=" + v.getValue())
                .containsExactly("ALPHA=x y", "EMPTY=", "ZED=1");

        assertThat(
                        refusals(
                                spec(
                                        pip("flask"),
                                        env(
                                                "A",
                                                "line\nbreak",
                                                "B",
                                                "1",
                                                "B",
                                                "2",
                                                "bad-name",
                                                "x"))))
                .containsExactly(
                        "spec.env[0].value \"line\\nbreak\": control character U+000A at column 5 is not "
                                + "allowed",
                        "spec.env[2].name \"B\": set twice with different values",
                        "spec.env[3].name \"bad-name\": expected letters, digits and underscores, not starting with a "
                                + "digit, at most 128 characters");
    }

    @Test
    void refusesBadChannelsAndBaseImagesAndKeepsAGoodBaseImage() {
        assertThat(refusals(spec(channels("conda forge"), packages("numpy"))))
                .containsExactly(
                        "spec.channels[0] \"conda forge\": expected a conda channel name "
                                + "such as conda-forge or bioconda (letters, digits, \".\", \"_\", \"-\", at most 128 "
                                + "characters) or an https:// channel URL");
        assertThat(refusals(spec(pip("flask"), baseImage("python:3.12 && rm -rf /"))))
                .containsExactly(
                        "spec.baseImage \"python:3.12 && rm -rf /\": expected an image reference such as "
                                + "registry.example.com/team/image:tag, optionally pinned by @sha256:<digest>");
        String pinned = "registry.example.com:5000/base/python@sha256:" + "a".repeat(64);
        assertThat(resolve(spec(pip("flask"), baseImage(pinned))).getBaseImage()).isEqualTo(pinned);
    }

    @Test
    void refusesEntriesLongerThanTheLimits() {
        assertThat(refusals(spec(packages("a".repeat(257)))))
                .singleElement()
                .asString()
                .endsWith(": longer than 256 characters");
        assertThat(refusals(spec(pip("a".repeat(513)))))
                .singleElement()
                .asString()
                .endsWith(": longer than 512 characters");
    }

    @Test
    void refusesASpecThatIsMissing() {
        assertThat(normalizer.normalize(null, null, DEFAULTS).violations())
                .containsExactly(new Violation("spec", "spec: the Environment has no spec"));
    }
}
