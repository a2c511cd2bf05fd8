package dev.terrarium.requirements;

import dev.terrarium.api.BakedEnvVar;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Checks the variables baked into an image ({@code spec.env} and an environment.yml's {@code
 * variables:}) and sorts them by name: names are shell identifiers, values hold no control
 * characters (they would hide or split lines of the generated build files), a missing value is the
 * empty string, and a name set twice must have one value.
 */
final class BakedVariables {

    private static final int MAX_NAME_LENGTH = 128;
    private static final int MAX_VALUE_LENGTH = 4096;
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private BakedVariables() {}

    static List<BakedEnvVar> normalize(List<BakedEnvVar> env, List<Violation> violations) {
        return normalize(env, List.of(), violations);
    }

    /**
     * {@code spec.env} and an environment.yml's {@code variables:} together, by the same rules:
     * they end up in the same place, the image's environment.
     */
    static List<BakedEnvVar> normalize(
            List<BakedEnvVar> env,
            List<EnvironmentYml.FileVariable> fileVariables,
            List<Violation> violations) {
        List<Entry> entries = new ArrayList<>();
        if (env != null) {
            for (int i = 0; i < env.size(); i++) {
                BakedEnvVar variable = env.get(i);
                String field = "spec.env[" + i + "]";
                entries.add(
                        new Entry(
                                field + ".name",
                                field + ".value",
                                variable == null ? null : variable.getName(),
                                variable == null || variable.getValue() == null
                                        ? ""
                                        : variable.getValue()));
            }
        }
        for (EnvironmentYml.FileVariable variable : fileVariables) {
            entries.add(
                    new Entry(
                            variable.where(), variable.where(), variable.name(), variable.value()));
        }
        TreeMap<String, BakedEnvVar> byName = new TreeMap<>();
        for (Entry entry : entries) {
            String name = entry.name();
            String value = entry.value();
            if (name == null || name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches()) {
                violations.add(
                        new Violation(
                                entry.nameField(),
                                entry.nameField()
                                        + " "
                                        + Violation.quote(Objects.toString(name, ""))
                                        + ": expected letters, digits and underscores, not starting with a digit, at most "
                                        + MAX_NAME_LENGTH
                                        + " characters"));
                continue;
            }
            int invisible = firstInvisible(value);
            if (invisible >= 0 || value.length() > MAX_VALUE_LENGTH) {
                String reason =
                        invisible >= 0
                                ? "control character "
                                        + Characters.codePoint(value.charAt(invisible))
                                        + " at column "
                                        + (invisible + 1)
                                        + " is not allowed"
                                : "longer than " + MAX_VALUE_LENGTH + " characters";
                violations.add(
                        new Violation(
                                entry.valueField(),
                                entry.valueField() + " " + Violation.quote(value) + ": " + reason));
                continue;
            }
            BakedEnvVar earlier = byName.get(name);
            if (earlier != null && !earlier.getValue().equals(value)) {
                violations.add(
                        new Violation(
                                entry.nameField(),
                                entry.nameField()
                                        + " "
                                        + Violation.quote(name)
                                        + ": set twice "
                                        + "with different values"));
            } else {
                byName.put(name, new BakedEnvVar(name, value));
            }
        }
        return new ArrayList<>(byName.values());
    }

    /** One variable and the fields that messages name for its name and its value. */
    private record Entry(String nameField, String valueField, String name, String value) {}

    private static int firstInvisible(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Characters.isInvisible(value.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
