package dev.terrarium.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeaderElectionTest {

    @Test
    void theSdkNeverExitsOnItsOwnSoThatShutdownCanReleaseTheLease() {
        List<String> calls = new ArrayList<>();
        var configuration =
                LeaderElection.configuration(
                        "terrarium-system",
                        "terrarium-operator",
                        "pod-a",
                        new LeaderCallbacks(
                                () -> calls.add("start"), () -> calls.add("stop"), calls::add));

        assertThat(configuration.isExitOnStopLeading())
                .as("an SDK that exits from its callback deadlocks inside the JVM's shutdown")
                .isFalse();
        assertThat(configuration.getLeaseNamespace()).contains("terrarium-system");
        assertThat(configuration.getLeaseName()).isEqualTo("terrarium-operator");
        assertThat(configuration.getIdentity()).contains("pod-a");
        configuration.getLeaderCallbacks().orElseThrow().onStopLeading();
        assertThat(calls).containsExactly("stop");
    }
}
