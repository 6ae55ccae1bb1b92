package dokkumigrate.deploy;

import dokkumigrate.ledger.Deploy;
import dokkumigrate.notify.Payload;
import dokkumigrate.run.TaskRun;

/**
 * What happens once a task run has ended and its end is recorded: the webhook notice and the
 * {@code post-migrate-task} trigger ({@link TaskEndNotice}). It never throws and never changes
 * the deploy's outcome.
 */
@FunctionalInterface
public interface TaskEnded {
    /** Nothing: for callers that tell no one. */
    TaskEnded NONE = (deploy, run, output) -> { };

    void ended(Deploy deploy, TaskRun run, Payload.Output output);
}
