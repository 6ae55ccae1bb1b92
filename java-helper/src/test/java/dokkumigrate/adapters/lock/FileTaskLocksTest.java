package dokkumigrate.adapters.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.run.TaskLocks.Held;
import dokkumigrate.run.TaskLocks.LockTimeoutException;
import dokkumigrate.testsupport.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@SuppressWarnings("try") // a lock or a child process held for the length of a block
class FileTaskLocksTest {
    private static final Duration LONG = Duration.ofSeconds(30);
    private static final Runnable NOTHING = () -> { };

    @TempDir
    Path dir;
    Path lockDir;
    FileTaskLocks locks;

    @BeforeEach
    void setUp() {
        lockDir = dir.resolve("data/migrate/locks");
        locks = new FileTaskLocks(lockDir);
    }

    @Test
    void aFreeLockIsTakenAtOnceAndReleasedOnClose() {
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
    void lockFilesAreCreatedWithMode0640() throws Exception {
        try (Held held = locks.acquire("group.main-db", Duration.ZERO, LONG, NOTHING)) {
            Path file = lockDir.resolve("group.main-db.lock");
            assertTrue(Files.isRegularFile(file));
            assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
    }

    @Test
    void theLockDirectoryIsCreatedWithMode0750() throws Exception {
        try (Held held = locks.acquire("app.web", Duration.ZERO, LONG, NOTHING)) {
            assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(lockDir)));
        }
    }

    @Test
    void aSlashInAKeyCannotEscapeTheLockDirectory() {
        try (Held held = locks.acquire("group.a/../b", Duration.ZERO, LONG, NOTHING)) {
            assertTrue(Files.exists(lockDir.resolve("group.a_.._b.lock")));
        }
    }

    @Test
    void isHeldIsFalseForALockNobodyTook() throws Exception {
        assertFalse(locks.isHeld("app.never"));
        assertFalse(Files.exists(lockDir.resolve("app.never.lock")));

        locks.acquire("app.web", Duration.ZERO, LONG, NOTHING).close();
        assertFalse(locks.isHeld("app.web"));
    }

    @Test
    void isHeldSeesALockOfAnotherProcess() throws Exception {
        try (ChildJvm holder = hold("app.web")) {
            assertTrue(locks.isHeld("app.web"));
            assertFalse(locks.isHeld("app.api"));
        }
        assertFalse(locks.isHeld("app.web"));
    }

    @Test
    void aLockHeldByAnotherProcessTimesOutAfterMaxWait() throws Exception {
        try (ChildJvm holder = hold("app.web")) {
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
            // the holder still has it
            assertTrue(locks.isHeld("app.web"));
        }
    }

    @Test
    void whileWaitingIsCalledOnceAtFirstThenEveryReportPeriod() throws Exception {
        try (ChildJvm holder = hold("app.web")) {
            AtomicInteger reports = new AtomicInteger();

            assertThrows(LockTimeoutException.class,
                    () -> locks.acquire("app.web", Duration.ofMillis(300), Duration.ofMinutes(1), reports::incrementAndGet));

            assertEquals(1, reports.get());
        }
    }

    @Test
    void aWaiterGetsTheLockOnceTheHolderIsKilled() throws Exception {
        try (ChildJvm holder = hold("app.web")) {
            CountDownLatch waiting = new CountDownLatch(1);
            CompletableFuture<Held> acquired = CompletableFuture.supplyAsync(
                    () -> locks.acquire("app.web", LONG, Duration.ofMillis(50), waiting::countDown));
            assertTrue(waiting.await(30, TimeUnit.SECONDS), "the waiter never reported waiting");
            assertFalse(acquired.isDone());

            holder.kill();

            try (Held held = acquired.get(10, TimeUnit.SECONDS)) {
                assertEquals("app.web", held.lockKey());
            }
        }
    }

    @Test
    void theKernelFreesTheLockOfAKilledHolderAtOnce() throws Exception {
        ChildJvm holder = hold("app.web");
        assertTrue(locks.isHeld("app.web"));

        holder.kill();

        assertFalse(locks.isHeld("app.web"));
        try (Held held = locks.acquire("app.web", Duration.ZERO, LONG, NOTHING)) {
            assertEquals("app.web", held.lockKey());
        }
    }

    @Test
    void anotherProcessCannotTakeAHeldLockUntilItIsReleased() throws Exception {
        Held held = locks.acquire("app.web", Duration.ZERO, LONG, NOTHING);
        assertEquals("busy", probe("app.web"));
        assertEquals("locked", probe("app.api"));

        held.close();

        assertEquals("locked", probe("app.web"));
    }

    @Test
    void askingWhetherItsOwnLockIsHeldKeepsTheLock() throws Exception {
        try (Held held = locks.acquire("app.web", Duration.ZERO, LONG, NOTHING)) {
            assertTrue(locks.isHeld("app.web"));
            assertTrue(new FileTaskLocks(lockDir).isHeld("app.web"));

            assertEquals("busy", probe("app.web"));
        }
    }

