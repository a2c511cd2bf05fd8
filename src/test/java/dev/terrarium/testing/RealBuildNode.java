package dev.terrarium.testing;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A real node for build pods. kwok plays only the nodes annotated as fake; this harness plays the kubelet of one more
 * node, {@value #NAME}: it keeps the node's lease and Ready condition, and for every pod bound to it reads the pod as
 * the operator made it (command, args, env, and the files of its ConfigMap, Secret and emptyDir volumes), runs that
 * command on this machine with the host's buildah inside a private mount namespace (bubblewrap) where the volumes
 * sit at the pod's mount paths and /dev/termination-log is a file of the pod's own, streams the output as the pod's
 * log (a kwok Logs object, served by kwok like any other pod log), and writes the real outcome to the pod's status:
 * exit code, reason, termination message. The operator reads all of it through the API as from any node.
 *
 * <p>The command runs as root (this machine has no subordinate id ranges for the pod's build user); buildah's
 * storage is the host's, so its cache mounts stay warm between builds as on a long-lived build node.
 */
public final class RealBuildNode implements AutoCloseable {

    public static final String NAME = "terrarium-builder";
    /** Label and taint key of the node: build pods that select it (and tolerate it) run for real. */
    public static final String LABEL = "terrarium.dev/real-builds";

    private static RealBuildNode instance;

    private final KubernetesClient client;
    private final Path workDir;
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService builds = Executors.newSingleThreadExecutor();
    private final Set<String> started = ConcurrentHashMap.newKeySet();
    private final SharedIndexInformer<Pod> pods;

    private RealBuildNode(KubernetesClient client, Path workDir) {
        this.client = client;
        this.workDir = workDir;
        register();
        heartbeat.scheduleAtFixedRate(this::renew, 0, 10, TimeUnit.SECONDS);
        pods = client.pods().inAnyNamespace().withField("spec.nodeName", NAME).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                handle(pod);
            }

            @Override
            public void onUpdate(Pod before, Pod pod) {
                handle(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean unknownFinalState) {
            }
        });
    }

    /** The node, started once per test run and kept until the JVM exits. */
    public static synchronized RealBuildNode get() {
        if (instance == null) {
            LocalControlPlane plane = LocalControlPlane.get();
            Path dir = plane.repo().resolve("target/real-builds");
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            instance = new RealBuildNode(plane.adminClient(), dir);
            Runtime.getRuntime().addShutdownHook(new Thread(instance::close));
        }
        return instance;
    }

    private void register() {
        Node fake = client.nodes().withName("kwok-node-0").get();
        Node node = new NodeBuilder()
                .withNewMetadata().withName(NAME)
                .addToLabels(LABEL, "true").addToLabels("kubernetes.io/hostname", NAME)
                .addToLabels("kubernetes.io/os", "linux").addToLabels("kubernetes.io/arch", "amd64").endMetadata()
                .withNewSpec().addNewTaint().withKey(LABEL).withValue("true").withEffect("NoSchedule").endTaint()
                .endSpec()
                .build();
        client.resource(node).forceConflicts().serverSideApply();
        Map<String, Quantity> capacity = Map.of("cpu", new Quantity("2"), "memory", new Quantity("8Gi"),
                "pods", new Quantity("20"));
        onConflictRetry(() -> client.nodes().withName(NAME).editStatus(n -> {
            n.getStatus().setCapacity(capacity);
            n.getStatus().setAllocatable(capacity);
            // Logs of pods on this node are asked of its kubelet endpoint: kwok's server, which serves Logs objects.
            n.getStatus().setAddresses(fake.getStatus().getAddresses());
            n.getStatus().setDaemonEndpoints(fake.getStatus().getDaemonEndpoints());
            n.getStatus().setNodeInfo(fake.getStatus().getNodeInfo());
            n.getStatus().setConditions(conditions());
            return n;
        }));
    }

    /** Status edits race with the API server's controllers (taints, finalizers); an edit that lost is redone. */
    private static void onConflictRetry(Runnable edit) {
        for (int attempt = 1; ; attempt++) {
            try {
                edit.run();
                return;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 10) {
                    throw e;
                }
            }
        }
    }

    private static List<NodeCondition> conditions() {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        List<NodeCondition> conditions = new ArrayList<>();
        for (String pressure : List.of("MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable")) {
            conditions.add(new NodeConditionBuilder().withType(pressure).withStatus("False").withReason("Fine")
                    .withLastHeartbeatTime(now).withLastTransitionTime(now).build());
        }
        conditions.add(new NodeConditionBuilder().withType("Ready").withStatus("True").withReason("KubeletReady")
                .withMessage("the test harness runs this node's pods").withLastHeartbeatTime(now)
                .withLastTransitionTime(now).build());
        return conditions;
    }

    private void renew() {
        try {
            String now = Instant.now().truncatedTo(ChronoUnit.MICROS).toString();
            Lease lease = new LeaseBuilder().withNewMetadata().withName(NAME).withNamespace("kube-node-lease")
                    .endMetadata().withNewSpec().withHolderIdentity(NAME).withLeaseDurationSeconds(40)
                    .withRenewTime(java.time.ZonedDateTime.parse(now)).endSpec().build();
            client.resource(lease).forceConflicts().serverSideApply();
            onConflictRetry(() -> client.nodes().withName(NAME).editStatus(n -> {
                n.getStatus().setConditions(conditions());
                return n;
            }));
        } catch (RuntimeException e) {
            System.err.println("real build node heartbeat failed: " + e.getMessage());
        }
    }

    private void handle(Pod pod) {
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            // No kubelet confirms the end of a deleted pod here but this one.
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .withGracePeriod(0).delete();
            return;
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if (("Pending".equals(phase) || phase == null) && started.add(pod.getMetadata().getUid())) {
            builds.submit(() -> run(pod));
        }
    }

    private void run(Pod pod) {
        Container container = pod.getSpec().getContainers().get(0);
        Path podDir = workDir.resolve(pod.getMetadata().getNamespace() + "_" + pod.getMetadata().getName());
        Path logFile = podDir.resolve("container.log");
        Path terminationLog = podDir.resolve("termination-log");
        Instant startedAt = Instant.now();
        int exitCode;
        try {
            Files.createDirectories(podDir);
            Files.writeString(terminationLog, "");
            Files.writeString(logFile, "");
            serveLog(pod, container.getName(), logFile);
            setRunning(pod, container, startedAt);
            List<String> command = sandboxed(pod, container, podDir, terminationLog);
            exitCode = execute(command, container, logFile);
        } catch (IOException | RuntimeException e) {
            appendLog(logFile, "terrarium test node: cannot run the pod: " + e);
            exitCode = 128;
        }
        String message = readTerminationMessage(terminationLog);
        setTerminated(pod, container, startedAt, exitCode, message);
    }

    /** The pod's command under bubblewrap, with each volume at its mount path. */
    private List<String> sandboxed(Pod pod, Container container, Path podDir, Path terminationLog)
            throws IOException {
        Map<String, Path> volumes = new HashMap<>();
        for (Volume volume : pod.getSpec().getVolumes()) {
            Path dir = podDir.resolve("volumes").resolve(volume.getName());
            Files.createDirectories(dir);
            if (volume.getConfigMap() != null) {
                ConfigMap map = client.configMaps().inNamespace(pod.getMetadata().getNamespace())
                        .withName(volume.getConfigMap().getName()).get();
                writeKeys(dir, map.getData(), volume.getConfigMap().getItems(), false);
            } else if (volume.getSecret() != null) {
                Secret secret = client.secrets().inNamespace(pod.getMetadata().getNamespace())
                        .withName(volume.getSecret().getSecretName()).get();
                writeKeys(dir, secret.getData(), volume.getSecret().getItems(), true);
            }
            volumes.put(volume.getName(), dir);
        }
        List<String> command = new ArrayList<>(List.of("bwrap", "--die-with-parent", "--bind", "/", "/",
                "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/workspace", "--tmpfs", "/home"));
        List<VolumeMount> mounts = new ArrayList<>(container.getVolumeMounts());
        mounts.sort(Comparator.comparingInt(m -> m.getMountPath().length()));
        for (VolumeMount mount : mounts) {
            Path source = volumes.get(mount.getName());
            if (mount.getSubPath() != null && !mount.getSubPath().isEmpty()) {
                source = source.resolve(mount.getSubPath());
            }
            command.add(Boolean.TRUE.equals(mount.getReadOnly()) ? "--ro-bind" : "--bind");
            command.add(source.toString());
            command.add(mount.getMountPath());
        }
        command.addAll(List.of("--bind", terminationLog.toString(), "/dev/termination-log"));
        for (EnvVar env : container.getEnv()) {
            if (env.getValue() != null) {
                command.addAll(List.of("--setenv", env.getName(), env.getValue()));
            }
        }
        command.addAll(container.getCommand());
        command.addAll(container.getArgs());
        return command;
    }

    private static void writeKeys(Path dir, Map<String, String> data, List<KeyToPath> items, boolean base64)
            throws IOException {
        if (data == null) {
            return;
        }
        Map<String, String> paths = new HashMap<>();
        if (items == null || items.isEmpty()) {
            data.keySet().forEach(key -> paths.put(key, key));
        } else {
            items.forEach(item -> paths.put(item.getKey(), item.getPath()));
        }
        for (var entry : paths.entrySet()) {
            String value = data.get(entry.getKey());
            byte[] bytes = base64 ? Base64.getDecoder().decode(value) : value.getBytes(StandardCharsets.UTF_8);
            Path file = dir.resolve(entry.getValue());
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        }
    }

    private static int execute(List<String> command, Container container, Path logFile) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Process process = builder.start();
        process.getOutputStream().close();
        try (BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); Writer log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.APPEND)) {
            String line;
            while ((line = output.readLine()) != null) {
                log.write(Instant.now() + " stdout F " + line + "\n");
                log.flush();
            }
        }
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return 137;
        }
    }

    private static void appendLog(Path logFile, String line) {
        try {
            Files.writeString(logFile, Instant.now() + " stdout F " + line + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readTerminationMessage(Path file) {
        try {
            String message = Files.readString(file);
            return message.length() > 4096 ? message.substring(0, 4096) : message;
        } catch (IOException e) {
            return "";
        }
    }

    private void serveLog(Pod pod, String container, Path logFile) {
        GenericKubernetesResource logs = new GenericKubernetesResource();
        logs.setApiVersion("kwok.x-k8s.io/v1alpha1");
        logs.setKind("Logs");
        logs.setMetadata(new ObjectMetaBuilder().withName(pod.getMetadata().getName())
                .withNamespace(pod.getMetadata().getNamespace()).build());
        logs.setAdditionalProperty("spec", Map.of("logs", List.of(Map.of("containers", List.of(container),
                "logsFile", logFile.toAbsolutePath().toString(), "follow", true))));
        client.resource(logs).serverSideApply();
    }

    private void setRunning(Pod pod, Container container, Instant startedAt) {
        String now = startedAt.truncatedTo(ChronoUnit.SECONDS).toString();
        onConflictRetry(() -> client.pods().inNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName()).editStatus(p -> {
                    p.getStatus().setPhase("Running");
                    p.getStatus().setStartTime(now);
                    p.getStatus().setHostIP(hostIp());
                    p.getStatus().setPodIP(hostIp());
                    p.getStatus().setConditions(podConditions(true, now));
                    p.getStatus().setContainerStatuses(List.of(new ContainerStatusBuilder()
                            .withName(container.getName()).withImage(container.getImage()).withReady(true)
                            .withStarted(true).withRestartCount(0)
                            .withNewState().withNewRunning().withStartedAt(now).endRunning().endState().build()));
                    return p;
                }));
    }

    private void setTerminated(Pod pod, Container container, Instant startedAt, int exitCode, String message) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        onConflictRetry(() -> client.pods().inNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName()).editStatus(p -> {
                    p.getStatus().setPhase(exitCode == 0 ? "Succeeded" : "Failed");
                    p.getStatus().setConditions(podConditions(false, now));
                    p.getStatus().setContainerStatuses(List.of(new ContainerStatusBuilder()
                            .withName(container.getName()).withImage(container.getImage()).withReady(false)
                            .withStarted(false).withRestartCount(0)
                            .withNewState().withNewTerminated().withExitCode(exitCode)
                            .withReason(exitCode == 0 ? "Completed" : "Error")
                            .withMessage(message.isEmpty() ? null : message)
                            .withStartedAt(startedAt.truncatedTo(ChronoUnit.SECONDS).toString())
                            .withFinishedAt(now).endTerminated().endState().build()));
                    return p;
                }));
    }

    /** The pod runs on this machine, in its network. */
    private static String hostIp() {
        return "127.0.0.1";
    }

    private static List<PodCondition> podConditions(boolean ready, String now) {
        return List.of(
                new PodConditionBuilder().withType("PodScheduled").withStatus("True").withLastTransitionTime(now)
                        .build(),
                new PodConditionBuilder().withType("Initialized").withStatus("True").withLastTransitionTime(now)
                        .build(),
                new PodConditionBuilder().withType("ContainersReady").withStatus(ready ? "True" : "False")
                        .withLastTransitionTime(now).build(),
                new PodConditionBuilder().withType("Ready").withStatus(ready ? "True" : "False")
                        .withLastTransitionTime(now).build());
    }

    @Override
    public void close() {
        pods.close();
        heartbeat.shutdownNow();
        builds.shutdownNow();
    }
}
