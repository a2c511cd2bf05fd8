package dev.terrarium.registry;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The registries spoken to over plain HTTP (or with an unverified certificate): an operator setting
 * of host or host:port entries. A host without a port covers every port of that host. Pure.
 */
public record InsecureRegistries(Set<String> hosts) {

    public InsecureRegistries {
        hosts =
                hosts.stream()
                        .map(host -> host.trim().toLowerCase(Locale.ROOT))
                        .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Whether {@code registry} (host[:port], as {@link ImageReference#registry()} gives it) is
     * insecure.
     */
    public boolean includes(String registry) {
        if (hosts.contains(registry)) {
            return true;
        }
        int colon = registry.lastIndexOf(':');
        return colon > registry.lastIndexOf(']') && hosts.contains(registry.substring(0, colon));
    }
}
