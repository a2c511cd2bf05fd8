package dev.terrarium.requirements;

import dev.terrarium.api.ConfigMapSource;
import dev.terrarium.api.EnvironmentFiles;
import dev.terrarium.api.EnvironmentSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The unparsed entries of an Environment spec, from whichever source it uses: the fields, a
 * verbatim file, or a file held in a ConfigMap.
 *
 * @param packages conda match specs
 * @param pip PEP 508 requirements
 * @param channels conda channels, in the order given
 * @param condaOnly true when the input can only be installed by conda: packages, channels or an
 *     environment.yml
 * @param environmentYml the field that holds the environment.yml, or null when the input is none
 * @param variables an environment.yml's variables
 * @param ignoredKeys an environment.yml's keys that were read past
 * @param pipHashes a requirements.txt's {@code --hash} values, by the {@link SourcedText#where()}
 *     of their requirement
 * @param indexOptions the package-index options written in the file, in its order
 * @param pylockToml a pylock.toml, verbatim, or null when the input is none
 * @param pylockField the field that holds the pylock.toml, or null
 * @param condaLock what a conda explicit file or conda-lock.yml installs, or null when the input is
 *     neither
 * @param condaLockField the field that holds the conda lock, or null
 * @param fileWarnings a file's entries read other than as written ({@link ProjectLines})
 * @param pipConstraints the lines of a requirements.txt's {@code -c} files, unparsed
 */
