package dokkumigrate.adapters.postgres;

import dokkumigrate.platform.LedgerUrl;
import dokkumigrate.run.TaskLocks;
import java.time.Duration;

/**
 * Run in a child JVM by {@link PostgresTaskLocksTest}. {@code hold URL KEY} takes the lock, prints
 * "locked" and keeps it until killed; {@code probe URL KEY} tries once and prints "locked" or "busy".
 */
public final class PostgresLockProbe {
    private PostgresLockProbe() {
    }

    public static void main(String[] args) throws Exception {
        PostgresTaskLocks locks = new PostgresTaskLocks(new PostgresConnector(LedgerUrl.parse(args[1]).orElseThrow()),
                "probe pid " + ProcessHandle.current().pid());
        String key = args[2];
        if (args[0].equals("hold")) {
            locks.acquire(key, Duration.ofMinutes(5), Duration.ofMinutes(5), () -> { });
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
        try {
            locks.acquire(key, Duration.ZERO, Duration.ofMinutes(5), () -> { }).close();
            System.out.println("locked");
        } catch (TaskLocks.LockTimeoutException e) {
            System.out.println("busy");
        }
    }
}
