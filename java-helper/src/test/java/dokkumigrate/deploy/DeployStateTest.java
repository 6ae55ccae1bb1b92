package dokkumigrate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskRun;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeployStateTest {
    private static final Plan PLAN = Plan.of(new Task(Phase.RELEASE, "migrate"), new Task(Phase.PREDEPLOY, "assets"));

    private static TaskRun run(long id, Phase phase, RunState state) {
        return new TaskRun(id, 1, "web", phase, phase.label(), state, (int) id, Optional.empty(),
                Optional.of(Instant.EPOCH), Optional.empty(), "", "", "", "host", 1, id + ".log", "");
    }

    private static DeployState.Kind kind(Plan plan, TaskRun... runs) {
        return DeployState.of(plan, List.of(runs)).kind();
    }

    @Test
    void eachTasksLastAttemptDecides() {
        assertEquals(DeployState.Kind.NO_TASKS, kind(Plan.EMPTY));
        assertEquals(DeployState.Kind.PLANNED, kind(PLAN));
        assertEquals(DeployState.Kind.PLANNED, kind(PLAN, run(1, Phase.PREDEPLOY, RunState.SUCCEEDED)));
        assertEquals(DeployState.Kind.RUNNING, kind(PLAN, run(1, Phase.PREDEPLOY, RunState.SUCCEEDED),
                run(2, Phase.RELEASE, RunState.RUNNING)));
        assertEquals(DeployState.Kind.SUCCEEDED, kind(PLAN, run(1, Phase.PREDEPLOY, RunState.SUCCEEDED),
                run(2, Phase.RELEASE, RunState.SUCCEEDED)));
        assertEquals(DeployState.Kind.FAILED, kind(PLAN, run(1, Phase.PREDEPLOY, RunState.FAILED)));
        assertEquals(DeployState.Kind.TIMED_OUT, kind(PLAN, run(1, Phase.PREDEPLOY, RunState.SUCCEEDED),
                run(2, Phase.RELEASE, RunState.TIMED_OUT)));
        assertEquals(DeployState.Kind.SUCCEEDED, kind(PLAN, run(1, Phase.PREDEPLOY, RunState.SUCCEEDED),
                run(2, Phase.RELEASE, RunState.INTERRUPTED), run(3, Phase.RELEASE, RunState.SUCCEEDED)),
                "a retry after an interruption counts, not the interruption");
        assertEquals(DeployState.Kind.INTERRUPTED, kind(PLAN, run(1, Phase.PREDEPLOY, RunState.INTERRUPTED)));
    }

    @Test
    void theTasksAreDescribedInTheOrderTheyRun() {
        DeployState state = DeployState.of(PLAN, List.of(run(7, Phase.PREDEPLOY, RunState.SUCCEEDED),
                run(8, Phase.RELEASE, RunState.FAILED)));

        assertEquals("predeploy succeeded (run #7), release failed (run #8)", state.describeTasks());
        assertEquals(8, state.failedRun().orElseThrow().id());
        assertEquals("predeploy not run, release not run", DeployState.of(PLAN, List.of()).describeTasks());
        assertEquals("timed-out", DeployState.Kind.TIMED_OUT.label());
    }
}
