package dev.terrarium.buildcontext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.terrarium.api.BakedEnvVar;
import dev.terrarium.api.BuildStrategy;
import dev.terrarium.api.Manager;
import dev.terrarium.api.ResolvedEnvironment;
import dev.terrarium.builder.BuildRequest;
import dev.terrarium.builder.BuilderPod;
import dev.terrarium.builder.BuilderPodSpec;
import io.fabric8.kubernetes.api.model.Container;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Generated hostile strings in every user-controlled field. Each string carries a unique nonce; the
 * Dockerfile and the builders' shell scripts must contain no nonce at all, the environment files
 * must read back to exactly the input lists, and the build arguments must carry the values
 * unchanged. A seed per case keeps failures reproducible.
 */
class HostileInputPropertyTest {

    private static final int CASES = 300;
    private static final String NONCE = "ZqX";
    private static final String[] FRAGMENTS = {
        "'",
        "\"",
        "$(touch /tmp/pwned)",
        "`id`",
        ";",
        "&&",
        "||",
        "|",
        "\\",
        "\\n",
        "${HOME}",
        "$HOME",
        "$((1+1))",
        "#",
        " #",
        "%s",
        "%n",
        "--",
        "-",
        ":",
        ": ",
        "- ",
        "{",
        "}",
        "[",
        "]",
        "*",
        "!",
        "&anchor",
        "*alias",
        "?",
        ",",
        "=",
        "\t",
        " ",
        "é",
        "日本語",
        "🐍",
        "\u202e",
        "\u200b",
        "\u00a0",
        "\u2028",
        "\u0085",
        "\r\n",
        "\n",
        "\nRUN id",
        "null",
        "~",
        "true",
        "0x1F",
        "1e3",
        "@",
        "terrarium-lock",
        "EOF",
        "<<EOF",
        ">",
        "<",
        "\u0007",
        "'\"'",
        "\\\"",
        "${TERRARIUM_ENV_0}",
        "%",
        "!!binary",
        "---",
        "...",
    };
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void hostileValuesNeverReachTheDockerfileOrAShellScriptAndRoundTripThroughTheContext()
            throws Exception {
        int acceptedPip = 0;
        for (int seed = 0; seed < CASES; seed++) {
            Random random = new Random(seed);
            Nonces nonces = new Nonces(seed);
            List<String> channels =
                    List.of(hostile(random, nonces, s -> true), hostile(random, nonces, s -> true));
            List<String> packages =
                    List.of(
                            hostile(random, nonces, s -> true),
                            hostile(random, nonces, s -> true),
                            hostile(random, nonces, s -> true));
            List<String> pip =
                    List.of(
                            hostile(random, nonces, HostileInputPropertyTest::isRequirementLine),
                            hostile(random, nonces, HostileInputPropertyTest::isRequirementLine));
            String baseImage =
                    hostile(random, nonces, s -> s.chars().noneMatch(Character::isWhitespace));
            List<BakedEnvVar> env =
                    List.of(
                            new BakedEnvVar("FIRST", hostile(random, nonces, s -> true)),
                            new BakedEnvVar("SECOND", hostile(random, nonces, s -> true)));
            acceptedPip += pip.size();

            for (Manager manager : Manager.values()) {
                ResolvedEnvironment environment = Fixtures.environment(manager, "3.12", baseImage);
                if (manager == Manager.CONDA) {
                    environment.setChannels(channels);
                    environment.setPackages(packages);
                }
                environment.setPip(pip);
                environment.setSystem(List.of("curl"));
                environment.setEnv(env);
                for (BuildContextOptions options :
                        List.of(
                                BuildContextOptions.defaults(),
                                BuildContextOptions.defaults().withInstaller(Installer.PIP))) {
                    BuildContext context =
                            new BuildContextGenerator(options).generate(environment, Fixtures.HASH);
                    String where = "seed " + seed + ", " + manager + ", " + options;

                    assertThat(context.dockerfile()).as(where).doesNotContain(NONCE);
                    assertThat(context.dockerfile())
                            .as(where)
                            .isEqualTo(
                                    new BuildContextGenerator(options)
                                            .generate(benign(environment), Fixtures.HASH)
                                            .dockerfile());
                    Map<String, String> buildArgs = new java.util.LinkedHashMap<>();
                    buildArgs.put("TERRARIUM_BASE_IMAGE", baseImage);
                    if (manager == Manager.CONDA) {
                        buildArgs.put("TERRARIUM_CONDA_IMAGE", options.condaImage());
                    }
                    buildArgs.put("TERRARIUM_PYTHON", "3.12");
                    buildArgs.put("TERRARIUM_ENV_0", env.get(0).getValue());
                    buildArgs.put("TERRARIUM_ENV_1", env.get(1).getValue());
                    assertThat(context.buildArgs()).as(where).containsExactlyEntriesOf(buildArgs);
                    if (manager == Manager.CONDA) {
                        JsonNode request =
                                JSON.readTree(context.files().get(BuildContext.CONDA_REQUEST));
                        List<String> specs = new ArrayList<>(List.of("python=3.12"));
                        specs.addAll(packages);
                        assertThat(strings(request.get("channels").findValues("name")))
                                .as(where)
                                .isEqualTo(channels);
                        assertThat(strings(request.get("specs"))).as(where).isEqualTo(specs);
                        assertThat(strings(request.get("pip"))).as(where).isEqualTo(pip);
                        assertThat(request.get("specHash").asText())
                                .as(where)
                                .isEqualTo(Fixtures.HASH);
                    } else {
                        assertThat(
                                        pythonSplitLines(
                                                context.files().get(BuildContext.REQUIREMENTS_TXT)))
                                .as(where)
                                .isEqualTo(pip);
                    }
                    for (BuildStrategy strategy : BuildStrategy.values()) {
                        assertBuilderCarriesArgumentsVerbatim(strategy, context, where);
                    }
                }
            }
        }
        assertThat(acceptedPip).isEqualTo(2 * CASES);
    }

