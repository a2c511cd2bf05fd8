package dev.terrarium.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LogTailTest {

    private static String numbered(int from, int to) {
        return IntStream.rangeClosed(from, to)
                .mapToObj(i -> "line " + i)
                .collect(Collectors.joining("\n"));
    }

    @Test
    void keepsTheLastLines() {
        assertThat(LogTail.last(numbered(1, 100) + "\n", 40)).isEqualTo(numbered(61, 100));
    }

    @Test
    void aShortLogIsKeptWhole() {
        assertThat(LogTail.last(numbered(1, 3), 40)).isEqualTo(numbered(1, 3));
    }

    @Test
    void aFinalNewlineIsNotAnEmptyLastLineButEmptyLinesInsideCount() {
        assertThat(LogTail.last("a\n\nb\n", 2)).isEqualTo("\nb");
        assertThat(LogTail.last("a\nb\n\n", 1)).isEmpty();
    }

    @Test
    void windowsLineEndingsAreDropped() {
        assertThat(LogTail.last("a\r\nb\r\nc\r\n", 2)).isEqualTo("b\nc");
    }

    @Test
    void aRedrawnProgressLineKeepsWhatATerminalShowsLast() {
        assertThat(LogTail.last("Downloading\n 10%\r 50%\r100%\nDone", 2)).isEqualTo("100%\nDone");
    }

    @Test
    void longLinesAreCut() {
        String tail = LogTail.last("x".repeat(100_000) + "\nend", 40);

        assertThat(tail.lines().findFirst().orElseThrow())
                .hasSize(LogTail.MAX_LINE_LENGTH)
                .endsWith("…");
        assertThat(tail).endsWith("\nend");
    }

    @Test
    void aCutNeverSplitsASurrogatePair() {
        String line = "x".repeat(LogTail.MAX_LINE_LENGTH - 2) + "🐍🐍🐍";

        String tail = LogTail.last(line, 1);

        assertThat(tail).endsWith("…");
        assertThat(Character.isHighSurrogate(tail.charAt(tail.length() - 2))).isFalse();
    }

    @Test
    void nothingToShow() {
        assertThat(LogTail.last(null, 40)).isEmpty();
        assertThat(LogTail.last("", 40)).isEmpty();
        assertThat(LogTail.last("a\nb", 0)).isEmpty();
    }

    @Test
    void aLogWithinTheLimitIsKeptWhole() {
        assertThat(LogTail.lastBytes(numbered(1, 10), 1000)).isEqualTo(numbered(1, 10));
    }

    @Test
    void aLongLogKeepsItsEndFromTheStartOfALine() {
        String log = numbered(1, 1000) + "\n";
        String kept = LogTail.lastBytes(log, 100);
        assertThat(kept.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(100);
        assertThat(kept).startsWith("line ").endsWith("line 1000\n");
        assertThat(log).endsWith("\n" + kept);
    }

    @Test
    void oneHugeLineIsCutBetweenCharactersNotInsideOne() {
        String log = "é".repeat(1000);
        String kept = LogTail.lastBytes(log, 101);
        assertThat(kept).isEqualTo("é".repeat(50));
    }
}
