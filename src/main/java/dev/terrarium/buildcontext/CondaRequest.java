package dev.terrarium.buildcontext;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Writes the request file that terrarium-conda reads. A JSON library does the quoting: every
 * channel, match spec and requirement becomes a JSON string, so no character of them means anything
 * but text, and reading the file back gives the same lists. Keys keep the order they were put in,
 * so equal requests are equal bytes.
 */
final class CondaRequest {

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CondaRequest() {}

    static String write(Map<String, Object> request) {
        try {
            return JSON.writeValueAsString(request) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
