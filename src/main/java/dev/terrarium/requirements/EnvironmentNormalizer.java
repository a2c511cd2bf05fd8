package dev.terrarium.requirements;

import dev.terrarium.api.EnvironmentSpec;
import dev.terrarium.api.Manager;
import dev.terrarium.api.ResolvedEnvironment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Turns an Environment spec into its {@link ResolvedEnvironment}: every entry parsed and printed in
 * canonical form, every default made explicit, lists sorted and de-duplicated (channels keep their
 * order, which is their priority), so that specs with the same meaning resolve to equal
 * environments, whichever source and spelling they use. Specs that cannot be built are refused with
 * every violation found.
 *
 * <p>Rules: the manager is conda when packages, channels or an environment.yml are given, else
 * venv; python comes from spec.python, else from a {@code python} package that names one version,
 * else from the defaults. A conda environment lists python explicitly ({@code python 3.12.*}), and
 * {@code pip} when it has pip requirements.
 */
public final class EnvironmentNormalizer {

    private static final int MAX_PACKAGE_LENGTH = 256;
    private static final int MAX_REQUIREMENT_LENGTH = 512;
    private static final int MAX_CHANNEL_LENGTH = 128;
    private static final int MAX_SYSTEM_PACKAGE_LENGTH = 128;
    private static final String PYTHON = PythonSelection.PYTHON;
    private static final String PIP = "pip";
    private static final String NO_DEFAULTS_CHANNEL = "nodefaults";
    private static final Pattern CHANNEL = Pattern.compile("[a-z0-9][a-z0-9._-]*(/[a-z0-9._-]+)*");
    private static final Pattern IMAGE =
            Pattern.compile(
                    "[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?"
                            + "(/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?");

