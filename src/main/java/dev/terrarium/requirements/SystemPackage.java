package dev.terrarium.requirements;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Debian package to install with apt: a Debian package name (lower case, as Debian requires;
 * upper-case input is lower-cased), optionally pinned as {@code name=version}.
 *
 * @param name the package name
 * @param version the Debian version, or null for the candidate version
 */
public record SystemPackage(String name, String version) {

    private static final Pattern SPEC =
            Pattern.compile("([a-z0-9][a-z0-9+.-]+)(?:=([A-Za-z0-9.+~:-]+))?");

    /**
     * Parses {@code name} or {@code name=version}.
     *
     * @throws SpecSyntaxException when the text is not a Debian package name with an optional
     *     version
     */
    public static SystemPackage parse(String text) {
        Characters.requirePrintableAscii(text);
        int equals = text.indexOf('=');
        String name = (equals < 0 ? text : text.substring(0, equals)).toLowerCase(Locale.ROOT);
        Matcher matcher = SPEC.matcher(equals < 0 ? name : name + text.substring(equals));
        if (!matcher.matches()) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (!Characters.isAsciiLetterOrDigit(c) && "+.-=:~".indexOf(c) < 0) {
                    throw new SpecSyntaxException(Characters.unexpected(c), i + 1);
                }
            }
            throw new SpecSyntaxException(
                    "expected a Debian package name (lower-case letters, digits, \"+\", \"-\" "
                            + "and \".\", at least two) with an optional =version",
                    1);
        }
        return new SystemPackage(matcher.group(1), matcher.group(2));
    }

    /** {@code name} or {@code name=version}. */
    public String canonical() {
        return version == null ? name : name + "=" + version;
    }

    @Override
    public String toString() {
        return canonical();
    }
}
