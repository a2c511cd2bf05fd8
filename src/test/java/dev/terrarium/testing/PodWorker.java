package dev.terrarium.testing;

import dev.terrarium.testing.KubeletRules.ConfigError;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The life of one pod on the test node, as a kubelet leads it: volumes first, then each init
 * container in order to completion, then the containers side by side, each pulled from its own
 * image and run by {@link NodeRuntime}; restarts by restartPolicy with the kubelet's back-off (10 s
 * doubling to 5 min); readiness probes; and the pod's status (phase, conditions, per-container
 * states) written after every change. {@link #stop} ends the containers (SIGTERM, SIGKILL after the
 * grace period).
 */
final class PodWorker {

    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(10);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    private static final Duration CONFIG_RETRY = Duration.ofSeconds(5);

    private final RealBuildNode node;
    private final Pod pod;
    private final Path dir;
    private final Map<String, ContainerStatus> initStatuses = new LinkedHashMap<>();
    private final Map<String, ContainerStatus> statuses = new LinkedHashMap<>();
    private final Map<String, NodeRuntime.Running> running = new ConcurrentHashMap<>();
    private final Map<String, NodeRuntime.ContainerLog> logs = new LinkedHashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    /**
     * Held while a status is taken and written, so that writes land in the order the statuses were
     * taken.
     */
    private final Object publishing = new Object();

    private volatile boolean stopping;
    private boolean volumesReady;
    private boolean initialised;
    private boolean initFailed;
    private final String startTime = now();
    private Map<String, Path> volumes;

    PodWorker(RealBuildNode node, Pod pod, Path dir) {
        this.node = node;
        this.pod = pod;
        this.dir = dir;
        for (Container container : initContainers()) {
            initStatuses.put(container.getName(), waiting(container, "PodInitializing", null));
        }
        for (Container container : pod.getSpec().getContainers()) {
            statuses.put(
                    container.getName(),
                    waiting(
                            container,
                            initContainers().isEmpty() ? "ContainerCreating" : "PodInitializing",
                            null));
        }
    }

    private List<Container> initContainers() {
        return pod.getSpec().getInitContainers() == null
                ? List.of()
                : pod.getSpec().getInitContainers();
    }

    private String restartPolicy() {
        return pod.getSpec().getRestartPolicy() == null
                ? "Always"
                : pod.getSpec().getRestartPolicy();
    }