    /**
     * Normalises a spec.
     *
     * @param spec the Environment spec
     * @param configMap the data of the ConfigMap spec.fromConfigMap names, fetched by the caller:
     *     the key it names, and the files a requirements.txt there includes; null when there is no
     *     such ConfigMap (or no fromConfigMap)
     * @param defaults the operator's defaults
     */
    public NormalizationResult normalize(
            EnvironmentSpec spec, Map<String, String> configMap, NormalizationDefaults defaults) {
        Objects.requireNonNull(defaults, "defaults");
        if (spec == null) {
            return NormalizationResult.refused(
                    List.of(Violation.of("spec", "the Environment has no spec")));
        }
        List<Violation> violations = new ArrayList<>();
        EnvironmentInputs inputs = EnvironmentInputs.of(spec, configMap, violations);

        Manager manager =
                spec.getManager() != null
                        ? spec.getManager()
                        : inputs.condaOnly() ? Manager.CONDA : Manager.VENV;
        LockedConda lock = inputs.condaLock();
        if (lock != null) {
            lockRules(spec, manager, inputs.condaLockField(), violations);
        } else if (manager == Manager.VENV && inputs.condaOnly()) {
            violations.add(
                    Violation.of(
                            "spec.manager",
                            "venv cannot install conda packages, channels or an "
                                    + "environment.yml; use manager: conda, or list the packages in pip"));
        }

        if (manager == Manager.CONDA && inputs.pylockToml() != null) {
            violations.add(
                    Violation.of(
                            "spec.manager",
                            "conda cannot install "
                                    + inputs.pylockField()
                                    + ": uv installs a pylock.toml into a venv; leave manager unset "
                                    + "or set it to venv"));
        }

        List<Parsed<CondaMatchSpec>> packages =
                parseAll(inputs.packages(), MAX_PACKAGE_LENGTH, CondaMatchSpec::parse, violations);
        List<Parsed<Pep508Requirement>> pip = parseRequirements(inputs.pip(), violations);
        List<String> channels = channels(inputs.channels(), violations);

        String python = PythonSelection.explicit(spec, violations);
        ResolvedEnvironment resolved = new ResolvedEnvironment();
        resolved.setManager(manager);
        if (manager == Manager.CONDA && lock != null) {
            python = lock.python() != null ? lock.python() : defaults.python();
            resolved.setChannels(new ArrayList<>());
            resolved.setPackages(new ArrayList<>());
            resolved.setCondaExplicit(new ArrayList<>(lock.explicitLines()));
            if (!lock.pip().isEmpty()) {
                resolved.setCondaLockedPip(new ArrayList<>(lock.pipLines()));
            }
        } else if (manager == Manager.CONDA) {
            packages =
                    PinnedOnce.distinct(
                            packages,
                            CondaMatchSpec::name,
                            CondaMatchSpec::canonical,
                            CondaMatchSpec::isBareName,
                            CondaMatchSpec::canonical,
                            violations);
            python = PythonSelection.forConda(packages, python, defaults, violations);
            resolved.setChannels(
                    new ArrayList<>(channels.isEmpty() ? defaults.channels() : channels));
            resolved.setPackages(condaPackages(packages, python, !pip.isEmpty()));
        } else if (python == null) {
            python = defaults.python();
        }
        // A lock names no channels to solve from, but its artifacts come from channels, which
        // may be private.
        ChannelUrls.check(
                spec.getChannelCredentials(),
                manager == Manager.CONDA && lock != null ? lock.channels() : resolved.getChannels(),
                violations);
        pip =
                PinnedOnce.distinct(
                        pip,
                        Pep508Requirement::key,
                        Pep508Requirement::canonical,
                        EnvironmentNormalizer::isBareName,
                        EnvironmentNormalizer::pin,
                        violations);
        CondaPipPins.check(packages, pip, violations);
        if (manager == Manager.CONDA && !inputs.pipHashes().isEmpty()) {
            violations.add(
                    Violation.of(
                            "spec.manager",
                            "hash-checking mode (--hash in a requirements.txt) is for venv "
                                    + "environments; leave manager unset or set it to venv"));
        } else {
            resolved.setPipHashes(HashCheckingMode.hashes(pip, inputs.pipHashes(), violations));
        }
        resolved.setPython(python);
        resolved.setPip(sorted(pip, Pep508Requirement::canonical));
        resolved.setPipConstraints(constraints(inputs.pipConstraints(), manager, violations));
        resolved.setPylockToml(inputs.pylockToml());
        resolved.setPipIndexes(
                PipIndexRules.merge(spec.getPipIndexes(), inputs.indexOptions(), violations));
        resolved.setSystem(systemPackages(spec.getSystem(), violations));
        resolved.setEnv(BakedVariables.normalize(spec.getEnv(), inputs.variables(), violations));
        resolved.setBaseImage(
                baseImage(spec.getBaseImage(), manager, python, defaults, violations));

        boolean installsSomething =
                // A conda environment of python alone is one (conda create -n py310 python=3.10).
                !inputs.packages().isEmpty()
                        || !inputs.pip().isEmpty()
                        || inputs.pylockToml() != null
                        || lock != null
                        || (spec.getSystem() != null && !spec.getSystem().isEmpty());
        if (!installsSomething && inputs.environmentYml() == null && violations.isEmpty()) {
            violations.add(
                    Violation.of(
                            "spec",
                            "the environment installs nothing: list conda packages, pip "
                                    + "requirements or system packages"));
        }
        if (!violations.isEmpty()) {
            return NormalizationResult.refused(violations);
        }
        List<SpecWarning> warnings = warnings(inputs, pip);
        if (!installsSomething) {
            warnings.add(nothingListed(inputs, python));
        }
        return NormalizationResult.resolved(resolved, warnings);
    }

    /**
     * A conda lock is installed as it is, by conda: the spec cannot choose another manager, python
     * or package index for it.
     */
    private static void lockRules(
            EnvironmentSpec spec, Manager manager, String field, List<Violation> violations) {
        if (manager != Manager.CONDA) {
            violations.add(
                    Violation.of(
                            "spec.manager",
                            manager.value()
                                    + " cannot install "
                                    + field
                                    + ": a conda lock is installed by conda; leave manager unset "
                                    + "or set it to conda"));
        }
        if (spec.getPython() != null) {
            violations.add(
                    Violation.of(
                            "spec.python",
                            "must not be set together with "
                                    + field
                                    + ": the lock says which python it installs"));
        }
        if (spec.getPipIndexes() != null) {
            violations.add(
                    Violation.of(
                            "spec.pipIndexes",
                            "must not be set together with "
                                    + field
                                    + ": a lock's pip packages are fetched from their own URLs"));
        }
    }

