package dev.terrarium.kube;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.util.Optional;

/**
 * The conditions the Job controller sets on a Job: Complete and Failed when it ended, among others.
 */
public final class JobConditions {

    public static final String COMPLETE = "Complete";
    public static final String FAILED = "Failed";

    private JobConditions() {}

    /** The condition of that type when its status is True. */
    public static Optional<JobCondition> whenTrue(Job job, String type) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return job.getStatus().getConditions().stream()
                .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
                .findFirst();
    }

    public static boolean finished(Job job) {
        return whenTrue(job, COMPLETE).isPresent() || whenTrue(job, FAILED).isPresent();
    }
}
