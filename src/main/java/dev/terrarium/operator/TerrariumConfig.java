package dev.terrarium.operator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/**
 * Operator settings, as Quarkus configuration under {@code terrarium.*}; each can be overridden by an environment
 * variable (terrarium.builds.max-concurrent by TERRARIUM_BUILDS_MAX_CONCURRENT, and so on).
 */
@ConfigMapping(prefix = "terrarium")
public interface TerrariumConfig {

    Registry registry();

    Builds builds();

    BaseImages baseImages();

    LeaderElection leaderElection();

    /** Python version of an Environment that names none. */
    @WithDefault("3.12")
    String defaultPython();

    interface LeaderElection {
        /** Namespace of the Lease; the operator Deployment sets it to its own. Without it there is no election. */
        Optional<String> namespace();
    }

    interface Registry {
        /**
         * Repository for Environments that name no output.image. It is shared by every namespace, so that equal
         * specs are built once.
         */
        @WithDefault("127.0.0.1:5001/terrarium/environments")
        String defaultRepository();

        /** Registry hosts (host:port) spoken to over plain HTTP: a local registry without TLS. */
        @WithDefault("127.0.0.1:5001,localhost:5001")
        List<String> insecure();
    }

    interface Builds {
        /** Builds running at once in the whole cluster. */
        @WithDefault("10")
        int maxConcurrent();

        /** Builds running at once in one namespace. */
        @WithDefault("3")
        int maxPerNamespace();

        /** Builder of Environments that choose none: buildkit, kaniko or buildah. */
        @WithDefault("buildkit")
        String defaultStrategy();

        /** Deadline of a build that sets no build.timeout. */
        @WithDefault("30m")
        String defaultTimeout();

        /** Builder images, pinned. */
        BuilderImages images();

        /** uv version installed into venv builds. */
        @WithDefault("0.13.8")
        String uvVersion();

        /** Node selector added to every build pod (key=value pairs), for clusters with dedicated build nodes. */
        Optional<List<String>> nodeSelector();
    }

    interface BuilderImages {
        @WithDefault("moby/buildkit:v0.19.0-rootless")
        String buildkit();

        @WithDefault("gcr.io/kaniko-project/executor:v1.23.2")
        String kaniko();

        @WithDefault("quay.io/buildah/stable:v1.38.0")
        String buildah();
    }

    interface BaseImages {
        /** Base image of conda environments (micromamba), pinned by version or digest. */
        @WithDefault("mambaorg/micromamba:2.0.5")
        String conda();

        /** Base image of venv environments; {python} is replaced by the environment's python version. */
        @WithDefault("python:{python}-slim")
        String venv();
    }
}
