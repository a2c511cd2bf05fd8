package dev.terrarium.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terrarium.testing.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LayerArchiveTest {

    private static final long LIMIT = 1024 * 1024;

    @Test
    void findsAFileInAGzipLayerWhateverTheLeadingSlashes() throws IOException {
        byte[] layer = gzip(TestImages.tar(Map.of("opt/terrarium/lock", "numpy==1.26.4\n")));

        assertThat(content(LayerArchive.lookup(layer, "opt/terrarium/lock", LIMIT)))
                .isEqualTo("numpy==1.26.4\n");
        assertThat(content(LayerArchive.lookup(layer, "/opt/terrarium/lock", LIMIT)))
                .isEqualTo("numpy==1.26.4\n");
        assertThat(LayerArchive.lookup(layer, "opt/terrarium/other", LIMIT))
                .isInstanceOf(LayerArchive.Absent.class);
    }

    @Test
    void whiteoutsHideTheFileOrItsParent() throws IOException {
        assertThat(hiddenBecause(Map.of("opt/terrarium/.wh.lock", "")))
                .isEqualTo("whiteout opt/terrarium/.wh.lock");
        assertThat(hiddenBecause(Map.of("opt/.wh.terrarium", "")))
                .isEqualTo("whiteout opt/.wh.terrarium");
        assertThat(hiddenBecause(Map.of("opt/terrarium/.wh..wh..opq", "")))
                .isEqualTo("opaque whiteout opt/terrarium/.wh..wh..opq");
        assertThat(
                        LayerArchive.lookup(
                                TestImages.tar(Map.of("opt/terrarium/.wh.lock2", "")),
                                "opt/terrarium/lock",
                                LIMIT))
                .isInstanceOf(LayerArchive.Absent.class);
        assertThat(
                        LayerArchive.lookup(
                                TestImages.tar(Map.of("opt/other/.wh..wh..opq", "")),
                                "opt/terrarium/lock",
                                LIMIT))
                .isInstanceOf(LayerArchive.Absent.class);
    }

    @Test
    void aFileWhereADirectoryShouldBeHidesThePath() throws IOException {
        assertThat(hiddenBecause(Map.of("opt/terrarium", "a file, not a directory")))
                .isEqualTo("its parent opt/terrarium is not a directory");
        assertThat(hiddenBecause(Map.of("opt/terrarium/lock/inner", "lock is a directory here")))
                .isEqualTo("it is a directory");
    }

    @Test
    void aFileInAnOpaqueDirectoryOfTheSameLayerIsFound() throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("opt/terrarium/.wh..wh..opq", "");
        files.put("opt/terrarium/lock", "fresh");

        assertThat(content(LayerArchive.lookup(TestImages.tar(files), "opt/terrarium/lock", LIMIT)))
                .isEqualTo("fresh");
    }

    @Test
    void aFileLargerThanTheLimitIsRefused() {
        byte[] layer = TestImages.tar(Map.of("big", "x".repeat(2048)));

        assertThatThrownBy(() -> LayerArchive.lookup(layer, "big", 1024))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("more than the limit of 1024");
    }

    @Test
    void garbageIsNotATar() {
        byte[] garbage = "this is not a tar archive".repeat(40).getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> LayerArchive.lookup(garbage, "a", LIMIT))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("checksum");
    }

    /**
     * GNU tar writes long names as 'L' entries (gnu) or PAX 'x' headers (pax), as image builders
     * do.
     */
    @ParameterizedTest
    @ValueSource(strings = {"gnu", "pax", "ustar"})
    void readsArchivesOfGnuTar(String format, @TempDir Path root) throws Exception {
        String deep = "opt/terrarium/" + "very-long-directory-name/".repeat(5) + "lock";
        Path file = root.resolve("content").resolve(deep);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "deep content");
        Files.writeString(root.resolve("content/opt/terrarium/short"), "short content");
        Files.createSymbolicLink(root.resolve("content/opt/terrarium/link"), Path.of("short"));
        Path archive = root.resolve("layer.tar");
        Process tar =
                new ProcessBuilder(
                                "tar",
                                "--format=" + format,
                                "-C",
                                root.resolve("content").toString(),
                                "-cf",
                                archive.toString(),
                                ".")
                        .redirectErrorStream(true)
                        .start();
        String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tar.waitFor()).as(output).isZero();
        byte[] layer = Files.readAllBytes(archive);

        assertThat(content(LayerArchive.lookup(layer, deep, LIMIT))).isEqualTo("deep content");
        assertThat(content(LayerArchive.lookup(layer, "opt/terrarium/short", LIMIT)))
                .isEqualTo("short content");
        assertThatThrownBy(() -> LayerArchive.lookup(layer, "opt/terrarium/link", LIMIT))
                .hasMessageContaining("symbolic link to short");
        assertThat(LayerArchive.lookup(layer, "opt/terrarium", LIMIT))
                .isInstanceOf(LayerArchive.Hidden.class);
    }

    private static String hiddenBecause(Map<String, String> files) throws IOException {
        LayerArchive.Lookup lookup =
                LayerArchive.lookup(TestImages.tar(files), "opt/terrarium/lock", LIMIT);
        assertThat(lookup).isInstanceOf(LayerArchive.Hidden.class);
        return ((LayerArchive.Hidden) lookup).reason();
    }

    private static String content(LayerArchive.Lookup lookup) {
        assertThat(lookup).isInstanceOf(LayerArchive.Found.class);
        return new String(((LayerArchive.Found) lookup).content(), StandardCharsets.UTF_8);
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(content);
        }
        return out.toByteArray();
    }
}
