package dev.terrarium.buildcontext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.terrarium.api.BakedEnvVar;
import dev.terrarium.api.Manager;
import dev.terrarium.api.ResolvedEnvironment;
import dev.terrarium.api.ResolvedPipIndexes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BuildContextGeneratorTest {

    private static final BuildContextGenerator GENERATOR =
            new BuildContextGenerator(BuildContextOptions.defaults());
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void sameInputGivesByteIdenticalContext() {
        BuildContext first = GENERATOR.generate(Fixtures.condaFull(), Fixtures.HASH);
        BuildContext second =
                new BuildContextGenerator(BuildContextOptions.defaults())
                        .generate(Fixtures.condaFull(), Fixtures.HASH);

        assertThat(second.files()).isEqualTo(first.files());
        assertThat(List.copyOf(second.files().keySet()))
                .isEqualTo(List.copyOf(first.files().keySet()));
        assertThat(List.copyOf(second.buildArgs().entrySet()))
                .isEqualTo(List.copyOf(first.buildArgs().entrySet()));
    }

    @Test
    void contextFilesComeInAFixedOrderStartingWithTheDockerfile() {
        assertThat(GENERATOR.generate(Fixtures.condaFull(), Fixtures.HASH).fileNames())
                .containsExactly(
                        BuildContext.DOCKERFILE,
                        BuildContext.CONDA_REQUEST,
                        BuildContext.SYSTEM_PACKAGES_TXT);
        assertThat(GENERATOR.generate(Fixtures.venvSystemEnv(), Fixtures.HASH).fileNames())
                .containsExactly(
                        BuildContext.DOCKERFILE,
                        BuildContext.REQUIREMENTS_TXT,
                        BuildContext.SYSTEM_PACKAGES_TXT);
        assertThat(GENERATOR.generate(Fixtures.venvMinimal(), Fixtures.HASH).fileNames())
                .containsExactly(BuildContext.DOCKERFILE);
    }

    @Test
    void hashCheckingModeWritesEveryHashAndInstallsRequiringThem() {
        String six = "sha256:8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254";
        ResolvedEnvironment environment = Fixtures.venvMinimal();
        environment.setPip(List.of("idna==3.7", "six==1.16.0; python_version < \"3.13\""));
        environment.setPipHashes(
                java.util.Map.of("idna", List.of("sha256:" + "1".repeat(64)), "six", List.of(six)));

        BuildContext context = GENERATOR.generate(environment, Fixtures.HASH);

        assertThat(context.files().get(BuildContext.REQUIREMENTS_TXT))
                .isEqualTo(
                        "idna==3.7 --hash=sha256:"
                                + "1".repeat(64)
                                + "\nsix==1.16.0; python_version < \"3.13\" --hash="
                                + six
                                + "\n");
        assertThat(context.files().get(BuildContext.DOCKERFILE))
                .contains("uv pip install --python /opt/venv/bin/python --require-hashes -r ");
        assertThat(
                        GENERATOR
                                .generate(Fixtures.venvWithPip(), Fixtures.HASH)
                                .files()
                                .get(BuildContext.DOCKERFILE))
                .doesNotContain("--require-hashes");

        environment.setPipHashes(java.util.Map.of("idna", List.of("sha256:1 --index-url=x")));
        assertThatThrownBy(() -> GENERATOR.generate(environment, Fixtures.HASH))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pipHashes");
    }

    @Test
    void imageRunsAsTheNumericUserAsItsLastInstruction() {
        for (ResolvedEnvironment environment :
                List.of(Fixtures.condaFull(), Fixtures.venvMinimal())) {
            String dockerfile = GENERATOR.generate(environment, Fixtures.HASH).dockerfile();
            assertThat(dockerfile).endsWith("\nUSER 10001:10001\n");
            assertThat(dockerfile).contains("useradd --no-log-init --uid 10001 --gid 10001");
        }
    }

    @Test
    void uidComesFromTheOptions() {
        String dockerfile =
                new BuildContextGenerator(BuildContextOptions.defaults().withUid(4242))
                        .generate(Fixtures.venvMinimal(), Fixtures.HASH)
                        .dockerfile();

        assertThat(dockerfile)
                .endsWith("\nUSER 4242:4242\n")
                .contains("groupadd --gid 4242 ")
                .doesNotContain("10001");
    }

    @Test
    void baseImageAndPythonTravelAsBuildArguments() {
        BuildContext context = GENERATOR.generate(Fixtures.venvSystemEnv(), Fixtures.HASH);

        assertThat(context.dockerfile())
                .contains("ARG TERRARIUM_BASE_IMAGE\nFROM ${TERRARIUM_BASE_IMAGE}\n")
                .doesNotContain("debian:bookworm-python3-venv")
                .doesNotContain("3.11");
        assertThat(context.buildArgs())
                .containsExactly(
                        Map.entry("TERRARIUM_BASE_IMAGE", "debian:bookworm-python3-venv"),
                        Map.entry("TERRARIUM_PYTHON", "3.11"),
                        Map.entry("TERRARIUM_ENV_0", "production"),
                        Map.entry("TERRARIUM_ENV_1", "8000"));
    }

    @Test
    void bakedVariablesAreDeclaredAfterEveryRunStepSoTheyCannotAffectTheBuild() {
        String dockerfile = GENERATOR.generate(Fixtures.condaFull(), Fixtures.HASH).dockerfile();

        assertThat(dockerfile.indexOf("ARG TERRARIUM_ENV_0"))
                .isGreaterThan(dockerfile.lastIndexOf("\nRUN "));
        assertThat(dockerfile)
                .contains(
                        "ARG TERRARIUM_ENV_0\nENV GREETING=${TERRARIUM_ENV_0}\n"
                                + "ARG TERRARIUM_ENV_1\nENV MPLBACKEND=${TERRARIUM_ENV_1}\n");
        assertThat(dockerfile).doesNotContain("hello world").doesNotContain("Agg");
    }

    @Test
    void variableWithoutValueBakesAnEmptyString() {
        ResolvedEnvironment environment = Fixtures.venvMinimal();
        environment.setEnv(List.of(new BakedEnvVar("EMPTY", null)));

        assertThat(GENERATOR.generate(environment, Fixtures.HASH).buildArgs())
                .containsEntry("TERRARIUM_ENV_0", "");
    }

    @Test
    void labelsCarryTheSpecHash() {
        String dockerfile = GENERATOR.generate(Fixtures.venvMinimal(), Fixtures.HASH).dockerfile();

        assertThat(dockerfile)
                .contains("org.opencontainers.image.version=\"" + Fixtures.HASH + "\"")
                .contains("dev.terrarium.spec-hash=\"" + Fixtures.HASH + "\"")
                .contains("org.opencontainers.image.title=")
                .contains(
                        "org.opencontainers.image.description=\"Terrarium venv environment, Python "
                                + "${TERRARIUM_PYTHON}\"");
    }

    @Test
    void osPackagesGetTheirOwnLayerBeforeTheEnvironmentAndNoneWhenThereAreNone() {
        String withSystem = GENERATOR.generate(Fixtures.condaFull(), Fixtures.HASH).dockerfile();
        String withoutSystem =
                GENERATOR.generate(Fixtures.venvMinimal(), Fixtures.HASH).dockerfile();

        assertThat(withSystem)
                .contains(
                        "COPY system-packages.txt /tmp/terrarium/system-packages.txt\n"
                                + "RUN apt-get update \\\n"
                                + "    && DEBIAN_FRONTEND=noninteractive xargs -a /tmp/terrarium/system-packages.txt apt-get install");
        assertThat(withSystem.indexOf("apt-get install"))
                .isLessThan(withSystem.indexOf("FROM ${TERRARIUM_CONDA_IMAGE}"));
        assertThat(withoutSystem).doesNotContain("apt-get").doesNotContain("system-packages.txt");
        assertThat(GENERATOR.generate(Fixtures.condaFull(), Fixtures.HASH).files())
                .containsEntry(BuildContext.SYSTEM_PACKAGES_TXT, "curl\ngit=1:2.39.5-0+deb12u1\n");
    }

    @Test
    void condaRequestListsChannelsPythonPackagesPipAndTheVirtualPackagesOfTheBaseImage()
            throws Exception {
        JsonNode request = request(Fixtures.condaFull(), GENERATOR);

        assertThat(JSON.convertValue(request, Map.class))
                .containsOnlyKeys(
                        "version",
                        "specHash",
                        "prefix",
                        "platform",
                        "channels",
                        "channelPriority",
                        "specs",
                        "pip",
                        "virtualPackages",
                        "packageCache",
                        "uvCache",
                        "output");
        assertThat(request.get("specHash").asText()).isEqualTo(Fixtures.HASH);
        assertThat(request.get("prefix").asText()).isEqualTo("/opt/conda");
        assertThat(request.get("channels").toString())
                .isEqualTo("[{\"name\":\"conda-forge\"},{\"name\":\"bioconda\"}]");
        assertThat(strings(request.get("specs")))
                .containsExactly("python=3.12", "numpy=1.26.4", "pandas>=2.2", "scipy");
        assertThat(strings(request.get("pip"))).containsExactly("requests==2.32.3", "rich>=13");
        assertThat(request.get("channelPriority").asText()).isEqualTo("strict");
        assertThat(request.get("virtualPackages").toString())
                .as("__glibc from the base image, no __cuda")
                .isEqualTo(
                        "{\"linux\":\"4.18\",\"archspec\":\"x86_64\",\"glibcFile\":\"/tmp/terrarium/base-glibc\"}");
    }

    @Test
    void channelSettingsComeFromTheOptions() throws Exception {
        BuildContextGenerator generator =
                new BuildContextGenerator(
                        BuildContextOptions.defaults()
                                .withChannelPriority("Flexible")
                                .withChannelAlias("http://127.0.0.1:8080/channels/"));

        JsonNode request = request(Fixtures.condaFull(), generator);

        assertThat(request.get("channelPriority").asText()).isEqualTo("flexible");
        assertThat(request.get("channelAlias").asText())
                .isEqualTo("http://127.0.0.1:8080/channels/");
    }

    @Test
    void condaBuildsSolveInTheBuilderImageAndCopyOnlyThePrefixAndTheLockIntoTheBaseImage() {
        BuildContext context =
                new BuildContextGenerator(
                                BuildContextOptions.defaults()
                                        .withCondaImage(
                                                "registry.example/terrarium/builder@sha256:"
                                                        + "a".repeat(64)))
                        .generate(Fixtures.condaFull(), Fixtures.HASH);
        String dockerfile = context.dockerfile();

        assertThat(dockerfile)
                .startsWith("# Generated by Terrarium.")
                .contains(
                        "ARG TERRARIUM_BASE_IMAGE\nARG TERRARIUM_CONDA_IMAGE\nFROM ${TERRARIUM_BASE_IMAGE} AS base\n")
                .contains("getconf GNU_LIBC_VERSION > /opt/terrarium/base-glibc")
                .contains(
                        "FROM ${TERRARIUM_CONDA_IMAGE} AS conda\nUSER root\n"
                                + "COPY conda-request.json /tmp/terrarium/conda-request.json\n"
                                + "COPY --from=base /opt/terrarium/base-glibc /tmp/terrarium/base-glibc\n"
                                + "RUN --mount=type=cache,target=/root/.cache/rattler,sharing=locked \\\n"
                                + "    --mount=type=cache,target=/root/.cache/uv,sharing=locked \\\n"
                                + "    /opt/terrarium/tools/bin/python /opt/terrarium/bin/terrarium-conda "
                                + "/tmp/terrarium/conda-request.json\n"
                                + "FROM base\n"
                                + "ARG TERRARIUM_PYTHON\n"
                                + "LABEL org.opencontainers.image.title=\"terrarium-environment\" \\\n")
                .contains(
                        "  dev.terrarium.spec-hash=\""
                                + Fixtures.HASH
                                + "\"\n"
                                + "COPY --from=conda /opt/conda /opt/conda\n"
                                + "COPY --from=conda /tmp/terrarium/conda-out/ /opt/terrarium/\n"
                                + "ENV PATH=/opt/conda/bin:$PATH CONDA_PREFIX=/opt/conda\n")
                .doesNotContain("micromamba")
                .doesNotContain("registry.example");
        assertThat(context.buildArgs())
                .containsEntry(
                        "TERRARIUM_CONDA_IMAGE",
                        "registry.example/terrarium/builder@sha256:" + "a".repeat(64));
        assertThat(dockerfile.indexOf("useradd")).isLessThan(dockerfile.indexOf("AS conda"));
        assertThat(dockerfile.indexOf(Fixtures.HASH))
                .as("the base stage is the same for every spec")
                .isGreaterThan(dockerfile.indexOf("AS conda"));
    }

    @Test
    void withoutPipRequirementsTheRequestHasNoPipList() throws Exception {
        ResolvedEnvironment withoutPipList = Fixtures.condaFull();
        withoutPipList.setPip(List.of());

        assertThat(request(withoutPipList, GENERATOR).has("pip")).isFalse();
        assertThat(strings(request(withoutPipList, GENERATOR).get("specs")))
                .containsExactly("python=3.12", "numpy=1.26.4", "pandas>=2.2", "scipy");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "python=3.12.4",
                "conda-forge::python >=3.12",
                "PYTHON",
                "python[version='>=3.12']"
            })
    void pythonIsNotAddedWhenThePackagesAlreadyPinIt(String pythonSpec) throws Exception {
        ResolvedEnvironment environment = Fixtures.condaFull();
        environment.setPackages(List.of("numpy", pythonSpec));
        environment.setPip(List.of());

        assertThat(strings(request(environment, GENERATOR).get("specs")))
                .containsExactly("numpy", pythonSpec);
    }

    @ParameterizedTest
    @CsvSource({
        "numpy, numpy",
        "numpy=1.26, numpy",
        "conda-forge::numpy>=1, numpy",
        "pytorch[build=cuda*], pytorch",
        "'python >=3.12', python",
        "pythonnet, pythonnet"
    })
    void condaPackageNameIsTheNameOfTheMatchSpec(String spec, String name) {
        assertThat(BuildContextGenerator.condaPackageName(spec)).isEqualTo(name);
    }

    @Test
    void venvWithUvInstallsFromAToolsVenvWithACacheMount() {
        BuildContext context = GENERATOR.generate(Fixtures.venvWithPip(), Fixtures.HASH);

        assertThat(context.dockerfile())
                .contains("python3 -m venv --without-pip /opt/venv")
                .contains(
                        "python3 -m venv /opt/terrarium/tools \\\n"
                                + "    && /opt/terrarium/tools/bin/pip install --disable-pip-version-check uv==0.13.8\n")
                .contains(
                        "RUN --mount=type=cache,target=/root/.cache/uv,sharing=locked \\\n"
                                + "    UV_CACHE_DIR=/root/.cache/uv UV_LINK_MODE=copy UV_COMPILE_BYTECODE=1 "
                                + "/opt/terrarium/tools/bin/uv pip install --python /opt/venv/bin/python "
                                + "-r /tmp/terrarium/requirements.txt\n")
                .contains(
                        "/opt/terrarium/tools/bin/uv pip freeze --python /opt/venv/bin/python > /opt/terrarium/lock")
                .contains("ENV PATH=/opt/venv/bin:$PATH VIRTUAL_ENV=/opt/venv\n")
                .doesNotContain("python3.");
        assertThat(context.files())
                .containsEntry(
                        BuildContext.REQUIREMENTS_TXT, "numpy==2.1.3\nrequests[socks]>=2.31\n");
    }

    @Test
    void uvVersionComesFromTheOptions() {
        String dockerfile =
                new BuildContextGenerator(BuildContextOptions.defaults().withUvVersion("0.9.1"))
                        .generate(Fixtures.venvMinimal(), Fixtures.HASH)
                        .dockerfile();

        assertThat(dockerfile).contains(" uv==0.9.1\n");
    }

    @Test
    void venvChecksThePythonOfTheBaseImageAgainstTheSpecThroughTheBuildArgument() {
        String dockerfile = GENERATOR.generate(Fixtures.venvMinimal(), Fixtures.HASH).dockerfile();

        assertThat(dockerfile)
                .contains("RUN python3 -c 'import sys; want = sys.argv[1];")
                .contains("' \"$TERRARIUM_PYTHON\" \\\n    && python3 -m venv");
    }

    @Test
    void pipInstallerUsesTheVenvsOwnPipAndNoUv() {
        String dockerfile =
                new BuildContextGenerator(
                                BuildContextOptions.defaults().withInstaller(Installer.PIP))
                        .generate(Fixtures.venvWithPip(), Fixtures.HASH)
                        .dockerfile();

        assertThat(dockerfile)
                .doesNotContain("uv")
                .doesNotContain("--without-pip")
                .contains(
                        "/opt/venv/bin/pip install --disable-pip-version-check -r /tmp/terrarium/requirements.txt")
                .contains(
                        "/opt/venv/bin/pip freeze --disable-pip-version-check > /opt/terrarium/lock");
    }

    @Test
    void venvWithoutRequirementsHasNoInstallStep() {
        BuildContext context = GENERATOR.generate(Fixtures.venvMinimal(), Fixtures.HASH);

        assertThat(context.dockerfile())
                .doesNotContain("requirements.txt")
                .doesNotContain("uv pip install");
        assertThat(context.files()).doesNotContainKey(BuildContext.REQUIREMENTS_TXT);
    }

    @Test
    void lockStepPrintsMarkersWithoutEverSpellingTheMarkerOut() {
        String dockerfile = GENERATOR.generate(Fixtures.venvWithPip(), Fixtures.HASH).dockerfile();

        assertThat(dockerfile)
                .doesNotContain(LockMarkers.TOKEN)
                .contains("printf 'terrarium-%s %s begin\\n' lock \"$h\"")
                .contains("done < /opt/terrarium/lock");
        String lastRun = dockerfile.substring(dockerfile.lastIndexOf("\nRUN "));
        assertThat(lastRun).contains("uv pip freeze");
        assertThat(GENERATOR.generate(Fixtures.condaFull(), Fixtures.HASH).dockerfile())
                .as("terrarium-conda prints the lock itself")
                .doesNotContain(LockMarkers.TOKEN);
    }

    @Test
    void aPylockTomlIsCopiedAsAFileAndInstalledByUvWhateverTheInstaller() {
        ResolvedEnvironment environment = Fixtures.venvPylock();

        BuildContext context = GENERATOR.generate(environment, Fixtures.HASH);

        assertThat(context.files())
                .containsEntry(BuildContext.PYLOCK_TOML, environment.getPylockToml())
                .doesNotContainKey(BuildContext.REQUIREMENTS_TXT);
        assertThat(context.dockerfile())
                .contains("COPY pylock.toml /tmp/terrarium/pylock.toml\n")
                .contains(
                        "/opt/terrarium/tools/bin/uv pip install --python /opt/venv/bin/python -r "
                                + "/tmp/terrarium/pylock.toml\n")
                .doesNotContain("files.example.com")
                .doesNotContain("--require-hashes");
        assertThat(
                        new BuildContextGenerator(
                                        BuildContextOptions.defaults().withInstaller(Installer.PIP))
                                .generate(environment, Fixtures.HASH))
                .as("pip cannot install a pylock.toml, so uv does")
                .isEqualTo(context);
    }

    @Test
    void aPylockTomlIsInstalledAloneAndIntoAVenv() {
        ResolvedEnvironment withPip = Fixtures.venvPylock();
        withPip.setPip(List.of("six==1.16.0"));
        ResolvedEnvironment conda = Fixtures.condaFull();
        conda.setPylockToml(Fixtures.venvPylock().getPylockToml());

        for (ResolvedEnvironment environment : List.of(withPip, conda)) {
            assertThatThrownBy(() -> GENERATOR.generate(environment, Fixtures.HASH))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("pylockToml");
        }
    }

    @Test
    void aCondaLockIsInstalledAloneByCondaAndEachLineMustBeAUrlWithOrWithoutItsHash() {
        ResolvedEnvironment withPackages = Fixtures.condaLock();
        withPackages.setPackages(List.of("numpy"));
        ResolvedEnvironment venv = Fixtures.condaLock();
        venv.setManager(Manager.VENV);
        ResolvedEnvironment notAUrl = Fixtures.condaLock();
        notAUrl.setCondaExplicit(
                List.of("greet-1.0-0.conda#" + "d7c89558ba9fa0495403155b64376d81"));
        ResolvedEnvironment injected = Fixtures.condaLock();
        injected.setCondaExplicit(
                List.of(
                        "https://conda.example.com/noarch/greet-1.0-0.conda\n#"
                                + "d7c89558ba9fa0495403155b64376d81"));
        ResolvedEnvironment pipAlone = Fixtures.condaFull();
        pipAlone.setCondaLockedPip(Fixtures.condaLock().getCondaLockedPip());
        ResolvedEnvironment pipWithoutHash = Fixtures.condaLock();
        pipWithoutHash.setCondaLockedPip(List.of("six @ https://files.example.com/six.whl"));

        for (ResolvedEnvironment environment :
                List.of(withPackages, venv, notAUrl, injected, pipAlone, pipWithoutHash)) {
            assertThatThrownBy(() -> GENERATOR.generate(environment, Fixtures.HASH))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("conda");
        }
    }

    @Test
    void uvBuildsWriteTheExactLockAndPrintItInItsOwnBlockPipBuildsDoNot() {
        String lastRun =
                Fixtures.lastRun(
                        GENERATOR.generate(Fixtures.venvWithPip(), Fixtures.HASH).dockerfile());

        assertThat(lastRun)
                .contains(
                        "/opt/terrarium/tools/bin/uv pip compile --python /opt/venv/bin/python --quiet "
                                + "--no-deps --no-header --format pylock.toml -o /opt/terrarium/pylock.toml - "
                                + "< /opt/terrarium/lock")
                .contains("printf 'terrarium-%s %s begin %s\\n' lock \"$h\" pylock.toml")
                .doesNotContain(LockMarkers.TOKEN);
        assertThat(
                        new BuildContextGenerator(
                                        BuildContextOptions.defaults().withInstaller(Installer.PIP))
                                .generate(Fixtures.venvWithPip(), Fixtures.HASH)
                                .dockerfile())
                .doesNotContain("pylock");
    }

    @Test
    void listsMayBeNull() {
        ResolvedEnvironment environment = Fixtures.venvMinimal();
        environment.setChannels(null);
        environment.setPackages(null);
        environment.setPip(null);
        environment.setSystem(null);
        environment.setEnv(null);

        assertThat(GENERATOR.generate(environment, Fixtures.HASH).dockerfile())
                .isEqualTo(GENERATOR.generate(Fixtures.venvMinimal(), Fixtures.HASH).dockerfile());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08",
                "abc",
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0 "
            })
    void specHashMustBe64LowerCaseHexDigits(String hash) {
        assertThatThrownBy(() -> GENERATOR.generate(Fixtures.venvMinimal(), hash))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spec hash");
    }

    @ParameterizedTest
    @ValueSource(strings = {"3", "3.12.1.4", "3.12 ", "latest", "3.x"})
    void pythonMustBeAVersion(String python) {
        ResolvedEnvironment environment = Fixtures.venvMinimal();
        environment.setPython(python);

        assertThatThrownBy(() -> GENERATOR.generate(environment, Fixtures.HASH))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("python");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "python:3.12 AS evil", "python:3.12\nRUN id"})
    void baseImageMustBeOneWord(String baseImage) {
        ResolvedEnvironment environment = Fixtures.venvMinimal();
        environment.setBaseImage(baseImage);

        assertThatThrownBy(() -> GENERATOR.generate(environment, Fixtures.HASH))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("baseImage");
    }

    @Test
    void managerIsRequired() {
        ResolvedEnvironment environment = Fixtures.venvMinimal();
        environment.setManager(null);

        assertThatThrownBy(() -> GENERATOR.generate(environment, Fixtures.HASH))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("manager");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "curl; rm -rf /",
                "-oAPT::Update::Pre-Invoke::=id",
                "Curl",
                "curl wget",
                "curl\nwget",
                "c",
                "curl=$(id)",
                "curl='1'",
                ""
            })
    void systemPackagesMustBeDebianNames(String name) {
        ResolvedEnvironment environment = Fixtures.venvMinimal();
        environment.setSystem(List.of(name));

        assertThatThrownBy(() -> GENERATOR.generate(environment, Fixtures.HASH))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("system");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "libc6:amd64",
                "git=1:2.39.5-0+deb12u1",
                "g++",
                "libstdc++6=12.2.0-14",
                "python3.11",
                "openjdk-17-jre-headless=17.0.*"
            })
    void debianNamesWithArchitectureAndVersionAreAccepted(String name) {
        ResolvedEnvironment environment = Fixtures.venvMinimal();
        environment.setSystem(List.of(name));

        assertThat(GENERATOR.generate(environment, Fixtures.HASH).files())
                .containsEntry(BuildContext.SYSTEM_PACKAGES_TXT, name + "\n");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "-r /etc/passwd",
                "--index-url=https://evil.example/simple",
                "requests\n--index-url x",
                "requests\r\n-e .",
                "requests\u2028--extra-index-url https://evil.example",
                "requests\u0085-r x",
                "requests\u000b-r x",
                "requests --index-url=https://evil.example",
                "requests # pinned later",
                "requests\u00a0#x",
                "#requests",
                "requests \\",
                " ",
                "requests\u0000"
            })
    void pipRequirementsThatARequirementsFileWouldReadDifferentlyAreRefused(String requirement) {
        for (ResolvedEnvironment environment :
                List.of(Fixtures.venvMinimal(), Fixtures.condaFull())) {
            environment.setPip(List.of(requirement));

            assertThatThrownBy(() -> GENERATOR.generate(environment, Fixtures.HASH))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("pip");
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "pkg @ https://example.com/pkg-1.0.tar.gz#sha256=abc",
                "foo>=1; python_version < \"3.13\"",
                "requests[socks]>=2.31",
                "torch==2.5.1+cpu",
                "name @ git+https://example.com/r.git@v1#egg=name",
                "x-y; platform_machine == \"x86-64\"",
                "naïve==1.0"
            })
    void validPep508RequirementsAreWrittenVerbatim(String requirement) {
        ResolvedEnvironment environment = Fixtures.venvMinimal();
        environment.setPip(List.of(requirement));

        assertThat(GENERATOR.generate(environment, Fixtures.HASH).files())
                .containsEntry(BuildContext.REQUIREMENTS_TXT, requirement + "\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"A-B", "1A", "A B", "A=B", "", "PATH;id"})
    void variableNamesMustBeIdentifiers(String name) {
        ResolvedEnvironment environment = Fixtures.venvMinimal();
        environment.setEnv(List.of(new BakedEnvVar(name, "x")));

        assertThatThrownBy(() -> GENERATOR.generate(environment, Fixtures.HASH))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("identifier");
    }

    @Test
    void variableValuesCannotHoldNul() {
        ResolvedEnvironment environment = Fixtures.venvMinimal();
        environment.setEnv(List.of(new BakedEnvVar("A", "x\u0000y")));

        assertThatThrownBy(() -> GENERATOR.generate(environment, Fixtures.HASH))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NUL");
    }

    @Test
    void aVenvEnvironmentRefusesCondaPackagesButToleratesDefaultChannels() {
        ResolvedEnvironment withChannels = Fixtures.venvMinimal();
        withChannels.setChannels(List.of("conda-forge"));
        ResolvedEnvironment withPackages = Fixtures.venvMinimal();
        withPackages.setPackages(List.of("numpy"));

        assertThat(GENERATOR.generate(withChannels, Fixtures.HASH).fileNames())
                .containsExactly("Dockerfile");
        assertThatThrownBy(() -> GENERATOR.generate(withPackages, Fixtures.HASH))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("packages");
    }

    @Test
    void nullEntriesAreRefusedWithTheirField() {
        ResolvedEnvironment environment = Fixtures.condaFull();
        List<String> packages = new ArrayList<>();
        packages.add(null);
        environment.setPackages(packages);

        assertThatThrownBy(() -> GENERATOR.generate(environment, Fixtures.HASH))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("packages");
    }

    @ParameterizedTest
    @CsvSource({"'', 10001", "0.13, 0", "'0.13.8; rm -rf /', 10001", "v0.13.8, 10001"})
    void optionsAreValidated(String uvVersion, int uid) {
        assertThatThrownBy(
                        () ->
                                new BuildContextOptions(
                                        Installer.UV,
                                        uvVersion,
                                        uid,
                                        BuildContextOptions.DEFAULT_CONDA_IMAGE,
                                        "strict",
                                        null,
                                        null,
                                        false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({
        "'builder:1 AS x', strict, ''",
        "'', strict, ''",
        "builder:1, fast, ''",
        "builder:1, strict, 'ftp://example.com/'",
        "builder:1, strict, 'http://example.com/ x'"
    })
    void condaOptionsAreValidated(String condaImage, String priority, String alias) {
        assertThatThrownBy(
                        () ->
                                new BuildContextOptions(
                                        Installer.UV,
                                        "0.13.8",
                                        10001,
                                        condaImage,
                                        priority,
                                        alias.isEmpty() ? null : alias,
                                        null,
                                        false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://pypi-mirror.example.com/simple/",
                "https://pypi-mirror.example.com/simple/'x'",
                "https://user:pw@pypi-mirror.example.com/simple/"
            })
    void aMirrorThatSpecPipIndexesWouldRefuseIsRefusedHereToo(String url) {
        assertThatThrownBy(() -> BuildContextOptions.defaults().withPipIndexUrl(url))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("pipIndexUrl");
    }

    @Test
    void thePylockCompileAsksTheIndexesOfTheInstallWithItsCredentials() {
        String dockerfile =
                new BuildContextGenerator(BuildContextOptions.defaults())
                        .generate(Fixtures.venvPrivateIndexes(), Fixtures.HASH)
                        .files()
                        .get(BuildContext.DOCKERFILE);
        String lockStep =
                List.of(dockerfile.split("\n(?=[A-Z]+ )")).stream()
                        .filter(step -> step.contains("uv pip compile"))
                        .findFirst()
                        .orElseThrow();

        assertThat(lockStep)
                .contains("--mount=type=secret,id=pip-netrc,target=/run/secrets/pip-netrc")
                .contains(
                        "{ grep -E '^--(index-url|extra-index-url|find-links) '"
                                + " /tmp/terrarium/requirements.txt; cat /opt/terrarium/lock; }"
                                + " | NETRC=/run/secrets/pip-netrc ")
                .contains("--format pylock.toml -o /opt/terrarium/pylock.toml -;")
                .as("no URL of the user's in the Dockerfile: the compile reads them from the file")
                .doesNotContain("example.com");

        String plain =
                new BuildContextGenerator(BuildContextOptions.defaults())
                        .generate(Fixtures.venvWithPip(), Fixtures.HASH)
                        .files()
                        .get(BuildContext.DOCKERFILE);
        assertThat(plain)
                .contains(
                        "--format pylock.toml -o /opt/terrarium/pylock.toml - < /opt/terrarium/lock;")
                .doesNotContain("grep -E", "pip-netrc");
    }

    private static JsonNode request(
            ResolvedEnvironment environment, BuildContextGenerator generator) throws Exception {
        return JSON.readTree(
                generator
                        .generate(environment, Fixtures.HASH)
                        .files()
                        .get(BuildContext.CONDA_REQUEST));
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }

    @Test
    void managerValueNamesTheDescription() {
        assertThat(GENERATOR.generate(Fixtures.condaFull(), Fixtures.HASH).dockerfile())
                .contains("Terrarium " + Manager.CONDA.value() + " environment");
    }

    private static final String MIRROR = "https://pypi-mirror.example.com/simple/";

    @Test
    void withoutNetworkSettingsEveryFileIsWhatItWasBeforeTheyExisted() {
        BuildContextOptions none =
                BuildContextOptions.defaults().withPipIndexUrl(null).withCaBundle(false);
        for (ResolvedEnvironment environment :
                List.of(
                        Fixtures.venvWithPip(),
                        Fixtures.condaFull(),
                        Fixtures.venvPrivateIndexes(),
                        Fixtures.venvPylock())) {
            BuildContext context =
                    new BuildContextGenerator(none).generate(environment, Fixtures.HASH);
            assertThat(context.files().values())
                    .noneMatch(text -> text.contains("ca-bundle") || text.contains("SSL_CERT"));
        }
    }

    @Test
    void theMirrorReplacesTheDefaultIndexButNotAnIndexTheEnvironmentNames() {
        BuildContextGenerator generator =
                new BuildContextGenerator(BuildContextOptions.defaults().withPipIndexUrl(MIRROR));

        BuildContext plain = generator.generate(Fixtures.venvWithPip(), Fixtures.HASH);
        assertThat(plain.files().get(BuildContext.REQUIREMENTS_TXT))
                .startsWith("--index-url " + MIRROR + "\n");
        String dockerfile = plain.files().get(BuildContext.DOCKERFILE);
        assertThat(dockerfile)
                .as("uv itself comes from the mirror")
                .contains(
                        "/bin/pip install --disable-pip-version-check --index-url '"
                                + MIRROR
                                + "' uv==")
                .as(
                        "and so do the pylock.toml's artifact hashes, from the requirements' first line")
                .contains(
                        "{ grep -E '^--(index-url|extra-index-url|find-links) '"
                                + " /tmp/terrarium/requirements.txt; cat /opt/terrarium/lock; } | ")
                .doesNotContainPattern("uv pip compile [^\\n]*--index-url");
        assertThat(
                        generator
                                .generate(Fixtures.venvPylock(), Fixtures.HASH)
                                .files()
                                .get(BuildContext.DOCKERFILE))
                .as("a pylock.toml build has no requirements: its compile names the mirror")
                .containsPattern("uv pip compile [^\\n]*--index-url '" + MIRROR + "'");

        ResolvedEnvironment own = Fixtures.venvPrivateIndexes();
        BuildContext withOwn = generator.generate(own, Fixtures.HASH);
        assertThat(withOwn.files().get(BuildContext.REQUIREMENTS_TXT))
                .doesNotContain(MIRROR)
                .startsWith("--index-url https://mirror.example.com/simple\n");
        assertThat(withOwn.files().get(BuildContext.DOCKERFILE))
                .doesNotContainPattern("uv pip compile [^\\n]*--index-url");

        ResolvedEnvironment extraOnly = Fixtures.venvWithPip();
        ResolvedPipIndexes extra = new ResolvedPipIndexes();
        extra.setExtraIndexUrls(List.of("https://private.example.com/simple/"));
        extraOnly.setPipIndexes(extra);
        assertThat(
                        generator
                                .generate(extraOnly, Fixtures.HASH)
                                .files()
                                .get(BuildContext.REQUIREMENTS_TXT))
                .as("an extra index stays beside the mirror")
                .startsWith(
                        "--index-url "
                                + MIRROR
                                + "\n--extra-index-url https://private.example.com/simple/\n");
    }

    @Test
    void theMirrorIsTheIndexOfTheCondaBuildsPipRequirementsToo() throws Exception {
        BuildContext context =
                new BuildContextGenerator(BuildContextOptions.defaults().withPipIndexUrl(MIRROR))
                        .generate(Fixtures.condaFull(), Fixtures.HASH);
        JsonNode request =
                new ObjectMapper().readTree(context.files().get(BuildContext.CONDA_REQUEST));
        assertThat(request.get("pipIndexes").get(0).asText()).isEqualTo("--index-url " + MIRROR);
    }

    @Test
    void theCaBundleIsABuildSecretOfEveryDownloadingStepAndNeverALayerOrAnImageVariable() {
        for (Installer installer : Installer.values()) {
            for (ResolvedEnvironment environment :
                    List.of(Fixtures.venvWithPip(), Fixtures.condaFull(), Fixtures.venvPylock())) {
                String dockerfile =
                        new BuildContextGenerator(
                                        BuildContextOptions.defaults()
                                                .withInstaller(installer)
                                                .withCaBundle(true))
                                .generate(environment, Fixtures.HASH)
                                .files()
                                .get(BuildContext.DOCKERFILE);
                List<String> steps = List.of(dockerfile.split("\n(?=[A-Z]+ )"));
                for (String step : steps) {
                    boolean downloads =
                            step.contains(" install ")
                                    || step.contains("uv pip compile")
                                    || step.contains("terrarium-conda");
                    if (step.startsWith("RUN ") && downloads && !step.contains("apt-get")) {
                        assertThat(step)
                                .as(installer + ": " + step)
                                .contains(
                                        "--mount=type=secret,id=ca-bundle,target=/run/secrets/ca-bundle")
                                .contains("SSL_CERT_FILE=/run/secrets/ca-bundle")
                                .contains("PIP_CERT=/run/secrets/ca-bundle")
                                .contains("REQUESTS_CA_BUNDLE=/run/secrets/ca-bundle");
                    }
                    if (step.startsWith("ENV ")
                            || step.startsWith("COPY ")
                            || step.startsWith("ARG ")) {
                        assertThat(step).doesNotContain("ca-bundle", "SSL_CERT", "PIP_CERT");
                    }
                }
            }
        }
    }
}