    /**
     * What the spec says that its author should know: keys read past, and direct references whose
     * artifact can change while the spec, and so its content hash, stays the same.
     */
    private static List<SpecWarning> warnings(
            EnvironmentInputs inputs, List<Parsed<Pep508Requirement>> pip) {
        List<SpecWarning> warnings = new ArrayList<>(inputs.warnings());
        for (Parsed<Pep508Requirement> requirement : pip) {
            // An archive checked against its --hash cannot change unnoticed.
            if (requirement.value().url() != null
                    && inputs.pipHashes()
                            .getOrDefault(requirement.source().where(), List.of())
                            .isEmpty()) {
                DirectReference.movable(requirement.value().url())
                        .ifPresent(
                                why ->
                                        warnings.add(
                                                new SpecWarning(
                                                        SpecWarning.NOT_REPRODUCIBLE,
                                                        requirement.source().where()
                                                                + " "
                                                                + Violation.quote(
                                                                        requirement.source().text())
                                                                + " "
                                                                + why
                                                                + ": the image keeps what its first build "
                                                                + "resolved while the spec stays the same; to take "
                                                                + "the newest, set a new value of the annotation "
                                                                + "terrarium.dev/rebuild on the Environment")));
            }
        }
        return warnings;
    }

    /**
     * An environment.yml that lists nothing is one conda creates (an empty environment); the image
     * has the python every Terrarium environment has. Says which key, since a key read past
     * (conda-lock's or a misspelt one) is the usual cause.
     */
    private static SpecWarning nothingListed(EnvironmentInputs inputs, String python) {
        String cause =
                inputs.ignoredKeys().isEmpty()
                        ? "dependencies lists nothing"
                        : inputs.ignoredKeys().get(0)
                                + " is not read (only dependencies lists what conda installs)";
        return new SpecWarning(
                SpecWarning.NOTHING_LISTED,
                inputs.environmentYml()
                        + ": "
                        + cause
                        + ", so the image holds python "
                        + python
                        + " alone; list conda packages or a pip section under dependencies");
    }

    private static <T> List<Parsed<T>> parseAll(
            List<SourcedText> entries,
            int maxLength,
            Function<String, T> parser,
            List<Violation> violations) {
        List<Parsed<T>> parsed = new ArrayList<>();
        for (SourcedText entry : entries) {
            if (entry.text().length() > maxLength) {
                violations.add(Violation.of(entry, "longer than " + maxLength + " characters"));
                continue;
            }
            try {
                parsed.add(new Parsed<>(entry, parser.apply(entry.text())));
            } catch (SpecSyntaxException e) {
                violations.add(Violation.of(entry, e.getMessage()));
            }
        }
        return parsed;
    }

    private static List<Parsed<Pep508Requirement>> parseRequirements(
            List<SourcedText> entries, List<Violation> violations) {
        List<Parsed<Pep508Requirement>> parsed = new ArrayList<>();
        for (SourcedText entry : entries) {
            Optional<String> option =
                    PipOptions.refusal(entry.text())
                            .or(() -> ProjectLines.pathRefusal(entry.text()));
            if (option.isPresent()) {
                violations.add(Violation.of(entry, option.get()));
            } else if (entry.text().length() > MAX_REQUIREMENT_LENGTH) {
                violations.add(
                        Violation.of(
                                entry, "longer than " + MAX_REQUIREMENT_LENGTH + " characters"));
            } else {
                try {
                    Pep508Requirement requirement =
                            DirectReference.parse(entry.text())
                                    .orElseGet(() -> Pep508Requirement.parse(entry.text()));
                    if (PYTHON.equals(requirement.name())) {
                        violations.add(
                                Violation.of(
                                        entry,
                                        "python is installed by the manager, not by pip; set "
                                                + "spec.python instead"));
                    } else {
                        parsed.add(new Parsed<>(entry, requirement));
                    }
                } catch (SpecSyntaxException e) {
                    violations.add(
                            Violation.of(
                                    entry,
                                    e.getMessage()
                                            + (PipOptions.hasTrailingOption(entry.text())
                                                    ? " (options after a requirement are read only in a requirements.txt, and only --hash)"
                                                    : "")));
                }
            }
        }
        return parsed;
    }

