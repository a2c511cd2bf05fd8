package dev.terrarium.builder;

import dev.terrarium.buildcontext.InputRules;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.regex.Pattern;

/** Reads the pushed image's digest from the build container's termination message. */
public final class BuildResultParser {

    /** The key of the manifest digest in BuildKit's {@code --metadata-file} JSON. */
    public static final String BUILDKIT_DIGEST_KEY = "containerimage.digest";

    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private BuildResultParser() {
    }

    /**
     * The digest in {@code terminationMessage}: either a bare {@code sha256:<64 hex>} (kaniko's {@code --digest-file},
     * buildah's {@code --digestfile}), surrounding whitespace allowed, or a JSON object whose
     * {@value #BUILDKIT_DIGEST_KEY} is one (BuildKit's metadata file).
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
        if (!message.startsWith("{")) {
            throw new IllegalArgumentException("termination message is neither a sha256 digest nor BuildKit "
                    + "metadata: " + InputRules.printable(abbreviated(message)));
        }
        JsonNode metadata;
        try {
            metadata = JSON.readTree(message);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("termination message is not valid JSON (truncated?): "
                    + InputRules.printable(abbreviated(message)), e);
        }
        JsonNode digest = metadata == null ? null : metadata.get(BUILDKIT_DIGEST_KEY);
        if (digest == null || !digest.isTextual() || !DIGEST.matcher(digest.textValue()).matches()) {
            throw new IllegalArgumentException("BuildKit metadata has no sha256 " + BUILDKIT_DIGEST_KEY + ": "
                    + InputRules.printable(abbreviated(message)));
        }
        return digest.textValue();
    }

    private static String abbreviated(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }
}
