package dev.terrarium.bench;

import dev.terrarium.api.Condition;
import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentPhase;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.Workload;
import dev.terrarium.api.WorkloadMode;
import dev.terrarium.api.WorkloadPhase;
import dev.terrarium.api.WorkloadPort;
import dev.terrarium.naming.Labels;
import dev.terrarium.scheduling.BuildPlan;
import dev.terrarium.testing.AuditLog;
import dev.terrarium.testing.LocalControlPlane;
import dev.terrarium.testing.Objects;
import dev.terrarium.testing.OperatorProcess;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code make bench}: N Environments (50 distinct specs over 10 namespaces, so most share an equal
 * build) and N Workloads on them (half Service with one replica, half Job), created at once on a
 * local control plane of their own; prints how long they take to converge, the operator's API
 * requests per object (from the API server's audit log), its reconciles, and its memory. It prints
 * figures and asserts no timings: it fails only when the load does not converge or more build Jobs
 * run than there are distinct specs. Not run by {@code make test} (no *IT or *Test name; the Maven
 * profile {@code bench} runs it).
 */
class ConvergenceBench {

    static final int NAMESPACES = 10;
    static final int DISTINCT_SPECS = 50;
    static final int CREATE_THREADS = 8;
    static final Duration SETTLE = Duration.ofSeconds(10);
    static final Duration REST_WINDOW = Duration.ofSeconds(30);
    static final String RUN_LABEL = "terrarium.dev/bench-run";
    static final String DISPATCHER =
            "io.javaoperatorsdk.operator.processing.event.ReconciliationDispatcher";
    static final String RECONCILE_LINE = "Reconciling resource execution scope";
    static final Pattern RECONCILER_THREAD =
            Pattern.compile("\\(ReconcilerExecutor-([A-Za-z0-9]+)-\\d+\\)");
    static final Pattern LOG_LINE =
            Pattern.compile(
                    "^\\d{4}-\\d\\d-\\d\\d [\\d:,]+ (WARN|ERROR) +\\[([^\\]]+)\\] \\([^)]*\\) (.*)$");
    static final List<String> VERBS =
            List.of("get", "list", "watch", "create", "patch", "update", "delete");

    private final KubernetesClient client = LocalControlPlane.get().adminClient();
    private final StringBuilder out = new StringBuilder();

    /**
     * Settings of the operator for the benchmark: the product's build limits, and the dispatcher's
     * debug line.
     */
    static Map<String, String> tuning() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("TERRARIUM_BUILDS_MAX_CONCURRENT", "10");
        settings.put("TERRARIUM_BUILDS_MAX_PER_NAMESPACE", "3");
        // One DEBUG line per reconcile ("Reconciling resource execution scope"), counted when the
        // JOSDK meters are
        // not on /q/metrics. Single quotes keep the double quotes of the category name through the
        // JVM's parsing.
        settings.put(
                "JAVA_TOOL_OPTIONS", "'-Dquarkus.log.category.\"" + DISPATCHER + "\".level=DEBUG'");
        return settings;
    }

    @Test
    void convergence() throws Exception {
        int n = Integer.parseInt(env("BENCH_N", "300"));
        Duration timeout = Duration.ofSeconds(Long.parseLong(env("BENCH_TIMEOUT_SECONDS", "1800")));
        Duration stall = Duration.ofSeconds(Long.parseLong(env("BENCH_STALL_SECONDS", "120")));
        String run =
                Integer.toString(
                        ThreadLocalRandom.current().nextInt(36 * 36 * 36, 36 * 36 * 36 * 36), 36);
        LocalControlPlane plane = LocalControlPlane.get();
        OperatorProcess operator = OperatorProcess.get(tuning());
        Path log = operator.logFile();

        List<String> namespaces = new ArrayList<>();
        for (int k = 0; k < NAMESPACES; k++) {
            String name = "bench-" + run + "-" + k;
            client.resource(
                            new NamespaceBuilder()
                                    .withNewMetadata()
                                    .withName(name)
                                    .addToLabels(RUN_LABEL, run)
                                    .endMetadata()
                                    .build())
                    .create();
            namespaces.add(name);
        }
        Thread.sleep(SETTLE.toMillis());
        Memory before = Memory.sample(operator);

        Map<String, Instant> firstReady = new ConcurrentHashMap<>();
        SharedIndexInformer<Environment> envs =
                client.resources(Environment.class)
                        .inAnyNamespace()
                        .withLabel(RUN_LABEL, run)
                        .inform(
                                firstTime(firstReady, "Environment", ConvergenceBench::envReady),
                                0);
        SharedIndexInformer<Workload> wls =
                client.resources(Workload.class)
                        .inAnyNamespace()
                        .withLabel(RUN_LABEL, run)
                        .inform(
                                firstTime(firstReady, "Workload", ConvergenceBench::workloadDone),
                                0);

        Set<Integer> specs = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            specs.add(specOf(i));
        }
        Map<String, Long> pids = processes(plane, operator);
        Sampler sampler = new Sampler(operator);
        long logAtStart = Files.size(log);
        Map<String, Long> cpuAtStart = cpuTicks(pids);
        Instant t0 = Instant.now();
        createAll(n, run, namespaces);
        Instant created = Instant.now();
        boolean converged = awaitConvergence(n, envs, wls, t0, timeout, stall, sampler);
        Instant done = Instant.now();
        Memory peak = sampler.stop();
        long logAtConverged = Files.size(log);
        Map<String, Long> cpuAtConverged = cpuTicks(pids);

        Thread.sleep(SETTLE.toMillis());
        Instant restFrom = Instant.now();
        Thread.sleep(REST_WINDOW.toMillis());
        Instant restTo = Instant.now();
        Memory after = Memory.sample(operator);
        long logAtEnd = Files.size(log);
        Thread.sleep(
                1000); // the audit log is written as requests complete; let the last lines land

        List<AuditLog.Request> audit = new AuditLog(plane.auditLog()).since(t0);
        List<AuditLog.Request> during =
                audit.stream().filter(r -> !r.time().isAfter(done)).toList();
        List<AuditLog.Request> rest =
                audit.stream()
                        .filter(r -> r.time().isAfter(restFrom) && !r.time().isAfter(restTo))
                        .toList();
        List<ImageBuild> builds =
                client.resources(ImageBuild.class).inAnyNamespace().list().getItems().stream()
                        .filter(b -> namespaces.contains(b.getMetadata().getNamespace()))
                        .toList();
        long buildJobs =
                client
                        .batch()
                        .v1()
                        .jobs()
                        .inAnyNamespace()
                        .withLabel(Labels.IMAGE_BUILD)
                        .list()
                        .getItems()
                        .stream()
                        .filter(
                                j ->
                                        namespaces.contains(
                                                j.getMetadata()
                                                        .getLabels()
                                                        .getOrDefault(
                                                                Labels.IMAGE_BUILD_NAMESPACE,
                                                                j.getMetadata().getNamespace())))
                        .count();
        int terrariumObjects =
                envs.getStore().list().size() + wls.getStore().list().size() + builds.size();

        header(n, specs.size(), run, operator);
        times(
                n,
                t0,
                created,
                done,
                converged,
                firstReady,
                envs.getStore().list(),
                wls.getStore().list());
        builds(builds, buildJobs, specs.size());
        requests(during, rest, Duration.between(t0, done), terrariumObjects, n);
        reconciles(operator, log, logAtStart, logAtConverged, logAtEnd, terrariumObjects);
        memory(before, peak, after, sampler.samples());
        cpu(cpuAtStart, cpuAtConverged, Duration.between(t0, done));
        logSummary(log, logAtStart, logAtEnd);
        if (!converged) {
            line(
                    "NOT CONVERGED (timeout %d s, or no progress for %d s): Environment phases %s, Workload phases %s",
                    timeout.toSeconds(),
                    stall.toSeconds(),
                    phases(
                            envs.getStore().list(),
                            e ->
                                    String.valueOf(
                                            e.getStatus() == null
                                                    ? null
                                                    : e.getStatus().getPhase())),
                    phases(
                            wls.getStore().list(),
                            w ->
                                    String.valueOf(
                                            w.getStatus() == null
                                                    ? null
                                                    : w.getStatus().getPhase())));
        }
        publish(plane.repo().resolve("target/bench/convergence.txt"));

        envs.close();
        wls.close();
        if (System.getenv("BENCH_KEEP") == null) {
            namespaces.forEach(ns -> client.namespaces().withName(ns).delete());
        }
        if (!converged) {
            throw new AssertionError("the load did not converge within " + timeout);
        }
        if (buildJobs != specs.size()) {
            throw new AssertionError(
                    buildJobs + " build Jobs ran for " + specs.size() + " distinct specs");
        }
    }

    // ---- load

    /**
     * Environment i lives in namespace i mod 10 and has spec (i / 10) mod 50: each spec recurs in
     * every namespace.
     */
    static int specOf(int i) {
        return (i / NAMESPACES) % DISTINCT_SPECS;
    }

    private void createAll(int n, String run, List<String> namespaces) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CREATE_THREADS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < CREATE_THREADS; t++) {
                int first = t;
                futures.add(
                        pool.submit(
                                () -> {
                                    for (int i = first; i < n; i += CREATE_THREADS) {
                                        String ns = namespaces.get(i % NAMESPACES);
                                        client.resources(Environment.class)
                                                .inNamespace(ns)
                                                .resource(labelled(environment(i, run), run))
                                                .create();
                                        client.resources(Workload.class)
                                                .inNamespace(ns)
                                                .resource(labelled(workload(i), run))
                                                .create();
                                    }
                                    return null;
                                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static Environment environment(int i, String run) {
        int spec = specOf(i);
        String probe = "terrarium-bench-" + run + "-" + spec + "==1.0";
        return spec % 2 == 0
                ? Objects.venv("env-" + i, probe, "requests==2.32.3")
                : Objects.conda("env-" + i, List.of("numpy==1.26.4"), List.of(probe));
    }

    static Workload workload(int i) {
        Workload workload = Objects.workload("wl-" + i, "env-" + i);
        if (i % 2 == 0) {
            workload.getSpec().setMode(WorkloadMode.Service);
            workload.getSpec().setCommand(List.of("python", "-m", "http.server", "8000"));
            workload.getSpec().setPorts(List.of(new WorkloadPort("http", 8000, 80)));
            workload.getSpec().setReplicas(1);
        } else {
            workload.getSpec().setMode(WorkloadMode.Job);
            workload.getSpec().setCommand(List.of("python", "-c", "print('done')"));
        }
        return workload;
    }

    private static <T extends HasMetadata> T labelled(T object, String run) {
        object.getMetadata().setLabels(Map.of(RUN_LABEL, run));
        return object;
    }

    static boolean envReady(Environment e) {
        return e.getStatus() != null && e.getStatus().getPhase() == EnvironmentPhase.Ready;
    }

    static boolean workloadDone(Workload w) {
        return w.getStatus() != null
                && (w.getStatus().getPhase() == WorkloadPhase.Running
                        || w.getStatus().getPhase() == WorkloadPhase.Succeeded);
    }

    private static <T> ResourceEventHandler<T> firstTime(
            Map<String, Instant> first, String key, Predicate<T> done) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T object) {
                check(object);
            }

            @Override
            public void onUpdate(T before, T object) {
                check(object);
            }

            @Override
            public void onDelete(T object, boolean unknownFinalState) {}

            private void check(T object) {
                if (done.test(object)) {
                    first.putIfAbsent(key, Instant.now());
                }
            }
        };
    }

    private boolean awaitConvergence(
            int n,
            SharedIndexInformer<Environment> envs,
            SharedIndexInformer<Workload> wls,
            Instant t0,
            Duration timeout,
            Duration stall,
            Sampler sampler)
            throws InterruptedException {
        Instant nextProgress = Instant.now().plusSeconds(15);
        long progress = -1;
        Instant lastProgress = Instant.now();
        while (true) {
            long ready = envs.getStore().list().stream().filter(ConvergenceBench::envReady).count();
            long running =
                    wls.getStore().list().stream().filter(ConvergenceBench::workloadDone).count();
            if (ready == n && running == n) {
                return true;
            }
            Instant now = Instant.now();
            if (ready + running != progress) {
                progress = ready + running;
                lastProgress = now;
            }
            if (now.isAfter(t0.plus(timeout))) {
                System.out.printf("  [bench] not converged within %d s%n", timeout.toSeconds());
                return false;
            }
            if (ready + running > 0 && now.isAfter(lastProgress.plus(stall))) {
                System.out.printf("  [bench] no progress for %d s: giving up%n", stall.toSeconds());
                return false;
            }
            if (now.isAfter(nextProgress)) {
                System.out.printf(
                        "  [bench] %4ds  Environments Ready %d/%d  Workloads Running/Succeeded %d/%d"
                                + "  operator RSS %d MiB%n",
                        Duration.between(t0, now).toSeconds(),
                        ready,
                        n,
                        running,
                        n,
                        sampler.last().rssKb() / 1024);
                nextProgress = now.plusSeconds(15);
            }
            Thread.sleep(200);
        }
    }

    // ---- report

    private void header(int n, int distinct, String run, OperatorProcess operator) {
        line(
                "Terrarium convergence benchmark (make bench)  %s  run %s  %d cores",
                Instant.now().truncatedTo(ChronoUnit.SECONDS),
                run,
                Runtime.getRuntime().availableProcessors());
        line(
                "Load: %d Environments (%d distinct specs, venv and conda) + %d Workloads (%d Service with 1 replica"
                        + " and a port, %d Job), in %d namespaces",
                n, distinct, n, (n + 1) / 2, n / 2, NAMESPACES);
        line("Operator: java -Xmx512m -jar target/quarkus-app/quarkus-run.jar, settings:");
        operator.settings().forEach((k, v) -> line("  %s=%s", k, v));
        line("");
    }

    private void times(
            int n,
            Instant t0,
            Instant created,
            Instant done,
            boolean converged,
            Map<String, Instant> firstReady,
            List<Environment> envs,
            List<Workload> wls) {
        line("Time (from the first create)                                seconds");
        line(
                "  create %d objects (%d client threads)                   %8.1f",
                2 * n, CREATE_THREADS, seconds(t0, created));
        line(
                "  first Environment Ready                                  %8.1f",
                seconds(t0, firstReady.get("Environment")));
        line(
                "  first Workload Running/Succeeded                         %8.1f",
                seconds(t0, firstReady.get("Workload")));
        line(
                "  all Environments Ready and Workloads Running/Succeeded   %8.1f%s",
                seconds(t0, done), converged ? "" : "  NOT CONVERGED: gave up");
        line("  per object, creationTimestamp -> Ready lastTransitionTime (1 s resolution):");
        line("                    objects     p50     p95     max");
        latencies(
                "Environment",
                envs.stream()
                        .map(
                                e ->
                                        readyAfter(
                                                e,
                                                e.getStatus() == null
                                                        ? null
                                                        : e.getStatus().getConditions()))
                        .toList());
        latencies(
                "Workload",
                wls.stream()
                        .map(
                                w ->
                                        readyAfter(
                                                w,
                                                w.getStatus() == null
                                                        ? null
                                                        : w.getStatus().getConditions()))
                        .toList());
        line("");
    }

    private void latencies(String kind, List<Long> millis) {
        List<Long> sorted = millis.stream().filter(m -> m != null).sorted().toList();
        if (sorted.isEmpty()) {
            line("    %-14s %8d       -       -       -", kind, 0);
            return;
        }
        line(
                "    %-14s %8d %7.1f %7.1f %7.1f",
                kind,
                sorted.size(),
                percentile(sorted, 50) / 1000.0,
                percentile(sorted, 95) / 1000.0,
                sorted.get(sorted.size() - 1) / 1000.0);
    }

    private void builds(List<ImageBuild> builds, long jobs, int distinct) {
        long built =
                builds.stream()
                        .filter(
                                b ->
                                        b.getStatus() != null
                                                && Boolean.FALSE.equals(
                                                        b.getStatus().getCacheHit()))
                        .count();
        long shared =
                builds.stream()
                        .filter(
                                b ->
                                        b.getStatus() != null
                                                && Boolean.TRUE.equals(b.getStatus().getCacheHit()))
                        .count();
        line("Builds");
        line(
                "  build Jobs run                      %6d   distinct specs %d: %s",
                jobs, distinct, jobs == distinct ? "equal" : "NOT EQUAL");
        line(
                "  ImageBuilds                         %6d   built %d, image taken from an equal build %d, other %d",
                builds.size(), built, shared, builds.size() - built - shared);
        List<Long> lags = takeOverLags(builds);
        if (!lags.isEmpty()) {
            line(
                    "  image taken after the equal build ended (s, 1 s resolution): p50 %.0f  p95 %.0f  max %.0f",
                    percentile(lags, 50) / 1000.0,
                    percentile(lags, 95) / 1000.0,
                    lags.get(lags.size() - 1) / 1000.0);
        }
        line("");
    }

    /**
     * For each build that took an equal build's image: its end minus the later of that build's end
     * and its start.
     */
    private static List<Long> takeOverLags(List<ImageBuild> builds) {
        Map<String, ImageBuild> byKey =
                builds.stream().collect(Collectors.toMap(BuildPlan::key, b -> b, (a, b) -> a));
        List<Long> lags = new ArrayList<>();
        for (ImageBuild build : builds) {
            ImageBuild source =
                    build.getStatus() == null || build.getStatus().getSharedBuild() == null
                            ? null
                            : byKey.get(build.getStatus().getSharedBuild());
            if (source == null
                    || source.getStatus().getCompletionTime() == null
                    || build.getStatus().getCompletionTime() == null) {
                continue;
            }
            Instant sourceEnd = Instant.parse(source.getStatus().getCompletionTime());
            Instant created = Instant.parse(build.getMetadata().getCreationTimestamp());
            Instant from = sourceEnd.isAfter(created) ? sourceEnd : created;
            lags.add(
                    Math.max(
                            0,
                            Duration.between(
                                            from,
                                            Instant.parse(build.getStatus().getCompletionTime()))
                                    .toMillis()));
        }
        lags.sort(null);
        return lags;
    }

    private void requests(
            List<AuditLog.Request> during,
            List<AuditLog.Request> rest,
            Duration convergence,
            int objects,
            int n) {
        line(
                "API requests by the operator during convergence (%.1f s), from the audit log",
                convergence.toMillis() / 1000.0);
        line("per Terrarium object = / %d (Environments + ImageBuilds + Workloads)", objects);
        line(
                "  %-26s %s %8s %10s",
                "resource",
                VERBS.stream().map(v -> String.format("%7s", v)).collect(Collectors.joining()),
                "total",
                "per object");
        Map<String, Map<String, Long>> table = new TreeMap<>();
        for (AuditLog.Request r : during) {
            String resource =
                    r.subresource() == null || r.subresource().isEmpty()
                            ? r.resource()
                            : r.resource() + "/" + r.subresource();
            table.computeIfAbsent(resource, k -> new TreeMap<>()).merge(r.verb(), 1L, Long::sum);
        }
        Map<String, Long> totals = new TreeMap<>();
        table.entrySet().stream()
                .sorted(
                        Comparator.comparing(
                                (Map.Entry<String, Map<String, Long>> e) -> -sum(e.getValue())))
                .forEach(
                        e -> {
                            e.getValue()
                                    .forEach((verb, count) -> totals.merge(verb, count, Long::sum));
                            row(e.getKey(), e.getValue(), objects);
                        });
        row("all", totals, objects);
        Set<String> other = new TreeSet<>(totals.keySet());
        other.removeAll(VERBS);
        if (!other.isEmpty()) {
            line("  (other verbs, counted in total: %s)", other);
        }
        line(
                "  per second during convergence: %.1f",
                during.size() * 1000.0 / Math.max(1, convergence.toMillis()));
        line("");
        long writes = rest.stream().filter(AuditLog.Request::isWrite).count();
        List<AuditLog.Request> leaseWrites =
                rest.stream().filter(r -> r.isWrite() && "leases".equals(r.resource())).toList();
        line(
                "At rest: %d s window from %d s after convergence",
                REST_WINDOW.toSeconds(), SETTLE.toSeconds());
        line(
                "  requests %d: reads %d, writes %d (of which leader-election lease renewals %d)",
                rest.size(), rest.size() - writes, writes, leaseWrites.size());
        line(
                "  writes other than the lease: %d%s",
                writes - leaseWrites.size(),
                writes - leaseWrites.size() == 0
                        ? ""
                        : "  "
                                + rest.stream()
                                        .filter(r -> r.isWrite() && !"leases".equals(r.resource()))
                                        .collect(
                                                Collectors.groupingBy(
                                                        r ->
                                                                r.verb()
                                                                        + " "
                                                                        + r.resource()
                                                                        + (r.subresource() == null
                                                                                ? ""
                                                                                : "/"
                                                                                        + r
                                                                                                .subresource()),
                                                        TreeMap::new,
                                                        Collectors.counting())));
        line(
                "  by verb: %s",
                rest.stream()
                        .collect(
                                Collectors.groupingBy(
                                        AuditLog.Request::verb,
                                        TreeMap::new,
                                        Collectors.counting())));
        line("");
    }

    private void row(String resource, Map<String, Long> counts, int objects) {
        long total = sum(counts);
        line(
                "  %-26s %s %8d %10.2f",
                resource,
                VERBS.stream()
                        .map(v -> String.format("%7d", counts.getOrDefault(v, 0L)))
                        .collect(Collectors.joining()),
                total,
                total / (double) objects);
    }

    private void reconciles(
            OperatorProcess operator, Path log, long start, long converged, long end, int objects) {
        Map<String, Long> meters;
        try {
            meters = josdkMeters(operator.metrics());
        } catch (UncheckedIOException e) {
            meters = Map.of();
            line(
                    "  (/q/metrics did not answer: %s; operator alive: %s)",
                    e.getMessage(), operator.isAlive());
        }
        Map<String, Long> during = countReconciles(segment(log, start, converged));
        Map<String, Long> rest = countReconciles(segment(log, converged, end));
        line("Reconciles");
        if (meters.isEmpty()) {
            line(
                    "  (no JOSDK meters on /q/metrics: counted from the DEBUG line of %s)",
                    DISPATCHER.substring(DISPATCHER.lastIndexOf('.') + 1));
        } else {
            line("  JOSDK meters on /q/metrics (whole run, reconciliations started): %s", meters);
        }
        line(
                "  %-14s %20s %12s %22s",
                "controller", "during convergence", "per object", "after convergence");
        Set<String> controllers = new TreeSet<>(during.keySet());
        controllers.addAll(rest.keySet());
        long total = 0;
        for (String controller : controllers) {
            long count = during.getOrDefault(controller, 0L);
            total += count;
            line(
                    "  %-14s %20d %12.2f %22d",
                    controller, count, count / (double) objects, rest.getOrDefault(controller, 0L));
        }
        line(
                "  %-14s %20d %12.2f %22d",
                "all",
                total,
                total / (double) objects,
                rest.values().stream().mapToLong(Long::longValue).sum());
        line("");
    }

    static Map<String, Long> josdkMeters(String metrics) {
        Map<String, Long> counts = new TreeMap<>();
        Pattern meter =
                Pattern.compile(
                        "^(?:operator_sdk_)?reconciliations_started_total\\{([^}]*)\\} (\\S+)$");
        Pattern controller = Pattern.compile("controller_name=\"([^\"]*)\"");
        for (String line : metrics.split("\n")) {
            Matcher m = meter.matcher(line);
            if (m.matches()) {
                Matcher c = controller.matcher(m.group(1));
                counts.merge(
                        c.find() ? c.group(1) : "?",
                        (long) Double.parseDouble(m.group(2)),
                        Long::sum);
            }
        }
        return counts;
    }

    private static Map<String, Long> countReconciles(List<String> lines) {
        Map<String, Long> counts = new TreeMap<>();
        for (String line : lines) {
            if (line.contains(RECONCILE_LINE)) {
                Matcher m = RECONCILER_THREAD.matcher(line);
                counts.merge(m.find() ? m.group(1) : "?", 1L, Long::sum);
            }
        }
        return counts;
    }

    private void memory(Memory before, Memory peak, Memory after, int samples) {
        line(
                "Operator memory (RSS from /proc/<pid>/status, heap = jvm_memory_used_bytes{area=\"heap\"})");
        line("  %-40s %10s %14s", "", "RSS MiB", "heap used MiB");
        line(
                "  %-40s %10d %14d",
                "at rest before the load", before.rssKb() / 1024, before.heapBytes() >> 20);
        line(
                "  %-40s %10d %14d",
                "peak during convergence (" + samples + " samples, 1/s)",
                peak.rssKb() / 1024,
                peak.heapBytes() >> 20);
        line("  %-40s %10d %14d", "at rest after", after.rssKb() / 1024, after.heapBytes() >> 20);
        line("");
    }

    private void cpu(Map<String, Long> start, Map<String, Long> end, Duration wall) {
        line(
                "CPU seconds used during convergence (%.0f s wall x %d cores = %.0f CPU seconds available)",
                wall.toMillis() / 1000.0,
                Runtime.getRuntime().availableProcessors(),
                wall.toMillis() / 1000.0 * Runtime.getRuntime().availableProcessors());
        end.forEach(
                (name, ticks) ->
                        line(
                                "  %-26s %8.1f",
                                name, (ticks - start.getOrDefault(name, 0L)) / 100.0));
        line("");
    }

    /**
     * The operator, this JVM, and the control plane's processes (kwokctl's pid files beside the
     * audit log).
     */
    private static Map<String, Long> processes(LocalControlPlane plane, OperatorProcess operator) {
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put("operator", operator.pid());
        pids.put("bench JVM (creates, watches)", ProcessHandle.current().pid());
        Path dir = plane.auditLog().getParent().getParent().resolve("pids");
        try (var files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".pid")).sorted().toList()) {
                pids.put(
                        file.getFileName().toString().replace(".pid", ""),
                        Long.parseLong(Files.readString(file).trim()));
            }
        } catch (IOException | NumberFormatException e) {
            // no pid files: report the operator and this JVM only
        }
        return pids;
    }

    /** utime + stime of each process, in clock ticks (USER_HZ, 100 on Linux). */
    private static Map<String, Long> cpuTicks(Map<String, Long> pids) {
        Map<String, Long> ticks = new LinkedHashMap<>();
        pids.forEach(
                (name, pid) -> {
                    try {
                        String stat = Files.readString(Path.of("/proc", pid.toString(), "stat"));
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        ticks.put(name, Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
                    } catch (IOException | RuntimeException e) {
                        // the process is gone
                    }
                });
        return ticks;
    }

    private void logSummary(Path log, long start, long end) {
        Map<String, Long> counts = new LinkedHashMap<>();
        long warnings = 0;
        long errors = 0;
        List<String> lines = segment(log, start, end);
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = LOG_LINE.matcher(lines.get(i));
            if (!m.matches()) {
                continue;
            }
            if (m.group(1).equals("WARN")) {
                warnings++;
            } else {
                errors++;
            }
            String logger = m.group(2).substring(m.group(2).lastIndexOf('.') + 1);
            String message =
                    m.group(3)
                            .replaceAll("ExecutionScope\\{.*?\\} - ", "")
                            .replace(
                                    "but another reconciliation will be attempted because a superseding event has been "
                                            + "received or another retry attempt is pending.",
                                    "(retried)")
                            .replace(
                                    "io.javaoperatorsdk.operator.AggregatedOperatorException: Exception(s) during workflow "
                                            + "execution. Details:",
                                    "workflow:")
                            .replaceAll("[0-9a-f]{6,}", "#")
                            .replaceAll("\\d+", "#");
            if (message.endsWith("workflow:") && i + 1 < lines.size()) {
                message = message + " " + lines.get(i + 1).trim();
            }
            String key = m.group(1) + " " + logger + ": " + message;
            counts.merge(key.length() > 220 ? key.substring(0, 220) + "…" : key, 1L, Long::sum);
        }
        line(
                "Operator log during the run (%s): %d WARN, %d ERROR lines",
                log.getFileName(), warnings, errors);
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(10)
                .forEach(e -> line("  %6d  %s", e.getValue(), e.getKey()));
    }

    private static List<String> segment(Path file, long from, long to) {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long end = Math.min(to, in.length());
            if (end <= from) {
                return List.of();
            }
            byte[] bytes = new byte[(int) (end - from)];
            in.seek(from);
            in.readFully(bytes);
            return List.of(new String(bytes, StandardCharsets.UTF_8).split("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void publish(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, out.toString());
        System.out.println();
        System.out.print(out);
        System.out.println("(written to " + file + ")");
    }

    private void line(String format, Object... args) {
        out.append(String.format(Locale.ROOT, format, args)).append('\n');
    }

    // ---- helpers

    private static Long readyAfter(HasMetadata object, List<Condition> conditions) {
        if (conditions == null) {
            return null;
        }
        return conditions.stream()
                .filter(
                        c ->
                                Condition.READY.equals(c.getType())
                                        && Condition.TRUE.equals(c.getStatus())
                                        && c.getLastTransitionTime() != null)
                .findFirst()
                .map(
                        c ->
                                Duration.between(
                                                Instant.parse(
                                                        object.getMetadata()
                                                                .getCreationTimestamp()),
                                                Instant.parse(c.getLastTransitionTime()))
                                        .toMillis())
                .orElse(null);
    }

    static long percentile(List<Long> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static <T> Map<String, Long> phases(
            List<T> objects, java.util.function.Function<T, String> phase) {
        return objects.stream()
                .collect(Collectors.groupingBy(phase, TreeMap::new, Collectors.counting()));
    }

    private static long sum(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    private static double seconds(Instant from, Instant to) {
        return to == null ? Double.NaN : Duration.between(from, to).toMillis() / 1000.0;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** The operator's resident memory and heap in use. */
    record Memory(long rssKb, long heapBytes) {

        static Memory sample(OperatorProcess operator) {
            return new Memory(rssKb(operator.pid()), heapBytes(operator));
        }

        static long rssKb(long pid) {
            try {
                return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                        .filter(l -> l.startsWith("VmRSS:"))
                        .findFirst()
                        .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
                        .orElse(0L);
            } catch (IOException e) {
                return 0;
            }
        }

        static long heapBytes(OperatorProcess operator) {
            try {
                return (long)
                        operator.metrics()
                                .lines()
                                .filter(
                                        l ->
                                                l.startsWith("jvm_memory_used_bytes{")
                                                        && l.contains("area=\"heap\""))
                                .mapToDouble(
                                        l ->
                                                Double.parseDouble(
                                                        l.substring(l.lastIndexOf(' ') + 1)))
                                .sum();
            } catch (RuntimeException e) {
                return 0;
            }
        }

        Memory max(Memory other) {
            return new Memory(Math.max(rssKb, other.rssKb), Math.max(heapBytes, other.heapBytes));
        }
    }

    /** Samples the operator's memory once a second until stopped. */
    static final class Sampler {

        private final AtomicReference<Memory> peak = new AtomicReference<>(new Memory(0, 0));
        private final AtomicReference<Memory> last = new AtomicReference<>(new Memory(0, 0));
        private final java.util.concurrent.ScheduledExecutorService timer =
                Executors.newSingleThreadScheduledExecutor();
        private int samples;

        Sampler(OperatorProcess operator) {
            timer.scheduleAtFixedRate(
                    () -> {
                        Memory now = Memory.sample(operator);
                        last.set(now);
                        peak.accumulateAndGet(now, Memory::max);
                        samples++;
                    },
                    0,
                    1,
                    java.util.concurrent.TimeUnit.SECONDS);
        }

        Memory last() {
            return last.get();
        }

        Memory stop() throws InterruptedException {
            timer.shutdown();
            timer.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
            return peak.get();
        }

        int samples() {
            return samples;
        }
    }
}
