package dev.terrarium.builder;

import dev.terrarium.api.Patterns;
import dev.terrarium.buildcontext.BuildContext;
import dev.terrarium.buildcontext.InputRules;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a builder pod builds and where it pushes.
 *
 * @param builderImage the builder image, pinned (the operator's setting for the strategy)
 * @param target the reference pushed, {@code repository:tag}
 * @param contextConfigMap the ConfigMap holding the build context, one key per file
 * @param contextFiles the keys of that ConfigMap ({@link BuildContext#fileNames()}); must include
 *     the Dockerfile
 * @param pushSecret a {@code kubernetes.io/dockerconfigjson} Secret with credentials for the target
 *     registry, or null for none; only the push step mounts it, so base images are pulled
 *     anonymously
 * @param insecureRegistry whether the target registry speaks plain HTTP or has an untrusted
 *     certificate
 * @param buildArgs build-argument name to value ({@link BuildContext#buildArgs()})
 * @param resources resources of each step of the build pod, or null
 * @param credentialsSecret a Secret whose keys hold the netrc of the package indexes and channels
 *     and the git SSH key and known hosts, or null for none; only the build step mounts it, and
 *     buildah hands them to the install step as build secrets, never as a layer or an argument
 * @param network the operator's CA bundle and proxies for the pod ({@link BuildNetwork#NONE} for
 *     none); the mirror reaches the build through its context
 */
public record BuildRequest(
        String builderImage,
        String target,
        String contextConfigMap,
        List<String> contextFiles,
        String pushSecret,
        boolean insecureRegistry,
        Map<String, String> buildArgs,
        ResourceRequirements resources,
        String credentialsSecret,
        BuildNetwork network) {

    /** repository (as ImageBuildSpec allows it) : tag. */
    private static final Pattern TARGET =
            Pattern.compile(
                    Patterns.unanchored(Patterns.REPOSITORY)
                            + ":"
                            + Patterns.unanchored(Patterns.TAG));

    private static final Pattern DNS_SUBDOMAIN = Pattern.compile(Patterns.OBJECT_NAME);
    private static final Pattern CONFIG_MAP_KEY = Pattern.compile("[-._a-zA-Z0-9]+");

    public BuildRequest {
        if (builderImage == null
                || builderImage.isBlank()
                || builderImage.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(
                    "builderImage must be an image reference: "
                            + InputRules.printable(builderImage));
        }
        if (target == null || target.length() > 512 || !TARGET.matcher(target).matches()) {
            throw new IllegalArgumentException(
                    "target must be repository:tag, got " + InputRules.printable(target));
        }
        dnsSubdomain("contextConfigMap", contextConfigMap);
        if (pushSecret != null) {
            dnsSubdomain("pushSecret", pushSecret);
        }
        if (credentialsSecret != null) {
            dnsSubdomain("credentialsSecret", credentialsSecret);
        }
        network = network == null ? BuildNetwork.NONE : network;
        contextFiles = List.copyOf(contextFiles);
        for (String file : contextFiles) {
            if (!CONFIG_MAP_KEY.matcher(file).matches() || file.equals(".") || file.equals("..")) {
                throw new IllegalArgumentException(
                        "context file names must be ConfigMap keys: " + InputRules.printable(file));
            }
        }
        if (!contextFiles.contains(BuildContext.DOCKERFILE)) {
            throw new IllegalArgumentException(
                    "the context must contain a " + BuildContext.DOCKERFILE);
        }
        Map<String, String> args = new LinkedHashMap<>();
        buildArgs.forEach(
                (name, value) -> {
                    if (name == null || !InputRules.IDENTIFIER.matcher(name).matches()) {
                        throw new IllegalArgumentException(
                                "build argument names must be identifiers: "
                                        + InputRules.printable(name));
                    }
                    if (value == null) {
                        throw new IllegalArgumentException(
                                "build argument " + name + " has no value");
                    }
                    InputRules.argumentValue("build argument " + name, value);
                    args.put(name, value);
                });
        buildArgs = Collections.unmodifiableMap(args);
    }

    /** A request without index credentials. */
    public BuildRequest(
            String builderImage,
            String target,
            String contextConfigMap,
            List<String> contextFiles,
            String pushSecret,
            boolean insecureRegistry,
            Map<String, String> buildArgs,
            ResourceRequirements resources) {
        this(
                builderImage,
                target,
                contextConfigMap,
                contextFiles,
                pushSecret,
                insecureRegistry,
                buildArgs,
                resources,
                null,
                BuildNetwork.NONE);
    }

    /**
     * A request for {@code context} built by {@code builderImage}, with no push secret and no
     * resources.
     */
    public static BuildRequest of(
            String builderImage, String target, String contextConfigMap, BuildContext context) {
        return new BuildRequest(
                builderImage,
                target,
                contextConfigMap,
                context.fileNames(),
                null,
                false,
                context.buildArgs(),
                null);
    }

    public BuildRequest withPushSecret(String secret) {
        return new BuildRequest(
                builderImage,
                target,
                contextConfigMap,
                contextFiles,
                secret,
                insecureRegistry,
                buildArgs,
                resources,
                credentialsSecret,
                network);
    }

    public BuildRequest withInsecureRegistry(boolean insecure) {
        return new BuildRequest(
                builderImage,
                target,
                contextConfigMap,
                contextFiles,
                pushSecret,
                insecure,
                buildArgs,
                resources,
                credentialsSecret,
                network);
    }

    public BuildRequest withResources(ResourceRequirements newResources) {
        return new BuildRequest(
                builderImage,
                target,
                contextConfigMap,
                contextFiles,
                pushSecret,
                insecureRegistry,
                buildArgs,
                newResources,
                credentialsSecret,
                network);
    }

    public BuildRequest withCredentialsSecret(String secret) {
        return new BuildRequest(
                builderImage,
                target,
                contextConfigMap,
                contextFiles,
                pushSecret,
                insecureRegistry,
                buildArgs,
                resources,
                secret,
                network);
    }

    public BuildRequest withNetwork(BuildNetwork newNetwork) {
        return new BuildRequest(
                builderImage,
                target,
                contextConfigMap,
                contextFiles,
                pushSecret,
                insecureRegistry,
                buildArgs,
                resources,
                credentialsSecret,
                newNetwork);
    }

    private static void dnsSubdomain(String field, String name) {
        if (name == null || name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    field + " must be a Kubernetes object name, got " + InputRules.printable(name));
        }
    }
}
