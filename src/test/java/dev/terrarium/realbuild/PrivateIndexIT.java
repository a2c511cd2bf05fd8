package dev.terrarium.realbuild;

import static dev.terrarium.testing.Objects.awaitEnvironment;
import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.Condition;
import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentPhase;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.PipIndex;
import dev.terrarium.api.PipIndexes;
import dev.terrarium.status.Conditions;
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
 * A real venv build whose package comes from a password-protected index ({@link LocalPackageIndex},
 * basic auth, on 127.0.0.1 of the node the build pod runs on): the Environment names the index in
 * spec.pipIndexes with a Secret of its credentials, the build installs the package through the
 * netrc build secret, and the password is then looked for everywhere it must not be: every blob of
 * the pushed image, the build log, every status, event and ConfigMap of the tenant's namespace and
 * of the build namespace. A wrong password fails the build with the index's 401 in the failure's
 * log tail; a missing Secret starts no build.
 */
@TerrariumTest
class PrivateIndexIT {

    private static final String PROJECT = "terrarium-private-probe";
    private static final String USER = "terrarium-reader";
    private static final String PASSWORD = "pw-" + UUID.randomUUID().toString().replace("-", "");
    private static final String WRONG_PASSWORD =
            "wrong-" + UUID.randomUUID().toString().replace("-", "");

    private static LocalPackageIndex index;

    /** The venv base image made by hack/base-image.sh (debootstrap), pinned by digest. */
    private static String baseImage;

    @BeforeAll
    static void startTheIndexAndTheRealBuildNode() {
        LocalControlPlane plane = LocalControlPlane.get();
        RealBuildNode.get();
        baseImage = RealBuilds.baseImage(plane);
        index = LocalPackageIndex.start(PROJECT, "1.0", USER, PASSWORD);
    }

    @AfterAll
    static void stopTheIndex() {
        if (index != null) {
            index.close();
        }
    }

    private static Environment fromThePrivateIndex(
            String name, String requirement, String secretName, String repository) {
        Environment environment = RealBuildIT.realVenv(name, requirement);
        environment.getSpec().setBaseImage(baseImage);
        PipIndexes indexes = new PipIndexes();
        indexes.setExtraIndexUrls(List.of(new PipIndex(index.url(), secretName)));
        environment.getSpec().setPipIndexes(indexes);
        return Objects.pushingTo(environment, repository, null);
    }

    @Test
    void aPackageFromAPasswordProtectedIndexIsBuiltAndThePasswordIsNowhere(TestNamespace ns)
            throws IOException {
        String repository =
                ns.plane().registry() + "/private-" + UUID.randomUUID().toString().substring(0, 8);

        // No Secret yet: the Environment waits for it, and no build starts.
        ns.client()
                .resource(
                        fromThePrivateIndex(
                                "waiting", PROJECT + "==1.0", "absent-credentials", repository))
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
        assertThat(ready.getMessage())
                .contains("spec.pipIndexes.extraIndexUrls[0].secretName", "absent-credentials");

        CredentialSearch.basicAuthSecret(ns, USER, "index-credentials", PASSWORD);
        CredentialSearch.basicAuthSecret(ns, USER, "wrong-credentials", WRONG_PASSWORD);
        ns.client()
                .resource(
                        fromThePrivateIndex(
                                "private", PROJECT + "==1.0", "index-credentials", repository))
                .create();
        // Another spec (so another hash, not a cache hit of the first), with a wrong password.
        ns.client()
                .resource(
                        fromThePrivateIndex(
                                "wrong", PROJECT + ">=1.0", "wrong-credentials", repository))
                .create();

        Environment built = RealBuilds.awaitBuilt(ns, "private");
        ImageBuild build =
                ns.client()
                        .resources(ImageBuild.class)
                        .withName(built.getStatus().getLatestBuild())
                        .get();
        assertThat(built.getStatus().getPhase())
                .as(
                        "%s",
                        build.getStatus().getFailure() == null
                                ? built.getStatus().getConditions()
                                : build.getStatus().getFailure().getLogTail())
                .isEqualTo(EnvironmentPhase.Ready);
        assertThat(build.getSpec().getResolved().getPipIndexes().getExtraIndexUrls())
                .containsExactly(index.url());
        assertThat(build.getSpec().getResolved().getPipIndexes().getCredentialsNamespace())
                .as("the namespace whose Secret gave access is part of the content hash")
                .isEqualTo(ns.name());
        assertThat(build.getSpec().getIndexSecrets())
                .singleElement()
                .satisfies(s -> assertThat(s.getSecretName()).isEqualTo("index-credentials"));
        assertThat(ns.client().configMaps().withName("private-lock").get().getData().get("lock"))
                .contains(PROJECT + "==1.0");
        assertThat(ns.client().configMaps().withName("private-lock").get().getData())
                .as("the pylock.toml compile asked the private index, with the credentials")
                .hasEntrySatisfying(
                        "pylock.toml",
                        pylock ->
                                assertThat(pylock)
                                        .contains(index.module() + "-1.0-py3-none-any.whl"));
        assertThat(index.requests())
                .as("the wheel was fetched with the credentials")
                .contains(
                        new LocalPackageIndex.Request(
                                "/files/" + index.module() + "-1.0-py3-none-any.whl", 200));

        Environment wrong = RealBuilds.awaitBuilt(ns, "wrong");
        assertThat(wrong.getStatus().getPhase()).isEqualTo(EnvironmentPhase.Failed);
        String logTail =
                ns.client()
                        .resources(ImageBuild.class)
                        .withName(wrong.getStatus().getLatestBuild())
                        .get()
                        .getStatus()
                        .getFailure()
                        .getLogTail();
        assertThat(logTail).as("the index's refusal, as uv reports it").contains("401");

        CredentialSearch.assertCredentialsRemoved(ns, List.of(build, buildOf(ns, wrong)));
        List<String> secrets = List.of(PASSWORD, WRONG_PASSWORD, encoded(PASSWORD));
        CredentialSearch.assertNotInImage(
                repository + ":" + built.getStatus().getSpecHash(),
                secrets,
                index.module() + "/__init__.py");
        CredentialSearch.assertNotInLogOrObjects(ns, build, "uv pip install", secrets);
    }

    private static ImageBuild buildOf(TestNamespace ns, Environment environment) {
        return ns.client()
                .resources(ImageBuild.class)
                .withName(environment.getStatus().getLatestBuild())
                .get();
    }

    private static String encoded(String text) {
        return CredentialSearch.encoded(text);
    }
}
