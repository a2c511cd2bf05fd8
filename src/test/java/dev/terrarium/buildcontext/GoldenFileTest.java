package dev.terrarium.buildcontext;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.ResolvedEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Generated contexts compared byte for byte with src/test/resources/golden. Each case has one
 * golden file per context file ({@code <case>.Dockerfile}, {@code <case>.environment.yml}, …) and
 * {@code <case>.build-args} with one {@code NAME=VALUE} per line. After an intended change, rerun
 * with {@code -Dterrarium.golden.update=true} and review the diff.
 */
class GoldenFileTest {

    private static final Path GOLDEN = Path.of("src", "test", "resources", "golden");
    private static final boolean UPDATE = Boolean.getBoolean("terrarium.golden.update");

    static Stream<Arguments> cases() {
        BuildContextOptions defaults = BuildContextOptions.defaults();
        BuildContextOptions mirrorAndCa =
                defaults.withPipIndexUrl("https://pypi-mirror.example.com/simple/?a=1&b=2")
                        .withCaBundle(true);
        return Stream.of(
                Arguments.of("conda-full", Fixtures.condaFull(), defaults),
                Arguments.of("venv-minimal", Fixtures.venvMinimal(), defaults),
                Arguments.of("venv-system-env", Fixtures.venvSystemEnv(), defaults),
                Arguments.of("venv-pylock", Fixtures.venvPylock(), defaults),
                Arguments.of(
                        "venv-pip-installer",
                        Fixtures.venvWithPip(),
                        defaults.withInstaller(Installer.PIP)),
                Arguments.of("venv-direct-references", Fixtures.venvDirectReferences(), defaults),
                Arguments.of("venv-hashes-unnamed", Fixtures.venvHashesUnnamed(), defaults),
                Arguments.of("venv-constraints", Fixtures.venvConstraints(), defaults),
                Arguments.of(
                        "venv-constraints-pip",
                        Fixtures.venvConstraints(),
                        defaults.withInstaller(Installer.PIP)),
                Arguments.of("venv-private-indexes", Fixtures.venvPrivateIndexes(), defaults),
                Arguments.of("venv-git-ssh", Fixtures.venvGitSsh(), defaults),
                Arguments.of("conda-git-ssh", Fixtures.condaGitSsh(), defaults),
                Arguments.of(
                        "venv-private-indexes-pip",
                        Fixtures.venvPrivateIndexes(),
                        defaults.withInstaller(Installer.PIP)),
                Arguments.of("conda-private-indexes", Fixtures.condaPrivateIndexes(), defaults),
                Arguments.of("venv-mirror-ca", Fixtures.venvWithPip(), mirrorAndCa),
                Arguments.of(
                        "venv-mirror-ca-pip",
                        Fixtures.venvWithPip(),
                        mirrorAndCa.withInstaller(Installer.PIP)),
                Arguments.of("conda-mirror-ca", Fixtures.condaFull(), mirrorAndCa),
                Arguments.of("conda-lock", Fixtures.condaLock(), defaults),
                Arguments.of("conda-private-channel", Fixtures.condaPrivateChannel(), defaults));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void contextMatchesGoldenFiles(
            String name, ResolvedEnvironment environment, BuildContextOptions options)
            throws IOException {
        BuildContext context =
                new BuildContextGenerator(options).generate(environment, Fixtures.HASH);
        Map<String, String> expected = new LinkedHashMap<>();
        context.files().forEach((file, content) -> expected.put(name + "." + file, content));
        expected.put(
                name + ".build-args",
                context.buildArgs().entrySet().stream()
                        .map(arg -> arg.getKey() + "=" + arg.getValue() + "\n")
                        .collect(Collectors.joining()));

        if (UPDATE) {
            Files.createDirectories(GOLDEN);
            for (String stale : goldenFilesOf(name)) {
                Files.delete(GOLDEN.resolve(stale));
            }
            for (Map.Entry<String, String> file : expected.entrySet()) {
                Files.writeString(
                        GOLDEN.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
            }
        }

        assertThat(goldenFilesOf(name)).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (Map.Entry<String, String> file : expected.entrySet()) {
            assertThat(file.getValue())
                    .as(file.getKey())
                    .isEqualTo(
                            Files.readString(
                                    GOLDEN.resolve(file.getKey()), StandardCharsets.UTF_8));
        }
    }

    private static Set<String> goldenFilesOf(String name) throws IOException {
        if (!Files.isDirectory(GOLDEN)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.list(GOLDEN)) {
            return files.map(path -> path.getFileName().toString())
                    .filter(file -> file.startsWith(name + "."))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
