package dev.terrarium.kube;

import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.LinkedHashMap;

/** Container resources in the shape the operator SDK compares. */
public final class PodResources {

    private PodResources() {}

    /**
     * Resources with both maps present (possibly empty): the operator SDK's comparison of desired
     * and actual pods reads both, and an empty map serialises the same as an absent one.
     */
    public static ResourceRequirements complete(ResourceRequirements resources) {
        ResourceRequirements complete = new ResourceRequirements();
        complete.setRequests(
                resources == null || resources.getRequests() == null
                        ? new LinkedHashMap<>()
                        : resources.getRequests());
        complete.setLimits(
                resources == null || resources.getLimits() == null
                        ? new LinkedHashMap<>()
                        : resources.getLimits());
        if (resources != null) {
            complete.setClaims(resources.getClaims());
        }
        return complete;
    }
}
