package dev.terrarium.trust;

import dev.terrarium.api.ImageBuild;
import dev.terrarium.requirements.SpecHasher;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@link BuildTrust}'s verdict per ImageBuild, remembered by UID: an ImageBuild's spec is
 * immutable, and every scheduling decision looks at every other build as a possible source or
 * leader, so each is hashed once, not once per decision. Bounded, least recently used first out.
 */
public final class TrustedBuilds {

    private static final int CAPACITY = 8192;

    private final Set<String> builderImages;
    private final SpecHasher hasher = new SpecHasher();
    private final Map<String, Optional<String>> verdicts =
            new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Optional<String>> eldest) {
                    return size() > CAPACITY;
                }
            };

    public TrustedBuilds(Set<String> builderImages) {
        this.builderImages = Set.copyOf(builderImages);
    }

    /** Why the build is not trusted, or empty when it is. */
    public Optional<String> distrust(ImageBuild build) {
        String uid = build.getMetadata().getUid();
        if (uid == null) {
            return BuildTrust.distrust(build, builderImages, hasher);
        }
        synchronized (verdicts) {
            Optional<String> known = verdicts.get(uid);
            if (known != null) {
                return known;
            }
        }
        Optional<String> verdict = BuildTrust.distrust(build, builderImages, hasher);
        synchronized (verdicts) {
            verdicts.put(uid, verdict);
        }
        return verdict;
    }

    public boolean trusted(ImageBuild build) {
        return distrust(build).isEmpty();
    }
}
