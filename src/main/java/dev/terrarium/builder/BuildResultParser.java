package dev.terrarium.builder;

import dev.terrarium.buildcontext.InputRules;
import java.util.regex.Pattern;

/** Reads the pushed image's digest from the build container's termination message. */
public final class BuildResultParser {

    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    private BuildResultParser() {}

    /**
     * The digest in {@code terminationMessage}: a bare {@code sha256:<64 hex>}, as buildah's {@code
     * --digestfile} writes it, surrounding whitespace allowed.
     *
     * @throws IllegalArgumentException for anything else, saying what was wrong
     */
    public static String digest(String terminationMessage) {
        if (terminationMessage == null || terminationMessage.isBlank()) {
            throw new IllegalArgumentException("the builder wrote no termination message");
        }
        String message = terminationMessage.strip();
        if (DIGEST.matcher(message).matches()) {
            return message;
        }
        throw new IllegalArgumentException(
                "termination message is not a sha256 digest: "
                        + InputRules.printable(abbreviated(message)));
    }

    private static String abbreviated(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }
}
