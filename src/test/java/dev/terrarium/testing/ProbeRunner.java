package dev.terrarium.testing;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One attempt of a probe, as the kubelet makes it: httpGet (HTTP, status 200-399) and tcpSocket
 * against the pod's address, which is this machine's, and exec inside the running container
 * (util-linux nsenter into its namespaces and root, as its uid and gid, with its environment; exit
 * code 0).
 */
final class ProbeRunner {

    private static final HttpClient HTTP =
            HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();

    private ProbeRunner() {}

    static boolean succeeds(Probe probe, Container container, NodeRuntime.Running running) {
        Duration timeout =
                Duration.ofSeconds(
                        probe.getTimeoutSeconds() == null ? 1 : probe.getTimeoutSeconds());
        try {
            if (probe.getHttpGet() != null) {
                var get = probe.getHttpGet();
                String host =
                        get.getHost() == null || get.getHost().isEmpty()
                                ? RealBuildNode.POD_IP
                                : get.getHost();
                String scheme =
                        get.getScheme() == null
                                ? "http"
                                : get.getScheme().toLowerCase(java.util.Locale.ROOT);
                String path = get.getPath() == null ? "/" : get.getPath();
                HttpRequest.Builder request =
                        HttpRequest.newBuilder(
                                        URI.create(
                                                scheme
                                                        + "://"
                                                        + host
                                                        + ":"
                                                        + port(get.getPort(), container)
                                                        + (path.startsWith("/")
                                                                ? path
                                                                : "/" + path)))
                                .timeout(timeout)
                                .header("User-Agent", "kube-probe/1.34");
                if (get.getHttpHeaders() != null) {
                    get.getHttpHeaders()
                            .forEach(
                                    header ->
                                            request.setHeader(header.getName(), header.getValue()));
                }
                int status =
                        HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding())
                                .statusCode();
                return status >= 200 && status < 400;
            }
            if (probe.getTcpSocket() != null) {
                var tcp = probe.getTcpSocket();
                String host =
                        tcp.getHost() == null || tcp.getHost().isEmpty()
                                ? RealBuildNode.POD_IP
                                : tcp.getHost();
                try (Socket socket = new Socket()) {
                    socket.connect(
                            new InetSocketAddress(host, port(tcp.getPort(), container)),
                            (int) timeout.toMillis());
                    return true;
                }
            }
            if (probe.getExec() != null) {
                return exec(probe.getExec().getCommand(), running, timeout);
            }
            return false;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean exec(List<String> command, NodeRuntime.Running running, Duration timeout)
            throws IOException, InterruptedException {
        long pid = running.pid().orElseThrow(() -> new IOException("the container has no pid yet"));
        var spec = running.spec();
        List<String> argv =
                new ArrayList<>(
                        List.of(
                                "/usr/bin/nsenter",
                                "--target",
                                Long.toString(pid),
                                "--mount",
                                "--pid",
                                "--uts",
                                "--ipc",
                                "--root",
                                "--wd",
                                "--setgid",
                                Long.toString(spec.gid()),
                                "--setuid",
                                Long.toString(spec.uid()),
                                "--"));
        argv.addAll(command);
        ProcessBuilder builder =
                new ProcessBuilder(argv)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().clear();
        for (String variable : spec.env()) {
            int equals = variable.indexOf('=');
            builder.environment()
                    .put(variable.substring(0, equals), variable.substring(equals + 1));
        }
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            return false;
        }
        return process.exitValue() == 0;
    }

    private static int port(IntOrString port, Container container) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        List<ContainerPort> ports = container.getPorts() == null ? List.of() : container.getPorts();
        return ports.stream()
                .filter(p -> port.getStrVal().equals(p.getName()))
                .findFirst()
                .map(ContainerPort::getContainerPort)
                .orElseThrow(
                        () -> new IllegalArgumentException("no port named " + port.getStrVal()));
    }
}
