package dev.terrarium.buildcontext;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Operator-level choices that shape a generated build context; none of them comes from a user's
 * spec.
 *
 * @param installer installer of pip requirements in venv environments (conda environments ignore
 *     it)
 * @param uvVersion the exact uv release installed into the tools venv
 * @param uid numeric user and group id the image runs as; never 0
 * @param condaImage the image the conda stage of conda builds runs in: the builder image with
 *     py-rattler, uv and {@code terrarium-conda}, pinned by digest
 * @param channelPriority how the conda solver weighs the channels: {@code strict}, {@code flexible}
 *     or {@code disabled}, as rattler's {@code channel_priority}
 * @param channelAlias base URL under which conda channel names are found, or null for the
 *     installer's default
 * @param pipIndexUrl the index (a PyPI mirror) that replaces the default index when the environment
 *     names no index URL, or null; it also serves the uv that venv builds install
 * @param caBundle whether the build is given a CA bundle as the build secret {@code ca-bundle}: the
 *     steps that download then trust it instead of their tools' defaults
 */
public record BuildContextOptions(
        Installer installer,
        String uvVersion,
        int uid,
        String condaImage,
        String channelPriority,
        String channelAlias,
        String pipIndexUrl,
        boolean caBundle) {

    public static final String DEFAULT_UV_VERSION = "0.13.8";
    public static final int DEFAULT_UID = 10001;

    /**
     * The project's builder image; the operator replaces it with terrarium.builds.image, pinned by
     * digest.
     */
    public static final String DEFAULT_CONDA_IMAGE =
            "ghcr.io/terrarium-dev/terrarium-builder:0.1.0";

    /** What conda-forge and bioconda recommend, and what rattler, mamba and pixi do by default. */
    public static final String DEFAULT_CHANNEL_PRIORITY = "strict";

    public static final Set<String> CHANNEL_PRIORITIES = Set.of("strict", "flexible", "disabled");

    private static final Pattern RELEASE = Pattern.compile("[0-9]+(\\.[0-9]+){0,3}");
    private static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@-]*");
    private static final Pattern ALIAS =
            Pattern.compile("https?://[A-Za-z0-9._~:/?#\\[\\]@!&'()*+,;=%-]+");

    public BuildContextOptions {
        Objects.requireNonNull(installer, "installer");
        if (uvVersion == null || !RELEASE.matcher(uvVersion).matches()) {
            throw new IllegalArgumentException(
                    "uvVersion must be a release number such as 0.13.8, got " + uvVersion);
        }
        if (uid <= 0) {
            throw new IllegalArgumentException("uid must be a positive, non-root id, got " + uid);
        }
        if (condaImage == null || !IMAGE.matcher(condaImage).matches()) {
            throw new IllegalArgumentException(
                    "condaImage must be an image reference, got "
                            + InputRules.printable(condaImage));
        }
        channelPriority = channelPriority == null ? null : channelPriority.toLowerCase(Locale.ROOT);
        if (!CHANNEL_PRIORITIES.contains(channelPriority)) {
            throw new IllegalArgumentException(
                    "channelPriority must be strict, flexible or disabled, got "
                            + InputRules.printable(channelPriority));
        }
        if (channelAlias != null && !ALIAS.matcher(channelAlias).matches()) {
            throw new IllegalArgumentException(
                    "channelAlias must be an http(s) URL, got "
                            + InputRules.printable(channelAlias));
        }
        if (pipIndexUrl != null) {
            InputRules.indexUrl("pipIndexUrl", pipIndexUrl);
        }
    }

    /**
     * uv at {@link #DEFAULT_UV_VERSION}, uid {@link #DEFAULT_UID} and the default conda settings.
     */
    public static BuildContextOptions defaults() {
        return new BuildContextOptions(
                Installer.UV,
                DEFAULT_UV_VERSION,
                DEFAULT_UID,
                DEFAULT_CONDA_IMAGE,
                DEFAULT_CHANNEL_PRIORITY,
                null,
                null,
                false);
    }

    public BuildContextOptions withInstaller(Installer newInstaller) {
        return new BuildContextOptions(
                newInstaller,
                uvVersion,
                uid,
                condaImage,
                channelPriority,
                channelAlias,
                pipIndexUrl,
                caBundle);
    }

    public BuildContextOptions withUvVersion(String newUvVersion) {
        return new BuildContextOptions(
                installer,
                newUvVersion,
                uid,
                condaImage,
                channelPriority,
                channelAlias,
                pipIndexUrl,
                caBundle);
    }

    public BuildContextOptions withUid(int newUid) {
        return new BuildContextOptions(
                installer,
                uvVersion,
                newUid,
                condaImage,
                channelPriority,
                channelAlias,
                pipIndexUrl,
                caBundle);
    }

    public BuildContextOptions withCondaImage(String newCondaImage) {
        return new BuildContextOptions(
                installer,
                uvVersion,
                uid,
                newCondaImage,
                channelPriority,
                channelAlias,
                pipIndexUrl,
                caBundle);
    }

    public BuildContextOptions withChannelPriority(String newChannelPriority) {
        return new BuildContextOptions(
                installer,
                uvVersion,
                uid,
                condaImage,
                newChannelPriority,
                channelAlias,
                pipIndexUrl,
                caBundle);
    }

    public BuildContextOptions withChannelAlias(String newChannelAlias) {
        return new BuildContextOptions(
                installer,
                uvVersion,
                uid,
                condaImage,
                channelPriority,
                newChannelAlias,
                pipIndexUrl,
                caBundle);
    }

    public BuildContextOptions withPipIndexUrl(String newPipIndexUrl) {
        return new BuildContextOptions(
                installer,
                uvVersion,
                uid,
                condaImage,
                channelPriority,
                channelAlias,
                newPipIndexUrl,
                caBundle);
    }

    public BuildContextOptions withCaBundle(boolean newCaBundle) {
        return new BuildContextOptions(
                installer,
                uvVersion,
                uid,
                condaImage,
                channelPriority,
                channelAlias,
                pipIndexUrl,
                newCaBundle);
    }
}
