package dev.terrarium.resolution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.BuildOptions;
import dev.terrarium.api.BuildStrategy;
import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentOutput;
import dev.terrarium.api.EnvironmentSpec;
import dev.terrarium.operator.TerrariumConfig;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnvironmentResolutionTest {

    static final TerrariumConfig CONFIG = new TerrariumConfig() {
        @Override
        public Registry registry() {
            return new Registry() {
                @Override
                public String defaultRepository() {
                    return "127.0.0.1:5001/terrarium/environments";
                }

                @Override
                public List<String> insecure() {
                    return List.of("127.0.0.1");
                }
            };
        }

        @Override
        public Builds builds() {
            return new Builds() {
                @Override
                public int maxConcurrent() {
                    return 10;
                }

                @Override
                public int maxPerNamespace() {
                    return 3;
                }

                @Override
                public String defaultStrategy() {
                    return "buildkit";
                }

                @Override
                public String defaultTimeout() {
                    return "30m";
                }

                @Override
                public BuilderImages images() {
                    return new BuilderImages() {
                        @Override
                        public String buildkit() {
                            return "moby/buildkit:v0.19.0-rootless";
                        }

                        @Override
                        public String kaniko() {
                            return "gcr.io/kaniko-project/executor:v1.23.2";
                        }

                        @Override
                        public String buildah() {
                            return "quay.io/buildah/stable:v1.38.0";
                        }
                    };
                }

                @Override
                public String uvVersion() {
                    return "0.13.8";
                }

                @Override
                public Optional<List<String>> nodeSelector() {
                    return Optional.of(List.of("pool=builds"));
                }
            };
        }

        @Override
        public BaseImages baseImages() {
            return new BaseImages() {
                @Override
                public String conda() {
                    return "mambaorg/micromamba:2.0.5";
                }

                @Override
                public String venv() {
                    return "python:{python}-slim";
                }
            };
        }

        @Override
        public LeaderElection leaderElection() {
            return Optional::empty;
        }

        @Override
        public String defaultPython() {
            return "3.12";
        }
    };

    static Environment environment(String... pip) {
        EnvironmentSpec spec = new EnvironmentSpec();
        spec.setPip(List.of(pip));
        Environment environment = new Environment();
        environment.setMetadata(new ObjectMetaBuilder().withName("api").withNamespace("team").withGeneration(1L)
                .build());
        environment.setSpec(spec);
        return environment;
    }

    static EnvironmentResolution resolve(Environment environment) {
        return EnvironmentResolution.resolve(environment, null, CONFIG);
    }

    @Test
    void theCommonCaseIsNamedAfterTheHashAndBuildsWithTheOperatorsDefaults() {
        EnvironmentResolution resolution = resolve(environment("requests==2.32.3"));

        assertThat(resolution.valid()).isTrue();
        assertThat(resolution.buildName()).isEqualTo("api-" + resolution.specHash().substring(0, 10));
        assertThat(resolution.repository()).isEqualTo("127.0.0.1:5001/terrarium/environments");
        assertThat(resolution.build().getStrategy()).isEqualTo(BuildStrategy.BUILDKIT);
        assertThat(resolution.build().getTimeoutSeconds()).isEqualTo(1800L);
        assertThat(resolution.build().getInsecureRegistry()).isTrue();
        assertThat(resolution.build().getServiceAccountName()).isEqualTo("api-builder");
        assertThat(resolution.build().getNodeSelector()).isEqualTo(Map.of("pool", "builds"));
        assertThat(resolution.build().getUvVersion()).isEqualTo("0.13.8");
    }

    @Test
    void anotherTargetOrSecretIsAnotherBuildOfTheSameContent() {
        Environment plain = environment("requests==2.32.3");
        Environment elsewhere = environment("requests==2.32.3");
        EnvironmentOutput output = new EnvironmentOutput();
        output.setImage("registry.example.com/team/envs");
        output.setPushSecret("push");
        elsewhere.getSpec().setOutput(output);

        EnvironmentResolution first = resolve(plain);
        EnvironmentResolution second = resolve(elsewhere);

        assertThat(second.specHash()).isEqualTo(first.specHash());
        assertThat(second.buildName()).startsWith(first.buildName() + "-").isNotEqualTo(first.buildName());
        assertThat(second.repository()).isEqualTo("registry.example.com/team/envs");
        assertThat(second.build().getInsecureRegistry()).isFalse();
    }

    @Test
    void moreMemoryOrARebuildAnnotationIsAnotherBuildOfTheSameContent() {
        Environment plain = environment("requests==2.32.3");
        Environment roomier = environment("requests==2.32.3");
        BuildOptions options = new BuildOptions();
        options.setTimeout("1h");
        roomier.getSpec().setBuild(options);
        Environment rebuilt = environment("requests==2.32.3");
        rebuilt.getMetadata().setAnnotations(Map.of("terrarium.dev/rebuild", "2"));

        String name = resolve(plain).buildName();
        assertThat(resolve(roomier).buildName()).isNotEqualTo(name);
        assertThat(resolve(roomier).build().getTimeoutSeconds()).isEqualTo(3600L);
        assertThat(resolve(rebuilt).buildName()).isNotEqualTo(name).isNotEqualTo(resolve(roomier).buildName());
        assertThat(resolve(rebuilt).specHash()).isEqualTo(resolve(plain).specHash());
    }

    @Test
    void aChosenBuilderChangesTheContentHash() {
        Environment kaniko = environment("requests==2.32.3");
        BuildOptions options = new BuildOptions();
        options.setStrategy(BuildStrategy.KANIKO);
        kaniko.getSpec().setBuild(options);

        assertThat(resolve(kaniko).specHash()).isNotEqualTo(resolve(environment("requests==2.32.3")).specHash());
    }

    @Test
    void aMissingConfigMapSourceIsNotInvalidButNotBuildable() {
        Environment fromConfigMap = environment();
        fromConfigMap.getSpec().setPip(null);
        var source = new dev.terrarium.api.ConfigMapSource();
        source.setName("envs");
        source.setKey("requirements.txt");
        fromConfigMap.getSpec().setFromConfigMap(source);

        EnvironmentResolution missing = resolve(fromConfigMap);
        EnvironmentResolution present = EnvironmentResolution.resolve(fromConfigMap, "requests==2.32.3\n", CONFIG);

        assertThat(missing.valid()).isFalse();
        assertThat(missing.violations()).isEmpty();
        assertThat(missing.missingSource()).contains("envs", "requirements.txt");
        assertThat(present.valid()).isTrue();
        assertThat(present.specHash()).isEqualTo(resolve(environment("requests==2.32.3")).specHash());
    }

    @Test
    void anInvalidTimeoutNamesItsField() {
        Environment slow = environment("requests==2.32.3");
        BuildOptions options = new BuildOptions();
        options.setTimeout("0s");
        slow.getSpec().setBuild(options);

        assertThat(resolve(slow).violationMessage()).contains("spec.build.timeout", "0s");
    }
}
