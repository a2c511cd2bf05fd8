package dev.terrarium.dependent;

import static dev.terrarium.workload.Workloads.NEW;
import static dev.terrarium.workload.Workloads.OLD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrarium.api.ClaimVolume;
import dev.terrarium.api.Environment;
import dev.terrarium.api.Workload;
import dev.terrarium.api.WorkloadMode;
import dev.terrarium.api.WorkloadPort;
import dev.terrarium.api.WorkloadVolume;
import dev.terrarium.workload.WorkloadImage;
import dev.terrarium.workload.WorkloadJobs;
import dev.terrarium.workload.WorkloadPods;
import dev.terrarium.workload.WorkloadRuntime;
import dev.terrarium.workload.Workloads;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkloadDependentsTest {

    private static final WorkloadRuntime RUNTIME = new WorkloadRuntime("gvisor", "kata");

    private static Deployment deployment(Workload workload, Environment... environments) {
        return new WorkloadDeploymentDependent(RUNTIME)
                .desired(workload, new FakeContext(workload, environments));
    }

    private static Job job(Workload workload, Environment... environments) {
        return new WorkloadJobDependent(RUNTIME)
                .desired(workload, new FakeContext(workload, environments));
    }

    private static Workload batch() {
        Workload workload = Workloads.onEnvironment("train", "ds");
        workload.getSpec().setMode(WorkloadMode.Job);
        workload.getSpec().setCommand(List.of("python", "train.py"));
        return workload;
    }

    @Test
    void theDeploymentRunsTheEnvironmentsImageWithItsPullSecret() {
        Deployment deployment =
                deployment(
                        Workloads.onEnvironment("web", "ds"),
                        Workloads.environment("other", OLD, null, null),
                        Workloads.environment("ds", NEW, "push", "pull"));

        assertThat(deployment.getMetadata().getName()).isEqualTo("web");
        assertThat(deployment.getMetadata().getNamespace()).isEqualTo("team");
        assertThat(deployment.getMetadata().getLabels())
                .containsEntry("terrarium.dev/workload", "web");
        assertThat(deployment.getSpec().getSelector().getMatchLabels())
                .containsExactlyEntriesOf(WorkloadPods.selector("web"));
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo(NEW);
        assertThat(deployment.getSpec().getTemplate().getSpec().getImagePullSecrets())
                .containsExactly(new LocalObjectReference("pull"));
        assertThat(deployment.getSpec().getTemplate().getSpec().getRestartPolicy())
                .isEqualTo("Always");
    }

    @Test
    void theDeploymentHasTheReplicasOfTheSpec() {
        Workload workload = Workloads.onImage("web", "nginx:1.27");
        workload.getSpec().setReplicas(3);

        assertThat(deployment(workload).getSpec().getReplicas()).isEqualTo(3);
    }

    @Test
    void withoutReplicasInTheSpecTheDeploymentLeavesTheCountToAnAutoscaler() {
        assertThat(deployment(Workloads.onImage("web", "nginx:1.27")).getSpec().getReplicas())
                .isNull();
    }

    @Test
    void aSuspendedWorkloadScalesToZero() {
        Workload workload = Workloads.onImage("web", "nginx:1.27");
        workload.getSpec().setReplicas(3);
        workload.getSpec().setSuspend(true);

        assertThat(deployment(workload).getSpec().getReplicas()).isZero();
    }

    @Test
    void aWorkloadWithoutVolumesRollsItsDeploymentOut() {
        assertThat(
                        deployment(Workloads.onImage("web", "nginx:1.27"))
                                .getSpec()
                                .getStrategy()
                                .getType())
                .isEqualTo("RollingUpdate");
    }

    @Test
    void theOperatorsReadWriteOnceClaimMakesTheDeploymentRecreateAndIsNamedLikeTheWorkload() {
        Workload workload = Workloads.onImage("notebook", "jupyter:1");
        WorkloadVolume work = new WorkloadVolume();
        work.setName("work");
        ClaimVolume claim = new ClaimVolume();
        claim.setSize("5Gi");
        work.setClaim(claim);
        workload.getSpec().setVolumes(List.of(work));

        assertThat(deployment(workload).getSpec().getStrategy().getType()).isEqualTo("Recreate");
        PersistentVolumeClaim made =
                new WorkloadClaimDependent().desired(workload, new FakeContext(workload));
        assertThat(made.getMetadata().getName()).isEqualTo("notebook");
        assertThat(made.getSpec().getResources().getRequests().get("storage").toString())
                .isEqualTo("5Gi");
    }

    @Test
    void aWorkloadWithoutAnyImageIsNotDeployed() {
        Workload workload = Workloads.onEnvironment("web", "ds");

        assertThatThrownBy(
                        () -> deployment(workload, Workloads.environment("ds", null, null, null)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theServicePublishesEveryPortByName() {
        Workload workload = Workloads.onImage("web", "nginx:1.27");
        WorkloadPort dns = new WorkloadPort("dns", 5353, null);
        dns.setProtocol("UDP");
        workload.getSpec().setPorts(List.of(new WorkloadPort("http", 8000, 80), dns));

        Service service =
                new WorkloadServiceDependent().desired(workload, new FakeContext(workload));

        assertThat(service.getMetadata().getName()).isEqualTo("web");
        assertThat(service.getMetadata().getLabels())
                .containsEntry("terrarium.dev/workload", "web");
        assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(service.getSpec().getSelector())
                .containsExactlyEntriesOf(WorkloadPods.selector("web"));
        List<ServicePort> ports = service.getSpec().getPorts();
        assertThat(ports).extracting(ServicePort::getName).containsExactly("http", "dns");
        assertThat(ports).extracting(ServicePort::getPort).containsExactly(80, 5353);
        assertThat(ports)
                .extracting(ServicePort::getTargetPort)
                .containsExactly(new IntOrString("http"), new IntOrString("dns"));
        assertThat(ports).extracting(ServicePort::getProtocol).containsExactly("TCP", "UDP");
    }

    @Test
    void theJobRunsOnceWithoutRetriesByDefault() {
        Job job = job(batch(), Workloads.environment("ds", NEW, "push", null));

        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(job.getSpec().getSuspend()).isFalse();
        assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(job.getSpec().getTemplate().getSpec().getImagePullSecrets())
                .containsExactly(new LocalObjectReference("push"));
        assertThat(job.getMetadata().getLabels()).containsEntry("terrarium.dev/workload", "train");
        assertThat(job.getMetadata().getName()).startsWith("train-").hasSize("train-".length() + 8);
    }

    @Test
    void theJobTakesTheBackoffLimitAndSuspendOfTheSpec() {
        Workload workload = batch();
        workload.getSpec().setBackoffLimit(4);
        workload.getSpec().setSuspend(true);

        Job job = job(workload, Workloads.environment("ds", NEW, null, null));

        assertThat(job.getSpec().getBackoffLimit()).isEqualTo(4);
        assertThat(job.getSpec().getSuspend()).isTrue();
    }

    @Test
    void theJobNameIsStableForTheSameTemplate() {
        Environment environment = Workloads.environment("ds", NEW, null, null);
        Workload suspended = batch();
        suspended.getSpec().setSuspend(true);
        suspended.getSpec().setBackoffLimit(2);

        assertThat(job(batch(), environment).getMetadata().getName())
                .isEqualTo(job(batch(), environment).getMetadata().getName())
                .isEqualTo(job(suspended, environment).getMetadata().getName());
    }

    @Test
    void theJobNameChangesWithTheImage() {
        assertThat(
                        job(batch(), Workloads.environment("ds", NEW, null, null))
                                .getMetadata()
                                .getName())
                .isNotEqualTo(
                        job(batch(), Workloads.environment("ds", OLD, null, null))
                                .getMetadata()
                                .getName());
    }

    @Test
    void theJobNameChangesWithTheCommand() {
        Environment environment = Workloads.environment("ds", NEW, null, null);
        Workload other = batch();
        other.getSpec().setCommand(List.of("python", "evaluate.py"));

        assertThat(job(batch(), environment).getMetadata().getName())
                .isNotEqualTo(job(other, environment).getMetadata().getName());
    }

    @Test
    void theJobNameIsTheOneTheReconcilerLooksFor() {
        Workload workload = batch();
        Job job = job(workload, Workloads.environment("ds", NEW, null, null));

        assertThat(job.getMetadata().getName())
                .isEqualTo(WorkloadJobs.name(workload, new WorkloadImage(NEW, null), RUNTIME));
    }
}
