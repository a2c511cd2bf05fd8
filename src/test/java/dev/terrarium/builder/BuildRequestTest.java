package dev.terrarium.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrarium.buildcontext.BuildContext;
import dev.terrarium.buildcontext.BuildContextGenerator;
import dev.terrarium.buildcontext.BuildContextOptions;
import dev.terrarium.buildcontext.Fixtures;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BuildRequestTest {

    private static BuildRequest withTarget(String target) {
        return new BuildRequest(
                PodFixtures.BUILDER_IMAGE,
                target,
                "ctx",
                List.of("Dockerfile"),
                null,
                false,
                Map.of(),
                null);
    }

    private static BuildRequest withArgs(Map<String, String> args) {
        return new BuildRequest(
                PodFixtures.BUILDER_IMAGE,
                PodFixtures.TARGET,
                "ctx",
                List.of("Dockerfile"),
                null,
                false,
                args,
                null);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "registry.example.com/team/env:abc",
                "localhost:5000/env:v1.2",
                "registry:5000/a/b/c:t_1"
            })
    void targetsAreRepositoryColonTag(String target) {
        assertThat(withTarget(target).target()).isEqualTo(target);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "env:latest",
                "registry.example.com/team/env",
                "registry.example.com/team/env:a,push=false",
                "registry.example.com/Team/env:t",
                "registry.example.com/team/env:t --insecure",
                "registry.example.com/team/env@sha256:abc",
                ""
            })
    void otherTargetsAreRefused(String target) {
        assertThatThrownBy(() -> withTarget(target))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("target");
    }

    @Test
    void objectNamesAreKubernetesNames() {
        assertThatThrownBy(
                        () ->
                                new BuildRequest(
                                        PodFixtures.BUILDER_IMAGE,
                                        PodFixtures.TARGET,
                                        "Ctx",
                                        List.of("Dockerfile"),
                                        null,
                                        false,
                                        Map.of(),
                                        null))
                .hasMessageContaining("contextConfigMap");
        assertThatThrownBy(() -> withTarget(PodFixtures.TARGET).withPushSecret("a b"))
                .hasMessageContaining("pushSecret");
    }

    @Test
    void contextMustHoldADockerfileAndOnlyConfigMapKeys() {
        assertThatThrownBy(
                        () ->
                                new BuildRequest(
                                        PodFixtures.BUILDER_IMAGE,
                                        PodFixtures.TARGET,
                                        "ctx",
                                        List.of("environment.yml"),
                                        null,
                                        false,
                                        Map.of(),
                                        null))
                .hasMessageContaining("Dockerfile");
        assertThatThrownBy(
                        () ->
                                new BuildRequest(
                                        PodFixtures.BUILDER_IMAGE,
                                        PodFixtures.TARGET,
                                        "ctx",
                                        List.of("Dockerfile", "../x"),
                                        null,
                                        false,
                                        Map.of(),
                                        null))
                .hasMessageContaining("ConfigMap keys");
    }

    @ParameterizedTest
    @ValueSource(strings = {"A-B", "1A", "", "A B", "A=B"})
    void buildArgumentNamesAreIdentifiers(String name) {
        assertThatThrownBy(() -> withArgs(Map.of(name, "x")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void buildArgumentValuesMustFitInAnArgv() {
        assertThatThrownBy(() -> withArgs(Map.of("A", "x\u0000y"))).hasMessageContaining("NUL");
        Map<String, String> nullValue = new LinkedHashMap<>();
        nullValue.put("A", null);
        assertThatThrownBy(() -> withArgs(nullValue)).hasMessageContaining("no value");
    }

    @Test
    void buildArgumentsKeepTheirOrderAndCannotBeChangedAfterwards() {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("Z", "1");
        args.put("A", "2");
        BuildRequest request = withArgs(args);
        args.put("B", "3");

        assertThat(request.buildArgs().keySet()).containsExactly("Z", "A");
        assertThatThrownBy(() -> request.buildArgs().put("C", "4"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aBuilderImageMustBeAReference() {
        BuildRequest valid = withTarget(PodFixtures.TARGET);
        assertThatThrownBy(
                        () ->
                                new BuildRequest(
                                        "terrarium/builder v1",
                                        valid.target(),
                                        valid.contextConfigMap(),
                                        valid.contextFiles(),
                                        null,
                                        false,
                                        valid.buildArgs(),
                                        null))
                .hasMessageContaining("builderImage");
        assertThatThrownBy(
                        () ->
                                new BuildRequest(
                                        null,
                                        valid.target(),
                                        valid.contextConfigMap(),
                                        valid.contextFiles(),
                                        null,
                                        false,
                                        valid.buildArgs(),
                                        null))
                .hasMessageContaining("builderImage");
    }

    @Test
    void ofTakesFilesAndArgumentsFromTheContext() {
        BuildContext context =
                new BuildContextGenerator(BuildContextOptions.defaults())
                        .generate(Fixtures.venvSystemEnv(), Fixtures.HASH);

        BuildRequest request =
                BuildRequest.of(PodFixtures.BUILDER_IMAGE, PodFixtures.TARGET, "ctx", context);

        assertThat(request.contextFiles())
                .containsExactly("Dockerfile", "requirements.txt", "system-packages.txt");
        assertThat(request.buildArgs()).isEqualTo(context.buildArgs());
        assertThat(request.pushSecret()).isNull();
        assertThat(request.insecureRegistry()).isFalse();
    }
}