record EnvironmentInputs(
        List<SourcedText> packages,
        List<SourcedText> pip,
        List<SourcedText> channels,
        boolean condaOnly,
        String environmentYml,
        List<EnvironmentYml.FileVariable> variables,
        List<String> ignoredKeys,
        Map<String, List<String>> pipHashes,
        List<IndexOption> indexOptions,
        String pylockToml,
        String pylockField,
        LockedConda condaLock,
        String condaLockField,
        List<SpecWarning> fileWarnings,
        List<SourcedText> pipConstraints) {

    static final String FILES_YML = "spec.files.environmentYml";
    static final String FILES_TXT = "spec.files.requirementsTxt";
    static final String FILES_PYLOCK = "spec.files.pylockToml";
    static final String FILES_EXPLICIT = "spec.files.condaExplicit";
    static final String FILES_CONDA_LOCK = "spec.files.condaLockYml";
    static final String CONFIG_MAP = "spec.fromConfigMap";

    /**
     * The entries of the source the spec uses.
     *
     * @param configMap the data of the ConfigMap spec.fromConfigMap names; null when there is no
     *     such ConfigMap (or no fromConfigMap)
     */
    static EnvironmentInputs of(
            EnvironmentSpec spec, Map<String, String> configMap, List<Violation> violations) {
        boolean fields =
                !isEmpty(spec.getPackages())
                        || !isEmpty(spec.getPip())
                        || !isEmpty(spec.getChannels());
        int sources =
                (fields ? 1 : 0)
                        + (spec.getFiles() != null ? 1 : 0)
                        + (spec.getFromConfigMap() != null ? 1 : 0);
        if (sources > 1) {
            violations.add(
                    Violation.of(
                            "spec",
                            "at most one environment source may be set: the fields (packages, "
                                    + "channels, pip), files, or fromConfigMap"));
        }
        if (spec.getFiles() != null) {
            return ofFiles(spec, violations);
        }
        if (spec.getFromConfigMap() != null) {
            return ofConfigMap(spec.getFromConfigMap(), configMap, violations);
        }
        return new EnvironmentInputs(
                items("spec.packages", spec.getPackages()),
                items("spec.pip", spec.getPip()),
                items("spec.channels", spec.getChannels()),
                !isEmpty(spec.getPackages()) || !isEmpty(spec.getChannels()),
                null,
                List.of(),
                List.of(),
                Map.of(),
                List.of(),
                null,
                null,
                null,
                null,
                List.of(),
                List.of());
    }

    private static EnvironmentInputs ofFiles(EnvironmentSpec spec, List<Violation> violations) {
        EnvironmentFiles files = spec.getFiles();
        int given =
                (files.getEnvironmentYml() == null ? 0 : 1)
                        + (files.getRequirementsTxt() == null ? 0 : 1)
                        + (files.getPylockToml() == null ? 0 : 1)
                        + (files.getCondaExplicit() == null ? 0 : 1)
                        + (files.getCondaLockYml() == null ? 0 : 1);
        if (given != 1) {
            violations.add(
                    Violation.of(
                            "spec.files",
                            "exactly one of environmentYml, requirementsTxt, pylockToml, "
                                    + "condaExplicit or condaLockYml must be set"));
            return none();
        }
        if (files.getCondaExplicit() != null) {
            return ofCondaLock(
                    CondaExplicit.read(files.getCondaExplicit(), FILES_EXPLICIT, violations),
                    FILES_EXPLICIT);
        }
        if (files.getCondaLockYml() != null) {
            return ofCondaLock(
                    CondaLockYml.read(files.getCondaLockYml(), FILES_CONDA_LOCK, violations),
                    FILES_CONDA_LOCK);
        }
        if (files.getPylockToml() != null) {
            return ofPylockToml(files.getPylockToml(), FILES_PYLOCK, violations);
        }
        if (files.getEnvironmentYml() != null) {
            if (spec.getPython() != null) {
                violations.add(
                        Violation.of(
                                "spec.python",
                                "must not be set together with files.environmentYml: the "
                                        + "file says which python it wants"));
            }
            return ofEnvironmentYml(files.getEnvironmentYml(), FILES_YML, violations);
        }
        return ofRequirementsTxt(files.getRequirementsTxt(), FILES_TXT, null, violations);
    }

    private static EnvironmentInputs ofConfigMap(
            ConfigMapSource source, Map<String, String> data, List<Violation> violations) {
        String key = source.getKey() == null ? "" : source.getKey();
        String content = data == null ? null : data.get(key);
        if (content == null) {
            violations.add(
                    Violation.of(
                            CONFIG_MAP,
                            "ConfigMap \"" + source.getName() + "\" has no key \"" + key + "\""));
            return none();
        }
        if (isCondaLockKey(key)) {
            return ofCondaLock(CondaLockYml.read(content, CONFIG_MAP, violations), CONFIG_MAP);
        }
        if (key.endsWith(".lock") || CondaExplicit.isExplicit(content)) {
            return ofCondaLock(CondaExplicit.read(content, CONFIG_MAP, violations), CONFIG_MAP);
        }
        if (key.endsWith(".yml") || key.endsWith(".yaml")) {
            return ofEnvironmentYml(content, CONFIG_MAP, violations);
        }
        if (key.endsWith(".txt")) {
            return ofRequirementsTxt(content, CONFIG_MAP, data, violations);
        }
        if (key.endsWith(".toml")) {
            return ofPylockToml(content, CONFIG_MAP, violations);
        }
        violations.add(
                Violation.of(
                        CONFIG_MAP,
                        "key \""
                                + key
                                + "\" must end in .yml or .yaml (an environment.yml), "
                                + ".txt (a requirements.txt), .toml (a pylock.toml) or .lock (a "
                                + "conda explicit file), or be conda-lock.yml"));
        return none();
    }

    private static EnvironmentInputs ofEnvironmentYml(
            String text, String field, List<Violation> violations) {
        EnvironmentYml yml = EnvironmentYml.parse(text, field, violations);
        return new EnvironmentInputs(
                yml.packages(),
                yml.pip(),
                yml.channels(),
                true,
                field,
                yml.variables(),
                yml.ignoredKeys(),
                Map.of(),
                yml.indexOptions(),
                null,
                null,
                null,
                null,
                yml.warnings(),
                List.of());
    }

    /** What was accepted but read past, each a sentence naming the field, for a Warning. */
    List<SpecWarning> warnings() {
        List<SpecWarning> warnings = new ArrayList<>();
        if (!ignoredKeys.isEmpty()) {
            warnings.add(
                    new SpecWarning(
                            SpecWarning.IGNORED_KEYS,
                            environmentYml
                                    + ": "
                                    + (ignoredKeys.size() == 1 ? "key " : "keys ")
                                    + ignoredKeys.stream()
                                            .map(key -> "\"" + key + "\"")
                                            .collect(Collectors.joining(", "))
                                    + " not read (as conda reads past keys it does not know); only name, "
                                    + "channels, dependencies, variables and prefix say what is built"));
        }
        warnings.addAll(fileWarnings);
        return warnings;
    }

    private static EnvironmentInputs ofRequirementsTxt(
            String text, String field, Map<String, String> configMap, List<Violation> violations) {
        RequirementsTxt.RequirementsFile file =
                RequirementsTxt.read(text, field, configMap, violations);
        return new EnvironmentInputs(
                List.of(),
                file.requirements(),
                List.of(),
                false,
                null,
                List.of(),
                List.of(),
                file.hashes(),
                file.indexOptions(),
                null,
                null,
                null,
                null,
                file.warnings(),
                file.constraints());
    }

    /**
     * A pylock.toml: checked here, installed by the build as it is (without the project's own
     * package); nothing of it is normalised, since uv installs its artifacts and not a resolution
     * of its names.
     */
    private static EnvironmentInputs ofPylockToml(
            String text, String field, List<Violation> violations) {
        PylockToml lock = PylockToml.read(text, field, violations);
        return new EnvironmentInputs(
                List.of(),
                List.of(),
                List.of(),
                false,
                null,
                List.of(),
                List.of(),
                Map.of(),
                List.of(),
                lock.installable(),
                field,
                null,
                null,
                lock.warnings(),
                List.of());
    }

    /** conda-lock.yml, or a name ending in .conda-lock.yml, as conda-lock names its files. */
    private static boolean isCondaLockKey(String key) {
        return key.equals("conda-lock.yml")
                || key.equals("conda-lock.yaml")
                || key.endsWith(".conda-lock.yml")
                || key.endsWith(".conda-lock.yaml");
    }

    /**
     * A conda lock: read here, installed by the build as it is; only conda can install it, and
     * nothing of it is normalised besides its lines, since the build installs its artifacts.
     */
    private static EnvironmentInputs ofCondaLock(LockedConda lock, String field) {
        return new EnvironmentInputs(
                List.of(),
                List.of(),
                List.of(),
                true,
                null,
                List.of(),
                List.of(),
                Map.of(),
                List.of(),
                null,
                null,
                lock,
                field,
                lock.warnings(),
                List.of());
    }

    private static EnvironmentInputs none() {
        return new EnvironmentInputs(
                List.of(), List.of(), List.of(), false, null, List.of(), List.of(), Map.of(),
                List.of(), null, null, null, null, List.of(), List.of());
    }

    private static List<SourcedText> items(String field, List<String> values) {
        List<SourcedText> items = new ArrayList<>();
        if (values != null) {
            for (int i = 0; i < values.size(); i++) {
                items.add(
                        SourcedText.listItem(field, i, values.get(i) == null ? "" : values.get(i)));
            }
        }
        return items;
    }

    private static boolean isEmpty(List<?> list) {
        return list == null || list.isEmpty();
    }
}
