package dev.terrarium.testing;

import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.Manager;
import dev.terrarium.api.ResolvedEnvironment;
import dev.terrarium.buildcontext.BuildContextGenerator;
import dev.terrarium.buildcontext.LockMarkers;
import dev.terrarium.builder.BuilderPod;
import dev.terrarium.naming.Names;
import dev.terrarium.requirements.PylockToml;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Plays the part of a build pod's logs on the simulated nodes: for each build pod, writes the build
 * step's log in CRI format that ends with the lock of what the ImageBuild asked for, printed in the
 * markers the real build step prints, and the push step's log, and registers them with kwok (a Logs
 * object for the pod, one file per container) so the API server serves them as the logs of the
 * pod's {@code build} and {@code push} containers. The operator reads it through its real log path
 * and cannot tell it from a real builder's.
 */
public final class SimulatedBuildLogs implements AutoCloseable {

    private final KubernetesClient client;
    private final Path directory;
    private final SharedIndexInformer<Pod> informer;

    private SimulatedBuildLogs(KubernetesClient client, Path directory) {
        this.client = client;
        this.directory = directory;
        this.informer =
                client.pods()
                        .inAnyNamespace()
                        .withLabel("terrarium.dev/imagebuild")
                        .inform(
                                new ResourceEventHandler<>() {
                                    @Override
                                    public void onAdd(Pod pod) {
                                        serve(pod);
                                    }

                                    @Override
                                    public void onUpdate(Pod before, Pod pod) {}

                                    @Override
                                    public void onDelete(Pod pod, boolean unknownFinalState) {}
                                });
    }

    public static SimulatedBuildLogs start(KubernetesClient admin, Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new SimulatedBuildLogs(admin, directory);
    }

