package dev.terrarium.workload;

import dev.terrarium.api.ProbeHeader;
import dev.terrarium.api.WorkloadMode;
import dev.terrarium.api.WorkloadPort;
import dev.terrarium.api.WorkloadProbe;
import dev.terrarium.api.WorkloadProbes;
import dev.terrarium.api.WorkloadSpec;
import io.fabric8.kubernetes.api.model.HTTPHeader;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import java.util.List;
import java.util.Optional;

/** The container's probes from a Workload's: Kubernetes' Probe, and the readiness default. Pure. */
public final class PodProbes {

    private PodProbes() {}

    /**
     * The readiness probe: the Workload's own, else, for mode Service with a TCP port and unless
     * turned off, a TCP check of the first such port, so the Workload is Ready only once its server
     * listens.
     */
    public static Probe readiness(WorkloadSpec spec) {
        WorkloadProbes probes = spec.getProbes();
        if (probes != null && probes.getReadiness() != null) {
            return probe(probes.getReadiness());
        }
        if (probes != null && Boolean.FALSE.equals(probes.getDefaultReadiness())) {
            return null;
        }
        if (spec.getMode() == WorkloadMode.Job) {
            return null;
        }
        return firstTcpPort(spec.getPorts())
                .map(
                        port ->
                                new ProbeBuilder()
                                        .withNewTcpSocket()
                                        .withPort(new IntOrString(port.getName()))
                                        .endTcpSocket()
                                        .withPeriodSeconds(10)
                                        .build())
                .orElse(null);
    }

    public static Probe liveness(WorkloadSpec spec) {
        return spec.getProbes() == null ? null : probe(spec.getProbes().getLiveness());
    }

    public static Probe startup(WorkloadSpec spec) {
        return spec.getProbes() == null ? null : probe(spec.getProbes().getStartup());
    }

    private static Optional<WorkloadPort> firstTcpPort(List<WorkloadPort> ports) {
        if (ports == null) {
            return Optional.empty();
        }
        return ports.stream().filter(p -> "TCP".equals(WorkloadPods.protocol(p))).findFirst();
    }

    static Probe probe(WorkloadProbe probe) {
        if (probe == null) {
            return null;
        }
        ProbeBuilder built =
                new ProbeBuilder()
                        .withInitialDelaySeconds(probe.getInitialDelaySeconds())
                        .withPeriodSeconds(probe.getPeriodSeconds())
                        .withTimeoutSeconds(probe.getTimeoutSeconds())
                        .withSuccessThreshold(probe.getSuccessThreshold())
                        .withFailureThreshold(probe.getFailureThreshold());
        if (probe.getExec() != null) {
            built.withNewExec().withCommand(probe.getExec().getCommand()).endExec();
        }
        if (probe.getHttpGet() != null) {
            var get = probe.getHttpGet();
            built.withNewHttpGet()
                    .withPath(get.getPath() == null ? "/" : get.getPath())
                    .withPort(get.getPort())
                    .withScheme(get.getScheme())
                    .withHttpHeaders(headers(get.getHttpHeaders()))
                    .endHttpGet();
        }
        if (probe.getTcpSocket() != null) {
            built.withNewTcpSocket().withPort(probe.getTcpSocket().getPort()).endTcpSocket();
        }
        if (probe.getGrpc() != null) {
            built.withNewGrpc()
                    .withPort(probe.getGrpc().getPort())
                    .withService(probe.getGrpc().getService())
                    .endGrpc();
        }
        return built.build();
    }

    private static List<HTTPHeader> headers(List<ProbeHeader> headers) {
        if (headers == null) {
            return null;
        }
        return headers.stream().map(h -> new HTTPHeader(h.getName(), h.getValue())).toList();
    }
}
