package dokkumigrate.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.run.TaskLocks.Held;
import dokkumigrate.run.TaskLocks.LockTimeoutException;
import dokkumigrate.testsupport.ChildJvm;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every {@link TaskLocks} does, against real other processes: each implementation's test
 * extends this with its own store of locks and its own child-JVM holder.
 */
@SuppressWarnings("try") // a lock or a child process held for the length of a block
public abstract class TaskLocksContract {

    /**
     * The body of a child JVM's lock probe: {@code hold} takes the lock, prints "locked" and keeps it
     * until killed; {@code probe} tries once and prints "locked" or "busy".
     */
    public static void probe(TaskLocks locks, String mode, String key) throws InterruptedException {
        if (mode.equals("hold")) {
            locks.acquire(key, Duration.ofMinutes(5), Duration.ofMinutes(5), () -> { });
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
        try {
            locks.acquire(key, Duration.ZERO, Duration.ofMinutes(5), () -> { }).close();
            System.out.println("locked");
        } catch (LockTimeoutException e) {
            System.out.println("busy");
        }
    }
    protected static final Duration LONG = Duration.ofSeconds(30);
    protected static final Runnable NOTHING = () -> { };

    /** The locks under test; each call a new instance over the same store of locks. */
    protected abstract TaskLocks locks();

    /** A child JVM that takes KEY's lock, prints "locked" and keeps it until killed; started and awaited. */
    protected abstract ChildJvm startHolder(String key) throws Exception;

    /** Whether another process could take KEY's lock right now: "locked" (it could, and let go) or "busy". */
    protected abstract String probe(String key) throws Exception;

    /** Whether a request for KEY's lock sleeps where the lock is kept (kernel, server) right now. */
    protected abstract boolean waitsWhereTheLockIsKept(String key) throws Exception;

    @Test
    void aFreeLockIsTakenAtOnceAndReleasedOnClose() {
        TaskLocks locks = locks();
        AtomicInteger waits = new AtomicInteger();
        try (Held held = locks.acquire("app.web", Duration.ZERO, LONG, waits::incrementAndGet)) {
            assertEquals("app.web", held.lockKey());
        }
        try (Held again = locks.acquire("app.web", Duration.ZERO, LONG, waits::incrementAndGet)) {
            assertEquals("app.web", again.lockKey());
        }
        assertEquals(0, waits.get());
    }

    @Test
    void isHeldIsFalseForALockNobodyTook() {
        TaskLocks locks = locks();
        assertFalse(locks.isHeld("app.never"));

        locks.acquire("app.web", Duration.ZERO, LONG, NOTHING).close();
        assertFalse(locks.isHeld("app.web"));
    }

    @Test
    void isHeldSeesALockOfAnotherProcess() throws Exception {
        TaskLocks locks = locks();
        try (ChildJvm holder = startHolder("app.web")) {
            assertTrue(locks.isHeld("app.web"));
            assertFalse(locks.isHeld("app.api"));
        }
        assertTrue(eventually(() -> !locks.isHeld("app.web")), "the killed holder's lock was never freed");
    }

    @Test
    void aLockHeldByAnotherProcessTimesOutAfterMaxWait() throws Exception {
        TaskLocks locks = locks();
        try (ChildJvm holder = startHolder("app.web")) {
            AtomicInteger reports = new AtomicInteger();
            long started = System.nanoTime();

            LockTimeoutException timeout = assertThrows(LockTimeoutException.class,
                    () -> locks.acquire("app.web", Duration.ofMillis(400), Duration.ofMillis(100), reports::incrementAndGet));

            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(waited >= 400, "gave up after " + waited + " ms");
            // the holder never lets go: giving up at all, long before the test's own limit, is the timeout
            assertTrue(waited < 300_000, "waited " + waited + " ms");
            assertTrue(timeout.getMessage().contains("app.web"), timeout.getMessage());
            assertTrue(reports.get() >= 1, "whileWaiting was never called");
            assertTrue(locks.isHeld("app.web"), "the holder still has it");
        }
    }

    @Test
    void whileWaitingIsCalledOnceAtFirstThenEveryReportPeriod() throws Exception {
        TaskLocks locks = locks();
        try (ChildJvm holder = startHolder("app.web")) {
            AtomicInteger reports = new AtomicInteger();

            assertThrows(LockTimeoutException.class,
                    () -> locks.acquire("app.web", Duration.ofMillis(300), Duration.ofMinutes(1), reports::incrementAndGet));

            assertEquals(1, reports.get());
        }
    }

    @Test
    void aWaiterGetsTheLockOnceTheHolderIsKilled() throws Exception {
        TaskLocks locks = locks();
        try (ChildJvm holder = startHolder("app.web")) {
            CountDownLatch waiting = new CountDownLatch(1);
            CompletableFuture<Held> acquired = CompletableFuture.supplyAsync(
                    () -> locks.acquire("app.web", LONG, Duration.ofMillis(50), waiting::countDown));
            assertTrue(waiting.await(30, TimeUnit.SECONDS), "the waiter never reported waiting");
            assertFalse(acquired.isDone());

            holder.kill();

            try (Held held = acquired.get(30, TimeUnit.SECONDS)) {
                assertEquals("app.web", held.lockKey());
            }
        }
    }

    @Test
    void theLockOfAKilledHolderIsFreed() throws Exception {
        TaskLocks locks = locks();
        ChildJvm holder = startHolder("app.web");
        assertTrue(locks.isHeld("app.web"));

        holder.kill();

        assertTrue(eventually(() -> !locks.isHeld("app.web")), "the killed holder's lock was never freed");
        try (Held held = locks.acquire("app.web", Duration.ZERO, LONG, NOTHING)) {
            assertEquals("app.web", held.lockKey());
        }
    }

    @Test
    void anotherProcessCannotTakeAHeldLockUntilItIsReleased() throws Exception {
        Held held = locks().acquire("app.web", Duration.ZERO, LONG, NOTHING);
        assertEquals("busy", probe("app.web"));
        assertEquals("locked", probe("app.api"));

        held.close();

        assertEquals("locked", probe("app.web"));
    }

    @Test
    void askingWhetherItsOwnLockIsHeldKeepsTheLock() throws Exception {
        TaskLocks locks = locks();
        try (Held held = locks.acquire("app.web", Duration.ZERO, LONG, NOTHING)) {
            assertTrue(locks.isHeld("app.web"));
            assertTrue(locks().isHeld("app.web"));

            assertEquals("busy", probe("app.web"));
        }
    }

    @Test
    void aSecondAcquireInTheSameProcessWaitsAndKeepsTheFirstLock() throws Exception {
        TaskLocks locks = locks();
        try (Held held = locks.acquire("app.web", Duration.ZERO, LONG, NOTHING)) {
            AtomicInteger reports = new AtomicInteger();

            assertThrows(LockTimeoutException.class,
                    () -> locks.acquire("app.web", Duration.ofMillis(200), LONG, reports::incrementAndGet));

            assertEquals(1, reports.get());
            assertEquals("busy", probe("app.web"));
        }
        assertEquals("locked", probe("app.web"));
    }

    @Test
    void closingAReleasedLockAgainLeavesTheNextHolderAlone() throws Exception {
        TaskLocks locks = locks();
        Held first = locks.acquire("app.web", Duration.ZERO, LONG, NOTHING);
        first.close();
        try (Held second = locks.acquire("app.web", Duration.ZERO, LONG, NOTHING)) {
            first.close();

            assertTrue(locks.isHeld("app.web"));
            assertEquals("busy", probe("app.web"));
        }
    }

    @Test
    void aTimeoutBelowASecondIsReportedInMilliseconds() {
        TaskLocks locks = locks();
        try (Held held = locks.acquire("app.web", Duration.ZERO, LONG, NOTHING)) {
            LockTimeoutException timeout = assertThrows(LockTimeoutException.class,
                    () -> locks.acquire("app.web", Duration.ofMillis(120), LONG, NOTHING));

            assertTrue(timeout.getMessage().startsWith("The app.web lock stayed held for longer than 120ms"),
                    timeout.getMessage());
        }
    }

    @Test
    void aThreadWaitingInTheSameProcessGetsTheLockWhenTheFirstReleasesIt() throws Exception {
        TaskLocks locks = locks();
        Held first = locks.acquire("app.web", Duration.ZERO, LONG, NOTHING);
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Held> second = CompletableFuture.supplyAsync(
                () -> locks.acquire("app.web", LONG, Duration.ofMillis(50), waiting::countDown));
        assertTrue(waiting.await(30, TimeUnit.SECONDS));

        first.close();

        try (Held held = second.get(30, TimeUnit.SECONDS)) {
            assertEquals("busy", probe("app.web"));
        }
    }

    @Test
    void anInterruptedWaiterGivesUpAndKeepsItsInterruptFlag() throws Exception {
        TaskLocks locks = locks();
        try (ChildJvm holder = startHolder("app.web")) {
            CompletableFuture<Boolean> interruptedAfter = new CompletableFuture<>();
            CountDownLatch waiting = new CountDownLatch(1);
            Thread waiter = new Thread(() -> {
                try {
                    locks.acquire("app.web", LONG, Duration.ofMillis(50), waiting::countDown);
                    interruptedAfter.completeExceptionally(new AssertionError("took a held lock"));
                } catch (LockTimeoutException e) {
                    interruptedAfter.complete(Thread.currentThread().isInterrupted());
                }
            });
            waiter.start();
            assertTrue(waiting.await(30, TimeUnit.SECONDS));

            waiter.interrupt();

            assertTrue(interruptedAfter.get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void aWaiterSleepsUntilTheHolderLetsGoAndThenLooksOnceMore() throws Exception {
        TaskLocks locks = locks();
        try (ChildJvm holder = startHolder("app.web")) {
            AtomicInteger calls = new AtomicInteger();
            CountDownLatch waiting = new CountDownLatch(1);
            CompletableFuture<Held> acquired = CompletableFuture.supplyAsync(() -> locks.acquire("app.web", LONG,
                    Duration.ofMinutes(10), () -> {
                        calls.incrementAndGet();
                        waiting.countDown();
                    }));
            assertTrue(waiting.await(30, TimeUnit.SECONDS), "the waiter never reported waiting");
            assertTrue(eventually(() -> waitsWhereTheLockIsKept("app.web")), "the wait is a request where the lock is kept");

            holder.kill();

            // the report period is 10 minutes: getting the lock now is the waiter being woken
            try (Held held = acquired.get(60, TimeUnit.SECONDS)) {
                assertEquals("app.web", held.lockKey());
                assertEquals(2, calls.get(), "once when found held, once when taken after the wait");
                assertEquals("busy", probe("app.web"));
            }
        }
    }

    @Test
    void whileWaitingThrowingOnceTheLockIsTakenHandsTheLockBack() throws Exception {
        TaskLocks locks = locks();
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<Held> acquired;
        try (ChildJvm holder = startHolder("app.web")) {
            CountDownLatch waiting = new CountDownLatch(1);
            acquired = CompletableFuture.supplyAsync(() -> locks.acquire("app.web", LONG, Duration.ofMinutes(10), () -> {
                if (calls.incrementAndGet() > 1) {
                    throw new IllegalStateException("nothing left to do");
                }
                waiting.countDown();
            }));
            assertTrue(waiting.await(30, TimeUnit.SECONDS));
            holder.kill();
        }

        ExecutionException failed = assertThrows(ExecutionException.class, () -> acquired.get(60, TimeUnit.SECONDS));
        assertEquals("nothing left to do", failed.getCause().getMessage());
        assertFalse(locks.isHeld("app.web"));
        assertEquals("locked", probe("app.web"));
    }

    @Test
    void aWaiterThatGivesUpLeavesNoRequestBehind() throws Exception {
        TaskLocks locks = locks();
        try (ChildJvm holder = startHolder("app.web")) {
            assertThrows(LockTimeoutException.class,
                    () -> locks.acquire("app.web", Duration.ofMillis(300), Duration.ofMinutes(1), NOTHING));

            assertTrue(eventually(() -> !waitsWhereTheLockIsKept("app.web")), "the lock request was withdrawn");
            assertEquals("busy", probe("app.web"), "the holder keeps its lock");
            holder.kill();
            assertTrue(eventually(() -> !locks.isHeld("app.web")), "the killed holder's lock was never freed");
            try (Held held = locks.acquire("app.web", Duration.ZERO, LONG, NOTHING)) {
                assertEquals("app.web", held.lockKey());
            }
        }
    }

    /** A condition that may throw, for {@link #eventually}. */
    protected interface Condition {
        boolean holds() throws Exception;
    }

    /** Whether CONDITION comes to hold within 30 s (looked at every 10 ms). */
    protected static boolean eventually(Condition condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        return true;
    }
}
