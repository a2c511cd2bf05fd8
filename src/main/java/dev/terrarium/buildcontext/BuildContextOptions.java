package dev.terrarium.buildcontext;

import dev.terrarium.api.BuildStrategy;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Operator-level choices that shape a generated build context; none of them comes from a user's spec.
 *
 * @param installer installer of pip requirements in venv environments (conda environments ignore it)
 * @param uvVersion the exact uv release installed into the tools venv
 * @param uid numeric user and group id the image runs as; never 0
 * @param cacheMounts whether RUN steps may use {@code --mount=type=cache}; kaniko does not implement it, and a
 *     cache directory that is not a mount would end up in the image
 */
public record BuildContextOptions(Installer installer, String uvVersion, int uid, boolean cacheMounts) {

    public static final String DEFAULT_UV_VERSION = "0.13.8";
    public static final int DEFAULT_UID = 10001;

    private static final Pattern RELEASE = Pattern.compile("[0-9]+(\\.[0-9]+){0,3}");

    public BuildContextOptions {
        Objects.requireNonNull(installer, "installer");
        if (uvVersion == null || !RELEASE.matcher(uvVersion).matches()) {
            throw new IllegalArgumentException("uvVersion must be a release number such as 0.13.8, got " + uvVersion);
        }
        if (uid <= 0) {
            throw new IllegalArgumentException("uid must be a positive, non-root id, got " + uid);
        }
    }

    /** uv at {@link #DEFAULT_UV_VERSION}, uid {@link #DEFAULT_UID}, cache mounts on. */
    public static BuildContextOptions defaults() {
        return new BuildContextOptions(Installer.UV, DEFAULT_UV_VERSION, DEFAULT_UID, true);
    }

    /** These options with cache mounts on exactly when the builder implements them. */
    public BuildContextOptions forStrategy(BuildStrategy strategy) {
        return withCacheMounts(strategy != BuildStrategy.KANIKO);
    }

    public BuildContextOptions withInstaller(Installer newInstaller) {
        return new BuildContextOptions(newInstaller, uvVersion, uid, cacheMounts);
    }

    public BuildContextOptions withUvVersion(String newUvVersion) {
        return new BuildContextOptions(installer, newUvVersion, uid, cacheMounts);
    }

    public BuildContextOptions withUid(int newUid) {
        return new BuildContextOptions(installer, uvVersion, newUid, cacheMounts);
    }

    public BuildContextOptions withCacheMounts(boolean newCacheMounts) {
        return new BuildContextOptions(installer, uvVersion, uid, newCacheMounts);
    }
}
