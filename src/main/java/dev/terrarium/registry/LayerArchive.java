package dev.terrarium.registry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

/**
 * Looks for one path in one image layer: a tar archive, gzip-compressed or not, with the OCI
 * whiteout conventions ({@code dir/.wh.name} deletes {@code dir/name} from the layers below, {@code
 * dir/.wh..wh..opq} hides everything below in {@code dir}).
 *
 * <p>Reads ustar, GNU long-name and PAX headers, which is what image builders write.
 */
final class LayerArchive {

    /** What a layer says about a path. */
    sealed interface Lookup permits Found, Hidden, Absent {}

    /** The layer holds the path as a regular file; its bytes are handed on, never compared. */
    @SuppressWarnings("ArrayRecordComponent")
    record Found(byte[] content) implements Lookup {}

    /**
     * The layer hides the path from the layers below: a whiteout of it or of a parent, an opaque
     * parent, or a non-directory at a parent or a directory at the path itself.
     */
    record Hidden(String reason) implements Lookup {}

    /** The layer says nothing about the path; look in the layer below. */
    record Absent() implements Lookup {}

    private static final String WHITEOUT_PREFIX = ".wh.";
    private static final String OPAQUE_WHITEOUT = ".wh..wh..opq";
    private static final int BLOCK = 512;

    private LayerArchive() {}

    /**
     * Scans a layer blob for {@code path}.
     *
     * @param blob the layer as stored in the registry
     * @param path a relative path without a leading slash, e.g. {@code opt/terrarium/lock}
     * @param maxFileBytes largest file content to return
     * @throws IOException if the archive is malformed, compressed in an unsupported way, the file
     *     is larger than allowed or the path is a link
     */
    static Lookup lookup(byte[] blob, String path, long maxFileBytes) throws IOException {
        String target = normalise(path);
        try (InputStream tar = decompressed(blob)) {
            return scan(tar, target, maxFileBytes);
        }
    }

    static String normalise(String path) {
        String normal = path.replaceAll("/+", "/");
        while (normal.startsWith("./") || normal.startsWith("/")) {
            normal = normal.startsWith("./") ? normal.substring(2) : normal.substring(1);
        }
        while (normal.endsWith("/")) {
            normal = normal.substring(0, normal.length() - 1);
        }
        return normal;
    }

    private static InputStream decompressed(byte[] blob) throws IOException {
        if (blob.length >= 2 && (blob[0] & 0xff) == 0x1f && (blob[1] & 0xff) == 0x8b) {
            return new GZIPInputStream(new ByteArrayInputStream(blob), 64 * 1024);
        }
        if (blob.length >= 4
                && (blob[0] & 0xff) == 0x28
                && (blob[1] & 0xff) == 0xb5
                && (blob[2] & 0xff) == 0x2f
                && (blob[3] & 0xff) == 0xfd) {
            throw new IOException("zstd-compressed layers are not supported");
        }
        return new ByteArrayInputStream(blob);
    }

    private static Lookup scan(InputStream tar, String target, long maxFileBytes)
            throws IOException {
        byte[] header = new byte[BLOCK];
        String longName = null;
        String paxPath = null;
        Long paxSize = null;
        String hiddenBecause = null;
        while (readBlock(tar, header)) {
            if (isZeroBlock(header)) {
                break;
            }
            verifyChecksum(header);
            char type = (char) header[156];
            boolean metadataEntry = type == 'x' || type == 'g' || type == 'L' || type == 'K';
            long size = paxSize != null && !metadataEntry ? paxSize : number(header, 124, 12);
            if (size < 0) {
                throw new IOException("negative entry size in tar header");
            }
            switch (type) {
                case 'L' -> {
                    longName = cString(readData(tar, size, maxFileBytes), 0, (int) size);
                    continue;
                }
                case 'x' -> {
                    String[] pax = paxPathAndSize(readData(tar, size, maxFileBytes));
                    paxPath = pax[0];
                    paxSize = pax[1] == null ? null : paxNumber(pax[1]);
                    continue;
                }
                case 'g', 'K' -> {
                    skip(tar, padded(size));
                    continue;
                }
                default -> {}
            }
            String name =
                    paxPath != null ? paxPath : longName != null ? longName : headerName(header);
            longName = null;
            paxPath = null;
            paxSize = null;
            String entry = normalise(name);
            boolean hasData = "123456".indexOf(type) < 0;

            if (entry.equals(target)) {
                switch (type) {
                    case '0', '\0', '7' -> {
                        return new Found(readContent(tar, size, maxFileBytes));
                    }
                    case '5' -> hiddenBecause = "it is a directory";
                    case '1', '2' ->
                            throw new IOException(
                                    target
                                            + " is a "
                                            + (type == '1' ? "hard" : "symbolic")
                                            + " link to "
                                            + cString(header, 157, 100)
                                            + "; links are not followed");
                    default -> hiddenBecause = "it is not a regular file (tar type '" + type + "')";
                }
            } else if (target.startsWith(entry + "/") && type != '5') {
                if (type == '2') {
                    throw new IOException(
                            "parent "
                                    + entry
                                    + " of "
                                    + target
                                    + " is a symbolic link; links are not followed");
                }
                hiddenBecause = "its parent " + entry + " is not a directory";
            } else {
                String whiteoutReason = whiteoutReason(entry, target);
                if (whiteoutReason != null) {
                    hiddenBecause = whiteoutReason;
                }
            }
            skip(tar, hasData ? padded(size) : 0);
        }
        return hiddenBecause == null ? new Absent() : new Hidden(hiddenBecause);
    }

