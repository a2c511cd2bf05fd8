package dev.terrarium.naming;

import java.util.LinkedHashMap;
import java.util.Map;

/** The labels Terrarium puts on what it creates. */
public final class Labels {

    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_VALUE = "terrarium";
    public static final String NAME = "app.kubernetes.io/name";
    public static final String INSTANCE = "app.kubernetes.io/instance";
    public static final String COMPONENT = "app.kubernetes.io/component";
    public static final String PART_OF = "app.kubernetes.io/part-of";

    public static final String ENVIRONMENT = "terrarium.dev/environment";
    public static final String IMAGE_BUILD = "terrarium.dev/imagebuild";

    /**
     * The ImageBuild's namespace, on what its build has in the build namespace: with {@link
     * #IMAGE_BUILD} it names the ImageBuild.
     */
    public static final String IMAGE_BUILD_NAMESPACE = "terrarium.dev/imagebuild-namespace";

    public static final String WORKLOAD = "terrarium.dev/workload";

    /** On a user's ConfigMap: rebuild as soon as it changes (see ConfigMapSource). */
    public static final String WATCH = "terrarium.dev/watch";

    /** Selector of everything Terrarium manages, for its informers. */
    public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + MANAGED_BY_VALUE;

    private Labels() {}

    public static Map<String, String> forBuild(String environment, String imageBuild) {
        Map<String, String> labels = managed("build");
        labels.put(ENVIRONMENT, environment);
        labels.put(IMAGE_BUILD, imageBuild);
        return labels;
    }

    /** The labels of a build's objects in the build namespace, which name its ImageBuild. */
    public static Map<String, String> forBuildIn(
            String tenantNamespace, String environment, String imageBuild) {
        Map<String, String> labels = forBuild(environment, imageBuild);
        labels.put(IMAGE_BUILD_NAMESPACE, tenantNamespace);
        return labels;
    }

    /**
     * A build's lock record: labelled apart from the build context so the Environment watches only
     * locks.
     */
    public static Map<String, String> forBuildLock(String environment, String imageBuild) {
        Map<String, String> labels = forBuild(environment, imageBuild);
        labels.put(COMPONENT, "lock");
        return labels;
    }

    /** A finished build's log record, apart from its context and lock. */
    public static Map<String, String> forBuildLog(String environment, String imageBuild) {
        Map<String, String> labels = forBuild(environment, imageBuild);
        labels.put(COMPONENT, "log");
        return labels;
    }

    public static Map<String, String> forEnvironment(String environment) {
        Map<String, String> labels = managed("environment");
        labels.put(ENVIRONMENT, environment);
        return labels;
    }

    public static Map<String, String> forWorkload(String workload) {
        Map<String, String> labels = managed("workload");
        labels.put(WORKLOAD, workload);
        labels.put(NAME, workload);
        labels.put(INSTANCE, workload);
        return labels;
    }

    private static Map<String, String> managed(String component) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY, MANAGED_BY_VALUE);
        labels.put(PART_OF, "terrarium");
        labels.put(COMPONENT, component);
        return labels;
    }
}
