package dev.terrarium.requirements;

import dev.terrarium.api.ChannelAuthScheme;
import dev.terrarium.api.ChannelCredentials;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Conda channels given by URL, and the Secrets spec.channelCredentials names for them. A channel
 * URL follows the package indexes' policy ({@link PipIndexRules#refusal}: https, or http to a
 * loopback host only, no credentials, no characters a file could expand), names a directory (no
 * query or fragment), and is normalised so that spellings of one channel hash alike: scheme and
 * host in lower case, no trailing slash. A token written into the path ({@code /t/<token>/}, as
 * some channel hosts take it) would reach the status and the lock, so it is refused for a Secret.
 */
public final class ChannelUrls {

    static final String CREDENTIALS = "spec.channelCredentials";

    /**
     * A Secret spec.channelCredentials names for a conda channel, where, and how the channel takes
     * it.
     */
    public record ChannelSecret(
            String field, String url, String secretName, ChannelAuthScheme scheme) {}

    private ChannelUrls() {}

    /** Whether a channel entry is a URL rather than a name. */
    public static boolean isUrl(String channel) {
        return channel != null && channel.contains("://");
    }

    /**
     * The canonical form of a channel URL: scheme and host lower case, no trailing slash. Only for
     * a URL that {@link #refusal} accepts.
     */
    public static String normalized(String url) {
        String stripped = url.strip();
        int authorityStart = stripped.indexOf("://") + 3;
        int pathStart = stripped.indexOf('/', authorityStart);
        if (pathStart < 0) {
            pathStart = stripped.length();
        }
        String path = stripped.substring(pathStart);
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return stripped.substring(0, pathStart).toLowerCase(Locale.ROOT) + path;
    }

    /**
     * Why {@code url} cannot name a conda channel; empty when it can.
     *
     * @return a reason that reads after the URL it is about
     */
    public static Optional<String> refusal(String url) {
        Optional<String> refusal = PipIndexRules.refusal(url, "channel", CREDENTIALS);
        if (refusal.isPresent()) {
            return refusal;
        }
        if (url.indexOf('?') >= 0 || url.indexOf('#') >= 0) {
            return Optional.of("a channel URL names a directory: no query (?) or fragment (#)");
        }
        return PipIndexRules.tokenRefusal(url);
    }

    /**
     * Every Secret spec.channelCredentials names, with its normalised channel URL, in the spec's
     * order; entries whose URL is refused are left out ({@link #check} reports them).
     */
    public static List<ChannelSecret> secrets(List<ChannelCredentials> entries) {
        List<ChannelSecret> secrets = new ArrayList<>();
        if (entries == null) {
            return secrets;
        }
        for (int i = 0; i < entries.size(); i++) {
            ChannelCredentials entry = entries.get(i);
            if (entry != null
                    && entry.getSecretName() != null
                    && entry.getUrl() != null
                    && refusal(entry.getUrl()).isEmpty()) {
                secrets.add(
                        new ChannelSecret(
                                CREDENTIALS + "[" + i + "].secretName",
                                normalized(entry.getUrl()),
                                entry.getSecretName(),
                                entry.getScheme() == null
                                        ? ChannelAuthScheme.Basic
                                        : entry.getScheme()));
            }
        }
        return secrets;
    }

    /**
     * Checks spec.channelCredentials against the environment's channels: each entry names a channel
     * URL of spec.channels, of the environment.yml or of a lock's artifacts, once, with a Secret.
     *
     * @param channels the environment's channels, normalised
     */
    static void check(
            List<ChannelCredentials> entries, List<String> channels, List<Violation> violations) {
        if (entries == null) {
            return;
        }
        if (entries.size() > ChannelCredentials.MAX_ENTRIES) {
            violations.add(
                    Violation.of(
                            CREDENTIALS, "at most " + ChannelCredentials.MAX_ENTRIES + " entries"));
            return;
        }
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            ChannelCredentials entry = entries.get(i);
            String field = CREDENTIALS + "[" + i + "]";
            if (entry == null || entry.getUrl() == null || entry.getSecretName() == null) {
                violations.add(Violation.of(field, "an entry needs a url and a secretName"));
                continue;
            }
            String url = entry.getUrl();
            Optional<String> refusal = refusal(url);
            if (refusal.isPresent()) {
                violations.add(
                        new Violation(
                                field + ".url",
                                field
                                        + ".url "
                                        + Violation.quote(PipIndexRules.redacted(url))
                                        + ": "
                                        + refusal.get()));
                continue;
            }
            String channel = normalized(url);
            if (seen.contains(channel)) {
                violations.add(
                        new Violation(
                                field + ".url",
                                field
                                        + ".url "
                                        + Violation.quote(url)
                                        + ": the channel has credentials in an earlier entry"));
            } else if (!channels.contains(channel)) {
                violations.add(
                        new Violation(
                                field + ".url",
                                field
                                        + ".url "
                                        + Violation.quote(url)
                                        + ": not a channel of the environment; list it in "
                                        + "spec.channels (or the environment.yml's channels); "
                                        + "for a lock, the channel of its artifact URLs"));
            }
            seen.add(channel);
        }
    }
}
