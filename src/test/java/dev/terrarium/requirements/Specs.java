package dev.terrarium.requirements;

import dev.terrarium.api.BakedEnvVar;
import dev.terrarium.api.ConfigMapSource;
import dev.terrarium.api.EnvironmentFiles;
import dev.terrarium.api.EnvironmentSpec;
import dev.terrarium.api.Manager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Builders of Environment specs for tests. */
final class Specs {

    static final NormalizationDefaults DEFAULTS =
            new NormalizationDefaults(
                    "3.12",
                    "mambaorg/micromamba:2.0.5",
                    "python:{python}-slim",
                    List.of("conda-forge"));

    private Specs() {}

    @SafeVarargs
    static EnvironmentSpec spec(Consumer<EnvironmentSpec>... settings) {
        EnvironmentSpec spec = new EnvironmentSpec();
        for (Consumer<EnvironmentSpec> setting : settings) {
            setting.accept(spec);
        }
        return spec;
    }

    static Consumer<EnvironmentSpec> python(String python) {
        return s -> s.setPython(python);
    }

    static Consumer<EnvironmentSpec> manager(Manager manager) {
        return s -> s.setManager(manager);
    }

    static Consumer<EnvironmentSpec> packages(String... packages) {
        return s -> s.setPackages(Arrays.asList(packages));
    }

    static Consumer<EnvironmentSpec> pip(String... requirements) {
        return s -> s.setPip(Arrays.asList(requirements));
    }

    static Consumer<EnvironmentSpec> channels(String... channels) {
        return s -> s.setChannels(Arrays.asList(channels));
    }

    static Consumer<EnvironmentSpec> system(String... packages) {
        return s -> s.setSystem(Arrays.asList(packages));
    }

    static Consumer<EnvironmentSpec> baseImage(String image) {
        return s -> s.setBaseImage(image);
    }

    static Consumer<EnvironmentSpec> env(String... namesAndValues) {
        return s -> {
            List<BakedEnvVar> env = new ArrayList<>();
            for (int i = 0; i < namesAndValues.length; i += 2) {
                env.add(new BakedEnvVar(namesAndValues[i], namesAndValues[i + 1]));
            }
            s.setEnv(env);
        };
    }

    static Consumer<EnvironmentSpec> environmentYml(String text) {
        return s -> {
            EnvironmentFiles files = new EnvironmentFiles();
            files.setEnvironmentYml(text);
            s.setFiles(files);
        };
    }

    static Consumer<EnvironmentSpec> requirementsTxt(String text) {
        return s -> {
            EnvironmentFiles files = new EnvironmentFiles();
            files.setRequirementsTxt(text);
            s.setFiles(files);
        };
    }

    static Consumer<EnvironmentSpec> pylockToml(String text) {
        return spec -> {
            spec.setFiles(new EnvironmentFiles());
            spec.getFiles().setPylockToml(text);
        };
    }

    static Consumer<EnvironmentSpec> condaExplicit(String text) {
        return spec -> {
            spec.setFiles(new EnvironmentFiles());
            spec.getFiles().setCondaExplicit(text);
        };
    }

    static Consumer<EnvironmentSpec> condaLockYml(String text) {
        return spec -> {
            spec.setFiles(new EnvironmentFiles());
            spec.getFiles().setCondaLockYml(text);
        };
    }

    static Consumer<EnvironmentSpec> fromConfigMap(String name, String key) {
        return s -> {
            ConfigMapSource source = new ConfigMapSource();
            source.setName(name);
            source.setKey(key);
            s.setFromConfigMap(source);
        };
    }

    /**
     * The data of the ConfigMap the spec names, holding {@code content} under its key; null when
     * the spec names none or there is no content.
     */
    static Map<String, String> configMap(EnvironmentSpec spec, String content) {
        return content == null || spec.getFromConfigMap() == null
                ? null
                : Map.of(spec.getFromConfigMap().getKey(), content);
    }
}
