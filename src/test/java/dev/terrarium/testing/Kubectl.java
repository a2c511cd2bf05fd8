package dev.terrarium.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The real kubectl built from k8s.io/kubernetes, pointed at the local control plane. */
public final class Kubectl {

    private final LocalControlPlane plane;
    private final String namespace;

    public Kubectl(LocalControlPlane plane) {
        this(plane, null);
    }

    public Kubectl(LocalControlPlane plane, String namespace) {
        this.plane = plane;
        this.namespace = namespace;
    }

    /** Runs kubectl and returns its output; fails the test when kubectl fails. */
    public String run(String... args) {
        List<String> command = command(args);
        return Commands.run(command, env(), plane.repo(), Duration.ofMinutes(3))
                .requireSuccess(command)
                .output();
    }

    /** Runs kubectl and returns exit code and output, for commands that are expected to fail. */
    public Commands.Result attempt(String... args) {
        return Commands.run(command(args), env(), plane.repo(), Duration.ofMinutes(3));
    }

    private List<String> command(String... args) {
        List<String> command = new ArrayList<>();
        command.add(plane.binDir().resolve("kubectl").toString());
        if (namespace != null) {
            command.add("--namespace=" + namespace);
        }
        command.addAll(List.of(args));
        return command;
    }

    private Map<String, String> env() {
        return Map.of("KUBECONFIG", plane.kubeconfig().toString());
    }
}
