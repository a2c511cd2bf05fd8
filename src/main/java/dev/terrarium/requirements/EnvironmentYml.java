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
 * The entries of a conda environment.yml: {@code channels}, {@code dependencies} split into conda
 * match specs and the strings of its one {@code pip:} list, each returned unparsed with its place
 * in the file ({@code dependencies[3]}, {@code dependencies[5].pip[0]}), and {@code variables},
 * which conda sets on activation and the image sets for every process. {@code name} and {@code
 * prefix} are read and ignored: they say where an environment lives, not what it holds. Keys that
 * other tools write into the file (conda-lock's {@code platforms}, pixi's and others') are passed
 * over as conda passes over them, with a warning that names them; keys whose meaning Terrarium
 * would silently drop are refused. conda-lock's {@code pip-repositories} are read as extra package
 * indexes, and so are the package-index options of the pip list ({@code - --extra-index-url URL}),
 * which conda hands to pip in a requirements file.
 *
 * @param variables {@code variables:} in the file's order, each as a {@code spec.env} entry would
 *     be
 * @param ignoredKeys top-level keys read past, in the file's order
 * @param indexOptions package-index options of the pip list and conda-lock's {@code
 *     pip-repositories}, in the file's order
 * @param warnings pip entries read other than as written ({@link ProjectLines})
 */
public record EnvironmentYml(
        List<SourcedText> channels,
        List<SourcedText> packages,
        List<SourcedText> pip,
        List<FileVariable> variables,
        List<String> ignoredKeys,
        List<IndexOption> indexOptions,
        List<SpecWarning> warnings) {

    /** One {@code variables:} entry and where it is, for messages. */
    public record FileVariable(String where, String name, String value) {}

    private static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory())
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Set<String> IGNORED_KEYS = Set.of("name", "prefix");

    /**
     * Keys that change what gets installed or from where: building without them would give another
     * environment than the file describes, so they are refused rather than read past.
     */
    private static final Map<String, String> REFUSED_KEY_ADVICE =
            Map.of(
                    "channel_priority",
                    "channels are used in the order given, with the operator's channel priority");

    public EnvironmentYml {
        channels = List.copyOf(channels);
        packages = List.copyOf(packages);
        pip = List.copyOf(pip);
        variables = List.copyOf(variables);
        ignoredKeys = List.copyOf(ignoredKeys);
        indexOptions = List.copyOf(indexOptions);
        warnings = List.copyOf(warnings);
    }

    private static EnvironmentYml empty() {
        return new EnvironmentYml(
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
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
        List<FileVariable> variables = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        List<SourcedText> repositories = new ArrayList<>();
        String tag = firstTag(text);
        if (tag != null) {
            violations.add(Violation.of(field, tag));
            return empty();
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
            return empty();
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            violations.add(Violation.of(field, "the file is empty; it needs dependencies"));
            return empty();
        }
        if (!root.isObject()) {
            violations.add(
                    Violation.of(
                            field,
                            "expected a mapping with the keys name, channels and dependencies"));
            return empty();
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
                case "variables" -> variables(entry.getValue(), field, variables, violations);
                case "pip-repositories" ->
                        strings(
                                entry.getValue(),
                                field,
                                "pip-repositories",
                                "a package index URL",
                                repositories,
                                violations);
                default -> {
                    if (REFUSED_KEY_ADVICE.containsKey(key)) {
                        violations.add(
                                Violation.of(
                                        field,
                                        "key \""
                                                + key
                                                + "\" is not supported; "
                                                + REFUSED_KEY_ADVICE.get(key)));
                    } else if (!IGNORED_KEYS.contains(key)) {
                        ignored.add(key);
                    }
                }
            }
        }
        List<IndexOption> indexOptions = new ArrayList<>();
        List<SourcedText> requirements = new ArrayList<>();
        List<SpecWarning> warnings = new ArrayList<>();
        for (SourcedText written : pip) {
            ProjectLines.read(written, warnings)
                    .ifPresent(
                            entry ->
                                    PipOptions.indexOption(entry)
                                            .ifPresentOrElse(
                                                    indexOptions::add,
                                                    () -> requirements.add(entry)));
        }
        for (SourcedText repository : repositories) {
            indexOptions.add(
                    new IndexOption(
                            IndexOption.Kind.EXTRA_INDEX_URL,
                            repository.text().strip(),
                            repository));
        }
        return new EnvironmentYml(
                channels, packages, requirements, variables, ignored, indexOptions, warnings);
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

    /**
     * {@code variables:} as conda reads it: a mapping of names to scalar values, which conda turns
     * into strings ({@code 1} and {@code true} as written). Names and values are checked later, by
     * the rules of {@code spec.env}.
     */
    private static void variables(
            JsonNode mapping, String field, List<FileVariable> into, List<Violation> violations) {
        if (mapping.isNull()) {
            return;
        }
        if (!mapping.isObject()) {
            violations.add(
                    Violation.of(
                            field,
                            "variables must be a mapping of names to values, found "
                                    + describe(mapping)));
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = mapping.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> variable = it.next();
            JsonNode value = variable.getValue();
            String where = field + " variables." + variable.getKey();
            if (value.isValueNode()) {
                into.add(
                        new FileVariable(
                                where, variable.getKey(), value.isNull() ? "" : value.asText()));
            } else {
                violations.add(
                        Violation.of(
                                field,
                                "variables."
                                        + variable.getKey()
                                        + ": expected a string, found "
                                        + describe(value)));
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
