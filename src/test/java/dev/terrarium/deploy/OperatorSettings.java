package dev.terrarium.deploy;

import dev.terrarium.operator.TerrariumConfig;
import io.smallrye.config.WithDefault;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every leaf of {@link TerrariumConfig}, with its property key, its environment variable and its
 * default, with {@value #VERSION_EXPRESSION} expanded as Quarkus expands it: to the pom's version.
 */
record OperatorSettings(String key, String envVar, Optional<String> defaultValue) {

    static final String VERSION_EXPRESSION = "${quarkus.application.version}";

    static List<OperatorSettings> all() {
        List<OperatorSettings> settings = new ArrayList<>();
        collect(TerrariumConfig.class, "terrarium", settings);
        return settings;
    }

    private static void collect(Class<?> group, String prefix, List<OperatorSettings> into) {
        for (Method method : group.getMethods()) {
            if (method.getParameterCount() != 0 || method.isDefault()) {
                continue;
            }
            String key = prefix + "." + kebab(method.getName());
            Class<?> type = method.getReturnType();
            if (type.isInterface() && type.getEnclosingClass() == TerrariumConfig.class) {
                collect(type, key, into);
            } else {
                WithDefault fallback = method.getAnnotation(WithDefault.class);
                into.add(
                        new OperatorSettings(
                                key,
                                envVar(key),
                                Optional.ofNullable(fallback)
                                        .map(WithDefault::value)
                                        .map(
                                                value ->
                                                        value.replace(
                                                                VERSION_EXPRESSION,
                                                                projectVersion()))));
            }
        }
    }

    /** defaultRepository becomes default-repository, as SmallRye names mapping properties. */
    private static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /**
     * SmallRye's environment variable for a key: every non-alphanumeric character an underscore,
     * upper case.
     */
    static String envVar(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** The version of the terrarium-operator artifact in pom.xml. */
    static String projectVersion() {
        try {
            String pom = Files.readString(Manifests.repo().resolve("pom.xml"));
            Matcher version =
                    Pattern.compile(
                                    "<artifactId>terrarium-operator</artifactId>\\s*<version>([^<]+)</version>")
                            .matcher(pom);
            if (!version.find()) {
                throw new IllegalStateException("pom.xml names no version of terrarium-operator");
            }
            return version.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
