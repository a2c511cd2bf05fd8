package dev.terrarium.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authorization header values that worked, per registry, scope and credentials, until they expire.
 *
 * <p>Bearer tokens are dropped a little before their {@code expires_in} runs out, so a token is not
 * sent in the second it dies. Basic authorizations never expire; they are kept so that later
 * requests to a registry that asked for basic auth skip the anonymous round trip.
 */
final class TokenCache {

    /**
     * Keys are per credentials: a token one secret obtained must never serve a caller holding
     * another.
     */
    record Key(String registry, String scope, String credentialsFingerprint) {}

    private record Entry(String authorization, Instant expiresAt) {}

    private static final Duration MAX_EARLY_REFRESH = Duration.ofSeconds(5);

    private final Clock clock;
    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();

    TokenCache(Clock clock) {
        this.clock = clock;
    }

    /**
     * The cached {@code Authorization} value for the key, or {@code null} when there is none or it
     * expired.
     */
    String authorization(Key key) {
        Entry entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        if (entry.expiresAt() != null && !clock.instant().isBefore(entry.expiresAt())) {
            entries.remove(key, entry);
            return null;
        }
        return entry.authorization();
    }

    void putBearer(Key key, String authorization, Duration lifetime) {
        Duration earlyRefresh =
                lifetime.dividedBy(10).compareTo(MAX_EARLY_REFRESH) < 0
                        ? lifetime.dividedBy(10)
                        : MAX_EARLY_REFRESH;
        entries.put(
                key, new Entry(authorization, clock.instant().plus(lifetime).minus(earlyRefresh)));
    }

    void putBasic(Key key, String authorization) {
        entries.put(key, new Entry(authorization, null));
    }

    void forget(Key key) {
        entries.remove(key);
    }
}
