package dev.terrarium.requirements;

/**
 * Something a spec says that is accepted but that its author should know about: keys read past, a
 * reference that can move. It shows as the Environment's Warning condition.
 *
 * @param reason a CamelCase word for the condition's reason
 * @param message a sentence naming the field and the value
 */
public record SpecWarning(String reason, String message) {

    public static final String IGNORED_KEYS = "IgnoredKeys";
    public static final String NOT_REPRODUCIBLE = "NotReproducible";
    public static final String NOTHING_LISTED = "NothingListed";
    public static final String PROJECT_NOT_INSTALLED = "ProjectNotInstalled";
    public static final String NOT_EDITABLE = "NotEditable";
    public static final String NOT_HASH_CHECKED = "NotHashChecked";
}
