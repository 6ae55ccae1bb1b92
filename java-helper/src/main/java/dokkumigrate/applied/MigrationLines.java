package dokkumigrate.applied;

import dokkumigrate.run.OutputLines;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises, in a task's output as it streams, the lines with which migration frameworks report
 * an applied migration, and hands each migration to a consumer as soon as it is known.
 *
 * <p>Cost: a line longer than {@link #MAX_LINE} bytes is skipped at once (no framework prints a
 * longer one). Any other line is scanned once, byte by byte, for the first byte of a few fixed
 * anchors; only a line holding an anchor is decoded and given to that anchor's patterns. A line
 * without an anchor allocates nothing.
 */
public final class MigrationLines implements OutputLines {
    /** Longest line looked at, in bytes. */
    public static final int MAX_LINE = 512;
    /** Most file names taken after one Knex batch line. */
    private static final int MAX_KNEX_NAMES = 10_000;

    private static final byte[] KNEX_ANCHOR = "Batch ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ECTO_ANCHOR = "== Running ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[][] ANCHORS;
    private static final Format[][] FORMATS_OF_ANCHOR;
    private static final boolean[] ANCHOR_ENDS_LINE;
    /** For each byte value, the indexes (into ANCHORS) of the anchors starting with it, or null. */
    private static final int[][] ANCHORS_BY_FIRST_BYTE = new int[256][];

    static {
        List<byte[]> anchors = new ArrayList<>();
        List<Format[]> formats = new ArrayList<>();
        for (Format format : Format.values()) {
            if (anchors.stream().noneMatch(a -> java.util.Arrays.equals(a, format.anchor))) {
                anchors.add(format.anchor);
                formats.add(Format.withAnchor(format.anchor).toArray(new Format[0]));
            }
        }
        anchors.add(KNEX_ANCHOR);
        formats.add(new Format[0]);
        anchors.add(ECTO_ANCHOR);
        formats.add(new Format[0]);
        ANCHORS = anchors.toArray(new byte[0][]);
        FORMATS_OF_ANCHOR = formats.toArray(new Format[0][]);
        ANCHOR_ENDS_LINE = new boolean[ANCHORS.length];
        for (int i = 0; i < ANCHORS.length; i++) {
            ANCHOR_ENDS_LINE[i] = FORMATS_OF_ANCHOR[i].length > 0
                    && java.util.Arrays.stream(FORMATS_OF_ANCHOR[i]).allMatch(Format::anchorEndsLine);
        }
        if (ANCHORS.length > Long.SIZE) {
            throw new IllegalStateException("more anchors than a long has bits");
        }
        for (int i = 0; i < ANCHORS.length; i++) {
            int first = ANCHORS[i][0] & 0xff;
            int[] known = ANCHORS_BY_FIRST_BYTE[first];
            int[] grown = known == null ? new int[1] : java.util.Arrays.copyOf(known, known.length + 1);
            grown[grown.length - 1] = i;
            ANCHORS_BY_FIRST_BYTE[first] = grown;
        }
    }

    // knex bin/cli.js: "Batch N run: M migrations" (file names follow with --verbose), "Batch N ran the following migrations:"
    private static final Pattern KNEX_BATCH = Pattern.compile("Batch \\d+ (?:run: (\\d+) migrations?|ran the following migrations:)");
    private static final Pattern KNEX_FILE = Pattern.compile("^\\s*([\\w.-]{1,200}\\.[A-Za-z]{1,10})\\s*$");
    // ecto_sql lib/ecto/migration/runner.ex: "== Running VERSION Module.change/0 forward", before "== Migrated VERSION"
    private static final Pattern ECTO_RUNNING = Pattern.compile("== Running (\\d+) ([\\w.]+)\\.\\w+/\\d");
    private static final Pattern ESCAPES = Pattern.compile("\u001b\\[[0-9;?]*[A-Za-z]");

    private final Consumer<AppliedMigration> applied;
    private AppliedMigration started;
    private int knexNamesLeft;
    private String ectoVersion = "";
    private String ectoModule = "";

    /** @param applied hears each applied migration, on the thread that streams the output */
    public MigrationLines(Consumer<AppliedMigration> applied) {
        this.applied = applied;
    }