    @Test
    void aSecondAcquireInTheSameProcessWaitsAndKeepsTheFirstLock() throws Exception {
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
        Held first = locks.acquire("app.web", Duration.ZERO, LONG, NOTHING);
        first.close();
        try (Held second = locks.acquire("app.web", Duration.ZERO, LONG, NOTHING)) {
            first.close();

            assertTrue(locks.isHeld("app.web"));
            assertEquals("busy", probe("app.web"));
        }
    }

    @Test
    void aTimeoutBelowASecondIsReportedInMilliseconds() throws Exception {
        try (Held held = locks.acquire("app.web", Duration.ZERO, LONG, NOTHING)) {
            LockTimeoutException timeout = assertThrows(LockTimeoutException.class,
                    () -> locks.acquire("app.web", Duration.ofMillis(120), LONG, NOTHING));

            assertEquals("The app.web lock stayed held for longer than 120ms", timeout.getMessage());
        }
    }

    @Test
    void aThreadWaitingInTheSameProcessGetsTheLockWhenTheFirstReleasesIt() throws Exception {
        Held first = locks.acquire("app.web", Duration.ZERO, LONG, NOTHING);
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Held> second = CompletableFuture.supplyAsync(
                () -> locks.acquire("app.web", LONG, Duration.ofMillis(50), waiting::countDown));
        assertTrue(waiting.await(30, TimeUnit.SECONDS));

        first.close();

        try (Held held = second.get(10, TimeUnit.SECONDS)) {
            assertEquals("busy", probe("app.web"));
        }
    }

    @Test
    void anInterruptedWaiterGivesUpAndKeepsItsInterruptFlag() throws Exception {
        try (ChildJvm holder = hold("app.web")) {
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

            assertTrue(interruptedAfter.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aWaiterSleepsUntilTheHolderLetsGoAndThenLooksOnceMore() throws Exception {
        try (ChildJvm holder = hold("app.web")) {
            AtomicInteger calls = new AtomicInteger();
            CountDownLatch waiting = new CountDownLatch(1);
            CompletableFuture<Held> acquired = CompletableFuture.supplyAsync(() -> locks.acquire("app.web", LONG,
                    Duration.ofMinutes(10), () -> {
                        calls.incrementAndGet();
                        waiting.countDown();
                    }));
            assertTrue(waiting.await(30, TimeUnit.SECONDS), "the waiter never reported waiting");
            assertTrue(awaitKernelWait("app.web", true), "the wait is a lock request in the kernel");

            holder.kill();

            // the report period is 10 minutes: getting the lock now is the kernel waking the waiter
            try (Held held = acquired.get(60, TimeUnit.SECONDS)) {
                assertEquals("app.web", held.lockKey());
                assertEquals(2, calls.get(), "once when found held, once when taken after the wait");
                assertEquals("busy", probe("app.web"));
            }
        }
    }

    @Test
    void whileWaitingThrowingOnceTheLockIsTakenHandsTheLockBack() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<Held> acquired;
        try (ChildJvm holder = hold("app.web")) {
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

        java.util.concurrent.ExecutionException failed = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> acquired.get(60, TimeUnit.SECONDS));
        assertEquals("nothing left to do", failed.getCause().getMessage());
        assertFalse(locks.isHeld("app.web"));
        assertEquals("locked", probe("app.web"));
    }

    @Test
    void aWaiterThatGivesUpLeavesNoWaitInTheKernel() throws Exception {
        try (ChildJvm holder = hold("app.web")) {
            assertThrows(LockTimeoutException.class,
                    () -> locks.acquire("app.web", Duration.ofMillis(300), Duration.ofMinutes(1), NOTHING));

            assertTrue(awaitKernelWait("app.web", false), "the lock request was withdrawn");
            assertEquals("busy", probe("app.web"), "the holder keeps its lock");
            holder.kill();
            try (Held held = locks.acquire("app.web", Duration.ZERO, LONG, NOTHING)) {
                assertEquals("app.web", held.lockKey());
            }
        }
    }

    /** Whether a thread of this process comes to wait (or stops waiting) in the kernel for KEY within 30 s. */
    private static boolean awaitKernelWait(String key, boolean waiting) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (kernelWaitThreadAlive(key) != waiting) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        return true;
    }

    private static boolean kernelWaitThreadAlive(String key) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(thread -> thread.isAlive() && thread.getName().equals("lock-wait " + key));
    }

    private ChildJvm hold(String key) throws Exception {
        ChildJvm child = ChildJvm.start(LockProbe.class, "hold", lockDir.toString(), key);
        try {
            return child.awaitLine("locked", LONG);
        } catch (Exception e) {
            child.kill();
            throw e;
        }
    }

    /** Whether another process can take the lock right now: "locked" (it could) or "busy". */
    private String probe(String key) throws Exception {
        try (ChildJvm child = ChildJvm.start(LockProbe.class, "probe", lockDir.toString(), key)) {
            return child.nextLine(LONG);
        }
    }
}
