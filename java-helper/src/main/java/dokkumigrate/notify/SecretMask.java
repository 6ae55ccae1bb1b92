package dokkumigrate.notify;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Hides the app's config values in text sent out of the host. Every value of at least
 * {@link #MIN_LENGTH} characters is replaced by {@link #MARK} wherever it appears; shorter values
 * ({@code 1}, {@code on}, {@code 80}) are left alone, or every digit and short word would be masked
 * and the output unreadable. Longer values are masked first, so a value that contains another is
 * hidden whole.
 */
public final class SecretMask {
    public static final int MIN_LENGTH = 4;
    public static final String MARK = "[masked]";

    private final List<String> values;

    private SecretMask(List<String> values) {
        this.values = values;
    }

    public static SecretMask of(Collection<String> values) {
        return new SecretMask(values.stream()
                .filter(v -> v != null && v.length() >= MIN_LENGTH)
                .distinct()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList());
    }

    public static final SecretMask NONE = new SecretMask(List.of());

    public String apply(String text) {
        String masked = text;
        for (String value : values) {
            masked = masked.replace(value, MARK);
        }
        return masked;
    }
}
