package dev.terrarium.trust;

import dev.terrarium.api.Environment;
import dev.terrarium.api.ImageBuild;
import dev.terrarium.api.ImageBuildSpec;
import dev.terrarium.requirements.SpecHasher;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.Optional;
import java.util.Set;

/**
 * Whether an ImageBuild is one the operator made: anyone allowed to create ImageBuilds (or an
 * admission policy missing from a cluster) could otherwise pick what is built and pushed under a
 * content hash that other namespaces trust. An ImageBuild is trusted only when the Environment it
 * names owns it, its builder image is one the operator is configured with, and its spec hash is the
 * content hash of its own resolved environment and build settings; then what it pushes is what that
 * hash stands for, whoever created the object.
 */
public final class BuildTrust {

    public static final String REASON = "Untrusted";

    private BuildTrust() {}

    /**
     * Why the build is not trusted, or empty when it is. Does not look at whether the owner still
     * exists.
     */
    public static Optional<String> distrust(
            ImageBuild build, Set<String> builderImages, SpecHasher hasher) {
        ImageBuildSpec spec = build.getSpec();
        if (spec == null || spec.getResolved() == null || spec.getBuild() == null) {
            return Optional.of("The ImageBuild has no resolved environment or build settings.");
        }
        Optional<OwnerReference> owner = environmentOwner(build);
        if (owner.isEmpty()) {
            return Optional.of(
                    "No Environment owns this ImageBuild (no owner reference to Environment "
                            + spec.getEnvironment()
                            + "): only the operator makes ImageBuilds, for an Environment.");
        }
        String builderImage = spec.getBuild().getBuilderImage();
        if (builderImage == null || !builderImages.contains(builderImage)) {
            return Optional.of(
                    "spec.build.builderImage "
                            + quoted(builderImage)
                            + " is not a builder image of this operator.");
        }
        String expected;
        try {
            expected = hasher.hash(spec.getResolved(), spec.getBuild());
        } catch (RuntimeException e) {
            return Optional.of(
                    "The content hash of spec.resolved cannot be computed: " + e.getMessage());
        }
        if (!expected.equals(spec.getSpecHash())) {
            return Optional.of(
                    "spec.specHash "
                            + quoted(spec.getSpecHash())
                            + " is not the content hash of "
                            + "spec.resolved and spec.build ("
                            + expected
                            + ").");
        }
        return Optional.empty();
    }

    /**
     * Why the build is not trusted given its owner as the API server has it now ({@code null}:
     * none).
     */
    public static Optional<String> distrustOwner(ImageBuild build, Environment owner) {
        OwnerReference reference = environmentOwner(build).orElse(null);
        if (reference == null
                || owner == null
                || !reference.getUid().equals(owner.getMetadata().getUid())) {
            return Optional.of(
                    "Environment "
                            + build.getSpec().getEnvironment()
                            + " that this ImageBuild names as "
                            + "its owner does not exist (or is another object of that name).");
        }
        return Optional.empty();
    }

    private static Optional<OwnerReference> environmentOwner(ImageBuild build) {
        String kind = HasMetadata.getKind(Environment.class);
        String apiVersion = HasMetadata.getApiVersion(Environment.class);
        var references = build.getMetadata().getOwnerReferences();
        if (references == null) {
            return Optional.empty();
        }
        return references.stream()
                .filter(
                        r ->
                                kind.equals(r.getKind())
                                        && apiVersion.equals(r.getApiVersion())
                                        && r.getName() != null
                                        && r.getName().equals(build.getSpec().getEnvironment())
                                        && r.getUid() != null)
                .findFirst();
    }

    private static String quoted(String value) {
        return value == null ? "(none)" : "\"" + value + "\"";
    }
}
