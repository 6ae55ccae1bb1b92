package dokkumigrate.run;

import java.time.Duration;

/**
 * Mutual exclusion for task execution, per app or per lock group. Backed by an OS lock that the
 * kernel releases when its holder dies, so a crashed helper never leaves a lock behind.
 */
public interface TaskLocks {

    /**
     * Takes the lock, waiting at most {@code maxWait} (asleep: the caller wakes when the lock is free,
     * not by polling); {@code whileWaiting} is called once when the lock turns out to be held, then
     * about every {@code reportEvery} while waiting, and once more when the lock has been taken after
     * a wait: an exception it throws ends the wait (the lock, if taken, is released) and propagates.
     *
     * @throws LockTimeoutException when the lock stayed held for longer than {@code maxWait}, or the
     *                              waiting thread was interrupted (its interrupt flag is kept)
     */
    Held acquire(String lockKey, Duration maxWait, Duration reportEvery, Runnable whileWaiting);

    /** Whether the lock is held by some process right now (it is not taken). */
    boolean isHeld(String lockKey);

    /** A held lock; closing it releases it. */
    interface Held extends AutoCloseable {
        String lockKey();

        @Override
        void close();
    }

    class LockTimeoutException extends RuntimeException {
        public LockTimeoutException(String message) {
            super(message);
        }
    }
}
