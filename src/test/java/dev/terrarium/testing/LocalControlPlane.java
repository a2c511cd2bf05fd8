package dev.terrarium.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The local control plane of hack/cluster.sh, started once per test run. A cluster that already
 * answers (one from {@code make cluster}) is reused and left running; one started here is stopped
 * when the JVM exits.
 */
public final class LocalControlPlane {

    private static LocalControlPlane instance;

    private final Path repoDir;
    private final Path kubeconfig;
    private final Path binDir;
    private final Path auditLog;
    private final String registry;
    private final KubernetesClient adminClient;

    private LocalControlPlane(Path repoDir, Map<String, String> paths) {
        this.repoDir = repoDir;
        this.kubeconfig = Path.of(paths.get("KUBECONFIG"));
        this.binDir = Path.of(paths.get("BIN_DIR"));
        this.auditLog = Path.of(paths.get("AUDIT_LOG"));
        this.registry = paths.get("REGISTRY");
        this.adminClient = new KubernetesClientBuilder().withConfig(config()).build();
    }

    public static synchronized LocalControlPlane get() {
        if (instance == null) {
            instance = start();
        }
        return instance;
    }

    private static LocalControlPlane start() {
        Path repoDir = repoDir();
        Path script = repoDir.resolve("hack/cluster.sh");
        Map<String, String> paths =
                Stream.of(run(script, "paths").output().split("\n"))
                        .filter(line -> line.contains("="))
                        .collect(
                                Collectors.toMap(
                                        l -> l.substring(0, l.indexOf('=')),
                                        l -> l.substring(l.indexOf('=') + 1)));
        boolean reused = run(script, "status").exitCode() == 0;
        if (!reused) {
            run(script, "up").requireSuccess(List.of(script.toString(), "up"));
            if (!Boolean.getBoolean("terrarium.keepCluster")
                    && System.getenv("TERRARIUM_KEEP_CLUSTER") == null) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> run(script, "down")));
            }
        }
        LocalControlPlane plane = new LocalControlPlane(repoDir, paths);
        plane.applyCrds();
        return plane;
    }

    private static Commands.Result run(Path script, String verb) {
        return Commands.run(
                List.of("bash", script.toString(), verb),
                Map.of(),
                script.getParent().getParent(),
                Duration.ofMinutes(40));
    }

    /** The repository root: set by the build (failsafe), else the working directory. */
    public static Path repoDir() {
        return Path.of(System.getProperty("terrarium.repo.dir", ".")).toAbsolutePath().normalize();
    }

    /** Applies the committed CRDs, so a reused cluster serves the schema of this checkout. */
    private void applyCrds() {
        try (Stream<Path> files = Files.list(repoDir.resolve("crds"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
                try (var in = Files.newInputStream(file)) {
                    HasMetadata crd = adminClient.load(in).items().get(0);
                    adminClient.resource(crd).forceConflicts().serverSideApply();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        new Kubectl(this)
                .run("wait", "--for=condition=Established", "crd", "--all", "--timeout=60s");
    }

    public Config config() {
        try {
            return Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public KubernetesClient adminClient() {
        return adminClient;
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    public Path binDir() {
        return binDir;
    }

    /** The API server's audit log of the operator's requests (hack/kwok/audit-policy.yaml). */
    public Path auditLog() {
        return auditLog;
    }

    /** host:port of the local registry, the operator's default registry. */
    public String registry() {
        return registry;
    }

    public Path repo() {
        return repoDir;
    }
}
