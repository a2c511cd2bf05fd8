package dev.terrarium.realbuild;

import static dev.terrarium.testing.Objects.awaitEnvironment;
import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.Condition;
import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentPhase;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.status.Conditions;
import dev.terrarium.testing.LocalControlPlane;
import dev.terrarium.testing.LocalGitRepository;
import dev.terrarium.testing.Objects;
import dev.terrarium.testing.RealBuildNode;
import dev.terrarium.testing.TerrariumTest;
import dev.terrarium.testing.TestNamespace;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real venv build of a package cloned over SSH ({@link LocalGitRepository}: a real sshd on
 * 127.0.0.1 of the node the build pod runs on, with a key of its own): the Environment names the
 * deploy key's Secret in spec.gitSshSecretName, the build clones through the key and known hosts
 * build secrets, and the private key is then looked for everywhere it must not be. A Secret whose
 * known_hosts holds another host key fails the build with ssh's refusal; a missing Secret starts no
 * build.
 */
@TerrariumTest
class GitSshIT {

    /** The venv base image made by hack/base-image.sh (debootstrap), pinned by digest. */
    private static String baseImage;

    @BeforeAll
    static void startTheRealBuildNode() {
        LocalControlPlane plane = LocalControlPlane.get();
        RealBuildNode.get();
        baseImage = RealBuilds.baseImage(plane);
    }

    private static Environment overSsh(
            String name, String requirement, String secretName, String repository) {
        Environment environment = RealBuildIT.realVenv(name, requirement);
        environment.getSpec().setBaseImage(baseImage);
        environment.getSpec().setGitSshSecretName(secretName);
        return Objects.pushingTo(environment, repository, null);
    }

    @Test
    void aPackageClonedOverSshWithADeployKeyIsBuiltAndTheKeyIsNowhere(TestNamespace ns)
            throws IOException {
        String repository =
                ns.plane().registry() + "/git-ssh-" + UUID.randomUUID().toString().substring(0, 8);
        try (LocalGitRepository git = LocalGitRepository.start("over-ssh")) {
            String commit = git.head();
            String pinned = "terrarium-gitpkg @ " + git.sshUrl() + "@" + commit;

            ns.client().resource(overSsh("waiting", pinned, "absent-key", repository)).create();
            Environment waiting =
                    awaitEnvironment(
                            ns.client(),
                            ns.name(),
                            "waiting",
                            e -> e.getStatus().getPhase() == EnvironmentPhase.Pending,
                            Duration.ofSeconds(60));
            Condition ready = Conditions.find(waiting.getStatus().getConditions(), Condition.READY);
            assertThat(ready.getReason()).isEqualTo("CredentialsNotFound");
            assertThat(ready.getMessage()).contains("spec.gitSshSecretName", "absent-key");

            CredentialSearch.sshKeySecret(
                    ns, "deploy-key", git.sshPrivateKey(), git.sshKnownHosts());
            String otherHost =
                    git.sshKnownHosts().replaceFirst(" ssh-ed25519 .*", " ")
                            + "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
            CredentialSearch.sshKeySecret(ns, "wrong-host", git.sshPrivateKey(), otherHost);
            ns.client().resource(overSsh("ssh", pinned, "deploy-key", repository)).create();
            // Another spec (so another hash), whose known_hosts does not know the server.
            ns.client()
                    .resource(
                            overSsh(
                                    "stranger",
                                    "terrarium-gitpkg @ " + git.sshUrl() + "@main",
                                    "wrong-host",
                                    repository))
                    .create();

            Environment built = RealBuilds.awaitBuilt(ns, "ssh");
            assertThat(built.getStatus().getPhase())
                    .as("%s", RealBuilds.whyNotReady(ns.client(), built))
                    .isEqualTo(EnvironmentPhase.Ready);
            ImageBuild build = buildOf(ns, built);
            assertThat(build.getSpec().getGitSshSecretName()).isEqualTo("deploy-key");
            assertThat(build.getSpec().getResolved().getGitSshKeyNamespace())
                    .as("the namespace whose key cloned the code is part of the content hash")
                    .isEqualTo(ns.name());
            assertThat(ns.client().configMaps().withName("ssh-lock").get().getData().get("lock"))
                    .as(
                            "the lock names the commit cloned over SSH, with the login the spec "
                                    + "gave, which uv's freeze leaves out: %s",
                            git)
                    .contains("terrarium-gitpkg @ " + git.sshUrl() + "@" + commit);

            Environment stranger = RealBuilds.awaitBuilt(ns, "stranger");
            assertThat(stranger.getStatus().getPhase()).isEqualTo(EnvironmentPhase.Failed);
            assertThat(buildOf(ns, stranger).getStatus().getFailure().getLogTail())
                    .as("ssh refuses a server whose host key the Secret does not give")
                    .contains("Host key verification failed");

            CredentialSearch.assertCredentialsRemoved(ns, List.of(build, buildOf(ns, stranger)));
            List<String> secrets = keyParts(git.sshPrivateKey());
            CredentialSearch.assertNotInImage(
                    repository + ":" + built.getStatus().getSpecHash(),
                    secrets,
                    LocalGitRepository.MODULE + "/__init__.py");
            CredentialSearch.assertNotInLogOrObjects(ns, build, "uv pip install", secrets);
        }
    }

    /**
     * What would show a leak of the key: each line of its body past the first two (which every
     * unencrypted ed25519 key shares: format, cipher, key type), and the whole key in base64 as a
     * Secret's data holds it.
     */
    private static List<String> keyParts(String key) {
        List<String> parts =
                new ArrayList<>(
                        key.lines().filter(line -> !line.startsWith("-----")).skip(2).toList());
        parts.add(CredentialSearch.encoded(key));
        return parts;
    }

    private static ImageBuild buildOf(TestNamespace ns, Environment environment) {
        return ns.client()
                .resources(ImageBuild.class)
                .withName(environment.getStatus().getLatestBuild())
                .get();
    }
}
