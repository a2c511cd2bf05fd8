package dev.terrarium.trust;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.BuildSettings;
import dev.terrarium.api.BuildStrategy;
import dev.terrarium.api.Environment;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildSpec;
import dev.terrarium.buildcontext.Fixtures;
import dev.terrarium.requirements.SpecHasher;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BuildTrustTest {

    private static final String BUILDER =
            "registry.example.com/terrarium/builder@sha256:" + "a".repeat(64);
    private static final Set<String> BUILDERS = Set.of(BUILDER);
    private static final SpecHasher HASHER = new SpecHasher();

    static ImageBuild build(boolean owned, String builderImage, String hashOverride) {
        ImageBuildSpec spec = new ImageBuildSpec();
        spec.setEnvironment("env");
        spec.setRepository("registry.example.com/terrarium/environments");
        spec.setResolved(Fixtures.venvWithPip());
        BuildSettings settings = new BuildSettings();
        settings.setStrategy(BuildStrategy.BUILDAH);
        settings.setBuilderImage(builderImage);
        settings.setUvVersion("0.13.8");
        spec.setBuild(settings);
        spec.setSpecHash(
                hashOverride != null ? hashOverride : HASHER.hash(spec.getResolved(), settings));
        ImageBuild build = new ImageBuild();
        var meta =
                new ObjectMetaBuilder()
                        .withName("env-1234")
                        .withNamespace("team-a")
                        .withUid("build-uid");
        if (owned) {
            // As the operator SDK writes it for a dependent resource: no controller flag.
            meta.withOwnerReferences(
                    new OwnerReferenceBuilder()
                            .withApiVersion(HasMetadata.getApiVersion(Environment.class))
                            .withKind("Environment")
                            .withName("env")
                            .withUid("env-uid")
                            .build());
        }
        build.setMetadata(meta.build());
        build.setSpec(spec);
        return build;
    }

    @Test
    void aBuildTheOperatorMadeIsTrusted() {
        assertThat(BuildTrust.distrust(build(true, BUILDER, null), BUILDERS, HASHER)).isEmpty();
    }

    @Test
    void aSpecHashThatIsNotTheHashOfResolvedIsRefused() {
        assertThat(BuildTrust.distrust(build(true, BUILDER, Fixtures.OTHER_HASH), BUILDERS, HASHER))
                .hasValueSatisfying(
                        message ->
                                assertThat(message)
                                        .contains(
                                                "spec.specHash \"" + Fixtures.OTHER_HASH + "\"",
                                                "is not the content hash"));
    }

    @Test
    void aBuilderImageOfTheUsersChoiceIsRefusedEvenWithAMatchingHash() {
        String own = "evil.example/builder:latest";
        assertThat(BuildTrust.distrust(build(true, own, null), BUILDERS, HASHER))
                .hasValueSatisfying(
                        message ->
                                assertThat(message)
                                        .contains(
                                                "spec.build.builderImage \"" + own + "\"",
                                                "is not a builder image of this operator"));
    }

    @Test
    void aBuildNoEnvironmentOwnsIsRefused() {
        assertThat(BuildTrust.distrust(build(false, BUILDER, null), BUILDERS, HASHER))
                .hasValueSatisfying(
                        message ->
                                assertThat(message)
                                        .contains("No Environment owns this ImageBuild"));
        ImageBuild ownedByAnother = build(true, BUILDER, null);
        ownedByAnother.getSpec().setEnvironment("other");
        assertThat(BuildTrust.distrust(ownedByAnother, BUILDERS, HASHER)).isPresent();
    }

    @Test
    void theOwnerMustBeTheEnvironmentThatExistsNowNotAnEarlierOneOfTheSameName() {
        ImageBuild build = build(true, BUILDER, null);
        Environment same = new Environment();
        same.setMetadata(new ObjectMetaBuilder().withName("env").withUid("env-uid").build());
        Environment recreated = new Environment();
        recreated.setMetadata(
                new ObjectMetaBuilder().withName("env").withUid("another-uid").build());

        assertThat(BuildTrust.distrustOwner(build, same)).isEmpty();
        assertThat(BuildTrust.distrustOwner(build, recreated)).isPresent();
        assertThat(BuildTrust.distrustOwner(build, null))
                .hasValueSatisfying(
                        message ->
                                assertThat(message).contains("Environment env", "does not exist"));
    }

    @Test
    void aBuildWithoutResolvedOrSettingsIsRefusedWithoutAnException() {
        ImageBuild build = build(true, BUILDER, null);
        build.getSpec().setResolved(null);
        assertThat(BuildTrust.distrust(build, BUILDERS, HASHER)).isPresent();
        ImageBuild noOwners = build(true, BUILDER, null);
        noOwners.getMetadata().setOwnerReferences(List.of());
        assertThat(BuildTrust.distrust(noOwners, BUILDERS, HASHER)).isPresent();
    }

    @Test
    void theVerdictIsRememberedPerBuild() {
        TrustedBuilds trusted = new TrustedBuilds(BUILDERS);
        ImageBuild forged = build(true, BUILDER, Fixtures.OTHER_HASH);
        assertThat(trusted.trusted(build(true, BUILDER, null))).isTrue();
        forged.getMetadata().setUid("forged-uid");
        assertThat(trusted.trusted(forged)).isFalse();
        assertThat(trusted.distrust(forged)).isEqualTo(trusted.distrust(forged));
    }
}
