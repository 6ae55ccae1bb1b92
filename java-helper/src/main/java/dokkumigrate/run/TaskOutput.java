package dokkumigrate.run;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Where a task's output goes while it runs: the whole of it, raw, to the run's log file; the
 * last {@code tailLimit} bytes to memory for the ledger; and line by line, decoded as UTF-8, to
 * whoever shows it to the operator (the terminal's presentation is {@code output.Console}'s).
 * Memory stays bounded whatever the task prints. Each complete line can also go to an
 * {@link OutputLines} listener (the applied-migration recogniser), from the same line buffer.
 */
public final class TaskOutput extends OutputStream {
    private static final int MAX_LINE = 16 * 1024;

    private final OutputStream log;
    private final Consumer<String> terminal;
    private final TailBuffer tail;
    private final LineBuffer line = new LineBuffer();
    private final OutputLines lines;
    private boolean lineTooLong;
    private long total;

    /**
     * @param log       receives every byte (the caller closes it), or null
     * @param terminal  receives each line without its line end, and each part of a line too long to
     *                  wait for its end, as text; or null when quiet
     * @param tailLimit how many trailing bytes to keep in memory
     */
    public TaskOutput(OutputStream log, Consumer<String> terminal, int tailLimit) {
        this(log, terminal, tailLimit, null);
    }

    /** As above, with every complete line of at most 16 KiB also handed to {@code lines} (null: none). */
    public TaskOutput(OutputStream log, Consumer<String> terminal, int tailLimit, OutputLines lines) {
        this.log = log;
        this.terminal = terminal;
        this.tail = new TailBuffer(tailLimit);
        this.lines = lines;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        if (log != null) {
            log.write(bytes, offset, length);
        }
        tail.write(bytes, offset, length);
        total += length;
        if (terminal == null && lines == null) {
            return;
        }
        int start = offset;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            if (bytes[i] == '\n') {
                appendToLine(bytes, start, i - start);
                emitLine();
                start = i + 1;
            }
        }
        appendToLine(bytes, start, end - start);
    }

    /** Adds bytes without a newline to the current line, showing each {@code MAX_LINE} bytes of a long one. */
    private void appendToLine(byte[] bytes, int offset, int length) {
        int from = offset;
        int left = length;
        while (left > 0) {
            int part = Math.min(left, MAX_LINE - line.size());
            line.write(bytes, from, part);
            from += part;
            left -= part;
            if (line.size() >= MAX_LINE) {
                emitPartOfLongLine();
            }
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        if (log != null) {
            log.flush();
        }
    }

    /** Shows a last line that had no newline. */
    public synchronized void finish() throws IOException {
        if (line.size() > 0 && (terminal != null || lines != null)) {
            emitLine();
        }
        flush();
    }

    public synchronized long totalBytes() {
        return total;
    }

    public synchronized byte[] tail() {
        return tail.toByteArray();
    }

    private void emitLine() {
        int length = line.size();
        if (length > 0 && line.bytes()[length - 1] == '\r') {
            length--;
        }
        if (lines != null && !lineTooLong) {
            lines.line(line.bytes(), 0, length);
        }
        lineTooLong = false;
        if (terminal != null) {
            terminal.accept(new String(line.bytes(), 0, length, StandardCharsets.UTF_8));
        }
        line.reset();
    }

    /** Shows a line too long to wait for its end, keeping a character cut in two for the next part. */
    private void emitPartOfLongLine() {
        byte[] bytes = line.toByteArray();
        int cut = completeUtf8Length(bytes);
        line.reset();
        line.write(bytes, cut, bytes.length - cut);
        lineTooLong = true;
        if (terminal != null) {
            terminal.accept(new String(bytes, 0, cut, StandardCharsets.UTF_8));
        }
    }

    /** How many leading bytes remain once an incomplete UTF-8 sequence at the end is left off. */
    private static int completeUtf8Length(byte[] bytes) {
        int end = bytes.length;
        for (int i = end - 1; i >= Math.max(0, end - 3); i--) {
            int b = bytes[i] & 0xff;
            if ((b & 0xc0) == 0x80) {
                continue; // a continuation byte: look further back for the sequence's first byte
            }
            int needed = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
            return end - i < needed ? i : end;
        }
        return end;
    }

    /** The current line, readable in place (no copy per line). */
    private static final class LineBuffer extends ByteArrayOutputStream {
        byte[] bytes() {
            return buf;
        }
    }

    /** A ring buffer of the last bytes written. */
    private static final class TailBuffer {
        private final byte[] ring;
        private long written;

        TailBuffer(int capacity) {
            this.ring = new byte[Math.max(0, capacity)];
        }

        void write(byte[] bytes, int offset, int length) {
            if (ring.length == 0) {
                return;
            }
            if (length >= ring.length) {
                System.arraycopy(bytes, offset + length - ring.length, ring, 0, ring.length);
                written = ring.length * ((written / ring.length) + 2L);
                return;
            }
            int position = (int) (written % ring.length);
            int first = Math.min(length, ring.length - position);
            System.arraycopy(bytes, offset, ring, position, first);
            System.arraycopy(bytes, offset + first, ring, 0, length - first);
            written += length;
        }

        byte[] toByteArray() {
            if (written <= ring.length) {
                byte[] copy = new byte[(int) written];
                System.arraycopy(ring, 0, copy, 0, copy.length);
                return copy;
            }
            int position = (int) (written % ring.length);
            byte[] copy = new byte[ring.length];
            System.arraycopy(ring, position, copy, 0, ring.length - position);
            System.arraycopy(ring, 0, copy, ring.length - position, position);
            return copy;
        }
    }
}
