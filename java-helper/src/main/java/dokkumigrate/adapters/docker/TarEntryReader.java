package dokkumigrate.adapters.docker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the first regular file of a tar stream (what {@code docker cp CONTAINER:PATH -}
 * writes), up to a size cap. Understands ustar headers, and skips pax ({@code x}/{@code g})
 * and GNU long-name ({@code L}/{@code K}) records in front of the entry.
 */
final class TarEntryReader {

    private static final int BLOCK = 512;

    /** The first entry: a regular file's bytes, or why it was not read. */
    sealed interface Entry permits File, NotAFile, TooLarge, Empty {
    }

    record File(byte[] content) implements Entry {
    }

    /** A directory, a device, a symlink docker did not follow... */
    record NotAFile(char type) implements Entry {
    }

    record TooLarge(long size) implements Entry {
    }

    /** The stream ended before any entry. */
    record Empty() implements Entry {
    }

    private TarEntryReader() {
    }

    static Entry firstEntry(InputStream tar, long maxBytes) throws IOException {
        while (true) {
            byte[] header = tar.readNBytes(BLOCK);
            if (header.length < BLOCK || isZeroBlock(header)) {
                return new Empty();
            }
            char type = (char) header[156];
            long size = size(header);
            if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
                skip(tar, padded(size));
                continue;
            }
            if (type != '0' && type != '\0' && type != '7') {
                return new NotAFile(type);
            }
            if (size < 0 || size > maxBytes) {
                return new TooLarge(size);
            }
            byte[] content = tar.readNBytes((int) size);
            if (content.length < size) {
                throw new IOException("tar stream ended inside a " + size + "-byte entry");
            }
            return new File(content);
        }
    }

    private static boolean isZeroBlock(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** The entry size: octal digits, or -1 for the base-256 form (only used for sizes far above any cap). */
    private static long size(byte[] header) {
        if ((header[124] & 0x80) != 0) {
            return -1;
        }
        String octal = new String(header, 124, 12, StandardCharsets.US_ASCII).replace("\0", "").strip();
        return octal.isEmpty() ? 0 : Long.parseLong(octal, 8);
    }

    private static long padded(long size) {
        return (size + BLOCK - 1) / BLOCK * BLOCK;
    }

    private static void skip(InputStream in, long bytes) throws IOException {
        long remaining = bytes;
        while (remaining > 0) {
            long skipped = in.skip(remaining);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new IOException("tar stream ended inside a header record");
                }
                skipped = 1;
            }
            remaining -= skipped;
        }
    }
}
