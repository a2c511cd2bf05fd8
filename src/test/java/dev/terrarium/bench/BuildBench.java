package dev.terrarium.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.terrarium.api.Manager;
import dev.terrarium.api.ResolvedEnvironment;
import dev.terrarium.buildcontext.BuildContext;
import dev.terrarium.buildcontext.BuildContextGenerator;
import dev.terrarium.buildcontext.BuildContextOptions;
import dev.terrarium.buildcontext.Installer;
import dev.terrarium.builder.BuildahPodSpec;
import dev.terrarium.registry.Credentials;
import dev.terrarium.registry.ImageReference;
import dev.terrarium.registry.RegistryClient;
import dev.terrarium.testing.Commands;
import dev.terrarium.testing.LocalCondaChannel;
import dev.terrarium.testing.LocalControlPlane;
import dev.terrarium.testing.ProjectImages;
import dev.terrarium.testing.TestRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * make bench-build: one real venv build with the generated Dockerfile and this machine's buildah
 * (the buildah strategy's flags), timed cold (empty layer store and cache mounts), as a rebuild of
 * a changed spec with the cache mounts warm, as a cache hit (the registry HEAD that replaces a
 * build), with the image size; the same cold build with pip instead of uv; and, as the baseline,
 * the same cold build with {@code --layers}, which the strategy gave up (one committed layer per
 * instruction, each a copy of the root filesystem with vfs, for a cache no later build pod sees).
 * Prints figures; asserts only that the builds worked.
 *
 * <p>The conda row does the same for a conda build from the test channels ({@link
 * LocalCondaChannel}). Its conda stage runs in the project's builder image, made by hack/images.sh
 * and pushed to the bench's own registry (found there by its inputs when nothing changed), unless
 * {@code -Dterrarium.bench.conda-builder=<reference>} or {@code TERRARIUM_BUILDER_IMAGE} names
 * another build of it to compare.
 */
class BuildBench {

    private static final List<String> PACKAGES =
            List.of(
                    "requests[socks]==2.32.3",
                    "rich==13.9.4",
                    "packaging==24.2",
                    "six==1.16.0",
                    "pydantic==2.10.4",
                    "httpx==0.28.1");
    private static final List<String> CHANGED =
            List.of(
                    "requests[socks]==2.32.3",
                    "rich==13.9.4",
                    "packaging==24.2",
                    "six==1.17.0",
                    "pydantic==2.10.4",
                    "httpx==0.28.1");

    @Test
    void aRealVenvBuild() throws IOException {
        Path repo = LocalControlPlane.repoDir();
        Path work = repo.resolve("target/bench/build-work");
        remove(work);
        Files.createDirectories(work);
        try (TestRegistry registry = TestRegistry.start()) {
            String base = baseImage(repo, registry.hostPort());
            Run cold =
                    build(
                            work.resolve("uv"),
                            registry,
                            base,
                            PACKAGES,
                            Installer.UV,
                            "cold",
                            false);
            Run rebuild =
                    build(
                            work.resolve("uv"),
                            registry,
                            base,
                            CHANGED,
                            Installer.UV,
                            "rebuild",
                            false);
            Run pip =
                    build(
                            work.resolve("pip"),
                            registry,
                            base,
                            PACKAGES,
                            Installer.PIP,
                            "pip-cold",
                            false);
            Run layered =
                    build(
                            work.resolve("uv-layers"),
                            registry,
                            base,
                            PACKAGES,
                            Installer.UV,
                            "layers-cold",
                            true);

            RegistryClient client = new RegistryClient(Set.of("127.0.0.1"));
            ImageReference target = ImageReference.parse(registry.hostPort() + "/bench/venv:cold");
            Instant headStart = Instant.now();
            String digest = client.manifestDigest(target, Credentials.ANONYMOUS).orElseThrow();
            Duration cacheHit = Duration.between(headStart, Instant.now());
            long size = imageSize(registry.hostPort(), "bench/venv", digest);

            String report =
                    String.join(
                            "\n",
                            "Terrarium build benchmark (make bench-build)  "
                                    + Instant.now()
                                    + "  "
                                    + Runtime.getRuntime().availableProcessors()
                                    + " cores",
                            "One venv build of "
                                    + PACKAGES.size()
                                    + " pinned PyPI packages on "
                                    + base,
                            "buildah "
                                    + buildahVersion()
                                    + " "
                                    + String.join(" ", BuildahPodSpec.BUILD_FLAGS)
                                    + ", pushing to a local registry",
                            "",
                            String.format(Locale.ROOT, "  %-52s %8s", "", "seconds"),
                            row("cold build, uv (empty layer store and cache mounts)", cold.took()),
                            row(
                                    "rebuild of a changed spec, uv (cache mounts warm)",
                                    rebuild.took()),
                            row("cache hit: registry HEAD of repo:<hash>, no build", cacheHit),
                            row("cold build, pip instead of uv", pip.took()),
                            row("baseline: cold build, uv, with --layers", layered.took()),
                            ratio("with --layers / without, cold", layered, cold),
                            ratio("pip / uv, cold", pip, cold),
                            String.format(
                                    Locale.ROOT,
                                    "  %-52s %8.1f MiB",
                                    "image size (compressed layers, uv)",
                                    size / 1024.0 / 1024.0));
            System.out.println("\n" + report + "\n");
            Files.writeString(repo.resolve("target/bench/build.txt"), report + "\n");
            assertThat(digest).startsWith("sha256:");
        } finally {
            remove(work);
        }
    }

    @Test
    void aRealCondaBuild() throws IOException {
        Path repo = LocalControlPlane.repoDir();
        Path work = repo.resolve("target/bench/conda-work");
        remove(work);
        Files.createDirectories(work);
        try (TestRegistry registry = TestRegistry.start();
                LocalCondaChannel channel = LocalCondaChannel.start()) {
            String base = baseImage(repo, registry.hostPort());
            String builder =
                    Optional.ofNullable(System.getProperty("terrarium.bench.conda-builder"))
                            .filter(b -> !b.isBlank())
                            .orElseGet(() -> ProjectImages.builder(registry.hostPort(), repo));
            List<String> specs =
                    List.of("python 3.11.*", "terrarium-hello", "greet * fast*", "extra-tool");
            List<String> changed =
                    List.of("python 3.11.*", "terrarium-hello", "greet 1.5 slow*", "extra-tool");
            Run cold = condaBuild(work, registry, base, builder, channel, specs, "cold", false);
            Run rebuild =
                    condaBuild(work, registry, base, builder, channel, changed, "rebuild", false);
            Run layered =
                    condaBuild(
                            work.resolve("layers"),
                            registry,
                            base,
                            builder,
                            channel,
                            specs,
                            "layers-cold",
                            true);

            ImageReference target = ImageReference.parse(registry.hostPort() + "/bench/conda:cold");
            Instant headStart = Instant.now();
            String digest =
                    new RegistryClient(Set.of("127.0.0.1"))
                            .manifestDigest(target, Credentials.ANONYMOUS)
                            .orElseThrow();
            Duration cacheHit = Duration.between(headStart, Instant.now());
            long size = imageSize(registry.hostPort(), "bench/conda", digest);

            String report =
                    String.join(
                            "\n",
                            "Terrarium conda build benchmark (make bench-build)  "
                                    + Instant.now()
                                    + "  "
                                    + Runtime.getRuntime().availableProcessors()
                                    + " cores",
                            "One conda build of "
                                    + specs.size()
                                    + " match specs from the test channels on "
                                    + base
                                    + ", conda stage in "
                                    + builder,
                            "buildah "
                                    + buildahVersion()
                                    + " "
                                    + String.join(" ", BuildahPodSpec.BUILD_FLAGS)
                                    + ", pushing to a local registry",
                            "",
                            String.format(Locale.ROOT, "  %-52s %8s", "", "seconds"),
                            row("cold build (empty layer store and cache mounts)", cold.took()),
                            row("rebuild of a changed spec (cache mounts warm)", rebuild.took()),
                            row("baseline: cold build with --layers", layered.took()),
                            ratio("with --layers / without, cold", layered, cold),
                            row("cache hit: registry HEAD of repo:<hash>, no build", cacheHit),
                            String.format(
                                    Locale.ROOT,
                                    "  %-52s %8.1f MiB",
                                    "image size (compressed layers)",
                                    size / 1024.0 / 1024.0));
            System.out.println("\n" + report + "\n");
            Files.writeString(repo.resolve("target/bench/build-conda.txt"), report + "\n");
            assertThat(digest).startsWith("sha256:");
        } finally {
            remove(work);
        }
    }

    private static Run condaBuild(
            Path store,
            TestRegistry registry,
            String base,
            String builder,
            LocalCondaChannel channel,
            List<String> specs,
            String tag,
            boolean layers)
            throws IOException {
        ResolvedEnvironment environment = new ResolvedEnvironment();
        environment.setManager(Manager.CONDA);
        environment.setPython("3.11");
        environment.setBaseImage(base);
        environment.setChannels(List.of(LocalCondaChannel.MAIN, LocalCondaChannel.EXTRA));
        environment.setPackages(specs);
        BuildContextOptions options =
                BuildContextOptions.defaults()
                        .withCondaImage(builder)
                        .withChannelAlias(channel.alias());
        BuildContext context =
                new BuildContextGenerator(options)
                        .generate(environment, (tag.equals("rebuild") ? "d" : "c").repeat(64));
        return buildahBuild(
                store, context, registry.hostPort() + "/bench/conda:" + tag, tag, layers);
    }

    /**
     * The layer stores of the builds hold a full copy of the root filesystem per instruction (vfs):
     * gigabytes that no later run reuses.
     */
    private static void remove(Path work) {
        List<String> clean = List.of("rm", "-rf", work.toString());
        Commands.run(clean, Map.of(), LocalControlPlane.repoDir(), Duration.ofMinutes(2))
                .requireSuccess(clean);
    }

    private record Run(Duration took) {}

    private static Run build(
            Path store,
            TestRegistry registry,
            String base,
            List<String> pip,
            Installer installer,
            String tag,
            boolean layers)
            throws IOException {
        ResolvedEnvironment environment = new ResolvedEnvironment();
        environment.setManager(Manager.VENV);
        environment.setPython("3.11");
        environment.setBaseImage(base);
        environment.setPip(pip);
        BuildContext context =
                new BuildContextGenerator(BuildContextOptions.defaults().withInstaller(installer))
                        .generate(environment, "b".repeat(64));
        return buildahBuild(
                store, context, registry.hostPort() + "/bench/venv:" + tag, tag, layers);
    }

    private static Run buildahBuild(
            Path store, BuildContext context, String reference, String tag, boolean layers)
            throws IOException {
        Path dir = Files.createDirectories(store.resolve("context-" + tag));
        for (var file : context.files().entrySet()) {
            Files.writeString(dir.resolve(file.getKey()), file.getValue());
        }
        Files.createDirectories(store.resolve("tmp"));
        List<String> buildah =
                List.of(
                        "buildah",
                        "--root=" + store.resolve("root"),
                        "--runroot=" + store.resolve("runroot"),
                        "--storage-driver=vfs");
        List<String> command = new ArrayList<>(buildah);
        command.add("build");
        command.addAll(BuildahPodSpec.BUILD_FLAGS);
        if (layers) {
            command.add("--layers");
        }
        command.addAll(
                List.of(
                        "--tls-verify=false",
                        "--file=" + dir.resolve("Dockerfile"),
                        "--tag=" + reference));
        context.buildArgs()
                .forEach(
                        (name, value) ->
                                command.addAll(List.of("--build-arg", name + "=" + value)));
        command.add(dir.toString());
        List<String> push = new ArrayList<>(buildah);
        push.addAll(List.of("push", "--tls-verify=false", reference, "docker://" + reference));
        // Cache mounts live under TMPDIR: a store of its own per installer keeps the cold builds
        // cold.
        Map<String, String> env = Map.of("TMPDIR", store.resolve("tmp").toString());
        Instant start = Instant.now();
        Commands.run(command, env, dir, Duration.ofMinutes(30)).requireSuccess(command);
        Commands.run(push, env, dir, Duration.ofMinutes(5)).requireSuccess(push);
        return new Run(Duration.between(start, Instant.now()));
    }

    private static String ratio(String label, Run numerator, Run denominator) {
        return String.format(
                Locale.ROOT,
                "  %-52s %8.2f",
                label,
                seconds(numerator.took()) / seconds(denominator.took()));
    }

    private static String baseImage(Path repo, String registry) {
        List<String> command =
                List.of("bash", repo.resolve("hack/base-image.sh").toString(), registry);
        String output =
                Commands.run(command, Map.of(), repo, Duration.ofMinutes(20))
                        .requireSuccess(command)
                        .output()
                        .strip();
        return output.substring(output.lastIndexOf('\n') + 1);
    }

    private static long imageSize(String registry, String repository, String digest)
            throws IOException {
        var request =
                java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create(
                                        "http://"
                                                + registry
                                                + "/v2/"
                                                + repository
                                                + "/manifests/"
                                                + digest))
                        .header(
                                "Accept",
                                "application/vnd.oci.image.manifest.v1+json, "
                                        + "application/vnd.docker.distribution.manifest.v2+json")
                        .build();
        try {
            String body =
                    java.net.http.HttpClient.newHttpClient()
                            .send(request, java.net.http.HttpResponse.BodyHandlers.ofString())
                            .body();
            JsonNode manifest = new ObjectMapper().readTree(body);
            long size = 0;
            for (JsonNode layer : manifest.path("layers")) {
                size += layer.path("size").asLong();
            }
            return size;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static String buildahVersion() {
        List<String> command = List.of("buildah", "--version");
        return Commands.run(command, Map.of(), null, Duration.ofSeconds(30))
                .output()
                .strip()
                .split(" ")[2];
    }

    private static String row(String label, Duration took) {
        return String.format(Locale.ROOT, "  %-52s %8.1f", label, seconds(took));
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}
