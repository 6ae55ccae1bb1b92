package dokkumigrate.deploy;

import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a deploy stands, from its plan and its runs: each task's last attempt decides.
 *
 * @param tasks each task of the plan with its last attempt, in the order they run
 */
public record DeployState(Kind kind, List<TaskState> tasks) {

    public enum Kind {
        /** The deploy has no release or predeploy task. */
        NO_TASKS,
        /** No task has run yet. */
        PLANNED,
        /** A task is running now (or was left running by a helper that died: see migrate:doctor). */
        RUNNING,
        /** Every task succeeded. */
        SUCCEEDED,
        /** A task failed: the deploy was aborted. */
        FAILED,
        /** A task ran longer than the timeout: the deploy was aborted. */
        TIMED_OUT,
        /** A task's helper stopped while it ran. */
        INTERRUPTED;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** A task of the plan and its last attempt, if any. */
    public record TaskState(Task task, Optional<TaskRun> lastRun) {
        public String describe() {
            return task.phase().label() + " " + lastRun.map(r -> r.state().label() + " (run #" + r.id() + ")")
                    .orElse("not run");
        }
    }

    public static DeployState of(Plan plan, List<TaskRun> runs) {
        List<TaskState> tasks = new ArrayList<>();
        for (Task task : plan.tasks()) {
            Optional<TaskRun> last = runs.stream().filter(r -> r.phase() == task.phase())
                    .reduce((first, second) -> second.id() > first.id() ? second : first);
            tasks.add(new TaskState(task, last));
        }
        return new DeployState(kindOf(tasks), List.copyOf(tasks));
    }

    private static Kind kindOf(List<TaskState> tasks) {
        if (tasks.isEmpty()) {
            return Kind.NO_TASKS;
        }
        if (tasks.stream().anyMatch(t -> t.lastRun().map(r -> r.state() == RunState.RUNNING).orElse(false))) {
            return Kind.RUNNING;
        }
        for (TaskState task : tasks) {
            if (task.lastRun().isEmpty()) {
                continue;
            }
            switch (task.lastRun().get().state()) {
                case FAILED -> {
                    return Kind.FAILED;
                }
                case TIMED_OUT -> {
                    return Kind.TIMED_OUT;
                }
                case INTERRUPTED -> {
                    return Kind.INTERRUPTED;
                }
                default -> { }
            }
        }
        boolean allDone = tasks.stream().allMatch(t -> t.lastRun().map(r -> r.state().letsDeployProceed()).orElse(false));
        return allDone ? Kind.SUCCEEDED : Kind.PLANNED;
    }

    /** {@code predeploy succeeded (run #3), release failed (run #4)}; empty without tasks. */
    public String describeTasks() {
        return String.join(", ", tasks.stream().map(TaskState::describe).toList());
    }

    /** The tasks whose last attempt did not end in a state that lets the deploy go on (or that never ran). */
    public List<TaskState> unrun() {
        return tasks.stream().filter(t -> t.lastRun().map(r -> !r.state().letsDeployProceed()).orElse(true)).toList();
    }

    /** The last attempt of the first task that stopped the deploy, if one did. */
    public Optional<TaskRun> failedRun() {
        return tasks.stream().map(TaskState::lastRun).flatMap(Optional::stream)
                .filter(r -> r.state() == RunState.FAILED || r.state() == RunState.TIMED_OUT
                        || r.state() == RunState.INTERRUPTED)
                .findFirst();
    }
}