    @Test
    void hostileOsPackageNamesAndVariableNamesAreRefused() {
        BuildContextGenerator generator = new BuildContextGenerator(BuildContextOptions.defaults());
        for (int seed = 0; seed < CASES; seed++) {
            Random random = new Random(seed);
            String hostile = hostile(random, new Nonces(seed), s -> true);

            ResolvedEnvironment withSystem = Fixtures.venvMinimal();
            withSystem.setSystem(List.of("curl", hostile));
            assertThatThrownBy(() -> generator.generate(withSystem, Fixtures.HASH))
                    .as("seed " + seed)
                    .isInstanceOf(IllegalArgumentException.class);

            ResolvedEnvironment withVariable = Fixtures.venvMinimal();
            withVariable.setEnv(List.of(new BakedEnvVar("OK_" + seed + hostile, "x")));
            assertThatThrownBy(() -> generator.generate(withVariable, Fixtures.HASH))
                    .as("seed " + seed)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void hostileRequirementsAreEitherRefusedOrWrittenAsExactlyOneLine() {
        BuildContextGenerator generator = new BuildContextGenerator(BuildContextOptions.defaults());
        int refused = 0;
        for (int seed = 0; seed < CASES; seed++) {
            String requirement = hostile(new Random(seed), new Nonces(seed), s -> true);
            ResolvedEnvironment environment = Fixtures.venvMinimal();
            environment.setPip(List.of("numpy", requirement));
            try {
                String file =
                        generator
                                .generate(environment, Fixtures.HASH)
                                .files()
                                .get(BuildContext.REQUIREMENTS_TXT);
                assertThat(pythonSplitLines(file))
                        .as("seed " + seed)
                        .containsExactly("numpy", requirement);
                assertThat(isRequirementLine(requirement)).as("seed " + seed).isTrue();
            } catch (IllegalArgumentException e) {
                refused++;
                assertThat(isRequirementLine(requirement)).as("seed " + seed).isFalse();
            }
        }
        assertThat(refused).isBetween(1, CASES - 1);
    }

    private static void assertBuilderCarriesArgumentsVerbatim(
            BuildStrategy strategy, BuildContext context, String where) {
        BuildRequest request =
                BuildRequest.of(
                                "registry.example.com/terrarium/builder:1",
                                "registry.example.com/team/env:" + Fixtures.HASH,
                                "ctx",
                                context)
                        .withPushSecret("push");
        BuilderPod pod = BuilderPodSpec.forStrategy(strategy).pod(request);
        for (Container step : List.of(pod.build(), pod.push())) {
            for (String commandPart : step.getCommand()) {
                assertThat(commandPart).as(where + ", " + strategy).doesNotContain(NONCE);
            }
        }
        Container container = pod.build();
        context.buildArgs()
                .forEach(
                        (name, value) -> {
                            assertThat(container.getArgs())
                                    .as(where + ", " + strategy)
                                    .contains(name + "=" + value);
                        });
    }

    /** Python's str.splitlines, which pip uses to read a requirements file. */
    private static List<String> pythonSplitLines(String text) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ("\n\r\u000b\u000c\u001c\u001d\u001e\u0085\u2028\u2029".indexOf(c) >= 0) {
                lines.add(line.toString());
                line.setLength(0);
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
            } else {
                line.append(c);
            }
        }
        if (!line.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }

    private static boolean isRequirementLine(String requirement) {
        try {
            InputRules.requirementLine("pip", requirement);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Two to six fragments around a nonce, drawn until {@code acceptable}. */
    private static String hostile(Random random, Nonces nonces, Predicate<String> acceptable) {
        while (true) {
            StringBuilder value = new StringBuilder();
            int fragments = 2 + random.nextInt(5);
            int noncePosition = random.nextInt(fragments);
            for (int i = 0; i < fragments; i++) {
                if (i == noncePosition) {
                    value.append(nonces.next());
                }
                value.append(FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
            }
            String candidate = value.toString();
            if (!candidate.isBlank() && acceptable.test(candidate)) {
                return candidate;
            }
        }
    }

    /** The same environment with every user value replaced by a plain word of the same role. */
    private static ResolvedEnvironment benign(ResolvedEnvironment hostile) {
        ResolvedEnvironment environment =
                Fixtures.environment(hostile.getManager(), hostile.getPython(), "base:1");
        environment.setChannels(hostile.getChannels().stream().map(c -> "channel").toList());
        environment.setPackages(hostile.getPackages().stream().map(p -> "package").toList());
        environment.setPip(hostile.getPip().stream().map(p -> "requirement").toList());
        environment.setSystem(hostile.getSystem());
        environment.setEnv(
                hostile.getEnv().stream().map(v -> new BakedEnvVar(v.getName(), "value")).toList());
        return environment;
    }

    private static final class Nonces {
        private final int seed;
        private int count;

        Nonces(int seed) {
            this.seed = seed;
        }

        String next() {
            return NONCE + seed + "n" + count++;
        }
    }

    private static List<String> strings(Iterable<JsonNode> nodes) {
        List<String> values = new ArrayList<>();
        nodes.forEach(node -> values.add(node.asText()));
        return values;
    }
}
