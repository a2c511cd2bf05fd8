package dev.terrarium.reconciler;

import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildPhase;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Which of an Environment's ImageBuilds to delete (docker image rm): beyond the newest {@code
 * successful} succeeded and {@code failed} failed ones, and unfinished builds of specs that were
 * replaced. The current spec's build and the build whose image is in use are always kept. Pure.
 */
public final class RetentionPolicy {

    public static final int DEFAULT_SUCCESSFUL = 3;
    public static final int DEFAULT_FAILED = 3;

    private static final Comparator<ImageBuild> NEWEST_FIRST =
            Comparator.comparing((ImageBuild b) -> b.getMetadata().getCreationTimestamp())
                    .reversed()
                    .thenComparing(b -> b.getMetadata().getName());

    private RetentionPolicy() {}

    public static List<ImageBuild> toDelete(
            Collection<ImageBuild> builds, int successful, int failed, Set<String> keep) {
        List<ImageBuild> delete = new ArrayList<>();
        int keptSucceeded = 0;
        int keptFailed = 0;
        for (ImageBuild build : builds.stream().sorted(NEWEST_FIRST).toList()) {
            String name = build.getMetadata().getName();
            ImageBuildPhase phase = build.getStatus() == null ? null : build.getStatus().getPhase();
            if (keep.contains(name)) {
                if (phase == ImageBuildPhase.Succeeded) {
                    keptSucceeded++;
                } else if (phase == ImageBuildPhase.Failed) {
                    keptFailed++;
                }
                continue;
            }
            if (phase == ImageBuildPhase.Succeeded) {
                if (keptSucceeded < successful) {
                    keptSucceeded++;
                } else {
                    delete.add(build);
                }
            } else if (phase == ImageBuildPhase.Failed) {
                if (keptFailed < failed) {
                    keptFailed++;
                } else {
                    delete.add(build);
                }
            } else {
                delete.add(build);
            }
        }
        return delete;
    }
}
