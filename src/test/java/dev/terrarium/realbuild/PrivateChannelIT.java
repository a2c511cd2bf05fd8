package dev.terrarium.realbuild;

import static dev.terrarium.testing.Objects.awaitEnvironment;
import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.BuildOptions;
import dev.terrarium.api.BuildStrategy;
import dev.terrarium.api.ChannelAuthScheme;
import dev.terrarium.api.ChannelCredentials;
import dev.terrarium.api.Condition;
import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentPhase;
import dev.terrarium.api.EnvironmentSpec;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.status.Conditions;
import dev.terrarium.testing.LocalCondaChannel;
import dev.terrarium.testing.LocalControlPlane;
import dev.terrarium.testing.LocalPackageIndex;
import dev.terrarium.testing.Objects;
import dev.terrarium.testing.RealBuildNode;
import dev.terrarium.testing.TerrariumTest;
import dev.terrarium.testing.TestNamespace;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real conda builds from private channels on 127.0.0.1 of the node the build pod runs on: the
 * Environment lists the channel by its URL and names a Secret of its credentials in
 * spec.channelCredentials. The channel that builds takes a token in its path, as anaconda.org's
 * private channels do ({@link LocalCondaChannel#startWithCondaToken}, scheme CondaToken);
 * terrarium-conda solves and downloads through the authentication file the operator writes from the
 * Secret (a build secret), and the token is then looked for everywhere it must not be ({@link
 * CredentialSearch}). A wrong password for a channel behind basic auth fails the build with the
 * channel's 401 in the failure's log tail; a missing Secret starts no build.
 */
@TerrariumTest
class PrivateChannelIT {

    private static final String USER = "terrarium-channel-reader";
    private static final String TOKEN = "tk-" + UUID.randomUUID().toString().replace("-", "");
    private static final String WRONG_PASSWORD =
            "wrong-" + UUID.randomUUID().toString().replace("-", "");
    private static final String HELLO = "main/noarch/terrarium-hello-1.0-pyh0_0.conda";

    private static LocalCondaChannel tokenChannel;
    private static LocalCondaChannel basicChannel;

    /** The base image made by hack/base-image.sh (Python 3.11, which the test python links to). */
    private static String baseImage;

    @BeforeAll
    static void startTheChannelsAndTheRealBuildNode() {
        LocalControlPlane plane = LocalControlPlane.get();
        RealBuildNode.get();
        baseImage = RealBuilds.baseImage(plane);
        tokenChannel = LocalCondaChannel.startWithCondaToken(TOKEN);
        basicChannel =
                LocalCondaChannel.startWithBasicAuth(
                        USER, "pw-" + UUID.randomUUID().toString().replace("-", ""));
    }

    @AfterAll
    static void stopTheChannels() {
        for (LocalCondaChannel channel : new LocalCondaChannel[] {tokenChannel, basicChannel}) {
            if (channel != null) {
                channel.close();
            }
        }
    }

    private static Environment fromAPrivateChannel(
            String name,
            LocalCondaChannel channel,
            ChannelAuthScheme scheme,
            List<String> packages,
            String secretName,
            String repository) {
        EnvironmentSpec spec = new EnvironmentSpec();
        spec.setPython("3.11");
        // With a trailing slash: the normalised URL, without it, is what the credentials name.
        spec.setChannels(List.of(channel.channelUrl(LocalCondaChannel.MAIN) + "/"));
        spec.setChannelCredentials(
                List.of(
                        new ChannelCredentials(
                                channel.channelUrl(LocalCondaChannel.MAIN), secretName, scheme)));
        spec.setPackages(packages);
        spec.setBaseImage(baseImage);
        BuildOptions build = new BuildOptions();
        build.setStrategy(BuildStrategy.BUILDAH);
        build.setNodeSelector(RealBuilds.NODE_SELECTOR);
        build.setTolerations(List.of(RealBuilds.onTheRealNode()));
        spec.setBuild(build);
        return Objects.pushingTo(Objects.environment(name, spec), repository, null);
    }

    private static ImageBuild buildOf(TestNamespace ns, Environment environment) {
        return ns.client()
                .resources(ImageBuild.class)
                .withName(environment.getStatus().getLatestBuild())
                .get();
    }

    @Test
    void aPackageFromATokenProtectedChannelIsBuiltAndTheTokenIsNowhere(TestNamespace ns)
            throws IOException {
        String repository =
                ns.plane().registry()
                        + "/private-channel-"
                        + UUID.randomUUID().toString().substring(0, 8);
        List<String> packages = List.of("python 3.11.*", "terrarium-hello", "greet * fast*");

        // No Secret yet: the Environment waits for it, and no build starts.
        ns.client()
                .resource(
                        fromAPrivateChannel(
                                "waiting",
                                tokenChannel,
                                ChannelAuthScheme.CondaToken,
                                packages,
                                "absent",
                                repository))
                .create();
        Environment waiting =
                awaitEnvironment(
                        ns.client(),
                        ns.name(),
                        "waiting",
                        e -> e.getStatus().getPhase() == EnvironmentPhase.Pending,
                        Duration.ofSeconds(60));
        Condition ready = Conditions.find(waiting.getStatus().getConditions(), Condition.READY);
        assertThat(ready.getStatus()).isEqualTo(Condition.FALSE);
        assertThat(ready.getReason()).isEqualTo("CredentialsNotFound");
        assertThat(ready.getMessage()).contains("spec.channelCredentials[0].secretName", "absent");

        CredentialSearch.tokenSecret(ns, "channel-token", TOKEN);
        CredentialSearch.basicAuthSecret(ns, USER, "wrong-credentials", WRONG_PASSWORD);
        ns.client()
                .resource(
                        fromAPrivateChannel(
                                "private",
                                tokenChannel,
                                ChannelAuthScheme.CondaToken,
                                packages,
                                "channel-token",
                                repository))
                .create();
        // Another spec (so another hash, not a cache hit of the first), with a wrong password.
        ns.client()
                .resource(
                        fromAPrivateChannel(
                                "wrong",
                                basicChannel,
                                ChannelAuthScheme.Basic,
                                List.of("python 3.11.*", "greet"),
                                "wrong-credentials",
                                repository))
                .create();

        Environment built = RealBuilds.awaitBuilt(ns, "private");
        assertThat(built.getStatus().getPhase())
                .as("%s", RealBuilds.whyNotReady(ns.client(), built))
                .isEqualTo(EnvironmentPhase.Ready);
        ImageBuild build = buildOf(ns, built);
        assertThat(build.getSpec().getResolved().getChannels())
                .containsExactly(tokenChannel.channelUrl(LocalCondaChannel.MAIN));
        assertThat(build.getSpec().getResolved().getChannelCredentialsNamespace())
                .as("the namespace whose Secret gave access is part of the content hash")
                .isEqualTo(ns.name());
        assertThat(build.getSpec().getChannelSecrets())
                .singleElement()
                .satisfies(
                        s -> {
                            assertThat(s.getSecretName()).isEqualTo("channel-token");
                            assertThat(s.getScheme()).isEqualTo(ChannelAuthScheme.CondaToken);
                        });
        assertThat(build.getSpec().getIndexSecrets()).isNull();
        assertThat(ns.client().configMaps().withName("private-lock").get().getData().get("lock"))
                .as("the lock names the channel as the spec does, without the token")
                .contains(tokenChannel.explicitLine(HELLO));
        assertThat(tokenChannel.requests())
                .as("the package was downloaded with the token in its path")
                .contains(new LocalPackageIndex.Request("/" + HELLO, 200));

        Environment wrong = RealBuilds.awaitBuilt(ns, "wrong");
        assertThat(wrong.getStatus().getPhase()).isEqualTo(EnvironmentPhase.Failed);
        assertThat(buildOf(ns, wrong).getStatus().getFailure().getLogTail())
                .as("the channel's refusal, as rattler reports it")
                .contains("401");

        CredentialSearch.assertCredentialsRemoved(ns, List.of(build, buildOf(ns, wrong)));
        List<String> secrets =
                List.of(
                        TOKEN,
                        WRONG_PASSWORD,
                        CredentialSearch.encoded(TOKEN),
                        CredentialSearch.encoded(USER + ":" + WRONG_PASSWORD));
        CredentialSearch.assertNotInImage(
                repository + ":" + built.getStatus().getSpecHash(),
                secrets,
                "terrarium_hello/__init__.py");
        CredentialSearch.assertNotInLogOrObjects(ns, build, "terrarium-conda", secrets);
    }
}
