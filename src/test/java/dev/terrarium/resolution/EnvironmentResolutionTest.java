package dev.terrarium.resolution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrarium.api.BuildOptions;
import dev.terrarium.api.BuildStrategy;
import dev.terrarium.api.ChannelAuthScheme;
import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentOutput;
import dev.terrarium.api.EnvironmentSpec;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildSpec;
import dev.terrarium.api.PipIndex;
import dev.terrarium.api.PipIndexes;
import dev.terrarium.buildcontext.BuildContext;
import dev.terrarium.builder.BuildJobs;
import dev.terrarium.builder.BuildPlacement;
import dev.terrarium.operator.TerrariumConfig;
import dev.terrarium.requirements.ChannelUrls;
import dev.terrarium.requirements.PipIndexRules;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnvironmentResolutionTest {

    static final String BUILDER_IMAGE = "127.0.0.1:5001/terrarium/builder:0.1.0";

    /**
     * What an Environment with an index Secret and a channel Secret was named when one list held
     * both: an upgrade must not rebuild what was built.
     */
    private static final String BUILD_NAME_OF_INDEX_AND_CHANNEL = "api-966d6a6c00-f3d94";

    static final TerrariumConfig CONFIG = config(BUILDER_IMAGE);

    /** The operator's settings with the given builder image. */
    static TerrariumConfig config(String builderImage) {
        return config(builderImage, null);
    }

    static TerrariumConfig config(String builderImage, String tolerations) {
        return config(builderImage, tolerations, NetworkSettings.NONE, null);
    }

    /** The network settings of builds, as the operator's configuration gives them (unchecked). */
    record NetworkSettings(
            String pipIndexUrl,
            String caBundle,
            String caBundleKey,
            String httpProxy,
            String httpsProxy,
            String noProxy) {
        static final NetworkSettings NONE =
                new NetworkSettings(null, null, "ca.crt", null, null, null);
    }

    static TerrariumConfig config(
            String builderImage,
            String tolerations,
            NetworkSettings network,
            String buildNamespace) {
        return new TerrariumConfig() {
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

                    @Override
                    public Optional<String> pushSecret() {
                        return Optional.empty();
                    }

                    @Override
                    public Optional<String> caFile() {
                        return Optional.empty();
                    }
                };
            }

            @Override
            public Builds builds() {
                return new Builds() {

                    @Override
                    public String serviceAccount() {
                        return "terrarium-builder";
                    }

                    @Override
                    public int maxConcurrent() {
                        return 10;
                    }

                    @Override
                    public int maxPerNamespace() {
                        return 3;
                    }

                    @Override
                    public String defaultTimeout() {
                        return "30m";
                    }

                    @Override
                    public Duration podStartTimeout() {
                        return Duration.ofMinutes(2);
                    }

                    @Override
                    public String image() {
                        return builderImage;
                    }

                    @Override
                    public String uvVersion() {
                        return "0.13.8";
                    }

                    @Override
                    public Optional<List<String>> nodeSelector() {
                        return Optional.of(List.of("pool=builds"));
                    }

                    @Override
                    public Optional<String> tolerations() {
                        return Optional.ofNullable(tolerations);
                    }

                    @Override
                    public Optional<String> pipIndexUrl() {
                        return Optional.ofNullable(network.pipIndexUrl());
                    }

                    @Override
                    public Optional<String> caBundle() {
                        return Optional.ofNullable(network.caBundle());
                    }

                    @Override
                    public String caBundleKey() {
                        return network.caBundleKey();
                    }

                    @Override
                    public Optional<String> httpProxy() {
                        return Optional.ofNullable(network.httpProxy());
                    }

                    @Override
                    public Optional<String> httpsProxy() {
                        return Optional.ofNullable(network.httpsProxy());
                    }

                    @Override
                    public Optional<String> noProxy() {
                        return Optional.ofNullable(network.noProxy());
                    }

                    @Override
                    public Optional<String> namespace() {
                        return Optional.ofNullable(buildNamespace);
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
            public Conda conda() {
                return new Conda() {
                    @Override
                    public String channelPriority() {
                        return "strict";
                    }

                    @Override
                    public Optional<String> channelAlias() {
                        return Optional.of("http://127.0.0.1:8080/");
                    }
                };
            }

            @Override
            public Isolation isolation() {
                return new Isolation() {
                    @Override
                    public String sandboxedRuntimeClass() {
                        return "gvisor";
                    }

                    @Override
                    public String vmRuntimeClass() {
                        return "kata";
                    }
                };
            }

            @Override
            public Records records() {
                return Optional::empty;
            }

            @Override
            public Signing signing() {
                return Optional::empty;
            }

            @Override
            public LeaderElection leaderElection() {
                return new LeaderElection() {
                    @Override
                    public Optional<String> namespace() {
                        return Optional.empty();
                    }

                    @Override
                    public String leaseName() {
                        return "terrarium-operator";
                    }
                };
            }

            @Override
            public String defaultPython() {
                return "3.12";
            }
        };
    }

    static Environment environment(String... pip) {
        EnvironmentSpec spec = new EnvironmentSpec();
        spec.setPip(List.of(pip));
        Environment environment = new Environment();
        environment.setMetadata(
                new ObjectMetaBuilder()
                        .withName("api")
                        .withNamespace("team")
                        .withGeneration(1L)
                        .build());
        environment.setSpec(spec);
        return environment;
    }

    @Test
    void condaBuildsRunTheirCondaStageInTheBuilderImageWithTheChannelSettings() {
        Environment condaEnvironment = environment();
        condaEnvironment.getSpec().setPip(null);
        condaEnvironment.getSpec().setPackages(List.of("numpy"));
        EnvironmentResolution conda = resolve(condaEnvironment);
        EnvironmentResolution venv = resolve(environment("requests==2.32.3"));

        assertThat(conda.build().getStrategy()).isEqualTo(BuildStrategy.BUILDAH);
        assertThat(conda.build().getCondaImage()).isEqualTo(BUILDER_IMAGE);
        assertThat(
                        EnvironmentResolution.resolve(
                                        condaEnvironment, null, config(BUILDER_IMAGE + "-other"))
                                .specHash())
                .as("the builder image is part of a conda build's hash")
                .isNotEqualTo(conda.specHash());
        assertThat(conda.build().getChannelPriority()).isEqualTo("strict");
        assertThat(conda.build().getChannelAlias()).isEqualTo("http://127.0.0.1:8080/");
        assertThat(venv.build().getCondaImage()).isNull();
        assertThat(venv.build().getChannelPriority()).isNull();

        ImageBuild build = new ImageBuild();
        ImageBuildSpec spec = new ImageBuildSpec();
        spec.setSpecHash(conda.specHash());
        spec.setResolved(conda.resolved());
        spec.setRepository(conda.repository());
        spec.setBuild(conda.build());
        build.setSpec(spec);
        build.setMetadata(new ObjectMetaBuilder().withName(conda.buildName()).build());
        BuildContext context =
                BuildJobs.prepared(build, BuildPlacement.tenantNamespaces()).context();
        assertThat(context.buildArgs())
                .containsEntry("TERRARIUM_CONDA_IMAGE", conda.build().getCondaImage());
        assertThat(context.files().get(BuildContext.CONDA_REQUEST))
                .contains("\"channelAlias\" : \"http://127.0.0.1:8080/\"")
                .contains("\"channelPriority\" : \"strict\"");
    }

    static EnvironmentResolution resolve(Environment environment) {
        return EnvironmentResolution.resolve(environment, null, CONFIG);
    }

    @Test
    void theCommonCaseIsNamedAfterTheHashAndBuildsWithTheOperatorsDefaults() {
        EnvironmentResolution resolution = resolve(environment("requests==2.32.3"));

        assertThat(resolution.valid()).isTrue();
        assertThat(resolution.buildName())
                .isEqualTo("api-" + resolution.specHash().substring(0, 10));
        assertThat(resolution.repository()).isEqualTo("127.0.0.1:5001/terrarium/environments");
        assertThat(resolution.build().getStrategy()).isEqualTo(BuildStrategy.BUILDAH);
        assertThat(resolution.build().getBuilderImage()).isEqualTo(BUILDER_IMAGE);
        assertThat(resolution.build().getTimeoutSeconds()).isEqualTo(1800L);
        assertThat(resolution.build().getInsecureRegistry()).isTrue();
        assertThat(resolution.build().getServiceAccountName()).isEqualTo("api-builder");
        assertThat(resolution.build().getNodeSelector()).isEqualTo(Map.of("pool", "builds"));
        assertThat(resolution.build().getUvVersion()).isEqualTo("0.13.8");
    }

    @Test
    void theOperatorsBuildTolerationsComeFirstThenTheEnvironmentsEachOnce() {
        Environment environment = environment("requests==2.32.3");
        BuildOptions options = new BuildOptions();
        options.setTolerations(
                List.of(
                        new TolerationBuilder()
                                .withKey("gpu")
                                .withOperator("Exists")
                                .withEffect("NoSchedule")
                                .build(),
                        new TolerationBuilder()
                                .withKey("pool")
                                .withOperator("Equal")
                                .withValue("builds")
                                .withEffect("NoSchedule")
                                .build()));
        environment.getSpec().setBuild(options);
        TerrariumConfig config =
                config(
                        BUILDER_IMAGE,
                        "[{\"key\":\"pool\",\"operator\":\"Equal\",\"value\":\"builds\",\"effect\":\"NoSchedule\"}]");

        EnvironmentResolution resolution = EnvironmentResolution.resolve(environment, null, config);

        assertThat(resolution.build().getTolerations())
                .extracting(Toleration::getKey)
                .containsExactly("pool", "gpu");
        assertThat(resolve(environment("requests==2.32.3")).build().getTolerations()).isNull();
        assertThatThrownBy(
                        () ->
                                EnvironmentResolution.resolve(
                                        environment("requests==2.32.3"),
                                        null,
                                        config(BUILDER_IMAGE, "{not json")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TERRARIUM_BUILDS_TOLERATIONS");
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
        assertThat(second.buildName())
                .startsWith(first.buildName() + "-")
                .isNotEqualTo(first.buildName());
        assertThat(second.repository()).isEqualTo("registry.example.com/team/envs");
        assertThat(second.build().getInsecureRegistry()).isFalse();
    }

    @Test
    void indexCredentialsPutTheNamespaceInTheHashAndTheSecretInTheBuildName() {
        Environment anonymous = withIndex(environment("private-lib==1.0"), null);
        Environment withSecret = withIndex(environment("private-lib==1.0"), "index-creds");
        Environment otherSecret = withIndex(environment("private-lib==1.0"), "other-creds");
        Environment otherNamespace = withIndex(environment("private-lib==1.0"), "index-creds");
        otherNamespace.getMetadata().setNamespace("elsewhere");

        EnvironmentResolution open = resolve(anonymous);
        EnvironmentResolution secret = resolve(withSecret);

        assertThat(open.resolved().getPipIndexes().getCredentialsNamespace()).isNull();
        assertThat(open.indexSecrets()).isEmpty();
        assertThat(secret.resolved().getPipIndexes().getCredentialsNamespace()).isEqualTo("team");
        assertThat(secret.indexSecrets())
                .containsExactly(
                        new PipIndexRules.IndexSecret(
                                "spec.pipIndexes.extraIndexUrls[0].secretName",
                                "https://private.example.com/simple/",
                                "index-creds"));
        assertThat(secret.specHash())
                .as("a private index's package is not shared across namespaces")
                .isNotEqualTo(open.specHash())
                .isNotEqualTo(resolve(otherNamespace).specHash())
                .as("the Secret's name is not content")
                .isEqualTo(resolve(otherSecret).specHash());
        assertThat(resolve(otherSecret).buildName())
                .as("an ImageBuild's spec is immutable: another Secret is another ImageBuild")
                .isNotEqualTo(secret.buildName());
    }

    @Test
    void channelCredentialsPutTheNamespaceInTheHashAndTheSecretBesideTheIndexSecrets() {
        Environment anonymous = withChannel(environment("private-lib==1.0"), null);
        Environment withSecret =
                withIndex(withChannel(environment("private-lib==1.0"), "channel-creds"), "idx");
        Environment otherNamespace = withChannel(environment("private-lib==1.0"), "channel-creds");
        otherNamespace.getMetadata().setNamespace("elsewhere");

        EnvironmentResolution open = resolve(anonymous);
        EnvironmentResolution secret = resolve(withSecret);

        assertThat(open.resolved().getChannelCredentialsNamespace()).isNull();
        assertThat(secret.resolved().getChannelCredentialsNamespace()).isEqualTo("team");
        assertThat(secret.indexSecrets())
                .containsExactly(
                        new PipIndexRules.IndexSecret(
                                "spec.pipIndexes.extraIndexUrls[0].secretName",
                                "https://private.example.com/simple/",
                                "idx"));
        assertThat(secret.channelSecrets())
                .containsExactly(
                        new ChannelUrls.ChannelSecret(
                                "spec.channelCredentials[0].secretName",
                                "https://conda.example.com/team",
                                "channel-creds",
                                ChannelAuthScheme.Basic));
        assertThat(secret.firstCredentialsField())
                .contains("spec.pipIndexes.extraIndexUrls[0].secretName");
        assertThat(secret.buildName())
                .as("the name an index and a channel with Secrets gave before they were kept apart")
                .isEqualTo(BUILD_NAME_OF_INDEX_AND_CHANNEL);
        assertThat(
                        resolve(withChannel(environment("private-lib==1.0"), "channel-creds"))
                                .specHash())
                .as("a private channel's package is not shared across namespaces")
                .isNotEqualTo(open.specHash())
                .isNotEqualTo(resolve(otherNamespace).specHash());
    }

    @Test
    void aTokenSchemeIsAnotherBuildOfTheSameContentAndBasicKeepsTheNameItHad() {
        EnvironmentResolution unset = resolve(withChannel(environment("private-lib==1.0"), "c"));
        Environment basic = withChannel(environment("private-lib==1.0"), "c");
        basic.getSpec().getChannelCredentials().get(0).setScheme(ChannelAuthScheme.Basic);
        Environment token = withChannel(environment("private-lib==1.0"), "c");
        token.getSpec().getChannelCredentials().get(0).setScheme(ChannelAuthScheme.CondaToken);

        assertThat(resolve(basic).buildName()).isEqualTo(unset.buildName());
        assertThat(resolve(token).specHash()).isEqualTo(unset.specHash());
        assertThat(resolve(token).buildName())
                .as("an ImageBuild's spec is immutable: a build with the wrong scheme is retried")
                .isNotEqualTo(unset.buildName());
        assertThat(resolve(token).indexSecrets()).isEmpty();
        assertThat(resolve(token).channelSecrets())
                .singleElement()
                .extracting(ChannelUrls.ChannelSecret::scheme)
                .isEqualTo(ChannelAuthScheme.CondaToken);
    }

    @Test
    void aGitSshReferenceNeedsItsKeyWhichPutsTheNamespaceInTheHashAndTheSecretInTheBuildName() {
        String ssh = "team-tools @ git+ssh://git@git.example.com/team/tools.git@v1.2";
        EnvironmentResolution keyless = resolve(environment(ssh));
        assertThat(keyless.valid()).isFalse();
        assertThat(keyless.violationMessage())
                .isEqualTo(
                        "spec.gitSshSecretName: is not set, and the pip requirement \""
                                + ssh
                                + "\" clones over SSH: name a Secret of this namespace with the "
                                + "keys ssh-privatekey and known_hosts");

        Environment keyed = environment(ssh);
        keyed.getSpec().setGitSshSecretName("deploy-key");
        Environment otherKey = environment(ssh);
        otherKey.getSpec().setGitSshSecretName("other-key");
        Environment otherNamespace = environment(ssh);
        otherNamespace.getSpec().setGitSshSecretName("deploy-key");
        otherNamespace.getMetadata().setNamespace("elsewhere");
        EnvironmentResolution resolution = resolve(keyed);
        assertThat(resolution.valid()).isTrue();
        assertThat(resolution.resolved().getGitSshKeyNamespace()).isEqualTo("team");
        assertThat(resolution.specHash())
                .as("code cloned with one namespace's key is not shared across namespaces")
                .isNotEqualTo(resolve(otherNamespace).specHash())
                .as("the Secret's name is not content")
                .isEqualTo(resolve(otherKey).specHash());
        assertThat(resolve(otherKey).buildName())
                .as("another Secret is another ImageBuild")
                .isNotEqualTo(resolution.buildName());

        Environment unused = environment("requests==2.32.3");
        unused.getSpec().setGitSshSecretName("deploy-key");
        assertThat(resolve(unused).resolved().getGitSshKeyNamespace())
                .as("a key without a git+ssh reference changes nothing")
                .isNull();
        assertThat(resolve(unused).buildName())
                .isEqualTo(resolve(environment("requests==2.32.3")).buildName());
    }

    private static Environment withChannel(Environment environment, String secretName) {
        environment.getSpec().setChannels(List.of("https://conda.example.com/team/"));
        environment.getSpec().setPackages(List.of("team-tools"));
        if (secretName != null) {
            environment
                    .getSpec()
                    .setChannelCredentials(
                            List.of(
                                    new dev.terrarium.api.ChannelCredentials(
                                            "https://conda.example.com/team", secretName)));
        }
        return environment;
    }

    private static Environment withIndex(Environment environment, String secretName) {
        PipIndexes indexes = new PipIndexes();
        indexes.setExtraIndexUrls(
                List.of(new PipIndex("https://private.example.com/simple/", secretName)));
        environment.getSpec().setPipIndexes(indexes);
        return environment;
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
        assertThat(resolve(rebuilt).buildName())
                .isNotEqualTo(name)
                .isNotEqualTo(resolve(roomier).buildName());
        assertThat(resolve(rebuilt).specHash()).isEqualTo(resolve(plain).specHash());
    }

    @Test
    void aRebuildValueLongerThanAnImageBuildHoldsIsRefusedNamingTheAnnotation() {
        Environment rebuilt = environment("requests==2.32.3");
        rebuilt.getMetadata().setAnnotations(Map.of("terrarium.dev/rebuild", "r".repeat(129)));
        Environment longest = environment("requests==2.32.3");
        longest.getMetadata().setAnnotations(Map.of("terrarium.dev/rebuild", "r".repeat(128)));

        EnvironmentResolution refused = resolve(rebuilt);
        assertThat(refused.valid()).isFalse();
        assertThat(refused.violations())
                .singleElement()
                .satisfies(
                        v -> {
                            assertThat(v.field())
                                    .isEqualTo("metadata.annotations[terrarium.dev/rebuild]");
                            assertThat(v.message()).contains("longer than 128 characters (129)");
                        });
        assertThat(resolve(longest).valid()).isTrue();
    }

    @Test
    void aRebuildOfAMovingReferenceIsANewHashForItsNamespaceOnly() {
        String moving = "git+https://github.com/example/peft.git";
        Environment plain = environment(moving);
        Environment rebuilt = environment(moving);
        rebuilt.getMetadata().setAnnotations(Map.of("terrarium.dev/rebuild", "2"));
        Environment rebuiltAgain = environment(moving);
        rebuiltAgain.getMetadata().setAnnotations(Map.of("terrarium.dev/rebuild", "3"));
        Environment elsewhere = environment(moving);
        elsewhere.getMetadata().setNamespace("elsewhere");
        elsewhere.getMetadata().setAnnotations(Map.of("terrarium.dev/rebuild", "2"));

        EnvironmentResolution first = resolve(plain);
        EnvironmentResolution second = resolve(rebuilt);
        assertThat(first.resolved().getRebuildOfMovingReferences())
                .as("no annotation: the hash is the one images were built under")
                .isNull();
        assertThat(second.resolved().getRebuildOfMovingReferences()).isEqualTo("team/2");
        assertThat(second.specHash())
                .isNotEqualTo(first.specHash())
                .isNotEqualTo(resolve(rebuiltAgain).specHash())
                .as("the same annotation in another namespace is that namespace's own build")
                .isNotEqualTo(resolve(elsewhere).specHash());
        assertThat(second.buildName()).startsWith("api-").isNotEqualTo(first.buildName());
        assertThat(second.specHash())
                .as("the same annotation value is the same build")
                .isEqualTo(resolve(rebuilt).specHash());
    }

    @Test
    void onlyAMovingReferenceWithARebuildValuePutsItInTheHash() {
        assertThat(EnvironmentResolution.rebuildOfMovingReferences(true, "team", "2"))
                .isEqualTo("team/2");
        assertThat(EnvironmentResolution.rebuildOfMovingReferences(true, "team", null)).isNull();
        assertThat(EnvironmentResolution.rebuildOfMovingReferences(true, "team", "")).isNull();
        assertThat(EnvironmentResolution.rebuildOfMovingReferences(false, "team", "2")).isNull();

        Environment pinned =
                environment(
                        "git+https://github.com/example/peft.git@"
                                + "0123456789abcdef0123456789abcdef01234567");
        Environment pinnedRebuilt =
                environment(
                        "git+https://github.com/example/peft.git@"
                                + "0123456789abcdef0123456789abcdef01234567");
        pinnedRebuilt.getMetadata().setAnnotations(Map.of("terrarium.dev/rebuild", "2"));
        assertThat(resolve(pinnedRebuilt).specHash())
                .as("a pinned commit cannot move: a rebuild only retries")
                .isEqualTo(resolve(pinned).specHash());
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
        EnvironmentResolution present =
                EnvironmentResolution.resolve(
                        fromConfigMap,
                        java.util.Map.of("requirements.txt", "requests==2.32.3\n"),
                        CONFIG);

        assertThat(missing.valid()).isFalse();
        assertThat(missing.violations()).isEmpty();
        assertThat(missing.missingSource()).contains("envs", "requirements.txt");
        assertThat(present.valid()).isTrue();
        assertThat(present.specHash())
                .isEqualTo(resolve(environment("requests==2.32.3")).specHash());
    }

    @Test
    void anInvalidTimeoutNamesItsField() {
        Environment slow = environment("requests==2.32.3");
        BuildOptions options = new BuildOptions();
        options.setTimeout("0s");
        slow.getSpec().setBuild(options);

        assertThat(resolve(slow).violationMessage()).contains("spec.build.timeout", "0s");
    }

    @Test
    void buildsRunTheConfiguredBuilderImageAndItIsPartOfTheContentHash() {
        Environment environment = environment("requests==2.32.3");
        String otherImage = "127.0.0.1:5001/terrarium/builder@sha256:" + "a".repeat(64);

        EnvironmentResolution resolution = resolve(environment);
        EnvironmentResolution withOtherImage =
                EnvironmentResolution.resolve(environment, null, config(otherImage));

        assertThat(resolution.build().getBuilderImage()).isEqualTo(BUILDER_IMAGE);
        assertThat(withOtherImage.build().getBuilderImage()).isEqualTo(otherImage);
        assertThat(withOtherImage.specHash()).isNotEqualTo(resolution.specHash());
    }

    @Test
    void theOperatorRefusesToStartWithABuilderImageThatIsNoImageReference() {
        assertThat(EnvironmentResolver.checked(CONFIG)).isSameAs(CONFIG);
        for (String invalid :
                List.of(
                        "",
                        "Builder:1.0",
                        "terrarium/builder:bad tag",
                        " terrarium/builder:1.0",
                        "terrarium/builder@sha256:short")) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> EnvironmentResolver.checked(config(invalid)))
                    .withMessageContaining("terrarium.builds.image (TERRARIUM_BUILDS_IMAGE)");
        }
    }

    private static final NetworkSettings NETWORK =
            new NetworkSettings(
                    "https://pypi-mirror.example.com/simple/",
                    "corporate-ca",
                    "ca.crt",
                    "http://proxy.example.com:3128",
                    "http://proxy.example.com:3128",
                    "localhost,.svc");

    @Test
    void theOperatorRefusesToStartWithNetworkSettingsNoBuildCouldUse() {
        TerrariumConfig usable = config(BUILDER_IMAGE, null, NETWORK, "terrarium-builds");
        assertThat(EnvironmentResolver.checked(usable)).isSameAs(usable);

        assertThatIllegalArgumentException()
                .isThrownBy(
                        () ->
                                EnvironmentResolver.checked(
                                        config(
                                                BUILDER_IMAGE,
                                                null,
                                                new NetworkSettings(
                                                        "http://pypi-mirror.example.com/simple/",
                                                        null,
                                                        "ca.crt",
                                                        null,
                                                        null,
                                                        null),
                                                "terrarium-builds")))
                .withMessageContaining(
                        "terrarium.builds.pip-index-url (TERRARIUM_BUILDS_PIP_INDEX_URL)")
                .withMessageContaining("https://");
        assertThatIllegalArgumentException()
                .isThrownBy(
                        () ->
                                EnvironmentResolver.checked(
                                        config(
                                                BUILDER_IMAGE,
                                                null,
                                                new NetworkSettings(
                                                        null,
                                                        null,
                                                        "ca.crt",
                                                        "proxy:3128",
                                                        null,
                                                        null),
                                                "terrarium-builds")))
                .withMessageContaining("terrarium.builds.http-proxy (TERRARIUM_BUILDS_HTTP_PROXY)");
        assertThatIllegalArgumentException()
                .isThrownBy(
                        () ->
                                EnvironmentResolver.checked(
                                        config(BUILDER_IMAGE, null, NETWORK, null)))
                .withMessageContaining("terrarium.builds.ca-bundle (TERRARIUM_BUILDS_CA_BUNDLE)")
                .withMessageContaining("terrarium.builds.namespace");
    }

    @Test
    void theNetworkSettingsReachTheImageBuildButNotTheContentHash() {
        Environment environment = environment("requests==2.32.3");
        EnvironmentResolution plain = resolve(environment);
        EnvironmentResolution networked =
                EnvironmentResolution.resolve(
                        environment,
                        null,
                        config(BUILDER_IMAGE, null, NETWORK, "terrarium-builds"));

        assertThat(networked.specHash())
                .as("a mirror serves the same packages; a CA or a proxy only changes the way")
                .isEqualTo(plain.specHash());
        assertThat(networked.buildName()).isEqualTo(plain.buildName());
        assertThat(networked.build().getPipIndexUrl())
                .isEqualTo("https://pypi-mirror.example.com/simple/");
        assertThat(networked.build().getCaBundle()).isEqualTo("corporate-ca");
        assertThat(networked.build().getCaBundleKey()).isEqualTo("ca.crt");
        assertThat(networked.build().getHttpProxy()).isEqualTo("http://proxy.example.com:3128");
        assertThat(networked.build().getHttpsProxy()).isEqualTo("http://proxy.example.com:3128");
        assertThat(networked.build().getNoProxy()).isEqualTo("localhost,.svc");
        assertThat(plain.build().getPipIndexUrl()).isNull();
        assertThat(plain.build().getCaBundle()).isNull();
        assertThat(plain.build().getCaBundleKey()).isNull();

        ImageBuild build = new ImageBuild();
        build.setMetadata(new ObjectMetaBuilder().withName(networked.buildName()).build());
        ImageBuildSpec spec = new ImageBuildSpec();
        spec.setEnvironment("api");
        spec.setSpecHash(networked.specHash());
        spec.setRepository(networked.repository());
        spec.setResolved(networked.resolved());
        spec.setBuild(networked.build());
        build.setSpec(spec);
        build.getMetadata().setNamespace("team-a");
        BuildJobs.Prepared prepared =
                BuildJobs.prepared(
                        build,
                        new BuildPlacement(
                                "terrarium-builds",
                                "terrarium-builder",
                                networked.repository(),
                                null));
        assertThat(prepared.context().files().get(BuildContext.REQUIREMENTS_TXT))
                .startsWith("--index-url https://pypi-mirror.example.com/simple/\n");
        assertThat(prepared.pod().build().getEnv())
                .anySatisfy(e -> assertThat(e.getName()).isEqualTo("HTTPS_PROXY"));
        assertThat(prepared.pod().volumes())
                .anySatisfy(
                        v ->
                                assertThat(
                                                v.getConfigMap() == null
                                                        ? null
                                                        : v.getConfigMap().getName())
                                        .isEqualTo("corporate-ca"));
    }

    @Test
    void aTimeoutBeyondADayIsRefusedBeforeItCanOverflowTheJobsDeadline() {
        for (String timeout : new String[] {"9999999h", "24h1s", "1441m"}) {
            Environment slow = environment("requests==2.32.3");
            BuildOptions options = new BuildOptions();
            options.setTimeout(timeout);
            slow.getSpec().setBuild(options);

            EnvironmentResolution resolution = resolve(slow);

            assertThat(resolution.valid()).as(timeout).isFalse();
            assertThat(resolution.violationMessage())
                    .contains("spec.build.timeout", timeout, "24h");
        }
        Environment day = environment("requests==2.32.3");
        BuildOptions options = new BuildOptions();
        options.setTimeout("24h");
        day.getSpec().setBuild(options);
        assertThat(resolve(day).build().getTimeoutSeconds()).isEqualTo(86_400L);
    }
}
