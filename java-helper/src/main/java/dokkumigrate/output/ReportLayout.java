package dokkumigrate.output;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Dokku's {@code :report} block (plugins/common ReportSingleApp): one row per flag, sorted by
 * flag, the flag turned into a label ({@code --migrate-computed-timeout} becomes
 * {@code Migrate computed timeout:}) and padded to the longest flag, at least 31 characters.
 * Values are escaped so that none can break the layout.
 */
public final class ReportLayout {
    private static final int MIN_WIDTH = 31;

    private ReportLayout() {
    }

    /** {@code APP PLUGIN information}: the block's heading, without Dokku's arrow. */
    public static String heading(String app, String plugin) {
        return app + " " + plugin + " information";
    }

    /** The rows of a block, without Dokku's seven-space indent. */
    public static List<String> rows(Map<String, String> flags) {
        Map<String, String> sorted = new TreeMap<>(flags);
        int width = MIN_WIDTH;
        for (String flag : sorted.keySet()) {
            width = Math.max(width, flag.length());
        }
        List<String> rows = new ArrayList<>();
        for (Map.Entry<String, String> entry : sorted.entrySet()) {
            String label = label(entry.getKey()) + ":";
            rows.add(label + " ".repeat(Math.max(0, width - label.length())) + TerminalText.escape(entry.getValue()));
        }
        return rows;
    }

    /** {@code --migrate-computed-timeout} as {@code Migrate computed timeout}. */
    static String label(String flag) {
        String words = (flag.startsWith("--") ? flag.substring(2) : flag).replace('-', ' ').replace('.', ' ');
        return words.isEmpty() ? words : Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }
}
