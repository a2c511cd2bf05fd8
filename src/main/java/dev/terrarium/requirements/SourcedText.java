package dev.terrarium.requirements;

/**
 * One entry of the input and where it came from: {@code field} is the spec field ({@code
 * spec.pip[2]}, {@code spec.files.requirementsTxt}) and {@code where} names the entry inside it for
 * messages ({@code spec.pip[2]}, {@code spec.files.requirementsTxt line 4}).
 */
public record SourcedText(String field, String where, String text) {

    /** An entry of a spec list field, such as {@code spec.pip[2]}. */
    public static SourcedText listItem(String listField, int index, String text) {
        String field = listField + "[" + index + "]";
        return new SourcedText(field, field, text);
    }
}
