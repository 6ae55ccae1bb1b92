package dokkumigrate.deploy;

import dokkumigrate.ledger.Ledger;
import dokkumigrate.ledger.LockHolder;
import dokkumigrate.run.TaskLocks;
import dokkumigrate.run.TaskRun;
import dokkumigrate.run.TaskRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * {@code migrate:unlock}: clears what a dead helper left behind (its lock-holder record, runs it
 * left running, their containers). The lock itself is a kernel file lock, released when its holder
 * dies and never breakable from outside: a live holder is refused, or, with {@code force}, its
 * record and runs are cleared and the operator is told to stop the process.
 */
public final class Unlock {
    private final Ledger ledger;
    private final TaskLocks locks;
    private final TaskRunner runner;
    private final ProcessIdentity helper;
    private final Function<String, String> lockKeyOf;
    private final LongConsumer deadRunEnded;

    /**
     * @param lockKeyOf    the key of the lock an app's tasks run under
     * @param deadRunEnded tells of the end of a run a dead helper left, once it is marked interrupted
     */
    public Unlock(Ledger ledger, TaskLocks locks, TaskRunner runner, ProcessIdentity helper,
                  Function<String, String> lockKeyOf, LongConsumer deadRunEnded) {
        this.ledger = ledger;
        this.locks = locks;
        this.runner = runner;
        this.helper = helper;
        this.lockKeyOf = lockKeyOf;
        this.deadRunEnded = deadRunEnded;
    }

    public enum Kind {
        /** No process held the lock; stale records (if any) were cleared. */
        FREE,
        /** A process holds the lock and force was not given: nothing changed. */
        REFUSED,
        /** A process holds the lock; its record and runs were cleared anyway. It still holds the lock. */
        FORCED
    }

    /**
     * What was found and done.
     *
     * @param holder           who holds (or, when free, last held) the lock, as recorded
     * @param holderAlive      whether the holder's process is alive on this host (false when unknown)
     * @param holderOnThisHost whether the holder ran on this host, so its liveness could be checked
     * @param clearedRecord    whether a holder record was removed
     * @param interrupted      the runs marked interrupted
     * @param containers       the containers removed
     */
    public record Outcome(Kind kind, String lockKey, Optional<LockHolder> holder, boolean holderAlive,
                          boolean holderOnThisHost, boolean clearedRecord, List<TaskRun> interrupted,
                          List<String> containers) {
    }

    public Outcome unlock(String app, boolean force) {
        String lockKey = lockKeyOf.apply(app);
        Optional<LockHolder> holder = ledger.lockHolder(lockKey);
        boolean onThisHost = holder.map(h -> h.host().equals(helper.host())).orElse(false);
        boolean alive = holder.map(h -> helper.isAlive(h.host(), h.pid())).orElse(false);
        if (!locks.isHeld(lockKey)) {
            Optional<Outcome> freed = clearWhileFree(app, lockKey);
            if (freed.isPresent()) {
                return freed.get();
            }
            // taken between the check and the attempt: someone holds it now
            holder = ledger.lockHolder(lockKey);
            onThisHost = holder.map(h -> h.host().equals(helper.host())).orElse(false);
            alive = holder.map(h -> helper.isAlive(h.host(), h.pid())).orElse(false);
        }
        if (!force) {
            return new Outcome(Kind.REFUSED, lockKey, holder, alive, onThisHost, false, List.of(), List.of());
        }
        List<TaskRun> interrupted = new ArrayList<>();
        List<String> containers = new ArrayList<>();
        boolean cleared = false;
        if (holder.isPresent()) {
            LockHolder h = holder.get();
            for (TaskRun run : ledger.runningRuns(h.app())) {
                if (run.helperPid() == h.pid() && run.host().equals(h.host())) {
                    interrupt(run, "marked interrupted by migrate:unlock --force while helper " + h.pid() + " on "
                            + h.host() + " still held the lock", interrupted, containers);
                }
            }
            ledger.clearLockHolder(lockKey, h.pid());
            cleared = true;
        }
        ledger.recordEvent(app, "unlock", "forced: " + lockKey + holder.map(h -> " held by pid " + h.pid() + " on "
                + h.host() + " (deploy #" + h.deployId() + ")").orElse(" held by an unrecorded process")
                + describe(interrupted, containers), helper.clock().instant());
        return new Outcome(Kind.FORCED, lockKey, holder, alive, onThisHost, cleared, interrupted, containers);
    }

    /** Takes the lock (never waiting) and clears stale records under it; empty when it is held after all. */
    private Optional<Outcome> clearWhileFree(String app, String lockKey) {
        TaskLocks.Held held;
        try {
            held = locks.acquire(lockKey, Duration.ZERO, Duration.ofDays(1), () -> { });
        } catch (TaskLocks.LockTimeoutException e) {
            return Optional.empty();
        }
        try (held) {
            Optional<LockHolder> stale = ledger.lockHolder(lockKey);
            List<TaskRun> interrupted = new ArrayList<>();
            List<String> containers = new ArrayList<>();
            List<TaskRun> running = new ArrayList<>(ledger.runningRuns(app));
            if (stale.isPresent() && !stale.get().app().equals(app)) {
                LockHolder h = stale.get();
                ledger.runningRuns(h.app()).stream()
                        .filter(run -> run.helperPid() == h.pid() && run.host().equals(h.host()))
                        .forEach(running::add);
            }
            for (TaskRun run : running) {
                interrupt(run, "helper " + run.helperPid() + " on " + run.host() + " stopped while the task ran; "
                        + "marked interrupted by migrate:unlock", interrupted, containers);
            }
            stale.ifPresent(h -> ledger.clearLockHolder(lockKey, h.pid()));
            ledger.recordEvent(app, "unlock", lockKey + " was free" + stale.map(h -> "; cleared the stale record of pid "
                    + h.pid() + " on " + h.host() + " (deploy #" + h.deployId() + ")").orElse("")
                    + describe(interrupted, containers), helper.clock().instant());
            // their helper is dead, so no one else tells of their end: the notice and post-migrate-task
            // (a live holder's runs, forced, are told of by that holder when they end)
            interrupted.forEach(run -> deadRunEnded.accept(run.id()));
            return Optional.of(new Outcome(Kind.FREE, lockKey, stale, false,
                    stale.map(h -> h.host().equals(helper.host())).orElse(false), stale.isPresent(), interrupted,
                    containers));
        }
    }

    private void interrupt(TaskRun run, String why, List<TaskRun> interrupted, List<String> containers) {
        List<String> removed = runner.removeContainersOfRun(run.id());
        containers.addAll(removed);
        ledger.markInterrupted(run.id(), why + (removed.isEmpty() ? "" : "; container removed"),
                helper.clock().instant());
        interrupted.add(run);
    }

    private static String describe(List<TaskRun> interrupted, List<String> containers) {
        if (interrupted.isEmpty()) {
            return "";
        }
        return "; marked interrupted: " + String.join(", ", interrupted.stream().map(r -> "run #" + r.id()).toList())
                + (containers.isEmpty() ? "" : "; removed " + containers.size() + " container(s)");
    }
}
