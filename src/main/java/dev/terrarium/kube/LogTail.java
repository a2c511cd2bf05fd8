package dev.terrarium.kube;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The end of a builder's log, as a failed build's status shows it. */
public final class LogTail {

    /**
     * Longest line kept, in characters. A single line of a build log can be megabytes (a progress
     * bar redrawn with carriage returns, a minified file echoed); the tail lands in an object
     * status, which must stay small.
     */
    public static final int MAX_LINE_LENGTH = 500;

    private LogTail() {}

    /**
     * The last {@code lines} lines of {@code log}, joined with newlines. A line redrawn with
     * carriage returns keeps only what a terminal would show last; a longer line than {@link
     * #MAX_LINE_LENGTH} keeps its start and ends in an ellipsis. A final newline does not count as
     * an empty last line.
     */
    public static String last(String log, int lines) {
        if (log == null || log.isEmpty() || lines <= 0) {
            return "";
        }
        String[] all = log.split("\n", -1);
        int end = all.length;
        if (all[end - 1].isEmpty() || all[end - 1].equals("\r")) {
            end--;
        }
        List<String> tail = new ArrayList<>();
        for (int i = Math.max(0, end - lines); i < end; i++) {
            tail.add(shown(all[i]));
        }
        return String.join("\n", tail);
    }

    /**
     * The end of {@code log} in at most {@code maxBytes} bytes of UTF-8, starting at a line: what a
     * record of limited size keeps of a long log, whose end says how it finished. A log that fits
     * is kept whole.
     */
    public static String lastBytes(String log, int maxBytes) {
        byte[] bytes = log.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return log;
        }
        int start = bytes.length - maxBytes;
        int newline = start;
        while (newline < bytes.length && bytes[newline] != '\n') {
            newline++;
        }
        if (newline < bytes.length) {
            start = newline + 1;
        } else {
            // One line longer than the limit: cut inside it, at a character's first byte.
            while ((bytes[start] & 0xC0) == 0x80) {
                start++;
            }
        }
        return new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8);
    }

    private static String shown(String line) {
        String text = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        int redraw = text.lastIndexOf('\r');
        if (redraw >= 0) {
            text = text.substring(redraw + 1);
        }
        if (text.length() > MAX_LINE_LENGTH) {
            int cut = MAX_LINE_LENGTH - 1;
            if (Character.isHighSurrogate(text.charAt(cut - 1))) {
                cut--;
            }
            text = text.substring(0, cut) + "…";
        }
        return text;
    }
}
