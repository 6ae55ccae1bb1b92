package dokkumigrate.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The deployment tasks of one deploy, in the order they run: predeploy first, then release. */
public record Plan(List<Task> tasks) {
    public static final Plan EMPTY = new Plan(List.of());

    public Plan {
        List<Task> sorted = new ArrayList<>(tasks);
        sorted.sort(Comparator.comparing(Task::phase));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).phase() == sorted.get(i - 1).phase()) {
                throw new IllegalArgumentException("a plan holds one task per phase, got two " + sorted.get(i).phase().label());
            }
        }
        tasks = List.copyOf(sorted);
    }

    public static Plan of(Task... tasks) {
        return new Plan(List.of(tasks));
    }

    public boolean isEmpty() {
        return tasks.isEmpty();
    }

    public Optional<Task> task(Phase phase) {
        return tasks.stream().filter(t -> t.phase() == phase).findFirst();
    }
}