    /**
     * The lines of a requirements.txt's {@code -c} files, by pip's rule for constraints: a named
     * package and its versions (a URL too), without extras; null when there are none, so that
     * environments without constraints keep the content hash they had.
     */
    private static List<String> constraints(
            List<SourcedText> entries, Manager manager, List<Violation> violations) {
        if (entries.isEmpty()) {
            return null;
        }
        if (manager != Manager.VENV) {
            violations.add(
                    Violation.of(
                            entries.get(0),
                            "constraints (-c) are read for venv environments; leave manager unset "
                                    + "or set it to venv"));
            return null;
        }
        List<Parsed<Pep508Requirement>> parsed = new ArrayList<>();
        for (SourcedText entry : entries) {
            if (entry.text().length() > MAX_REQUIREMENT_LENGTH) {
                violations.add(
                        Violation.of(
                                entry, "longer than " + MAX_REQUIREMENT_LENGTH + " characters"));
                continue;
            }
            try {
                if (DirectReference.parse(entry.text()).isPresent()) {
                    violations.add(
                            Violation.of(
                                    entry,
                                    "a constraint names its package: write name @ url, or name "
                                            + "and versions"));
                    continue;
                }
                Pep508Requirement constraint = Pep508Requirement.parse(entry.text());
                if (!constraint.extras().isEmpty()) {
                    violations.add(
                            Violation.of(
                                    entry,
                                    "a constraint has no extras (pip refuses them): constrain "
                                            + constraint.name()
                                            + " itself"));
                    continue;
                }
                parsed.add(new Parsed<>(entry, constraint));
            } catch (SpecSyntaxException e) {
                violations.add(Violation.of(entry, e.getMessage()));
            }
        }
        return sorted(parsed, Pep508Requirement::canonical);
    }

    private static List<String> channels(List<SourcedText> entries, List<Violation> violations) {
        LinkedHashSet<String> channels = new LinkedHashSet<>();
        for (SourcedText entry : entries) {
            if (ChannelUrls.isUrl(entry.text())) {
                Optional<String> refusal = ChannelUrls.refusal(entry.text().strip());
                if (refusal.isPresent()) {
                    violations.add(
                            Violation.of(
                                    new SourcedText(
                                            entry.field(),
                                            entry.where(),
                                            PipIndexRules.redacted(entry.text())),
                                    refusal.get()));
                } else {
                    channels.add(ChannelUrls.normalized(entry.text()));
                }
                continue;
            }
            String channel = entry.text().strip().toLowerCase(Locale.ROOT);
            if (channel.length() > MAX_CHANNEL_LENGTH || !CHANNEL.matcher(channel).matches()) {
                violations.add(
                        Violation.of(
                                entry,
                                "expected a conda channel name such as conda-forge or bioconda "
                                        + "(letters, digits, \".\", \"_\", \"-\", at most "
                                        + MAX_CHANNEL_LENGTH
                                        + " characters) or an https:// channel URL"));
            } else if (!channel.equals(NO_DEFAULTS_CHANNEL)) {
                channels.add(channel);
            }
        }
        return List.copyOf(channels);
    }

