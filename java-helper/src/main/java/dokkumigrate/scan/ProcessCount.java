package dokkumigrate.scan;

import java.util.Objects;

/** A process type and how many instances of it run ({@code web=2}). */
public record ProcessCount(String processType, int instances) {
    public ProcessCount {
        Objects.requireNonNull(processType, "processType");
    }

    @Override
    public String toString() {
        return processType + "=" + instances;
    }
}
