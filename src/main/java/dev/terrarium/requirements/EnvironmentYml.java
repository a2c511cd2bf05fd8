package dev.terrarium.requirements;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The entries of a conda environment.yml: {@code channels}, and {@code dependencies} split into
 * conda match specs and the strings of its one {@code pip:} list, each returned unparsed with its
 * place in the file ({@code dependencies[3]}, {@code dependencies[5].pip[0]}). {@code name} and
 * {@code prefix} are read and ignored: they say where an environment lives, not what it holds. Any
 * other key is refused.
 */
public record EnvironmentYml(
        List<SourcedText> channels, List<SourcedText> packages, List<SourcedText> pip) {

    private static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory())
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Set<String> IGNORED_KEYS = Set.of("name", "prefix");
    private static final Map<String, String> REFUSED_KEY_ADVICE =
            Map.of(
                    "variables", "set spec.env instead",
                    "channel_priority", "channels are used in the order given");

    public EnvironmentYml {
        channels = List.copyOf(channels);
        packages = List.copyOf(packages);
        pip = List.copyOf(pip);
    }

    /**
     * Reads an environment.yml.
     *
     * @param field the spec field holding the file, for messages ({@code
     *     spec.files.environmentYml})
     * @param violations receives a violation for every problem found; the entries that could be
     *     read are returned even then
     */
    public static EnvironmentYml parse(String text, String field, List<Violation> violations) {
        List<SourcedText> channels = new ArrayList<>();
        List<SourcedText> packages = new ArrayList<>();
        List<SourcedText> pip = new ArrayList<>();
        String tag = firstTag(text);
        if (tag != null) {
            violations.add(Violation.of(field, tag));
            return new EnvironmentYml(channels, packages, pip);
        }
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            String where =
                    e.getLocation() == null
                            ? ""
                            : " at line "
                                    + e.getLocation().getLineNr()
                                    + " column "
                                    + e.getLocation().getColumnNr();
            violations.add(
                    Violation.of(
                            field,
                            "not valid YAML" + where + ": " + firstLine(e.getOriginalMessage())));
            return new EnvironmentYml(channels, packages, pip);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            violations.add(Violation.of(field, "the file is empty; it needs dependencies"));
            return new EnvironmentYml(channels, packages, pip);
        }
        if (!root.isObject()) {
            violations.add(
                    Violation.of(
                            field,
                            "expected a mapping with the keys name, channels and dependencies"));
            return new EnvironmentYml(channels, packages, pip);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String key = entry.getKey();
            switch (key) {
                case "channels" ->
                        strings(
                                entry.getValue(),
                                field,
                                "channels",
                                "a channel name",
                                channels,
                                violations);
                case "dependencies" ->
                        dependencies(entry.getValue(), field, packages, pip, violations);
                default -> {
                    if (!IGNORED_KEYS.contains(key)) {
                        String advice =
                                REFUSED_KEY_ADVICE.getOrDefault(
                                        key,
                                        "only name, channels, dependencies and "
                                                + "prefix are read");
                        violations.add(
                                Violation.of(
                                        field, "key \"" + key + "\" is not supported; " + advice));
                    }
                }
            }
        }
        return new EnvironmentYml(channels, packages, pip);
    }

    /**
     * The first explicit YAML tag ({@code !!python/object/apply:...}, {@code !!str}, {@code
     * !custom}) and its line, as a message; null when there is none. A tag asks the reader to build
     * something other than plain strings, lists and mappings, which is all an environment.yml
     * holds; reading the tree would silently drop it and take the tagged value as a package name.
     */
    private static String firstTag(String text) {
        try (JsonParser parser = YAML.getFactory().createParser(text)) {
            while (parser.nextToken() != null) {
                Object tag = parser.getTypeId();
                if (tag != null) {
                    return "line "
                            + parser.currentTokenLocation().getLineNr()
                            + ": the YAML tag "
                            + written(tag)
                            + " is not allowed; environment.yml holds plain strings, lists and mappings";
                }
            }
        } catch (IOException e) {
            // Not YAML: the tree read that follows reports where.
        }
        return null;
    }

    /** A tag as the file wrote it: the YAML core schema's prefix back to its !! shorthand. */
    private static String written(Object tag) {
        String text = tag.toString();
        String core = "tag:yaml.org,2002:";
        return text.startsWith(core)
                ? "!!" + text.substring(core.length())
                : text.startsWith("!") ? text : "!" + text;
    }

    private static void dependencies(
            JsonNode list,
            String field,
            List<SourcedText> packages,
            List<SourcedText> pip,
            List<Violation> violations) {
        if (!list.isArray()) {
            violations.add(Violation.of(field, "dependencies must be a list"));
            return;
        }
        boolean pipSeen = false;
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            String where = "dependencies[" + i + "]";
            if (item.isTextual()) {
                packages.add(new SourcedText(field, field + " " + where, item.asText()));
            } else if (item.isObject() && item.size() == 1 && item.has("pip")) {
                if (pipSeen) {
                    violations.add(Violation.of(field, where + ": only one pip list is allowed"));
                }
                pipSeen = true;
                strings(
                        item.get("pip"),
                        field,
                        where + ".pip",
                        "a pip requirement",
                        pip,
                        violations);
            } else {
                violations.add(
                        Violation.of(
                                field,
                                where
                                        + ": expected a match spec string or a pip: list, found "
                                        + describe(item)));
            }
        }
    }

    private static void strings(
            JsonNode list,
            String field,
            String where,
            String what,
            List<SourcedText> into,
            List<Violation> violations) {
        if (!list.isArray()) {
            violations.add(Violation.of(field, where + " must be a list"));
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            String itemWhere = where + "[" + i + "]";
            if (item.isTextual()) {
                into.add(new SourcedText(field, field + " " + itemWhere, item.asText()));
            } else {
                violations.add(
                        Violation.of(
                                field,
                                itemWhere + ": expected " + what + ", found " + describe(item)));
            }
        }
    }

    private static String describe(JsonNode node) {
        if (node.isObject()) {
            List<String> keys = new ArrayList<>();
            node.fieldNames().forEachRemaining(keys::add);
            return "a mapping with keys " + keys;
        }
        if (node.isArray()) {
            return "a list";
        }
        return node.isNull()
                ? "nothing"
                : "the " + node.getNodeType().name().toLowerCase(Locale.ROOT) + " " + node;
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
