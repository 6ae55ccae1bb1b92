package dokkumigrate.deploy;

import java.time.Clock;

/** Who this helper process is, for the ledger and for lock holders. */
public record Helper(String host, long pid, Clock clock) {
    public static Helper current(String host) {
        return new Helper(host, ProcessHandle.current().pid(), Clock.systemUTC());
    }
}
