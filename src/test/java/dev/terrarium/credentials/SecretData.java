package dev.terrarium.credentials;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** A Secret's data as the API server returns it: each value base64-encoded. */
public final class SecretData {

    private SecretData() {}

    /** The data of key, value, key, value... */
    public static Map<String, String> of(String... keysAndValues) {
        Map<String, String> data = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            data.put(
                    keysAndValues[i],
                    Base64.getEncoder()
                            .encodeToString(keysAndValues[i + 1].getBytes(StandardCharsets.UTF_8)));
        }
        return data;
    }
}
