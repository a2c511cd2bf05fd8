package dev.terrarium.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/**
 * Owner references of the records the operator writes outside its workflows (a build's lock and
 * log), so that they go with the object they describe.
 */
public final class Owners {

    private Owners() {}

    /**
     * {@code owner} as the controller, which the garbage collector waits for on foreground
     * deletion.
     */
    public static OwnerReference controller(HasMetadata owner) {
        return new OwnerReferenceBuilder()
                .withApiVersion(owner.getApiVersion())
                .withKind(owner.getKind())
                .withName(owner.getMetadata().getName())
                .withUid(owner.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }
}
