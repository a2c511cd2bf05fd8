package dev.terrarium.requirements;

import static dev.terrarium.requirements.Specs.DEFAULTS;
import static dev.terrarium.requirements.Specs.environmentYml;
import static dev.terrarium.requirements.Specs.packages;
import static dev.terrarium.requirements.Specs.pip;
import static dev.terrarium.requirements.Specs.requirementsTxt;
import static dev.terrarium.requirements.Specs.spec;
import static dev.terrarium.requirements.Specs.system;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Bad input must be refused, never crash the operator: parsers throw nothing but {@link
 * SpecSyntaxException}, and normalisation returns violations instead of throwing. Checked on
 * strings mutated at random (seeded) from valid ones.
 */
class MalformedInputTest {

    private static final int ROUNDS = 3000;
    private static final String ALPHABET =
            " \t\n=<>!~,|*.[]()'\":;/@#$`\\-_+0123456789abcdefpyXY\u00e9";
    private static final List<String> CONDA =
            List.of(
                    "numpy",
                    "numpy==1.26.4",
                    "numpy >=1.26,<2",
                    "conda-forge/linux-64::numpy=1.26=py312_0",
                    "numpy[version='>=1.26',build=py*]",
                    "python 3.12.*|3.11.*",
                    "numpy 1!2.0 py312_0",
                    "numpy ~=1.26.2");
    private static final List<String> SYSTEM =
            List.of("curl", "git=1:2.39.2-1", "libssl3=3.0.11-1~deb12u2");
    private static final String YML =
            """
            name: ds
            channels: [conda-forge]
            dependencies:
              - python=3.12
              - numpy>=1.26
              - pip:
                  - requests[socks]>=2.31; python_version >= "3.8"
            """;
    private static final String TXT =
            "# deps\nrequests>=2.31  # web\nnumpy==1.26.*\\\n ; os_name == 'posix'\n-r x\n";

    private final Random random = new Random(0x7e77a);

    @Test
    void condaSpecsAndSystemPackagesFailOnlyWithSyntaxErrors() {
        for (int i = 0; i < ROUNDS; i++) {
            parses(mutate(CONDA.get(random.nextInt(CONDA.size()))), CondaMatchSpec::parse);
            parses(mutate(SYSTEM.get(random.nextInt(SYSTEM.size()))), SystemPackage::parse);
        }
    }

    @Test
    void normalisationReportsViolationsInsteadOfThrowing() {
        for (int i = 0; i < ROUNDS / 10; i++) {
            NormalizationResult yml =
                    new EnvironmentNormalizer()
                            .normalize(spec(environmentYml(mutate(YML))), null, DEFAULTS);
            NormalizationResult txt =
                    new EnvironmentNormalizer()
                            .normalize(spec(requirementsTxt(mutate(TXT))), null, DEFAULTS);
            NormalizationResult fields =
                    new EnvironmentNormalizer()
                            .normalize(
                                    spec(
                                            packages(
                                                    mutate(CONDA.get(random.nextInt(CONDA.size()))),
                                                    "python " + mutate("3.12.*")),
                                            pip(
                                                    mutate(
                                                            "requests[socks]>=2.31; python_version >= \"3.8\"")),
                                            system(mutate("curl=7.88"))),
                                    null,
                                    DEFAULTS);
            for (NormalizationResult result : List.of(yml, txt, fields)) {
                assertThat(result.isResolved() || !result.violations().isEmpty()).isTrue();
                result.violations()
                        .forEach(
                                v ->
                                        assertThat(v.message())
                                                .startsWith(v.field())
                                                .doesNotContain("\n"));
            }
        }
    }

    private static void parses(String text, Consumer<String> parser) {
        try {
            parser.accept(text);
        } catch (SpecSyntaxException e) {
            assertThat(e.column()).as(Violation.quote(text)).isBetween(1, text.length() + 1);
        }
    }

    private String mutate(String text) {
        StringBuilder out = new StringBuilder(text);
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            int at = random.nextInt(out.length() + 1);
            switch (random.nextInt(3)) {
                case 0 -> out.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                case 1 -> {
                    if (at < out.length()) {
                        out.deleteCharAt(at);
                    }
                }
                default -> {
                    if (at + 1 < out.length()) {
                        char c = out.charAt(at);
                        out.setCharAt(at, out.charAt(at + 1));
                        out.setCharAt(at + 1, c);
                    }
                }
            }
        }
        return out.toString();
    }
}