    /**
     * The canonical package list: the listed packages with python replaced by its explicit pin, and
     * pip added when there are pip requirements.
     */
    private static List<String> condaPackages(
            List<Parsed<CondaMatchSpec>> packages, String python, boolean needsPip) {
        CondaMatchSpec pythonSpec =
                PythonSelection.listed(packages)
                        .map(Parsed::value)
                        .map(
                                given ->
                                        new CondaMatchSpec(
                                                given.channel(),
                                                given.subdir(),
                                                PYTHON,
                                                PythonSelection.constraint(given.version(), python),
                                                given.build()))
                        .orElse(
                                new CondaMatchSpec(
                                        null, null, PYTHON, PythonVersions.pin(python), null));
        List<String> canonical = new ArrayList<>();
        canonical.add(pythonSpec.canonical());
        for (Parsed<CondaMatchSpec> entry : packages) {
            if (!entry.value().name().equals(PYTHON)) {
                canonical.add(entry.value().canonical());
            }
        }
        if (needsPip && packages.stream().noneMatch(p -> p.value().name().equals(PIP))) {
            canonical.add(PIP);
        }
        return new ArrayList<>(canonical.stream().distinct().sorted().toList());
    }

    private static boolean isBareName(Pep508Requirement requirement) {
        return requirement.extras().isEmpty()
                && requirement.specifiers().isEmpty()
                && requirement.url() == null
                && requirement.marker() == null;
    }

    /**
     * What two marker-free requirements of one package must agree on; null when the requirement
     * pins nothing.
     */
    private static String pin(Pep508Requirement requirement) {
        if (requirement.marker() != null) {
            return null;
        }
        // Ranges combine, as pip and uv apply every line of a package (home-assistant's
        // constraints list pyOpenSSL>=24.0.0 and pyOpenSSL==24.2.1); only exact versions and URLs
        // contradict each other without a solve.
        String exact =
                requirement.specifiers().stream()
                        .filter(
                                s ->
                                        s.operator().equals("===")
                                                || (s.operator().equals("==")
                                                        && !s.version().endsWith(".*")))
                        .map(Pep440Specifier::canonical)
                        .sorted()
                        .collect(Collectors.joining(","));
        if (exact.isEmpty() && requirement.url() == null) {
            return null;
        }
        return exact + (requirement.url() == null ? "" : " @ " + requirement.url());
    }

    private static List<String> systemPackages(List<String> system, List<Violation> violations) {
        if (system == null) {
            return new ArrayList<>();
        }
        List<Parsed<SystemPackage>> parsed =
                parseAll(
                        IntStream.range(0, system.size())
                                .mapToObj(
                                        i ->
                                                SourcedText.listItem(
                                                        "spec.system",
                                                        i,
                                                        Objects.toString(system.get(i), "")))
                                .toList(),
                        MAX_SYSTEM_PACKAGE_LENGTH,
                        SystemPackage::parse,
                        violations);
        List<Parsed<SystemPackage>> distinct =
                PinnedOnce.distinct(
                        parsed,
                        SystemPackage::name,
                        SystemPackage::canonical,
                        p -> p.version() == null,
                        SystemPackage::canonical,
                        violations);
        return sorted(distinct, SystemPackage::canonical);
    }

    private static String baseImage(
            String explicit,
            Manager manager,
            String python,
            NormalizationDefaults defaults,
            List<Violation> violations) {
        if (explicit == null) {
            return manager == Manager.CONDA
                    ? defaults.condaBaseImage()
                    : defaults.venvBaseImage(python);
        }
        if (!IMAGE.matcher(explicit).matches()) {
            violations.add(
                    new Violation(
                            "spec.baseImage",
                            "spec.baseImage "
                                    + Violation.quote(explicit)
                                    + ": expected an image reference such as registry.example.com/team/image:tag, optionally "
                                    + "pinned by @sha256:<digest>"));
        }
        return explicit;
    }

    private static <T> List<String> sorted(List<Parsed<T>> entries, Function<T, String> canonical) {
        return new ArrayList<>(
                entries.stream()
                        .map(e -> canonical.apply(e.value()))
                        .distinct()
                        .sorted(Comparator.naturalOrder())
                        .toList());
    }
}
