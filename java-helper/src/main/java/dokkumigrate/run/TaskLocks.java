package dokkumigrate.run;

import java.time.Duration;
import java.util.Optional;

/**
 * Mutual exclusion for task execution, per app or per lock group. Backed by an OS lock that the
 * kernel releases when its holder dies, so a crashed helper never leaves a lock behind.
 */
public interface TaskLocks {

    /**
     * Takes the lock, waiting at most {@code maxWait} (asleep: the caller wakes when the lock is free,
     * not by polling), for as long as the caller still wants it: {@code waiting} is asked once when
     * the lock turns out to be held, then about every {@code reportEvery} while waiting, and once
     * more when the lock has been taken after a wait. When it answers false, the wait ends (the lock,
     * if taken, is released) and the result is empty. An exception it throws ends the wait too, and
     * propagates.
     *
     * @throws LockTimeoutException when the lock stayed held for longer than {@code maxWait}, or the
     *                              waiting thread was interrupted (its interrupt flag is kept)
     */
    Optional<Held> acquireWhileWanted(String lockKey, Duration maxWait, Duration reportEvery, Waiting waiting);

    /**
     * As {@link #acquireWhileWanted}, for a caller that wants the lock however long it waits (up to
     * {@code maxWait}); {@code whileWaiting} is told of the wait at the same moments.
     */
    default Held acquire(String lockKey, Duration maxWait, Duration reportEvery, Runnable whileWaiting) {
        return acquireWhileWanted(lockKey, maxWait, reportEvery, () -> {
            whileWaiting.run();
            return true;
        }).orElseThrow();
    }

    /** Asked while a caller waits for a lock. */
    @FunctionalInterface
    interface Waiting {
        /** Whether the caller still wants the lock; it may also say who holds it meanwhile. */
        boolean stillWanted();
    }

    /** Whether the lock is held by some process right now (it is not taken). */
    boolean isHeld(String lockKey);

    /** A held lock; closing it releases it. */
    interface Held extends AutoCloseable {
        String lockKey();

        /**
         * What happened to the lock, when it may no longer be held (the session that held it was
         * lost); empty while it is held. A lock of this host's kernel is held until closed.
         */
        default Optional<String> lost() {
            return Optional.empty();
        }

        @Override
        void close();
    }

    class LockTimeoutException extends RuntimeException {
        public LockTimeoutException(String message) {
            super(message);
        }
    }
}
