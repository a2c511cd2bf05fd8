package dev.terrarium.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The API server's record of the operator's requests (only the operator's user is audited, see
 * hack/kwok).
 */
public final class AuditLog {

    /** One completed request. */
    public record Request(
            Instant time,
            String verb,
            String resource,
            String subresource,
            String namespace,
            String name) {
        public boolean isWrite() {
            return !READS.contains(verb);
        }
    }

    private static final Set<String> READS = Set.of("get", "list", "watch");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public AuditLog(Path file) {
        this.file = file;
    }

    /** Requests that completed after {@code since}. */
    public List<Request> since(Instant since) {
        try (var lines = Files.lines(file)) {
            return lines.map(AuditLog::parse)
                    .filter(r -> r != null && r.time().isAfter(since))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Request parse(String line) {
        try {
            JsonNode event = JSON.readTree(line);
            if (!"ResponseComplete".equals(event.path("stage").asText())) {
                return null;
            }
            JsonNode ref = event.path("objectRef");
            return new Request(
                    Instant.parse(event.path("stageTimestamp").asText()),
                    event.path("verb").asText(),
                    ref.path("resource").asText(),
                    ref.path("subresource").asText(null),
                    ref.path("namespace").asText(null),
                    ref.path("name").asText(null));
        } catch (IOException e) {
            return null;
        }
    }
}
