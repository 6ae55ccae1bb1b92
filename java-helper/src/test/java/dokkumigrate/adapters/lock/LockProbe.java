package dokkumigrate.adapters.lock;

import dokkumigrate.run.TaskLocksContract;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link FileTaskLocksTest}. {@code hold DIR KEY} takes the lock, prints
 * "locked" and keeps it until killed; {@code probe DIR KEY} tries once and prints "locked" or "busy".
 */
public final class LockProbe {
    private LockProbe() {
    }

    public static void main(String[] args) throws Exception {
        FileTaskLocks locks = new FileTaskLocks(Path.of(args[1]));
        TaskLocksContract.probe(locks, args[0], args[2]);
    }
}
