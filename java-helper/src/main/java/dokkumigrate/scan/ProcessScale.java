package dokkumigrate.scan;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** How many instances of each process type run: Dokku's {@code ps-current-scale} ({@code web=2} lines). */
public record ProcessScale(Map<String, Integer> instances) {

    public ProcessScale {
        instances = Collections.unmodifiableMap(new LinkedHashMap<>(instances));
        instances.forEach((type, count) -> {
            if (count < 0) {
                throw new IllegalArgumentException("negative scale for " + type + ": " + count);
            }
        });
    }

    /** Reads {@code type=count} lines (blank lines ignored; commas also separate, as in app.json formations). */
    public static ProcessScale parse(String text) {
        Map<String, Integer> instances = new LinkedHashMap<>();
        for (String item : text.split("[\\n,]")) {
            String entry = item.strip();
            if (entry.isEmpty()) {
                continue;
            }
            int equals = entry.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("not a process=count line: '" + entry + "'");
            }
            String count = entry.substring(equals + 1).strip();
            if (!count.matches("\\d+")) {
                throw new IllegalArgumentException("not a process count in '" + entry + "'");
            }
            instances.put(entry.substring(0, equals).strip(), Integer.parseInt(count));
        }
        return new ProcessScale(instances);
    }

    public static ProcessScale of(Map<String, Integer> instances) {
        return new ProcessScale(instances);
    }

    public int of(String processType) {
        return instances.getOrDefault(processType, 0);
    }
}
