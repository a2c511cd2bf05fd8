package dev.terrarium.dependent;

import dev.terrarium.api.Environment;
import dev.terrarium.naming.Labels;
import dev.terrarium.naming.Names;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * The identity of an Environment's build pods: a service account of its own, bound to no role,
 * whose token is never mounted. A build needs no API access; a dedicated account keeps it out of
 * the namespace's default one. Only in single-team mode: in the build namespace every build pod
 * runs as the one account the installation made there.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class BuilderServiceAccountDependent
        extends CRUDKubernetesDependentResource<ServiceAccount, Environment> {

    @Override
    protected ServiceAccount desired(Environment environment, Context<Environment> context) {
        String name = environment.getMetadata().getName();
        return new ServiceAccountBuilder()
                .withNewMetadata()
                .withName(Names.builderServiceAccount(name))
                .withNamespace(environment.getMetadata().getNamespace())
                .withLabels(Labels.forEnvironment(name))
                .endMetadata()
                .withAutomountServiceAccountToken(false)
                .build();
    }

    @Override
    protected ResourceID targetSecondaryResourceID(
            Environment environment, Context<Environment> context) {
        return new ResourceID(
                Names.builderServiceAccount(environment.getMetadata().getName()),
                environment.getMetadata().getNamespace());
    }
}
