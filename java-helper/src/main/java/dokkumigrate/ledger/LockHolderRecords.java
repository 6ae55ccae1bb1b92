package dokkumigrate.ledger;

import java.util.Optional;

/** Who holds (or last held) each task lock, recorded for display: the lock itself is the kernel's. */
public interface LockHolderRecords {

    Optional<LockHolder> lockHolder(String lockKey);

    /** Records the holder of its lock, replacing the one recorded before. */
    void recordLockHolder(LockHolder holder);

    /** Removes the record of a lock when {@code pid} is the recorded holder. */
    void clearLockHolder(String lockKey, long pid);
}
