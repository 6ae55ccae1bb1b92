package dokkumigrate.ledger;

import java.time.Instant;

/** Who holds a task lock, recorded so that a waiting deploy and {@code migrate:unlock} can say so. */
public record LockHolder(String lockKey, String app, long deployId, long pid, String host, Instant since) { }
