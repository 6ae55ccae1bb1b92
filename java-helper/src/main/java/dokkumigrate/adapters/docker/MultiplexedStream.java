package dokkumigrate.adapters.docker;

import java.io.IOException;
import java.io.InputStream;

/**
 * The output of a container without a TTY, as attach sends it: frames of an 8-byte header (the
 * stream: 1 stdout, 2 stderr; three zero bytes; the payload's length, big-endian) and the payload.
 * Read as one stream of payloads in the order the engine sent them, stdout and stderr merged, as
 * {@code docker container start --attach} prints them.
 */
final class MultiplexedStream extends BulkInputStream {

    private static final int HEADER = 8;

    private final InputStream frames;
    private final byte[] header = new byte[HEADER];
    private long remaining;

    MultiplexedStream(InputStream frames) {
        this.frames = frames;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (remaining == 0) {
            int read = frames.readNBytes(header, 0, HEADER);
            if (read == 0) {
                return -1;
            }
            if (read < HEADER) {
                throw new IOException("the output stream ended inside a frame header");
            }
            remaining = ((header[4] & 0xffL) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8)
                    | (header[7] & 0xff);
        }
        int count = frames.read(buffer, offset, (int) Math.min(length, remaining));
        if (count < 0) {
            throw new IOException("the output stream ended inside a frame, " + remaining + " bytes short");
        }
        remaining -= count;
        return count;
    }

    @Override
    public void close() throws IOException {
        frames.close();
    }
}
