package dev.terrarium.operator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Operator settings, as Quarkus configuration under {@code terrarium.*}; each can be overridden by
 * an environment variable (terrarium.builds.max-concurrent by TERRARIUM_BUILDS_MAX_CONCURRENT, and
 * so on).
 */
@ConfigMapping(prefix = "terrarium")
public interface TerrariumConfig {

    Registry registry();

    Builds builds();

    BaseImages baseImages();

    Conda conda();

    LeaderElection leaderElection();

    Isolation isolation();

    Records records();

    Signing signing();

    /** Python version of an Environment that names none. */
    @WithDefault("3.12")
    String defaultPython();

    interface LeaderElection {
        /**
         * Namespace of the Lease; the operator Deployment sets it to its own. Without it there is
         * no election.
         */
        Optional<String> namespace();

        /** Name of the Lease. Two installs that share a namespace need two names. */
        @WithDefault("terrarium-operator")
        String leaseName();
    }

    interface Isolation {
        /** RuntimeClass of Workloads with isolation: sandboxed (gVisor's, by its usual name). */
        @WithDefault("gvisor")
        String sandboxedRuntimeClass();

        /** RuntimeClass of Workloads with isolation: vm (Kata Containers', by its usual name). */
        @WithDefault("kata")
        String vmRuntimeClass();
    }

    interface Records {
        /**
         * The operator's own namespace, where it keeps what it trusts: the hash to digest records
         * of the images it built, its signing key and its published public keys. Tenants must have
         * no write access there. application.properties sets it from {@code POD_NAMESPACE}, which
         * the Deployment sets to its own namespace, else {@code terrarium-system}.
         */
        Optional<String> namespace();
    }

    interface Signing {
        /**
         * A Secret in the records namespace holding the signing key (PEM {@code private-key.pem}
         * and {@code public-key.pem}), created and managed elsewhere. Unset: the leader creates
         * {@code terrarium-signing-key} there when it first signs.
         */
        Optional<String> keySecret();
    }

    interface Registry {
        /**
         * Repository for Environments that name no output.image. It is shared by every namespace,
         * so that equal specs are built once.
         */
        @WithDefault("127.0.0.1:5001/terrarium/environments")
        String defaultRepository();

        /** Registry hosts (host:port) spoken to over plain HTTP: a local registry without TLS. */
        @WithDefault("127.0.0.1:5001,localhost:5001")
        List<String> insecure();

        /**
         * A {@code kubernetes.io/dockerconfigjson} Secret in the build namespace with the
         * credentials for the default repository: build pods that push there mount it, and the
         * operator signs and tags images there with it. Only with {@code
         * terrarium.builds.namespace}: it never leaves that namespace, so no tenant namespace holds
         * it.
         */
        Optional<String> pushSecret();

        /**
         * A PEM file of CA certificates that the operator trusts beside the JVM's own when it
         * speaks to registries over HTTPS: a registry behind a private CA. The chart mounts the CA
         * bundle ConfigMap into the operator pod and sets this to the file; no API access is needed
         * to read it.
         */
        Optional<String> caFile();
    }

    interface Builds {
        /**
         * The namespace the operator owns where builds run: build Jobs and their pods, build
         * contexts and, for one build's run only, a copy of the tenant's push secret. The
         * ImageBuild stays in the tenant's namespace. Unset: all of that is made in the
         * Environment's own namespace (single-team mode), which then has to admit privileged build
         * pods and holds the build's credentials beside its users' code: not for shared clusters.
         */
        Optional<String> namespace();

        /**
         * The ServiceAccount every build pod in the build namespace runs as: bound to no role, its
         * token never mounted (the chart and deploy/ create it). Unused in single-team mode, where
         * each Environment gets a builder ServiceAccount of its own.
         */
        @WithDefault("terrarium-builder")
        String serviceAccount();

        /** Builds running at once in the whole cluster. */
        @WithDefault("10")
        int maxConcurrent();

        /** Builds running at once in one namespace. */
        @WithDefault("3")
        int maxPerNamespace();

        /** Deadline of a build that sets no build.timeout. */
        @WithDefault("30m")
        String defaultTimeout();

        /**
         * How long a build may go without a scheduled pod before it fails: a Job that makes no pod
         * (PodNotCreated, when no refusal was reported) or a pod no node takes (Unschedulable)
         * would otherwise leave it Running for good, and equal builds of other namespaces waiting
         * on it. Long enough for a cluster autoscaler to add a node.
         */
        @WithDefault("10m")
        Duration podStartTimeout();

        /**
         * The image that build pods run: the project's own builder image (Debian's buildah, skopeo
         * and uidmap, user build 1000), by default the one released with this operator version.
         * Part of every content hash, so another builder image builds every Environment again. Pin
         * it by digest in production. The conda stage of conda builds runs in it too: it carries
         * py-rattler, uv and terrarium-conda.
         */
        @WithDefault("ghcr.io/terrarium-dev/terrarium-builder:${quarkus.application.version}")
        String image();

        /** uv version installed into venv builds. */
        @WithDefault("0.13.8")
        String uvVersion();

        /**
         * Node selector added to every build pod (key=value pairs), for clusters with dedicated
         * build nodes.
         */
        Optional<List<String>> nodeSelector();

        /**
         * Tolerations added to every build pod, as a JSON array of core/v1 Tolerations (the chart
         * writes {@code builds.tolerations} so), for build nodes tainted apart. The Environment's
         * own build.tolerations come after them.
         */
        Optional<String> tolerations();

        /**
         * A package index (a PyPI mirror) that builds use instead of the default index when the
         * Environment names no index URL of its own; the same URL rules as spec.pipIndexes. Not
         * part of the content hash: a mirror serves the same packages.
         */
        Optional<String> pipIndexUrl();

        /**
         * A ConfigMap in the build namespace whose {@link #caBundleKey()} holds the PEM CA
         * certificates that builds trust instead of their tools' defaults (a TLS-inspecting proxy,
         * a mirror behind a private CA). Only with {@link #namespace()}.
         */
        Optional<String> caBundle();

        /** The key of {@link #caBundle()} that holds the PEM certificates. */
        @WithDefault("ca.crt")
        String caBundleKey();

        /** HTTP_PROXY of build pods, unset for none. */
        Optional<String> httpProxy();

        /**
         * HTTPS_PROXY of build pods, unset for none. The operator's registry client goes through
         * {@link #httpProxy()}, this and {@link #noProxy()} too.
         */
        Optional<String> httpsProxy();

        /**
         * NO_PROXY of build pods: comma-separated hosts, domains and CIDRs reached directly, such
         * as the in-cluster registry.
         */
        Optional<String> noProxy();
    }

    interface Conda {
        /**
         * How the solver weighs the channels: strict, flexible or disabled; part of the content
         * hash.
         */
        @WithDefault("strict")
        String channelPriority();

        /**
         * Base URL under which channel names are found (conda's channel_alias), for a mirror;
         * unset: the installer's default. Part of the content hash when set.
         */
        Optional<String> channelAlias();
    }

    interface BaseImages {
        /**
         * Base image of conda environments, pinned by version or digest: any glibc-based image with
         * apt, getent, useradd and getconf; the environment is solved for its glibc and copied onto
         * it.
         */
        @WithDefault("debian:bookworm-slim")
        String conda();

        /**
         * Base image of venv environments; {python} is replaced by the environment's python
         * version.
         */
        @WithDefault("python:{python}-slim")
        String venv();
    }
}
