package dev.terrarium.operator;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;

/**
 * Leader election on a Lease in the operator's namespace, so that two replicas are safe. The namespace comes from
 * {@code terrarium.leader-election.namespace}, which the operator Deployment sets from its own namespace; without
 * one (a single local process, as {@code make run} starts) there is no election.
 */
public class LeaderElection {

    static final String LEASE = "terrarium-operator";

    @Produces
    @Dependent
    LeaderElectionConfiguration leaderElection(TerrariumConfig config) {
        return config.leaderElection().namespace().filter(ns -> !ns.isBlank()).map(ns -> LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(LEASE)
                        .withLeaseNamespace(ns).build())
                .orElse(null);
    }
}
