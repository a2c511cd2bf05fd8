package dev.terrarium.dependent;

import dev.terrarium.api.Workload;
import dev.terrarium.naming.Labels;
import dev.terrarium.workload.WorkloadPods;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * The ClusterIP Service that publishes a Workload's ports (docker run -p), named like the Workload.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class WorkloadServiceDependent extends CRUDKubernetesDependentResource<Service, Workload> {

    @Override
    protected Service desired(Workload workload, Context<Workload> context) {
        String name = workload.getMetadata().getName();
        return new ServiceBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(workload.getMetadata().getNamespace())
                .withLabels(Labels.forWorkload(name))
                .endMetadata()
                .withNewSpec()
                .withType("ClusterIP")
                .withSelector(WorkloadPods.selector(name))
                .withPorts(
                        workload.getSpec().getPorts().stream()
                                .map(
                                        port ->
                                                new ServicePortBuilder()
                                                        .withName(port.getName())
                                                        .withPort(
                                                                port.getPort() != null
                                                                        ? port.getPort()
                                                                        : port.getContainerPort())
                                                        .withTargetPort(
                                                                new IntOrString(port.getName()))
                                                        .withProtocol(WorkloadPods.protocol(port))
                                                        .build())
                                .toList())
                .endSpec()
                .build();
    }

    @Override
    protected ResourceID targetSecondaryResourceID(Workload workload, Context<Workload> context) {
        return ResourceID.fromResource(workload);
    }
}