    String name() {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    void run() {
        try {
            Files.createDirectories(dir);
            // Volumes hold Secrets' files, and container specs their values: for root only, as a
            // kubelet's are.
            Files.setPosixFilePermissions(dir, PodVolumes.permissions(0700));
            prepareLogs();
            publish();
            if (!prepareVolumes()) {
                return;
            }
            for (Container container : initContainers()) {
                if (!runToCompletion(container)) {
                    return;
                }
            }
            synchronized (this) {
                initialised = true;
                for (Container container : pod.getSpec().getContainers()) {
                    statuses.put(
                            container.getName(), waiting(container, "ContainerCreating", null));
                }
            }
            publish();
            List<Thread> threads = new ArrayList<>();
            for (Container container : pod.getSpec().getContainers()) {
                Thread thread =
                        new Thread(
                                () -> runWithRestarts(container),
                                "pod-" + pod.getMetadata().getName() + "-" + container.getName());
                thread.start();
                threads.add(thread);
            }
            for (Thread thread : threads) {
                thread.join();
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("test node: pod " + name() + " failed on the node: " + e);
            e.printStackTrace();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            finished.countDown();
        }
    }

    /**
     * Each container's log is a file that kwok serves as the pod's log (a Logs object owned by the
     * pod).
     */
    private void prepareLogs() throws IOException {
        List<Map<String, Object>> entries = new ArrayList<>();
        List<Container> all = new ArrayList<>(initContainers());
        all.addAll(pod.getSpec().getContainers());
        for (Container container : all) {
            NodeRuntime.ContainerLog log =
                    new NodeRuntime.ContainerLog(
                            dir.resolve("logs").resolve(container.getName() + ".log"));
            logs.put(container.getName(), log);
            entries.add(
                    Map.of(
                            "containers",
                            List.of(container.getName()),
                            "logsFile",
                            log.file().toAbsolutePath().toString(),
                            "follow",
                            true));
        }
        GenericKubernetesResource object = new GenericKubernetesResource();
        object.setApiVersion("kwok.x-k8s.io/v1alpha1");
        object.setKind("Logs");
        object.setMetadata(
                new ObjectMetaBuilder()
                        .withName(pod.getMetadata().getName())
                        .withNamespace(pod.getMetadata().getNamespace())
                        .withOwnerReferences(
                                new OwnerReferenceBuilder()
                                        .withApiVersion("v1")
                                        .withKind("Pod")
                                        .withName(pod.getMetadata().getName())
                                        .withUid(pod.getMetadata().getUid())
                                        .build())
                        .build());
        object.setAdditionalProperty("spec", Map.of("logs", entries));
        node.client().resource(object).forceConflicts().serverSideApply();
    }

    /**
     * Volumes and the pod's own /etc files; retried while a ConfigMap or Secret they need is
     * missing.
     */
    private boolean prepareVolumes() throws IOException, InterruptedException {
        String hostname = ContainerSetup.hostname(pod);
        Files.writeString(
                dir.resolve("hosts"),
                Files.readString(Path.of("/etc/hosts"))
                        + "\n# Kubernetes pod\n"
                        + RealBuildNode.POD_IP
                        + "\t"
                        + hostname
                        + "\n");
        Files.writeString(dir.resolve("hostname"), hostname + "\n");
        Files.copy(
                Path.of("/etc/resolv.conf"),
                dir.resolve("resolv.conf"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        while (!stopping) {
            try {
                Path volumeDir = dir.resolve("volumes");
                NodeRuntime.removeTree(volumeDir);
                volumes =
                        PodVolumes.prepare(
                                node.client(), pod, volumeDir, node.context().allocatable());
                synchronized (this) {
                    volumesReady = true;
                }
                return true;
            } catch (ConfigError e) {
                setAllWaiting("ContainerCreating", "MountVolume.SetUp failed: " + e.getMessage());
                publish();
                if (stopped.await(CONFIG_RETRY.toMillis(), TimeUnit.MILLISECONDS)) {
                    return false;
                }
            }
        }
        return false;
    }

    private synchronized void setAllWaiting(String reason, String message) {
        for (Container container : initContainers()) {
            initStatuses.put(container.getName(), waiting(container, reason, message));
        }
        for (Container container : pod.getSpec().getContainers()) {
            statuses.put(container.getName(), waiting(container, reason, message));
        }
    }

    /**
     * An init container, restarted until it succeeds unless restartPolicy is Never; false when the
     * pod stops.
     */
    private boolean runToCompletion(Container container) throws InterruptedException {
        for (int restarts = 0; !stopping; restarts++) {
            Integer exitCode = runOnce(container, true);
            if (exitCode == null) {
                return false;
            }
            if (exitCode == 0) {
                return true;
            }
            if ("Never".equals(restartPolicy())) {
                synchronized (this) {
                    initFailed = true;
                }
                publish();
                return false;
            }
            if (!backOff(container, true, restarts)) {
                return false;
            }
        }
        return false;
    }

    private void runWithRestarts(Container container) {
        try {
            for (int restarts = 0; !stopping; restarts++) {
                Integer exitCode = runOnce(container, false);
                if (exitCode == null) {
                    return;
                }
                boolean restart =
                        "Always".equals(restartPolicy())
                                || ("OnFailure".equals(restartPolicy()) && exitCode != 0);
                if (!restart || !backOff(container, false, restarts)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** CrashLoopBackOff before the next start; false when the pod stops meanwhile. */
    private boolean backOff(Container container, boolean init, int restarts)
            throws InterruptedException {
        Duration delay = backOffDelay(restarts);
        setStatus(
                container,
                init,
                s ->
                        new ContainerStatusBuilder(s)
                                .withLastState(s.getState())
                                .withState(
                                        new ContainerStateBuilder()
                                                .withNewWaiting()
                                                .withReason("CrashLoopBackOff")
                                                .withMessage(
                                                        "back-off "
                                                                + delay.toSeconds()
                                                                + "s restarting failed container="
                                                                + container.getName()
                                                                + " pod="
                                                                + pod.getMetadata().getName()
                                                                + "_"
                                                                + pod.getMetadata().getNamespace()
                                                                + "("
                                                                + pod.getMetadata().getUid()
                                                                + ")")
                                                .endWaiting()
                                                .build())
                                .withRestartCount(s.getRestartCount() + 1)
                                .withReady(false)
                                .withStarted(false)
                                .build());
        publish();
        return !stopped.await(delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The kubelet's back-off: 10 s, doubling with each failure, at most 5 min. */
    private static Duration backOffDelay(int failures) {
        Duration delay = FIRST_BACKOFF.multipliedBy(1L << Math.min(failures, 5));
        return delay.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay;
    }

    /**
     * Pulls, sets up and runs the container once; its exit code, or null when the pod stopped
     * first.
     */
    private Integer runOnce(Container container, boolean init) throws InterruptedException {
        ImagePuller.Image image = pull(container, init);
        if (image == null) {
            return null;
        }
        try {
            return run(container, init, image);
        } finally {
            node.puller().release(image);
        }
    }

    private Integer run(Container container, boolean init, ImagePuller.Image image)
            throws InterruptedException {
        Path containerDir = dir.resolve("containers").resolve(container.getName());
        NodeRuntime.Running process = null;
        while (process == null) {
            if (stopping) {
                return null;
            }
            try {
                NodeRuntime.removeTree(containerDir);
                Files.createDirectories(containerDir);
                Path messageFile = containerDir.resolve("termination-log");
                Files.createFile(
                        messageFile,
                        PosixFilePermissions.asFileAttribute(PodVolumes.permissions(0666)));
                Files.setPosixFilePermissions(messageFile, PodVolumes.permissions(0666));
                NodeRuntime.ContainerSpec spec =
                        ContainerSetup.spec(
                                node.client(),
                                node.context(),
                                pod,
                                container,
                                image,
                                volumes,
                                dir,
                                containerDir);
                synchronized (this) {
                    if (stopping) {
                        return null;
                    }
                    process =
                            node.runtime()
                                    .start(
                                            spec,
                                            containerDir.resolve("spec.json"),
                                            logs.get(container.getName()));
                    running.put(container.getName(), process);
                }
            } catch (ConfigError e) {
                setStatus(
                        container,
                        init,
                        s ->
                                new ContainerStatusBuilder(s)
                                        .withState(
                                                new ContainerStateBuilder()
                                                        .withNewWaiting()
                                                        .withReason(e.reason())
                                                        .withMessage(e.getMessage())
                                                        .endWaiting()
                                                        .build())
                                        .build());
                publish();
                if (stopped.await(CONFIG_RETRY.toMillis(), TimeUnit.MILLISECONDS)) {
                    return null;
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        String startedAt = now();
        Probe readiness = init ? null : container.getReadinessProbe();
        String containerId =
                "terrarium://" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        setStatus(
                container,
                init,
                s ->
                        new ContainerStatusBuilder(s)
                                .withImageID(image.imageId())
                                .withContainerID(containerId)
                                .withStarted(true)
                                .withReady(readiness == null)
                                .withState(
                                        new ContainerStateBuilder()
                                                .withNewRunning()
                                                .withStartedAt(startedAt)
                                                .endRunning()
                                                .build())
                                .build());
        publish();
        ScheduledFuture<?> probing =
                readiness == null ? null : probe(container, readiness, process);
        int exitCode = process.await();
        if (probing != null) {
            probing.cancel(false);
        }
        running.remove(container.getName());
        String reason;
        String message;
        var startError = process.startError();
        if (startError.isPresent()) {
            reason = "StartError";
            message = startError.get();
        } else {
            reason = exitCode == 0 ? "Completed" : "Error";
            message =
                    KubeletRules.terminationMessage(
                            readMessage(containerDir),
                            container.getTerminationMessagePolicy(),
                            exitCode,
                            logs.get(container.getName()).tail());
        }
        String finishedAt = now();
        setStatus(
                container,
                init,
                s ->
                        new ContainerStatusBuilder(s)
                                .withReady(false)
                                .withStarted(false)
                                .withState(
                                        new ContainerStateBuilder()
                                                .withNewTerminated()
                                                .withExitCode(exitCode)
                                                .withReason(reason)
                                                .withMessage(message.isEmpty() ? null : message)
                                                .withStartedAt(startedAt)
                                                .withFinishedAt(finishedAt)
                                                .withContainerID(containerId)
                                                .endTerminated()
                                                .build())
                                .build());
        publish();
        return exitCode;
    }

    private static String readMessage(Path containerDir) {
        try {
            return Files.readString(containerDir.resolve("termination-log"));
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The container's image, pulled with the pod's pull secrets; retried with back-off, as a
     * kubelet does.
     */
    private ImagePuller.Image pull(Container container, boolean init) throws InterruptedException {
        String policy =
                container.getImagePullPolicy() == null
                        ? "IfNotPresent"
                        : container.getImagePullPolicy();
        for (int attempt = 0; !stopping; attempt++) {
            try {
                return node.puller().pull(container.getImage(), policy, pullCredentials());
            } catch (ImagePuller.PullException e) {
                String reason = "Never".equals(policy) ? "ErrImageNeverPull" : "ErrImagePull";
                setStatus(
                        container,
                        init,
                        s ->
                                new ContainerStatusBuilder(s)
                                        .withState(
                                                new ContainerStateBuilder()
                                                        .withNewWaiting()
                                                        .withReason(reason)
                                                        .withMessage(e.getMessage())
                                                        .endWaiting()
                                                        .build())
                                        .build());
                publish();
                if (stopped.await(2, TimeUnit.SECONDS)) {
                    return null;
                }
                Duration wait = backOffDelay(attempt);
                setStatus(
                        container,
                        init,
                        s ->
                                new ContainerStatusBuilder(s)
                                        .withState(
                                                new ContainerStateBuilder()
                                                        .withNewWaiting()
                                                        .withReason("ImagePullBackOff")
                                                        .withMessage(
                                                                "Back-off pulling image \""
                                                                        + container.getImage()
                                                                        + "\": "
                                                                        + reason
                                                                        + ": "
                                                                        + e.getMessage())
                                                        .endWaiting()
                                                        .build())
                                        .build());
                publish();
                if (stopped.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                    return null;
                }
            }
        }
        return null;
    }

    private List<ImagePuller.RegistryAuth> pullCredentials() {
        List<ImagePuller.RegistryAuth> credentials = new ArrayList<>();
        List<LocalObjectReference> secrets =
                pod.getSpec().getImagePullSecrets() == null
                        ? List.of()
                        : pod.getSpec().getImagePullSecrets();
        for (LocalObjectReference reference : secrets) {
            Secret secret =
                    node.client()
                            .secrets()
                            .inNamespace(pod.getMetadata().getNamespace())
                            .withName(reference.getName())
                            .get();
            // A missing pull secret is skipped with a warning by the kubelet, and so here.
            if (secret != null && secret.getData() != null) {
                credentials.addAll(ImagePuller.credentials(secret.getData()));
            }
        }
        return credentials;
    }

    /**
     * Runs the readiness probe from initialDelaySeconds every periodSeconds; Ready follows the
     * thresholds.
     */
    private ScheduledFuture<?> probe(
            Container container, Probe probe, NodeRuntime.Running process) {
        int success = probe.getSuccessThreshold() == null ? 1 : probe.getSuccessThreshold();
        int failure = probe.getFailureThreshold() == null ? 3 : probe.getFailureThreshold();
        int[] streak = {0, 0};
        return node.scheduler()
                .scheduleWithFixedDelay(
                        () -> {
                            if (!process.isAlive()) {
                                return;
                            }
                            boolean ok = ProbeRunner.succeeds(probe, container, process);
                            streak[0] = ok ? streak[0] + 1 : 0;
                            streak[1] = ok ? 0 : streak[1] + 1;
                            Boolean ready =
                                    streak[0] >= success
                                            ? Boolean.TRUE
                                            : streak[1] >= failure ? Boolean.FALSE : null;
                            if (ready != null && !Objects.equals(ready, readiness(container))) {
                                setStatus(
                                        container,
                                        false,
                                        s ->
                                                new ContainerStatusBuilder(s)
                                                        .withReady(ready)
                                                        .build());
                                publish();
                            }
                        },
                        probe.getInitialDelaySeconds() == null ? 0 : probe.getInitialDelaySeconds(),
                        probe.getPeriodSeconds() == null ? 10 : probe.getPeriodSeconds(),
                        TimeUnit.SECONDS);
    }

    private synchronized Boolean readiness(Container container) {
        ContainerStatus status = statuses.get(container.getName());
        return status == null || status.getState().getRunning() == null ? null : status.getReady();
    }

    private synchronized void setStatus(
            Container container,
            boolean init,
            java.util.function.UnaryOperator<ContainerStatus> change) {
        Map<String, ContainerStatus> map = init ? initStatuses : statuses;
        map.put(container.getName(), change.apply(map.get(container.getName())));
    }

    private static ContainerStatus waiting(Container container, String reason, String message) {
        return new ContainerStatusBuilder()
                .withName(container.getName())
                .withImage(container.getImage())
                .withImageID("")
                .withReady(false)
                .withStarted(false)
                .withRestartCount(0)
                .withState(
                        new ContainerStateBuilder()
                                .withNewWaiting()
                                .withReason(reason)
                                .withMessage(message)
                                .endWaiting()
                                .build())
                .build();
    }

    /**
     * Stops the pod's containers: SIGTERM, then SIGKILL after the grace period; returns when they
     * are gone.
     */
    void stop(Duration grace) throws InterruptedException {
        List<NodeRuntime.Running> processes;
        synchronized (this) {
            stopping = true;
            stopped.countDown();
            processes = new ArrayList<>(running.values());
        }
        List<Thread> stoppers = new ArrayList<>();
        for (NodeRuntime.Running process : processes) {
            Thread stopper =
                    new Thread(
                            () -> {
                                try {
                                    process.stop(grace);
                                } catch (InterruptedException e) {
                                    process.kill();
                                }
                            });
            stopper.start();
            stoppers.add(stopper);
        }
        for (Thread stopper : stoppers) {
            stopper.join();
        }
        finished.await(grace.toMillis() + 30_000, TimeUnit.MILLISECONDS);
    }

    /**
     * Kills the containers at once, without status updates (the pod is gone, or the node goes
     * down).
     */
    void kill() {
        synchronized (this) {
            stopping = true;
            stopped.countDown();
        }
        running.values().forEach(NodeRuntime.Running::kill);
    }

    boolean isFinished() {
        return finished.getCount() == 0;
    }

    /**
     * Writes the pod's status as it is now; conditions keep their transition time while they do not
     * change.
     */
    private void publish() {
        synchronized (publishing) {
            PodStatus status;
            synchronized (this) {
                status = snapshot();
            }
            write(status);
        }
    }

    private void write(PodStatus status) {
        node.writeStatus(
                pod,
                current -> {
                    Map<String, PodCondition> previous = new LinkedHashMap<>();
                    if (current.getConditions() != null) {
                        current.getConditions().forEach(c -> previous.put(c.getType(), c));
                    }
                    List<PodCondition> conditions = new ArrayList<>();
                    if (previous.containsKey("PodScheduled")) {
                        conditions.add(previous.get("PodScheduled"));
                    }
                    for (PodCondition condition : status.getConditions()) {
                        PodCondition before = previous.get(condition.getType());
                        if (before != null
                                && Objects.equals(before.getStatus(), condition.getStatus())) {
                            condition.setLastTransitionTime(before.getLastTransitionTime());
                        }
                        conditions.add(condition);
                    }
                    current.setConditions(conditions);
                    current.setPhase(status.getPhase());
                    current.setStartTime(status.getStartTime());
                    current.setHostIP(status.getHostIP());
                    current.setHostIPs(status.getHostIPs());
                    current.setPodIP(status.getPodIP());
                    current.setPodIPs(status.getPodIPs());
                    current.setContainerStatuses(status.getContainerStatuses());
                    current.setInitContainerStatuses(status.getInitContainerStatuses());
                });
    }

    private PodStatus snapshot() {
        List<ContainerStatus> containers = new ArrayList<>(statuses.values());
        // The kubelet lists container statuses by name, init container statuses in spec order.
        containers.sort(Comparator.comparing(ContainerStatus::getName));
        String phase = KubeletRules.phase(restartPolicy(), initialised, initFailed, containers);
        boolean terminal = phase.equals("Succeeded") || phase.equals("Failed");
        List<String> unready =
                containers.stream()
                        .filter(c -> !Boolean.TRUE.equals(c.getReady()))
                        .map(ContainerStatus::getName)
                        .toList();
        List<String> incomplete =
                initStatuses.values().stream()
                        .filter(
                                c ->
                                        c.getState().getTerminated() == null
                                                || c.getState().getTerminated().getExitCode() != 0)
                        .map(ContainerStatus::getName)
                        .toList();
        String time = now();
        List<PodCondition> conditions = new ArrayList<>();
        conditions.add(condition("PodReadyToStartContainers", volumesReady, null, null, time));
        conditions.add(
                condition(
                        "Initialized",
                        initialised,
                        terminal && !initialised ? "PodCompleted" : "ContainersNotInitialized",
                        "containers with incomplete status: " + incomplete,
                        time));
        String unreadyReason = terminal ? "PodCompleted" : "ContainersNotReady";
        String unreadyMessage = "containers with unready status: " + unready;
        conditions.add(
                condition(
                        "ContainersReady",
                        !terminal && unready.isEmpty(),
                        unreadyReason,
                        unreadyMessage,
                        time));
        conditions.add(
                condition(
                        "Ready",
                        !terminal && unready.isEmpty(),
                        unreadyReason,
                        unreadyMessage,
                        time));
        PodStatus status = new PodStatus();
        status.setPhase(phase);
        status.setConditions(conditions);
        status.setStartTime(startTime);
        status.setHostIP(RealBuildNode.POD_IP);
        status.setHostIPs(List.of(new HostIP(RealBuildNode.POD_IP)));
        status.setPodIP(RealBuildNode.POD_IP);
        status.setPodIPs(List.of(new PodIP(RealBuildNode.POD_IP)));
        status.setContainerStatuses(containers);
        status.setInitContainerStatuses(
                initContainers().isEmpty() ? null : new ArrayList<>(initStatuses.values()));
        return status;
    }

    private static PodCondition condition(
            String type, boolean isTrue, String reason, String message, String time) {
        return new PodConditionBuilder()
                .withType(type)
                .withStatus(isTrue ? "True" : "False")
                .withReason(isTrue ? null : reason)
                .withMessage(isTrue ? null : message)
                .withLastTransitionTime(time)
                .withLastProbeTime(null)
                .build();
    }

    static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /**
     * A container that could not be found after a node restart, reported as the kubelet reports it.
     */
    static ContainerState lost() {
        return new ContainerStateBuilder()
                .withNewTerminated()
                .withExitCode(137)
                .withReason("ContainerStatusUnknown")
                .withMessage("The container could not be located when the pod was terminated")
                .withFinishedAt(now())
                .endTerminated()
                .build();
    }
}
