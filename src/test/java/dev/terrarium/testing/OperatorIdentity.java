package dev.terrarium.testing;

import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Credentials of the operator's ServiceAccount: applies deploy/rbac and writes a kubeconfig holding
 * a token of terrarium-system/terrarium-operator, so the operator under test has exactly the
 * permissions a deployment has.
 */
final class OperatorIdentity {

    static final String NAMESPACE = "terrarium-system";
    static final String SERVICE_ACCOUNT = "terrarium-operator";

    private OperatorIdentity() {}

    static Path kubeconfigFor(LocalControlPlane plane) {
        Kubectl kubectl = new Kubectl(plane);
        kubectl.run(
                "apply",
                "--server-side",
                "--force-conflicts",
                "-k",
                plane.repo().resolve("deploy/rbac").toString());
        String token =
                kubectl.run(
                                "create",
                                "token",
                                SERVICE_ACCOUNT,
                                "--namespace=" + NAMESPACE,
                                "--duration=24h")
                        .trim();
        Config admin = plane.config();
        String kubeconfig =
                """
                apiVersion: v1
                kind: Config
                clusters:
                - name: local
                  cluster:
                    server: %s
                    certificate-authority-data: %s
                users:
                - name: terrarium-operator
                  user:
                    token: %s
                contexts:
                - name: operator
                  context: {cluster: local, user: terrarium-operator}
                current-context: operator
                """
                        .formatted(admin.getMasterUrl(), caData(admin), token);
        Path file = plane.repo().resolve("target/operator-kubeconfig.yaml");
        try {
            Files.writeString(file, kubeconfig);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static String caData(Config config) {
        if (config.getCaCertData() != null) {
            return config.getCaCertData();
        }
        try {
            return java.util.Base64.getEncoder()
                    .encodeToString(Files.readAllBytes(Path.of(config.getCaCertFile())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
