package dev.terrarium.resolution;

import dev.terrarium.api.BuildOptions;
import dev.terrarium.api.BuildSettings;
import dev.terrarium.api.BuildStrategy;
import dev.terrarium.api.ChannelAuthScheme;
import dev.terrarium.api.ConfigMapSource;
import dev.terrarium.api.Environment;
import dev.terrarium.api.EnvironmentOutput;
import dev.terrarium.api.EnvironmentSpec;
import dev.terrarium.api.Manager;
import dev.terrarium.api.ResolvedEnvironment;
import dev.terrarium.builder.BuildNetwork;
import dev.terrarium.naming.Names;
import dev.terrarium.operator.TerrariumConfig;
import dev.terrarium.registry.ImageReference;
import dev.terrarium.registry.InsecureRegistries;
import dev.terrarium.requirements.ChannelUrls;
import dev.terrarium.requirements.EnvironmentNormalizer;
import dev.terrarium.requirements.NormalizationDefaults;
import dev.terrarium.requirements.NormalizationResult;
import dev.terrarium.requirements.PipIndexRules;
import dev.terrarium.requirements.SpecHasher;
import dev.terrarium.requirements.SpecWarning;
import dev.terrarium.requirements.Violation;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What an Environment's spec means once validated and normalised: the resolved environment, its
 * content hash, and the build that realises it; or the violations that refuse it. Pure: the caller
 * fetches the fromConfigMap text.
 *
 * @param warnings what the spec says that is read past (see {@link
 *     dev.terrarium.requirements.NormalizationResult#warnings}); none when it is refused
 * @param missingReason the condition reason of {@code missingSource}: {@value #SOURCE_NOT_FOUND},
 *     {@value #CREDENTIALS_NOT_FOUND} or {@value #CREDENTIALS_INVALID}; null when nothing is
 *     missing
 * @param indexSecrets the Secrets spec.pipIndexes names, each with its index URL
 * @param channelSecrets the Secrets spec.channelCredentials names, each with its channel URL
 */
public record EnvironmentResolution(
        ResolvedEnvironment resolved,
        String specHash,
        String buildName,
        String repository,
        BuildSettings build,
        String rebuild,
        List<Violation> violations,
        String missingSource,
        List<SpecWarning> warnings,
        String missingReason,
        List<PipIndexRules.IndexSecret> indexSecrets,
        List<ChannelUrls.ChannelSecret> channelSecrets) {

    public static final String REBUILD_ANNOTATION = "terrarium.dev/rebuild";

    /** The most of the rebuild annotation's value an ImageBuild's spec.rebuild holds. */
    static final int MAX_REBUILD_LENGTH = 128;

    public static final String SOURCE_NOT_FOUND = "SourceNotFound";

    /** A Secret that spec.pipIndexes or spec.channelCredentials names does not exist (yet). */
    public static final String CREDENTIALS_NOT_FOUND = "CredentialsNotFound";

    /**
     * A Secret that spec.pipIndexes or spec.channelCredentials names holds no usable credentials.
     */
    public static final String CREDENTIALS_INVALID = "CredentialsInvalid";

    public EnvironmentResolution {
        indexSecrets = indexSecrets == null ? List.of() : List.copyOf(indexSecrets);
        channelSecrets = channelSecrets == null ? List.of() : List.copyOf(channelSecrets);
        if (missingSource != null && missingReason == null) {
            missingReason = SOURCE_NOT_FOUND;
        }
    }

    /** A resolution without index credentials. */
    public EnvironmentResolution(
            ResolvedEnvironment resolved,
            String specHash,
            String buildName,
            String repository,
            BuildSettings build,
            String rebuild,
            List<Violation> violations,
            String missingSource,
            List<SpecWarning> warnings) {
        this(
                resolved,
                specHash,
                buildName,
                repository,
                build,
                rebuild,
                violations,
                missingSource,
                warnings,
                null,
                List.of(),
                List.of());
    }

    /**
     * The same resolution, not buildable yet: something it needs besides the spec (a Secret of
     * index credentials) is missing, as {@code message} says.
     */
    public EnvironmentResolution waitingFor(String reason, String message) {
        return new EnvironmentResolution(
                null,
                null,
                null,
                null,
                null,
                null,
                List.of(),
                message,
                List.of(),
                reason,
                indexSecrets,
                channelSecrets);
    }

    /** The field of the first Secret of credentials the spec names; empty when it names none. */
    public Optional<String> firstCredentialsField() {
        return Stream.concat(
                        indexSecrets.stream().map(PipIndexRules.IndexSecret::field),
                        channelSecrets.stream().map(ChannelUrls.ChannelSecret::field))
                .findFirst();
    }

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    public boolean valid() {
        return violations.isEmpty() && missingSource == null;
    }

    /**
     * The Environment names a ConfigMap (or key) that does not exist: not invalid, just not
     * buildable yet.
     */
    static EnvironmentResolution sourceMissing(String message) {
        return new EnvironmentResolution(
                null, null, null, null, null, null, List.of(), message, List.of());
    }

    /**
     * The network settings of builds, checked ({@link BuildNetwork}); the operator refuses to start
     * with a value they refuse.
     */
    public static BuildNetwork network(TerrariumConfig config) {
        TerrariumConfig.Builds builds = config.builds();
        return new BuildNetwork(
                builds.pipIndexUrl().orElse(null),
                builds.caBundle().orElse(null),
                builds.caBundleKey(),
                builds.httpProxy().orElse(null),
                builds.httpsProxy().orElse(null),
                builds.noProxy().orElse(null));
    }

    /**
     * Resolves an Environment: its spec normalised, hashed and checked, with its build settings.
     *
     * @param configMap the data of the ConfigMap spec.fromConfigMap names; null when it does not
     *     exist (or there is no fromConfigMap)
     */
    public static EnvironmentResolution resolve(
            Environment environment, Map<String, String> configMap, TerrariumConfig config) {
        EnvironmentSpec spec = environment.getSpec();
        ConfigMapSource source = spec == null ? null : spec.getFromConfigMap();
        if (source != null && (configMap == null || !configMap.containsKey(source.getKey()))) {
            return sourceMissing(
                    "ConfigMap "
                            + source.getName()
                            + " with key "
                            + source.getKey()
                            + " does not exist in this namespace (spec.fromConfigMap).");
        }
        NormalizationResult result =
                new EnvironmentNormalizer().normalize(spec, configMap, defaults(config));
        List<Violation> violations = new ArrayList<>(result.violations());
        BuildOptions options =
                spec == null || spec.getBuild() == null ? new BuildOptions() : spec.getBuild();
        BuildStrategy strategy =
                options.getStrategy() != null ? options.getStrategy() : BuildStrategy.BUILDAH;
        Long timeoutSeconds =
                parseDuration(
                        options.getTimeout() != null
                                ? options.getTimeout()
                                : config.builds().defaultTimeout(),
                        violations);
        String repository = repository(spec, config, violations);
        String rebuild =
                environment.getMetadata().getAnnotations() == null
                        ? null
                        : environment.getMetadata().getAnnotations().get(REBUILD_ANNOTATION);
        if (rebuild != null && rebuild.length() > MAX_REBUILD_LENGTH) {
            // The value is copied into the ImageBuild, whose schema holds it to this length.
            violations.add(
                    Violation.of(
                            "metadata.annotations[" + REBUILD_ANNOTATION + "]",
                            "longer than "
                                    + MAX_REBUILD_LENGTH
                                    + " characters ("
                                    + rebuild.length()
                                    + "); any short new value, such as a date, builds again"));
        }
        String gitSshSecret = spec == null ? null : spec.getGitSshSecretName();
        Optional<String> gitSsh = result.gitSshReference();
        if (gitSsh.isPresent() && gitSshSecret == null) {
            // The line is canonical: printable ASCII, no quotes.
            violations.add(
                    Violation.of(
                            "spec.gitSshSecretName",
                            "is not set, and the pip requirement \""
                                    + gitSsh.get()
                                    + "\" clones over SSH: name a Secret of this namespace with "
                                    + "the keys ssh-privatekey and known_hosts"));
        }
        if (!violations.isEmpty()) {
            return new EnvironmentResolution(
                    null, null, null, null, null, null, violations, null, List.of());
        }
        ResolvedEnvironment resolved = result.environment();
        if (gitSsh.isPresent()) {
            // Code cloned with one namespace's key must never be taken by another namespace for
            // an equal spec, as for private indexes.
            resolved.setGitSshKeyNamespace(environment.getMetadata().getNamespace());
        } else {
            gitSshSecret = null;
        }
        List<PipIndexRules.IndexSecret> indexSecrets = PipIndexRules.secrets(spec.getPipIndexes());
        if (!indexSecrets.isEmpty() && resolved.getPipIndexes() != null) {
            // A package from a private index must never be taken by another namespace for an
            // equal spec: the namespace whose Secrets gave access is part of the hash.
            resolved.getPipIndexes()
                    .setCredentialsNamespace(environment.getMetadata().getNamespace());
        }
        List<ChannelUrls.ChannelSecret> channelSecrets =
                ChannelUrls.secrets(spec.getChannelCredentials());
        if (!channelSecrets.isEmpty()) {
            // As for indexes: a package from a private channel stays in its namespace.
            resolved.setChannelCredentialsNamespace(environment.getMetadata().getNamespace());
        }
        String builderImage = config.builds().image();
        String uvVersion =
                resolved.getManager() == Manager.VENV ? config.builds().uvVersion() : null;
        boolean conda = resolved.getManager() == Manager.CONDA;
        String condaImage = conda ? config.builds().image() : null;
        String channelPriority = conda ? config.conda().channelPriority() : null;
        String channelAlias = conda ? config.conda().channelAlias().orElse(null) : null;

        BuildSettings build = new BuildSettings();
        build.setStrategy(strategy);
        build.setBuilderImage(builderImage);
        build.setUvVersion(uvVersion);
        build.setCondaImage(condaImage);
        build.setChannelPriority(channelPriority);
        build.setChannelAlias(channelAlias);
        BuildNetwork network = network(config);
        build.setPipIndexUrl(network.pipIndexUrl());
        if (network.caBundle() != null) {
            build.setCaBundle(network.caBundle());
            build.setCaBundleKey(network.caBundleKey());
        }
        build.setHttpProxy(network.httpProxy());
        build.setHttpsProxy(network.httpsProxy());
        build.setNoProxy(network.noProxy());
        build.setInsecureRegistry(
                new InsecureRegistries(Set.copyOf(config.registry().insecure()))
                        .includes(ImageReference.parse(repository + ":x").registry()));
        build.setServiceAccountName(
                Names.builderServiceAccount(environment.getMetadata().getName()));
        build.setTimeoutSeconds(timeoutSeconds);
        build.setResources(options.getResources());
        build.setNodeSelector(nodeSelector(options, config));
        build.setTolerations(tolerations(options, config));
        resolved.setRebuildOfMovingReferences(
                rebuildOfMovingReferences(
                        result.hasMovingReferences(),
                        environment.getMetadata().getNamespace(),
                        rebuild));
        String specHash = new SpecHasher().hash(resolved, build);

        String buildName =
                Names.imageBuild(
                        environment.getMetadata().getName(),
                        specHash,
                        variant(
                                spec.getOutput(),
                                options,
                                rebuild,
                                indexSecrets,
                                channelSecrets,
                                gitSshSecret));
        return new EnvironmentResolution(
                resolved,
                specHash,
                buildName,
                repository,
                build,
                rebuild,
                List.of(),
                null,
                result.warnings(),
                null,
                indexSecrets,
                channelSecrets);
    }

    /**
     * The extra input of the content hash that lets a rebuild take the newest code a moving direct
     * reference names: the hash covers the reference's text, so without it a spec already built is
     * never built again. The namespace comes with the annotation's value, so that a rebuild in one
     * namespace gives it a new image and leaves the image of every other namespace's equal
     * Environment as it is. Null (the hash as before) without a moving reference or without the
     * annotation, so existing images stay valid; a rebuild of a spec that cannot move retries a
     * failed build and nothing else.
     */
    static String rebuildOfMovingReferences(boolean moving, String namespace, String rebuild) {
        return moving && rebuild != null && !rebuild.isEmpty() ? namespace + "/" + rebuild : null;
    }

    /**
     * A channel Secret as the build name's variant takes it. Its scheme is there when it is not the
     * default, so that the name of a build with basic auth stays as it was before schemes existed,
     * and a build that failed with the wrong scheme is retried with the right one.
     */
    private static String variantOf(ChannelUrls.ChannelSecret secret) {
        String variant = secret.url() + " " + secret.secretName();
        return secret.scheme() != ChannelAuthScheme.Basic
                ? variant + " " + secret.scheme()
                : variant;
    }

    /**
     * What distinguishes builds of the same content: where the image goes and with which secret (an
     * ImageBuild's spec is immutable, so a new target needs a new ImageBuild), pod settings the
     * user gave (a build that ran out of memory is retried with more) and the rebuild annotation.
     * Empty for the common case, so the name is env-hashprefix.
     */
    private static String variant(
            EnvironmentOutput output,
            BuildOptions options,
            String rebuild,
            List<PipIndexRules.IndexSecret> indexSecrets,
            List<ChannelUrls.ChannelSecret> channelSecrets,
            String gitSshSecret) {
        Map<String, Object> variant = new LinkedHashMap<>();
        if (!indexSecrets.isEmpty() || !channelSecrets.isEmpty()) {
            // One list, indexes first, as before channels had Secrets: existing builds keep their
            // names.
            variant.put(
                    "indexSecrets",
                    Stream.concat(
                                    indexSecrets.stream()
                                            .map(
                                                    secret ->
                                                            secret.url()
                                                                    + " "
                                                                    + secret.secretName()),
                                    channelSecrets.stream().map(EnvironmentResolution::variantOf))
                            .toList());
        }
        if (gitSshSecret != null) {
            variant.put("gitSshSecret", gitSshSecret);
        }
        if (output != null && output.getImage() != null) {
            variant.put("image", output.getImage());
        }
        if (output != null && output.getPushSecret() != null) {
            variant.put("pushSecret", output.getPushSecret());
        }
        if (options.getTimeout() != null) {
            variant.put("timeout", options.getTimeout());
        }
        if (options.getResources() != null) {
            variant.put("resources", options.getResources());
        }
        if (options.getNodeSelector() != null) {
            variant.put("nodeSelector", new java.util.TreeMap<>(options.getNodeSelector()));
        }
        if (options.getTolerations() != null) {
            variant.put("tolerations", options.getTolerations());
        }
        if (rebuild != null && !rebuild.isEmpty()) {
            variant.put("rebuild", rebuild);
        }
        return variant.isEmpty() ? null : SERIALIZATION.asJson(variant);
    }

    private static String repository(
            EnvironmentSpec spec, TerrariumConfig config, List<Violation> violations) {
        EnvironmentOutput output = spec == null ? null : spec.getOutput();
        String repository =
                output != null && output.getImage() != null
                        ? output.getImage()
                        : config.registry().defaultRepository();
        try {
            ImageReference.parse(repository + ":latest");
        } catch (IllegalArgumentException e) {
            violations.add(
                    Violation.of(
                            "spec.output.image",
                            "\""
                                    + repository
                                    + "\" is not an image repository: "
                                    + e.getMessage()));
        }
        return repository;
    }

    /**
     * The operator's build tolerations, then the Environment's, each once.
     *
     * @throws IllegalArgumentException when the operator's setting is not a JSON array of
     *     Tolerations: every Environment's status then says so, as a failed reconcile
     */
    static List<Toleration> tolerations(BuildOptions options, TerrariumConfig config) {
        LinkedHashSet<Toleration> tolerations = new LinkedHashSet<>();
        config.builds()
                .tolerations()
                .filter(json -> !json.isBlank())
                .ifPresent(
                        json -> {
                            try {
                                tolerations.addAll(
                                        List.of(SERIALIZATION.unmarshal(json, Toleration[].class)));
                            } catch (RuntimeException e) {
                                throw new IllegalArgumentException(
                                        "The operator setting terrarium.builds.tolerations "
                                                + "(TERRARIUM_BUILDS_TOLERATIONS) is not a JSON array "
                                                + "of Tolerations: "
                                                + e.getMessage(),
                                        e);
                            }
                        });
        if (options.getTolerations() != null) {
            tolerations.addAll(options.getTolerations());
        }
        return tolerations.isEmpty() ? null : new ArrayList<>(tolerations);
    }

    private static Map<String, String> nodeSelector(BuildOptions options, TerrariumConfig config) {
        Map<String, String> selector = new java.util.TreeMap<>();
        config.builds()
                .nodeSelector()
                .ifPresent(
                        pairs ->
                                pairs.forEach(
                                        pair -> {
                                            int eq = pair.indexOf('=');
                                            if (eq > 0) {
                                                selector.put(
                                                        pair.substring(0, eq),
                                                        pair.substring(eq + 1));
                                            }
                                        }));
        if (options.getNodeSelector() != null) {
            selector.putAll(options.getNodeSelector());
        }
        return selector.isEmpty() ? null : selector;
    }

    private static Long parseDuration(String text, List<Violation> violations) {
        try {
            Duration duration = Duration.parse("PT" + text.toUpperCase(java.util.Locale.ROOT));
            if (duration.isZero() || duration.isNegative()) {
                violations.add(
                        Violation.of(
                                "spec.build.timeout", "\"" + text + "\" must be longer than zero"));
                return null;
            }
            if (duration.compareTo(Duration.ofSeconds(BuildSettings.MAX_TIMEOUT_SECONDS)) > 0) {
                violations.add(
                        Violation.of(
                                "spec.build.timeout",
                                "\""
                                        + text
                                        + "\" is longer than the longest build "
                                        + "timeout, 24h"));
                return null;
            }
            return duration.toSeconds();
        } catch (java.time.format.DateTimeParseException e) {
            violations.add(
                    Violation.of(
                            "spec.build.timeout",
                            "\"" + text + "\" is not a duration such as 30m or 1h30m"));
            return null;
        }
    }

    /**
     * Every builder image this operator runs: an ImageBuild that names another is not the
     * operator's.
     */
    public static Set<String> builderImages(TerrariumConfig config) {
        return Set.of(config.builds().image());
    }

    static NormalizationDefaults defaults(TerrariumConfig config) {
        return new NormalizationDefaults(
                config.defaultPython(),
                config.baseImages().conda(),
                config.baseImages().venv(),
                List.of("conda-forge"));
    }

    /** One message naming every offending field, for the Ready condition. */
    public String violationMessage() {
        StringBuilder message = new StringBuilder();
        for (Violation violation : violations) {
            if (message.length() > 0) {
                message.append("; ");
            }
            message.append(violation.message());
        }
        return message.toString();
    }
}
