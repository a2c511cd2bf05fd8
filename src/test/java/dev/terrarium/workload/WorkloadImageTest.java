package dev.terrarium.workload;

import static dev.terrarium.workload.Workloads.NEW;
import static dev.terrarium.workload.Workloads.OLD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.terrarium.api.Workload;
import dev.terrarium.api.WorkloadStatus;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkloadImageTest {

    private static Workload deployed(String image) {
        Workload workload = Workloads.onEnvironment("web", "ds");
        WorkloadStatus status = new WorkloadStatus();
        status.setImage(image);
        workload.setStatus(status);
        return workload;
    }

    @Test
    void aPlainImageRunsAsIsWithoutPullSecret() {
        assertThat(WorkloadImage.resolve(Workloads.onImage("web", "nginx:1.27"), Optional.empty()))
                .contains(new WorkloadImage("nginx:1.27", null));
    }

    @Test
    void theEnvironmentsImageRunsWithItsPullSecret() {
        assertThat(
                        WorkloadImage.resolve(
                                deployed(OLD),
                                Optional.of(Workloads.environment("ds", NEW, "push", "pull"))))
                .contains(new WorkloadImage(NEW, "pull"));
    }

    @Test
    void thePushSecretPullsWhenNoPullSecretIsGiven() {
        assertThat(
                        WorkloadImage.resolve(
                                Workloads.onEnvironment("web", "ds"),
                                Optional.of(Workloads.environment("ds", NEW, "push", null))))
                .contains(new WorkloadImage(NEW, "push"));
    }

    @Test
    void anEnvironmentWithoutOutputNeedsNoPullSecret() {
        assertThat(
                        WorkloadImage.resolve(
                                Workloads.onEnvironment("web", "ds"),
                                Optional.of(Workloads.environment("ds", NEW, null, null))))
                .contains(new WorkloadImage(NEW, null));
    }

    @Test
    void theDeployedImageKeepsRunningWhenTheEnvironmentIsGone() {
        assertThat(WorkloadImage.resolve(deployed(OLD), Optional.empty()))
                .contains(new WorkloadImage(OLD, null));
    }

    @Test
    void theDeployedImageKeepsRunningWhenTheEnvironmentHasNoImage() {
        assertThat(
                        WorkloadImage.resolve(
                                deployed(OLD),
                                Optional.of(Workloads.environment("ds", null, "push", "pull"))))
                .contains(new WorkloadImage(OLD, "pull"));
    }

    @Test
    void withoutAnyImageThereIsNothingToRun() {
        assertThat(WorkloadImage.resolve(Workloads.onEnvironment("web", "ds"), Optional.empty()))
                .isEmpty();
        assertThat(
                        WorkloadImage.resolve(
                                deployed(null),
                                Optional.of(Workloads.environment("ds", null, null, null))))
                .isEmpty();
    }
}