    @Override
    public void line(byte[] bytes, int offset, int length) {
        if (length > MAX_LINE) {
            knexNamesLeft = 0;
            return;
        }
        if (knexNamesLeft > 0 && knexName(text(bytes, offset, length))) {
            return;
        }
        int end = offset + length;
        long tried = 0; // each anchor's patterns search the whole line: try them once per line
        String text = null;
        for (int i = offset; i < end; i++) {
            int[] candidates = ANCHORS_BY_FIRST_BYTE[bytes[i] & 0xff];
            if (candidates == null) {
                continue;
            }
            for (int anchor : candidates) {
                if ((tried & (1L << anchor)) == 0 && startsWith(bytes, i, end, ANCHORS[anchor])
                        && (!ANCHOR_ENDS_LINE[anchor] || onlyBlanksAfter(bytes, i + ANCHORS[anchor].length, end))) {
                    tried |= 1L << anchor;
                    text = text != null ? text : text(bytes, offset, length);
                    if (recognise(anchor, text)) {
                        return;
                    }
                }
            }
        }
    }

    /**
     * The task ended: a migration reported as started counts as applied when the task succeeded;
     * when it failed, that one is where it stopped.
     */
    public void end(boolean succeeded) {
        if (succeeded && started != null) {
            applied.accept(started);
        }
        started = null;
    }

    private boolean recognise(int anchor, String line) {
        byte[] which = ANCHORS[anchor];
        if (which == KNEX_ANCHOR) {
            return knexBatch(line);
        }
        if (which == ECTO_ANCHOR) {
            Matcher m = ECTO_RUNNING.matcher(line);
            if (m.find()) {
                ectoVersion = m.group(1);
                String module = m.group(2);
                ectoModule = module.substring(module.lastIndexOf('.') + 1);
                return true;
            }
            return false;
        }
        for (Format format : FORMATS_OF_ANCHOR[anchor]) {
            AppliedMigration migration = format.match(line);
            if (migration != null) {
                report(format, migration);
                return true;
            }
        }
        return false;
    }

    private void report(Format format, AppliedMigration migration) {
        confirmStarted();
        if (format == Format.ECTO && migration.id().equals(ectoVersion)) {
            migration = new AppliedMigration(migration.framework(), migration.id(), ectoModule);
        }
        if (format.kind == Format.Kind.STARTED) {
            started = migration;
        } else {
            applied.accept(migration);
        }
    }

    /** A migration reported as started is done once the framework reports another one. */
    private void confirmStarted() {
        if (started != null) {
            AppliedMigration done = started;
            started = null;
            applied.accept(done);
        }
    }

    private boolean knexBatch(String line) {
        Matcher m = KNEX_BATCH.matcher(line);
        if (!m.find()) {
            return false;
        }
        confirmStarted();
        knexNamesLeft = m.group(1) == null ? MAX_KNEX_NAMES : Math.min(MAX_KNEX_NAMES, Integer.parseInt(m.group(1)));
        return true;
    }

    /** A line after a Knex batch line: one of its migration files, or the end of the list. */
    private boolean knexName(String line) {
        Matcher m = KNEX_FILE.matcher(line);
        if (!m.find()) {
            knexNamesLeft = 0;
            return false;
        }
        knexNamesLeft--;
        applied.accept(new AppliedMigration("knex", m.group(1), ""));
        return true;
    }

    private static boolean startsWith(byte[] bytes, int at, int end, byte[] anchor) {
        if (end - at < anchor.length) {
            return false;
        }
        for (int j = 1; j < anchor.length; j++) {
            if (bytes[at + j] != anchor[j]) {
                return false;
            }
        }
        return true;
    }

    /** Whether nothing but spaces and colour codes follows {@code from}. */
    private static boolean onlyBlanksAfter(byte[] bytes, int from, int end) {
        for (int i = from; i < end; i++) {
            byte b = bytes[i];
            boolean blankOrColour = b == ' ' || b == '\t' || b == 0x1b || b == '[' || b == ';' || b == 'm'
                    || (b >= '0' && b <= '9');
            if (!blankOrColour) {
                return false;
            }
        }
        return true;
    }

    /** The line as text, without terminal colour codes (frameworks colour their output on a terminal). */
    private static String text(byte[] bytes, int offset, int length) {
        String line = new String(bytes, offset, length, StandardCharsets.UTF_8);
        return line.indexOf('\u001b') < 0 ? line : ESCAPES.matcher(line).replaceAll("");
    }
}
