package dev.terrarium.requirements;

import static dev.terrarium.requirements.Specs.DEFAULTS;
import static dev.terrarium.requirements.Specs.baseImage;
import static dev.terrarium.requirements.Specs.channels;
import static dev.terrarium.requirements.Specs.env;
import static dev.terrarium.requirements.Specs.environmentYml;
import static dev.terrarium.requirements.Specs.fromConfigMap;
import static dev.terrarium.requirements.Specs.manager;
import static dev.terrarium.requirements.Specs.packages;
import static dev.terrarium.requirements.Specs.pip;
import static dev.terrarium.requirements.Specs.python;
import static dev.terrarium.requirements.Specs.requirementsTxt;
import static dev.terrarium.requirements.Specs.spec;
import static dev.terrarium.requirements.Specs.system;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.terrarium.api.BuildStrategy;
import dev.terrarium.api.EnvironmentSpec;
import dev.terrarium.api.Manager;
import dev.terrarium.api.ResolvedEnvironment;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecHasherTest {

    private static final String BUILDER = "ghcr.io/terrarium-dev/terrarium-builder:0.1.0";
    private static final String ENVIRONMENT_YML =
            """
            name: whatever
            channels:
              - conda-forge
            dependencies:
              - python=3.12
              - NumPy==1.26.4
              - pandas
              - pip:
                  - Requests>=2.31
            """;

    private final EnvironmentNormalizer normalizer = new EnvironmentNormalizer();
    private final SpecHasher hasher = new SpecHasher();

    /**
     * One conda environment: python 3.12, numpy 1.26.4, any pandas, requests >=2.31 with pip, and
     * one variable.
     */
    private Map<String, Object[]> condaSpellings() {
        Map<String, Object[]> spellings = new LinkedHashMap<>();
        spellings.put(
                "fields",
                new Object[] {
                    spec(
                            python("3.12"),
                            packages("numpy==1.26.4", "pandas"),
                            pip("requests>=2.31"),
                            env("MODE", "fast")),
                    null
                });
        spellings.put(
                "order and case",
                new Object[] {
                    spec(
                            python("3.12"),
                            packages("Pandas", "NumPy==1.26.4"),
                            pip("Requests>=2.31"),
                            env("MODE", "fast")),
                    null
                });
        spellings.put(
                "spacing",
                new Object[] {
                    spec(
                            python("3.12"),
                            packages("  numpy == 1.26.4 ", "pandas "),
                            pip(" requests >= 2.31 "),
                            env("MODE", "fast")),
                    null
                });
        spellings.put(
                "duplicates",
                new Object[] {
                    spec(
                            python("3.12"),
                            packages("numpy==1.26.4", "pandas", "numpy 1.26.4", "pandas", "numpy"),
                            pip("requests>=2.31", "requests", "requests (>=2.31)"),
                            env("MODE", "fast", "MODE", "fast")),
                    null
                });
        spellings.put(
                "equivalent version forms",
                new Object[] {
                    spec(
                            python("3.12"),
                            packages("numpy[version='==1.26.4']", "pandas *"),
                            pip("requests >= v02.31"),
                            env("MODE", "fast")),
                    null
                });
        spellings.put(
                "python defaulted",
                new Object[] {
                    spec(
                            packages("numpy==1.26.4", "pandas"),
                            pip("requests>=2.31"),
                            env("MODE", "fast")),
                    null
                });
        spellings.put(
                "python as a package",
                new Object[] {
                    spec(
                            packages("python=3.12", "numpy==1.26.4", "pandas"),
                            pip("requests>=2.31"),
                            env("MODE", "fast")),
                    null
                });
        spellings.put(
                "python as a fuzzy package",
                new Object[] {
                    spec(
                            packages("numpy==1.26.4", "python 3.12.*", "pandas"),
                            pip("requests>=2.31"),
                            env("MODE", "fast")),
                    null
                });
        spellings.put(
                "explicit defaults",
                new Object[] {
                    spec(
                            manager(Manager.CONDA),
                            python("3.12"),
                            channels("conda-forge", "conda-forge"),
                            packages("numpy==1.26.4", "pandas", "pip"),
                            pip("requests>=2.31"),
                            baseImage("mambaorg/micromamba:2.0.5"),
                            env("MODE", "fast")),
                    null
                });
        spellings.put(
                "environment.yml",
                new Object[] {spec(environmentYml(ENVIRONMENT_YML), env("MODE", "fast")), null});
        spellings.put(
                "environment.yml in a ConfigMap",
                new Object[] {
                    spec(fromConfigMap("deps", "environment.yml"), env("MODE", "fast")),
                    ENVIRONMENT_YML
                });
        return spellings;
    }

    /** One venv environment: python 3.11, flask >=3 and numpy 1.26.4 with pip. */
    private Map<String, Object[]> venvSpellings() {
        Map<String, Object[]> spellings = new LinkedHashMap<>();
        spellings.put(
                "fields",
                new Object[] {spec(python("3.11"), pip("flask>=3", "numpy==1.26.4")), null});
        spellings.put(
                "explicit manager and base image",
                new Object[] {
                    spec(
                            manager(Manager.VENV),
                            python("3.11"),
                            pip("numpy == 1.26.4", "Flask >= 3"),
                            baseImage("python:3.11-slim")),
                    null
                });
        spellings.put(
                "requirements.txt",
                new Object[] {
                    spec(
                            python("3.11"),
                            requirementsTxt(
                                    """
                # app
                Flask>=3   # web
                numpy==\\
                1.26.4
                """)),
                    null
                });
        spellings.put(
                "requirements.txt in a ConfigMap",
                new Object[] {
                    spec(python("3.11"), fromConfigMap("deps", "requirements.txt")),
                    "numpy==1.26.4\nflask>=3\n"
                });
        return spellings;
    }

    @Test
    void oneMeaningInManySpellingsGivesOneEnvironmentAndOneHash() {
        for (Map<String, Object[]> spellings : List.of(condaSpellings(), venvSpellings())) {
            ResolvedEnvironment first = null;
            String firstJson = null;
            String firstHash = null;
            for (Map.Entry<String, Object[]> spelling : spellings.entrySet()) {
                ResolvedEnvironment env =
                        resolve(
                                (EnvironmentSpec) spelling.getValue()[0],
                                (String) spelling.getValue()[1]);
                String hash = hasher.hash(env, BuildStrategy.BUILDAH, BUILDER);
                if (first == null) {
                    first = env;
                    firstJson = json(env);
                    firstHash = hash;
                    continue;
                }
                assertThat(env).as(spelling.getKey()).usingRecursiveComparison().isEqualTo(first);
                assertThat(json(env)).as(spelling.getKey()).isEqualTo(firstJson);
                assertThat(hash).as(spelling.getKey()).isEqualTo(firstHash);
            }
        }
        assertThat(condaSpellings().size() + venvSpellings().size()).isGreaterThanOrEqualTo(10);
    }

    @Test
    void everyRealChangeGivesAnotherHash() {
        Map<String, String> hashes = new LinkedHashMap<>();
        hashes.put(
                "base",
                hash(
                        spec(
                                python("3.12"),
                                channels("conda-forge", "bioconda"),
                                packages("numpy==1.26.4", "samtools"),
                                pip("requests>=2.31"),
                                env("MODE", "fast"))));
        hashes.put(
                "a version",
                hash(
                        spec(
                                python("3.12"),
                                channels("conda-forge", "bioconda"),
                                packages("numpy==1.26.3", "samtools"),
                                pip("requests>=2.31"),
                                env("MODE", "fast"))));
        hashes.put(
                "a package",
                hash(
                        spec(
                                python("3.12"),
                                channels("conda-forge", "bioconda"),
                                packages("numpy==1.26.4", "samtools", "scipy"),
                                pip("requests>=2.31"),
                                env("MODE", "fast"))));
        hashes.put(
                "a pip requirement",
                hash(
                        spec(
                                python("3.12"),
                                channels("conda-forge", "bioconda"),
                                packages("numpy==1.26.4", "samtools"),
                                pip("requests>=2.31; os_name == \"posix\""),
                                env("MODE", "fast"))));
        hashes.put(
                "the channel order",
                hash(
                        spec(
                                python("3.12"),
                                channels("bioconda", "conda-forge"),
                                packages("numpy==1.26.4", "samtools"),
                                pip("requests>=2.31"),
                                env("MODE", "fast"))));
        hashes.put(
                "python",
                hash(
                        spec(
                                python("3.11"),
                                channels("conda-forge", "bioconda"),
                                packages("numpy==1.26.4", "samtools"),
                                pip("requests>=2.31"),
                                env("MODE", "fast"))));
        hashes.put(
                "the python patch version",
                hash(
                        spec(
                                python("3.12.4"),
                                channels("conda-forge", "bioconda"),
                                packages("numpy==1.26.4", "samtools"),
                                pip("requests>=2.31"),
                                env("MODE", "fast"))));
        hashes.put(
                "the base image",
                hash(
                        spec(
                                python("3.12"),
                                channels("conda-forge", "bioconda"),
                                packages("numpy==1.26.4", "samtools"),
                                pip("requests>=2.31"),
                                env("MODE", "fast"),
                                baseImage("mambaorg/micromamba:2.0.6"))));
        hashes.put(
                "an env value",
                hash(
                        spec(
                                python("3.12"),
                                channels("conda-forge", "bioconda"),
                                packages("numpy==1.26.4", "samtools"),
                                pip("requests>=2.31"),
                                env("MODE", "slow"))));
        hashes.put(
                "a system package",
                hash(
                        spec(
                                python("3.12"),
                                channels("conda-forge", "bioconda"),
                                packages("numpy==1.26.4", "samtools"),
                                pip("requests>=2.31"),
                                env("MODE", "fast"),
                                system("curl"))));
        hashes.put(
                "a build string",
                hash(
                        spec(
                                python("3.12"),
                                channels("conda-forge", "bioconda"),
                                packages("numpy==1.26.4=py312_0", "samtools"),
                                pip("requests>=2.31"),
                                env("MODE", "fast"))));

        ResolvedEnvironment base =
                resolve(
                        spec(
                                python("3.12"),
                                channels("conda-forge", "bioconda"),
                                packages("numpy==1.26.4", "samtools"),
                                pip("requests>=2.31"),
                                env("MODE", "fast")),
                        null);
        hashes.put(
                "the builder image",
                hasher.hash(
                        base,
                        BuildStrategy.BUILDAH,
                        "ghcr.io/terrarium-dev/terrarium-builder:0.2.0"));
        hashes.put(
                "the generator",
                new SpecHasher("terrarium-build/other").hash(base, BuildStrategy.BUILDAH, BUILDER));

        assertThat(hashes.get("base"))
                .isEqualTo(
                        hash(
                                spec(
                                        python("3.12"),
                                        channels("conda-forge", "bioconda"),
                                        packages("samtools", "numpy==1.26.4"),
                                        pip("requests>=2.31"),
                                        env("MODE", "fast"))));
        assertThat(hashes.values()).as(hashes.toString()).doesNotHaveDuplicates();
        assertThat(hashes.values()).allSatisfy(h -> assertThat(h).matches("[0-9a-f]{64}"));
    }

    @Test
    void hashesCanonicalJsonWithSortedKeysAndNoWhitespace() {
        ResolvedEnvironment env =
                resolve(spec(python("3.12"), pip("flask"), env("B", "2", "A", "1")), null);
        assertThat(hasher.canonicalJson(env, BuildStrategy.BUILDAH, BUILDER))
                .isEqualTo(
                        "{\"builder\":\"buildah@ghcr.io/terrarium-dev/terrarium-builder:0.1.0\",\"environment\":{\"baseImage\":"
                                + "\"python:3.12-slim\",\"channels\":[],\"env\":[{\"name\":\"A\",\"value\":\"1\"},{\"name\":"
                                + "\"B\",\"value\":\"2\"}],\"manager\":\"venv\",\"packages\":[],\"pip\":[\"flask\"],"
                                + "\"python\":\"3.12\",\"system\":[]},\"generator\":\"terrarium-build/4\"}");
        assertThat(hasher.hash(env, BuildStrategy.BUILDAH, BUILDER))
                .isEqualTo(sha256(hasher.canonicalJson(env, BuildStrategy.BUILDAH, BUILDER)));
    }

    private String hash(EnvironmentSpec spec) {
        return hasher.hash(resolve(spec, null), BuildStrategy.BUILDAH, BUILDER);
    }

    private ResolvedEnvironment resolve(EnvironmentSpec spec, String configMapContent) {
        NormalizationResult result =
                normalizer.normalize(spec, Specs.configMap(spec, configMapContent), DEFAULTS);
        assertThat(result.violations()).isEmpty();
        return result.environment();
    }

    private static String json(ResolvedEnvironment env) {
        try {
            return new ObjectMapper().writeValueAsString(env);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
