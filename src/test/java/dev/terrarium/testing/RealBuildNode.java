package dev.terrarium.testing;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A real node. kwok plays only the nodes annotated as fake; this harness plays the kubelet of one
 * more node, {@value #NAME}: it keeps the node's lease and Ready condition, and runs every pod
 * bound to it from the pod's own images, as a kubelet does: {@link ImagePuller} pulls each
 * container's image from its registry (with the pod's pull secrets) and unpacks it into a root
 * filesystem cached by digest; {@link PodWorker} makes the volumes, runs the init containers in
 * order and then the containers, each with its command, args, env, mounts and user ({@link
 * ContainerSetup}, {@link KubeletRules}), through {@link NodeRuntime} (namespaces, pivot_root, uid
 * switch, capability bounding set); their output is the pod's log (a kwok Logs object per pod,
 * served by kwok like any other pod log), and their states, readiness and the pod's phase go to the
 * pod's status. A deleted pod's containers get SIGTERM, then SIGKILL after the grace period, and
 * only then is the deletion confirmed.
 *
 * <p>What it does not do (cgroup limits, seccomp and AppArmor profiles, pod networking, liveness
 * probes, ...) is listed in the README, "What the test node does for real and what it does not".
 */
public final class RealBuildNode implements AutoCloseable {

    public static final String NAME = "terrarium-builder";

    /** Label and taint key of the node: pods that select it (and tolerate it) run for real. */
    public static final String LABEL = "terrarium.dev/real-builds";

    /** Pods share this machine's network: their IP, and the node's, is the loopback address. */
    public static final String POD_IP = "127.0.0.1";

    private static final Map<String, Quantity> CAPACITY =
            Map.of(
                    "cpu",
                    new Quantity("2"),
                    "memory",
                    new Quantity("8Gi"),
                    "pods",
                    new Quantity("20"));
    private static RealBuildNode instance;

    private final KubernetesClient client;
    private final Path workDir;
    private final NodeRuntime runtime;
    private final ImagePuller puller;
    private final ContainerSetup.NodeContext context;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final ExecutorService pods = Executors.newCachedThreadPool();
    private final Map<String, PodWorker> workers = new ConcurrentHashMap<>();
    private final Set<String> terminating = ConcurrentHashMap.newKeySet();
    private final SharedIndexInformer<Pod> informer;

