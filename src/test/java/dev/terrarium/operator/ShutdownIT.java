package dev.terrarium.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.testing.OperatorProcess;
import dev.terrarium.testing.TerrariumTest;
import dev.terrarium.testing.TestNamespace;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A leading replica sent SIGTERM, as at every rollout of the operator: it must end within the pod's
 * grace period and hand the Lease over, instead of hanging until it is killed and leaving its
 * successor to wait out the lease. The replica here is a second operator, watching only the test's
 * namespace and electing on a Lease of its own, so the shared operator of the other tests is not
 * disturbed.
 */
@TerrariumTest
class ShutdownIT {

    private static final String LEASE_NAMESPACE = "terrarium-system";

    /** A Deployment's default terminationGracePeriodSeconds. */
    private static final Duration GRACE = Duration.ofSeconds(30);

    @Test
    void aLeaderSentSigtermExitsWithinTheGracePeriodAndReleasesItsLease(TestNamespace ns)
            throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String identity = "shutdown-it-" + suffix;
        String lease = "terrarium-shutdown-it-" + suffix;
        KubernetesClient admin = ns.plane().adminClient();
        OperatorProcess replica =
                OperatorProcess.startAnother(
                        "operator-shutdown-it",
                        Map.of(
                                "HOSTNAME", identity,
                                "TERRARIUM_LEADER_ELECTION_LEASE_NAME", lease,
                                "QUARKUS_OPERATOR_SDK_NAMESPACES", ns.name()));
        try {
            Lease leading =
                    await(
                            admin,
                            lease,
                            l -> identity.equals(l.getSpec().getHolderIdentity()),
                            Duration.ofMinutes(1));
            assertThat(leading.getSpec().getHolderIdentity()).isEqualTo(identity);

            Instant sent = Instant.now();
            boolean exited = replica.terminate(GRACE);
            Duration took = Duration.between(sent, Instant.now());
            String log = Files.readString(replica.logFile());
            assertThat(exited)
                    .as(
                            "the leader ended by itself after SIGTERM (took %s); its log:%n%s",
                            took, log)
                    .isTrue();
            System.out.printf(
                    "ShutdownIT: the leader exited %d ms after SIGTERM%n", took.toMillis());
            assertThat(log).contains("Released the Lease");

            Lease released = admin.leases().inNamespace(LEASE_NAMESPACE).withName(lease).get();
            assertThat(released.getSpec().getHolderIdentity())
                    .as("no holder: a follower takes it at its next try")
                    .isNullOrEmpty();
            assertThat(released.getSpec().getLeaseDurationSeconds()).isEqualTo(1);
        } finally {
            replica.terminate(Duration.ofSeconds(5));
            admin.leases().inNamespace(LEASE_NAMESPACE).withName(lease).delete();
        }
    }

    private static Lease await(
            KubernetesClient admin, String name, Predicate<Lease> condition, Duration timeout)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        Lease last = null;
        while (Instant.now().isBefore(deadline)) {
            last = admin.leases().inNamespace(LEASE_NAMESPACE).withName(name).get();
            if (last != null && last.getSpec() != null && condition.test(last)) {
                return last;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(
                "the Lease "
                        + name
                        + " did not reach the expected state within "
                        + timeout
                        + "; last seen: "
                        + last);
    }
}
