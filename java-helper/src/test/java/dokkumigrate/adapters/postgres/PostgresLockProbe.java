package dokkumigrate.adapters.postgres;

import dokkumigrate.platform.LedgerUrl;
import dokkumigrate.run.TaskLocksContract;

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
        TaskLocksContract.probe(locks, args[0], args[2]);
    }
}
