package dokkumigrate.deploy;

/**
 * Work that goes with running a deploy's tasks, done by the caller that runs them and by no other
 * (a concurrent or repeated hook for the same deploy skips it), under the task lock.
 */
@FunctionalInterface
public interface TaskCompanion {
    /** Nothing beside the tasks. */
    TaskCompanion NONE = () -> { };

    /** Before the first task; throwing stops the deploy with nothing run. */
    void beforeTasks();

    /** After the tasks ran, whether they succeeded or failed (not when one threw). */
    default void afterTasks() {
    }
}