    private static String whiteoutReason(String entry, String target) {
        int slash = entry.lastIndexOf('/');
        String directory = slash < 0 ? "" : entry.substring(0, slash);
        String base = entry.substring(slash + 1);
        if (base.equals(OPAQUE_WHITEOUT)) {
            return directory.isEmpty() || target.startsWith(directory + "/")
                    ? "opaque whiteout " + entry
                    : null;
        }
        if (base.startsWith(WHITEOUT_PREFIX)) {
            String deleted =
                    (directory.isEmpty() ? "" : directory + "/")
                            + base.substring(WHITEOUT_PREFIX.length());
            return target.equals(deleted) || target.startsWith(deleted + "/")
                    ? "whiteout " + entry
                    : null;
        }
        return null;
    }

    private static String headerName(byte[] header) {
        String name = cString(header, 0, 100);
        boolean ustar =
                header[257] == 'u'
                        && header[258] == 's'
                        && header[259] == 't'
                        && header[260] == 'a'
                        && header[261] == 'r';
        boolean gnu = ustar && header[262] == ' ';
        if (ustar && !gnu) {
            String prefix = cString(header, 345, 155);
            if (!prefix.isEmpty()) {
                return prefix + "/" + name;
            }
        }
        return name;
    }

    /**
     * PAX records are {@code "<length> <key>=<value>\n"}; only {@code path} and {@code size} matter
     * here.
     */
    private static String[] paxPathAndSize(byte[] data) throws IOException {
        String path = null;
        String size = null;
        int pos = 0;
        while (pos < data.length && data[pos] != 0) {
            int space = pos;
            while (space < data.length && data[space] != ' ') {
                space++;
            }
            int length;
            try {
                length =
                        Integer.parseInt(
                                new String(data, pos, space - pos, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new IOException("malformed PAX header record");
            }
            if (length <= space - pos || pos + length > data.length) {
                throw new IOException("malformed PAX header record length");
            }
            String record =
                    new String(data, space + 1, pos + length - space - 2, StandardCharsets.UTF_8);
            int equals = record.indexOf('=');
            if (equals > 0) {
                String key = record.substring(0, equals);
                if (key.equals("path")) {
                    path = record.substring(equals + 1);
                } else if (key.equals("size")) {
                    size = record.substring(equals + 1);
                }
            }
            pos += length;
        }
        return new String[] {path, size};
    }

    private static long paxNumber(String value) throws IOException {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IOException("malformed PAX size '" + value + "'");
        }
    }

    private static void verifyChecksum(byte[] header) throws IOException {
        long expected;
        try {
            expected = number(header, 148, 8);
        } catch (IOException e) {
            throw new IOException(
                    "tar header checksum is not a number: not a tar archive or corrupt");
        }
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += i >= 148 && i < 156 ? ' ' : header[i] & 0xff;
        }
        if (sum != expected) {
            throw new IOException("tar header checksum mismatch: not a tar archive or corrupt");
        }
    }

    /**
     * Octal, NUL- or space-terminated; or base-256 when the high bit of the first byte is set (GNU,
     * for big sizes).
     */
    private static long number(byte[] header, int offset, int length) throws IOException {
        if ((header[offset] & 0x80) != 0) {
            long value = header[offset] & 0x7f;
            for (int i = offset + 1; i < offset + length; i++) {
                value = (value << 8) | (header[i] & 0xff);
            }
            return value;
        }
        long value = 0;
        int i = offset;
        int end = offset + length;
        while (i < end && (header[i] == ' ' || header[i] == 0)) {
            i++;
        }
        for (; i < end && header[i] != 0 && header[i] != ' '; i++) {
            if (header[i] < '0' || header[i] > '7') {
                throw new IOException("malformed octal number in tar header");
            }
            value = value * 8 + (header[i] - '0');
        }
        return value;
    }

    private static String cString(byte[] bytes, int offset, int length) {
        int end = offset;
        while (end < offset + length && end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static byte[] readContent(InputStream tar, long size, long maxFileBytes)
            throws IOException {
        if (size > maxFileBytes) {
            throw new IOException(
                    "file is " + size + " bytes, more than the limit of " + maxFileBytes);
        }
        byte[] content = tar.readNBytes((int) size);
        if (content.length != size) {
            throw new IOException("tar archive ends inside a file");
        }
        return content;
    }

    private static byte[] readData(InputStream tar, long size, long maxBytes) throws IOException {
        byte[] data = readContent(tar, size, maxBytes);
        skip(tar, padded(size) - size);
        return data;
    }

    private static boolean readBlock(InputStream tar, byte[] block) throws IOException {
        int read = tar.readNBytes(block, 0, BLOCK);
        if (read == 0) {
            return false;
        }
        if (read < BLOCK) {
            throw new IOException("tar archive ends inside a header");
        }
        return true;
    }

    private static boolean isZeroBlock(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static long padded(long size) {
        return (size + BLOCK - 1) / BLOCK * BLOCK;
    }

    private static void skip(InputStream in, long count) throws IOException {
        long remaining = count;
        while (remaining > 0) {
            long skipped = in.skip(remaining);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new IOException("tar archive ends inside an entry");
                }
                skipped = 1;
            }
            remaining -= skipped;
        }
    }
}
