package dev.terrarium.resolution;

import static dev.terrarium.testing.Objects.annotate;
import static dev.terrarium.testing.Objects.awaitEnvironment;
import static dev.terrarium.testing.Objects.onNode;
import static dev.terrarium.testing.Objects.pushingTo;
import static dev.terrarium.testing.Objects.uniquePackage;
import static dev.terrarium.testing.Objects.venv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentOutput;
import dev.terrarium.api.EnvironmentPhase;
import dev.terrarium.api.TagStatus;
import dev.terrarium.registry.Credentials;
import dev.terrarium.registry.ImageReference;
import dev.terrarium.registry.RegistryClient;
import dev.terrarium.testing.OperatorKey;
import dev.terrarium.testing.TerrariumTest;
import dev.terrarium.testing.TestImages;
import dev.terrarium.testing.TestNamespace;
import dev.terrarium.testing.TestRegistry;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * spec.output.tags on the local control plane, against a registry that wants the push secret's
 * credentials: a failed build moves no tag; the image of the current spec (here found in the
 * registry, a cache hit) gets every tag, each move an event; at rest nothing moves again.
 */
@TerrariumTest
class ImageTagsIT {

    private static final Duration BUILD = Duration.ofSeconds(90);
    private static final String USER = "builder";
    private static final String PASSWORD = "s3cret";

    @Test
    void tagsPointAtTheImageOnlyOnceItsBuildSucceeded(TestNamespace ns) {
        try (TestRegistry registry = TestRegistry.startWithHtpasswd(USER, PASSWORD)) {
            String repository = registry.hostPort() + "/team/app";
            Credentials credentials = Credentials.basic(USER, PASSWORD);
            RegistryClient client = new RegistryClient(Set.of(registry.hostPort()));
            ns.client().resource(dockerConfig("push", registry.hostPort())).create();
            String elsewhere =
                    TestImages.push(
                            registry.hostPort(),
                            "team/app",
                            "latest",
                            Map.of("etc/elsewhere", "an older image\n"),
                            credentials);

            Environment app = onNode(venv("app", uniquePackage()), "fail");
            pushingTo(app, repository, "push")
                    .getSpec()
                    .getOutput()
                    .setTags(List.of("v1.2", "latest"));
            ns.client().resource(app).create();
            Environment failed =
                    awaitEnvironment(
                            ns.client(),
                            ns.name(),
                            "app",
                            e -> e.getStatus().getPhase() == EnvironmentPhase.Failed,
                            BUILD);
            assertThat(failed.getStatus().getTags()).isNull();
            assertThat(digestOf(client, repository + ":v1.2", credentials)).isEmpty();
            assertThat(digestOf(client, repository + ":latest", credentials)).contains(elsewhere);

            // The image of this spec appears in the registry; a rebuild finds it there.
            String image =
                    TestImages.push(
                            registry.hostPort(),
                            "team/app",
                            failed.getStatus().getSpecHash(),
                            Map.of("opt/terrarium/lock", "rich==13.7.1\n"),
                            credentials);
            // Signed with the operator's key, as only then is an image the operator did not
            // record a cache hit.
            OperatorKey.sign(
                    ns.plane(),
                    ImageReference.parse(repository + "@" + image),
                    failed.getStatus().getSpecHash(),
                    credentials);
            annotate(ns.client(), "app", Map.of("terrarium.dev/rebuild", "1"));
            Environment ready =
                    awaitEnvironment(
                            ns.client(),
                            ns.name(),
                            "app",
                            e ->
                                    e.getStatus().getPhase() == EnvironmentPhase.Ready
                                            && e.getStatus().getTags() != null
                                            && e.getStatus().getTags().size() == 2,
                            BUILD);
            assertThat(ready.getStatus().getImage()).isEqualTo(repository + "@" + image);
            assertThat(ready.getStatus().getTags())
                    .extracting(TagStatus::getName, TagStatus::getImage, TagStatus::getDigest)
                    .containsExactly(
                            tuple("v1.2", repository + ":v1.2", image),
                            tuple("latest", repository + ":latest", image));
            assertThat(digestOf(client, repository + ":v1.2", credentials)).contains(image);
            assertThat(digestOf(client, repository + ":latest", credentials)).contains(image);
            assertThat(tagEvents(ns))
                    .containsExactlyInAnyOrder(
                            repository + ":v1.2 now points at " + image + " (a new tag).",
                            repository
                                    + ":latest now points at "
                                    + image
                                    + " (was "
                                    + elsewhere
                                    + ").");

            // Another round (an unrelated annotation) finds every tag in place: no move, no write.
            // It starts once the rounds that made the Environment Ready have written their
            // status.
            String[] settled = {""};
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(
                            () -> {
                                String now =
                                        ns.client()
                                                .resources(Environment.class)
                                                .withName("app")
                                                .get()
                                                .getMetadata()
                                                .getResourceVersion();
                                boolean unchanged = now.equals(settled[0]);
                                settled[0] = now;
                                return unchanged;
                            });
            String statusVersion =
                    annotate(ns.client(), "app", Map.of("example.com/touched", "yes"))
                            .getMetadata()
                            .getResourceVersion();
            await().during(Duration.ofSeconds(5))
                    .atMost(Duration.ofSeconds(10))
                    .untilAsserted(
                            () -> {
                                assertThat(tagEvents(ns)).hasSize(2);
                                assertThat(
                                                ns.client()
                                                        .resources(Environment.class)
                                                        .withName("app")
                                                        .get()
                                                        .getMetadata()
                                                        .getResourceVersion())
                                        .isEqualTo(statusVersion);
                            });
        }
    }

    @Test
    void tagsOfAnEnvironmentWithoutItsOwnRepositoryAreRefusedAtApplySayingWhy(TestNamespace ns) {
        Environment shared = venv("shared", uniquePackage());
        shared.getSpec().setOutput(new EnvironmentOutput());
        shared.getSpec().getOutput().setTags(List.of("latest"));
        var refused =
                catchThrowableOfType(
                        KubernetesClientException.class,
                        () -> ns.client().resource(shared).create());
        assertThat(refused).isNotNull();
        assertThat(refused.getMessage())
                .contains("spec.output.tags")
                .contains("shared repository")
                .contains("overwrite each other's tags");
    }

    private static Optional<String> digestOf(
            RegistryClient client, String reference, Credentials credentials) {
        return client.manifestDigest(ImageReference.parse(reference), credentials);
    }

    private static List<String> tagEvents(TestNamespace ns) {
        return ns.client().v1().events().list().getItems().stream()
                .filter(e -> "app".equals(e.getInvolvedObject().getName()))
                .filter(e -> "TagMoved".equals(e.getReason()))
                .filter(e -> "Normal".equals(e.getType()))
                .map(Event::getMessage)
                .toList();
    }

    private static Secret dockerConfig(String name, String registry) {
        String auth = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes());
        return new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withType("kubernetes.io/dockerconfigjson")
                .addToStringData(
                        ".dockerconfigjson",
                        "{\"auths\":{\"" + registry + "\":{\"auth\":\"" + auth + "\"}}}")
                .build();
    }
}
