package dev.terrarium.requirements;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a test corpus: one entry per line, "#" lines and blank lines skipped, and the escapes
 * {@code \\}, {@code \t}, {@code \n} and {@code \\uXXXX} decoded so that invisible characters stay
 * visible in the file.
 */
final class CorpusFile {

    private CorpusFile() {}

    static List<String> lines(String resource) {
        try (InputStream in = CorpusFile.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            List<String> entries = new ArrayList<>();
            for (String line :
                    new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1)) {
                if (!line.isEmpty() && !line.startsWith("#")) {
                    entries.add(unescape(line));
                }
            }
            return entries;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String unescape(String line) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c != '\\' || i + 1 == line.length()) {
                out.append(c);
                continue;
            }
            char next = line.charAt(++i);
            switch (next) {
                case 't' -> out.append('\t');
                case 'n' -> out.append('\n');
                case 'u' -> {
                    out.append((char) Integer.parseInt(line.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(next);
            }
        }
        return out.toString();
    }
}