    private RealBuildNode(
            KubernetesClient client, Path workDir, NodeRuntime runtime, Path imageCache) {
        this.client = client;
        this.workDir = workDir;
        this.runtime = runtime;
        this.puller = new ImagePuller(imageCache, runtime, ImageGarbageCollection.Policy.DEFAULT);
        puller.collectGarbage();
        URI api = URI.create(client.getMasterUrl().toString());
        this.context = new ContainerSetup.NodeContext(api.getHost(), api.getPort(), CAPACITY);
        register();
        scheduler.scheduleAtFixedRate(this::renew, 0, 10, TimeUnit.SECONDS);
        scheduler.scheduleAtFixedRate(puller::markInUse, 1, 1, TimeUnit.MINUTES);
        informer =
                client.pods()
                        .inAnyNamespace()
                        .withField("spec.nodeName", NAME)
                        .inform(
                                new ResourceEventHandler<>() {
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
                                        forget(pod);
                                    }
                                });
    }

    /**
     * The node, started once per test run and kept until the JVM exits. It is Ready and watching
     * its pods when this returns, so a test may create pods for it (nodeSelector {@value #LABEL}:
     * "true" and a toleration of the taint of the same key, or spec.nodeName) right away.
     */
    public static synchronized RealBuildNode get() {
        if (instance == null) {
            LocalControlPlane plane = LocalControlPlane.get();
            Path dir = plane.repo().resolve("target/real-node");
            Path cache =
                    Path.of(
                                    System.getenv()
                                            .getOrDefault(
                                                    "TERRARIUM_CACHE",
                                                    System.getProperty("user.home")
                                                            + "/.cache/terrarium"))
                            .resolve("node-images");
            try {
                Files.createDirectories(dir);
                Files.createDirectories(cache);
                // Unpacked roots hold the images' setuid binaries: no other user of this machine
                // may reach them.
                Files.setPosixFilePermissions(cache, PodVolumes.permissions(0700));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            instance =
                    new RealBuildNode(
                            plane.adminClient(), dir, NodeRuntime.build(plane.repo()), cache);
            Runtime.getRuntime().addShutdownHook(new Thread(instance::close));
        }
        return instance;
    }

    KubernetesClient client() {
        return client;
    }

    NodeRuntime runtime() {
        return runtime;
    }

    ImagePuller puller() {
        return puller;
    }

    ContainerSetup.NodeContext context() {
        return context;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    private void register() {
        Node fake = client.nodes().withName("kwok-node-0").get();
        Node node =
                new NodeBuilder()
                        .withNewMetadata()
                        .withName(NAME)
                        .addToLabels(LABEL, "true")
                        .addToLabels("kubernetes.io/hostname", NAME)
                        .addToLabels("kubernetes.io/os", "linux")
                        .addToLabels("kubernetes.io/arch", "amd64")
                        .endMetadata()
                        .withNewSpec()
                        .addNewTaint()
                        .withKey(LABEL)
                        .withValue("true")
                        .withEffect("NoSchedule")
                        .endTaint()
                        .endSpec()
                        .build();
        client.resource(node).forceConflicts().serverSideApply();
        onConflictRetry(
                () ->
                        client.nodes()
                                .withName(NAME)
                                .editStatus(
                                        n -> {
                                            n.getStatus().setCapacity(CAPACITY);
                                            n.getStatus().setAllocatable(CAPACITY);
                                            // Logs of pods on this node are asked of its kubelet
                                            // endpoint: kwok's server, which serves Logs objects.
                                            n.getStatus()
                                                    .setAddresses(fake.getStatus().getAddresses());
                                            n.getStatus()
                                                    .setDaemonEndpoints(
                                                            fake.getStatus().getDaemonEndpoints());
                                            n.getStatus()
                                                    .setNodeInfo(fake.getStatus().getNodeInfo());
                                            n.getStatus().setConditions(conditions());
                                            return n;
                                        }));
    }

    /**
     * Status edits race with the API server's controllers (taints, finalizers); an edit that lost
     * is redone.
     */
    private static void onConflictRetry(Runnable edit) {
        for (int attempt = 1; ; attempt++) {
            try {
                edit.run();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 10) {
                    throw e;
                }
            }
        }
    }

    private static List<NodeCondition> conditions() {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        List<NodeCondition> conditions = new ArrayList<>();
        for (String pressure :
                List.of("MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable")) {
            conditions.add(
                    new NodeConditionBuilder()
                            .withType(pressure)
                            .withStatus("False")
                            .withReason("Fine")
                            .withLastHeartbeatTime(now)
                            .withLastTransitionTime(now)
                            .build());
        }
        conditions.add(
                new NodeConditionBuilder()
                        .withType("Ready")
                        .withStatus("True")
                        .withReason("KubeletReady")
                        .withMessage("the test harness runs this node's pods")
                        .withLastHeartbeatTime(now)
                        .withLastTransitionTime(now)
                        .build());
        return conditions;
    }

    private void renew() {
        try {
            String now = Instant.now().truncatedTo(ChronoUnit.MICROS).toString();
            Lease lease =
                    new LeaseBuilder()
                            .withNewMetadata()
                            .withName(NAME)
                            .withNamespace("kube-node-lease")
                            .endMetadata()
                            .withNewSpec()
                            .withHolderIdentity(NAME)
                            .withLeaseDurationSeconds(40)
                            .withRenewTime(java.time.ZonedDateTime.parse(now))
                            .endSpec()
                            .build();
            client.resource(lease).forceConflicts().serverSideApply();
            onConflictRetry(
                    () ->
                            client.nodes()
                                    .withName(NAME)
                                    .editStatus(
                                            n -> {
                                                n.getStatus().setConditions(conditions());
                                                return n;
                                            }));
        } catch (RuntimeException e) {
            System.err.println("test node heartbeat failed: " + e.getMessage());
        }
    }

    private void handle(Pod pod) {
        String uid = pod.getMetadata().getUid();
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            if (terminating.add(uid)) {
                pods.submit(() -> terminate(pod));
            }
            return;
        }
        if (workers.containsKey(uid)) {
            return;
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
            return;
        }
        if ("Running".equals(phase) && "Never".equals(pod.getSpec().getRestartPolicy())) {
            // Bound here before this node process started: its containers died with the previous
            // one.
            markLost(pod);
            return;
        }
        PodWorker worker = new PodWorker(this, pod, podDir(pod));
        if (workers.putIfAbsent(uid, worker) == null) {
            pods.submit(worker::run);
        }
    }

    private Path podDir(Pod pod) {
        return workDir.resolve("pods")
                .resolve(
                        pod.getMetadata().getNamespace()
                                + "_"
                                + pod.getMetadata().getName()
                                + "_"
                                + pod.getMetadata().getUid());
    }

    /**
     * Stops the containers, and only then confirms the deletion to the API server, as a kubelet
     * does.
     */
    private void terminate(Pod pod) {
        PodWorker worker = workers.get(pod.getMetadata().getUid());
        try {
            if (worker != null) {
                Long grace =
                        pod.getMetadata().getDeletionGracePeriodSeconds() != null
                                ? pod.getMetadata().getDeletionGracePeriodSeconds()
                                : pod.getSpec().getTerminationGracePeriodSeconds();
                worker.stop(Duration.ofSeconds(grace == null ? 30 : grace));
            }
            client.pods()
                    .inNamespace(pod.getMetadata().getNamespace())
                    .withName(pod.getMetadata().getName())
                    .withGracePeriod(0)
                    .delete();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            System.err.println(
                    "test node: cannot end pod " + pod.getMetadata().getName() + ": " + e);
        }
    }

    private void forget(Pod pod) {
        String uid = pod.getMetadata().getUid();
        PodWorker worker = workers.remove(uid);
        if (worker != null) {
            worker.kill();
        }
        terminating.remove(uid);
        pods.submit(
                () -> {
                    try {
                        if (worker != null) {
                            worker.stop(Duration.ZERO);
                        }
                        NodeRuntime.removeTree(podDir(pod));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (RuntimeException e) {
                        System.err.println(
                                "test node: cannot clean up after pod "
                                        + pod.getMetadata().getName()
                                        + ": "
                                        + e);
                    }
                });
    }

    private void markLost(Pod pod) {
        writeStatus(
                pod,
                status -> {
                    List<ContainerStatus> lost = new ArrayList<>();
                    for (ContainerStatus container :
                            status.getContainerStatuses() == null
                                    ? List.<ContainerStatus>of()
                                    : status.getContainerStatuses()) {
                        lost.add(
                                container.getState().getTerminated() != null
                                        ? container
                                        : new ContainerStatusBuilder(container)
                                                .withReady(false)
                                                .withStarted(false)
                                                .withState(PodWorker.lost())
                                                .build());
                    }
                    status.setContainerStatuses(lost);
                    status.setPhase("Failed");
                });
    }

    /** Changes the pod's status; a pod deleted meanwhile is left alone. */
    void writeStatus(Pod pod, Consumer<PodStatus> change) {
        try {
            onConflictRetry(
                    () ->
                            client.pods()
                                    .inNamespace(pod.getMetadata().getNamespace())
                                    .withName(pod.getMetadata().getName())
                                    .editStatus(
                                            p -> {
                                                if (!pod.getMetadata()
                                                        .getUid()
                                                        .equals(p.getMetadata().getUid())) {
                                                    throw new KubernetesClientException(
                                                            "pod was replaced", 404, null);
                                                }
                                                if (p.getStatus() == null) {
                                                    p.setStatus(new PodStatus());
                                                }
                                                change.accept(p.getStatus());
                                                return p;
                                            }));
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    @Override
    public void close() {
        informer.close();
        workers.values().forEach(PodWorker::kill);
        scheduler.shutdownNow();
        pods.shutdownNow();
    }
}