    private void serve(Pod pod) {
        Map<String, String> wanted = pod.getSpec().getNodeSelector();
        if (wanted != null && wanted.containsKey(RealBuildNode.LABEL)) {
            return;
        }
        String namespace = pod.getMetadata().getNamespace();
        String buildName = pod.getMetadata().getLabels().get("terrarium.dev/imagebuild");
        String buildNamespace =
                pod.getMetadata()
                        .getLabels()
                        .getOrDefault("terrarium.dev/imagebuild-namespace", namespace);
        ImageBuild build =
                client.resources(ImageBuild.class)
                        .inNamespace(buildNamespace)
                        .withName(buildName)
                        .get();
        if (build == null) {
            return;
        }
        String base = namespace + "_" + pod.getMetadata().getName();
        Path buildFile = directory.resolve(base + ".log");
        Path pushFile = directory.resolve(base + ".push.log");
        Map<String, String> selector = pod.getSpec().getNodeSelector();
        String fate = selector == null ? null : selector.get("terrarium.dev/kwok-fate");
        boolean fails = "fail".equals(fate) || "oom".equals(fate);
        try {
            Files.writeString(buildFile, criLog(fails ? failedLog(build) : builderLog(build)));
            Files.writeString(pushFile, criLog(fails ? List.of() : pushLog()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        GenericKubernetesResource logs = new GenericKubernetesResource();
        logs.setApiVersion("kwok.x-k8s.io/v1alpha1");
        logs.setKind("Logs");
        logs.setMetadata(
                new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                        .withName(pod.getMetadata().getName())
                        .withNamespace(namespace)
                        .build());
        logs.setAdditionalProperty(
                "spec",
                Map.of(
                        "logs",
                        List.of(
                                Map.of(
                                        "containers",
                                        List.of(BuilderPod.BUILD_CONTAINER),
                                        "logsFile",
                                        buildFile.toAbsolutePath().toString()),
                                Map.of(
                                        "containers",
                                        List.of(BuilderPod.PUSH_CONTAINER),
                                        "logsFile",
                                        pushFile.toAbsolutePath().toString()))));
        client.resource(logs).serverSideApply();
    }

    /** What buildah prints for the build, ending with the lock step's marked output. */
    static List<String> builderLog(ImageBuild build) {
        ResolvedEnvironment env = build.getSpec().getResolved();
        String hash = build.getSpec().getSpecHash();
        List<String> lock = lockLines(env);
        List<String> lines =
                new ArrayList<>(
                        List.of(
                                "STEP 1/5: FROM " + env.getBaseImage(),
                                "STEP 2/5: USER root",
                                "STEP 3/5: RUN install (simulated)",
                                "installed "
                                        + (env.getPackages().size() + env.getPip().size())
                                        + " packages",
                                "STEP 4/5: RUN write and print the lock",
                                LockMarkers.prefix(hash) + "begin"));
        lock.forEach(line -> lines.add(LockMarkers.prefix(hash) + "| " + line));
        lines.add(LockMarkers.prefix(hash) + "end " + lock.size());
        if (env.getManager() == Manager.VENV && !lock.isEmpty()) {
            List<String> pylock = pylockLines(env, lock);
            String block = BuildContextGenerator.PYLOCK_BLOCK;
            lines.add(LockMarkers.prefix(hash) + "begin " + block);
            pylock.forEach(line -> lines.add(LockMarkers.prefix(hash) + "| " + line));
            lines.add(LockMarkers.prefix(hash) + "end " + block + " " + pylock.size());
        }
        lines.add("STEP 5/5: USER 10001:10001");
        lines.add("COMMIT " + build.getSpec().target());
        lines.add("--> 5d1c3a0e7b9f");
        lines.add("Successfully tagged " + build.getSpec().target());
        lines.add("Copying blob sha256:5d1c3a0e7b9f (simulated)");
        lines.add("Writing manifest to image destination");
        return lines;
    }

    /** What skopeo prints when the push step copies the build's OCI layout to the target. */
    static List<String> pushLog() {
        return List.of(
                "Getting image source signatures",
                "Copying blob sha256:5d1c3a0e7b9f (simulated)",
                "Copying config sha256:0c2d6e1f9a8b (simulated)",
                "Writing manifest to image destination");
    }

    /** What buildah prints when the install step fails: many lines of progress, then the error. */
    static List<String> failedLog(ImageBuild build) {
        List<String> lines =
                new ArrayList<>(
                        List.of(
                                "STEP 1/5: FROM " + build.getSpec().getResolved().getBaseImage(),
                                "STEP 2/5: USER root",
                                "STEP 3/5: RUN install (simulated)"));
        for (int i = 0; i < 60; i++) {
            lines.add("Downloading package " + i + " of 60");
        }
        lines.add("subprocess exited with status 3");
        lines.add(
                "Error: error building at STEP \"RUN install\": error while running runtime: exit status 3");
        return lines;
    }

    /**
     * The exact lock of a venv build: the given pylock.toml as it is, else one wheel a pin, at a
     * made-up URL with the sha256 of its pin, in the form uv writes.
     */
    private static List<String> pylockLines(ResolvedEnvironment env, List<String> pins) {
        if (env.getPylockToml() != null) {
            return env.getPylockToml().lines().toList();
        }
        List<String> lines =
                new ArrayList<>(
                        List.of(
                                "lock-version = \"1.0\"",
                                "created-by = \"uv\"",
                                "requires-python = \">=" + env.getPython() + "\""));
        for (String pin : pins) {
            String name = pin.substring(0, pin.indexOf("=="));
            String version = pin.substring(pin.indexOf("==") + 2);
            lines.add("");
            lines.add("[[packages]]");
            lines.add("name = \"" + name + "\"");
            lines.add("version = \"" + version + "\"");
            lines.add(
                    "wheels = [{ url = \"https://files.example.com/simulated/"
                            + name.replace('-', '_')
                            + "-"
                            + version
                            + "-py3-none-any.whl\", hashes = { sha256 = \""
                            + Names.sha256Hex(pin)
                            + "\" } }]");
        }
        return lines;
    }

    private static List<String> lockLines(ResolvedEnvironment env) {
        List<String> lines = new ArrayList<>();
        if (env.getManager() == Manager.VENV && env.getPylockToml() != null) {
            PylockToml.read(env.getPylockToml(), "pylockToml", new ArrayList<>())
                    .packages()
                    .forEach(
                            pkg ->
                                    lines.add(
                                            pkg.name()
                                                    + "=="
                                                    + (pkg.version() == null
                                                            ? "0"
                                                            : pkg.version())));
            return lines;
        }
        if (env.getManager() == Manager.VENV) {
            env.getPip().forEach(spec -> lines.add(pinned(spec)));
            return lines;
        }
        lines.add("name: base");
        lines.add("channels:");
        env.getChannels().forEach(channel -> lines.add("- " + channel));
        lines.add("dependencies:");
        env.getPackages().forEach(spec -> lines.add("- " + spec));
        if (!env.getPip().isEmpty()) {
            lines.add("- pip:");
            env.getPip().forEach(spec -> lines.add("  - " + pinned(spec)));
        }
        return lines;
    }

    /** name==version for a requirement: its own pin, else a made-up resolution. */
    private static String pinned(String requirement) {
        String name = requirement.split("[\\[=<>!~; @]", 2)[0];
        int pin = requirement.indexOf("==");
        String version = pin >= 0 ? requirement.substring(pin + 2).split("[,; ]", 2)[0] : "1.0.0";
        return name + "==" + version;
    }

    private static String criLog(List<String> lines) {
        StringBuilder log = new StringBuilder();
        Instant time = Instant.now();
        for (String line : lines) {
            log.append(time).append(" stdout F ").append(line).append('\n');
        }
        return log.toString();
    }

    @Override
    public void close() {
        informer.close();
    }
}
