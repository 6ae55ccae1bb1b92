package dokkumigrate.adapters.lock;

import dokkumigrate.run.TaskLocks;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Run in a child JVM by {@link FileTaskLocksTest}. {@code hold DIR KEY} takes the lock, prints
 * "locked" and keeps it until killed; {@code probe DIR KEY} tries once and prints "locked" or "busy".
 */
public final class LockProbe {
    private LockProbe() {
    }

    public static void main(String[] args) throws Exception {
        FileTaskLocks locks = new FileTaskLocks(Path.of(args[1]));
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
