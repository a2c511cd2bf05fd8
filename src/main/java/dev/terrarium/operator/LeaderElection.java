package dev.terrarium.operator;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Leader election on a Lease in the operator's namespace, so that two replicas are safe. The
 * namespace comes from {@code terrarium.leader-election.namespace}, which the operator Deployment
 * sets from its own namespace; without one (a single local process, as {@code make run} starts)
 * there is no election.
 *
 * <p>The SDK, left to itself, exits the JVM from its stop-leading callback and never releases the
 * Lease. On SIGTERM that callback runs inside the JVM's shutdown (the SDK stops the elector from
 * Quarkus's shutdown hook), where {@code System.exit} blocks for ever: a leader then lives until
 * the kubelet kills it, and its successor waits out the whole lease duration. So the SDK must not
 * exit (its builder's {@code build()} says so, and LeaderElectionTest holds it to that); this class
 * exits only when leadership is lost while the operator runs (two leaders must never reconcile at
 * once), and on shutdown it hands the Lease over the way client-go's {@code ReleaseOnCancel} does:
 * no holder and a one-second duration, so a follower takes it at its next retry.
 */
@Singleton
public class LeaderElection {

    private static final Logger LOG = Logger.getLogger(LeaderElection.class);

    private final AtomicBoolean shuttingDown = new AtomicBoolean();
    private final String identity =
            Optional.ofNullable(System.getenv("HOSTNAME"))
                    .filter(h -> !h.isBlank())
                    .orElseGet(() -> UUID.randomUUID().toString());

    @Produces
    @Singleton
    LeaderElectionConfiguration leaderElection(TerrariumConfig config, KubernetesClient client) {
        String name = config.leaderElection().leaseName();
        return config.leaderElection()
                .namespace()
                .filter(ns -> !ns.isBlank())
                .map(
                        ns ->
                                configuration(
                                        ns,
                                        name,
                                        identity,
                                        new LeaderCallbacks(
                                                () -> LOG.infof("Leading as %s", identity),
                                                () -> stoppedLeading(client, ns, name),
                                                leader -> {})))
                .orElse(null);
    }

    static LeaderElectionConfiguration configuration(
            String namespace, String name, String identity, LeaderCallbacks callbacks) {
        return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(name)
                .withLeaseNamespace(namespace)
                .withIdentity(identity)
                .withLeaderCallbacks(callbacks)
                .build();
    }

    /**
     * Runs before the SDK's own shutdown listener, which stops the elector and so calls {@link
     * #stoppedLeading}.
     */
    void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
        shuttingDown.set(true);
    }

    private void stoppedLeading(KubernetesClient client, String namespace, String name) {
        if (!shuttingDown.get()) {
            LOG.errorf(
                    "Lost the Lease as %s while running: exiting so that only the new leader reconciles",
                    identity);
            // Not from this thread: exit runs the shutdown hooks, which stop the elector that
            // called us and wait for it.
            Thread exit = new Thread(() -> System.exit(1), "terrarium-lost-lease");
            exit.start();
            return;
        }
        release(client, namespace, name);
    }

    /**
     * A replace of the Lease as this holder read it, with an empty holder as client-go writes it: a
     * field left out of a patch would be kept, and the replace fails on a conflict if a follower
     * took the Lease in between.
     */
    private void release(KubernetesClient client, String namespace, String name) {
        try {
            Lease lease = client.leases().inNamespace(namespace).withName(name).get();
            if (lease == null
                    || lease.getSpec() == null
                    || !identity.equals(lease.getSpec().getHolderIdentity())) {
                return;
            }
            ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
            lease.getSpec().setHolderIdentity("");
            lease.getSpec().setLeaseDurationSeconds(1);
            lease.getSpec().setAcquireTime(now);
            lease.getSpec().setRenewTime(now);
            client.resource(lease).update();
            LOG.infof("Released the Lease %s/%s for the next leader", namespace, name);
        } catch (KubernetesClientException e) {
            LOG.warnf("Could not release the Lease %s/%s: %s", namespace, name, e.getMessage());
        }
    }
}
