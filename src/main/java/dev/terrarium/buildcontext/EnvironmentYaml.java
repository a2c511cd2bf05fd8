package dev.terrarium.buildcontext;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the environment.yml that micromamba installs. A YAML library does the quoting: every channel, match spec
 * and requirement becomes a double-quoted scalar, so characters that mean something in YAML (colons, #, quotes,
 * leading dashes, line breaks) stay text, and reading the file back gives the same lists.
 */
final class EnvironmentYaml {

    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .disable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build());

    private EnvironmentYaml() {
    }

    static String write(List<String> channels, List<String> dependencies, List<String> pip) {
        List<Object> allDependencies = new ArrayList<>(dependencies);
        if (!pip.isEmpty()) {
            allDependencies.add(Map.of("pip", pip));
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("channels", channels);
        document.put("dependencies", allDependencies);
        try {
            return YAML.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
