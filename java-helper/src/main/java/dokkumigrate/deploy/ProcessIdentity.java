package dokkumigrate.deploy;

import java.time.Clock;

/** Who this helper process is, for the ledger and for lock holders. */
public record ProcessIdentity(String host, long pid, Clock clock) {
    public static ProcessIdentity current(String host) {
        return new ProcessIdentity(host, ProcessHandle.current().pid(), Clock.systemUTC());
    }

    /**
     * Whether the helper process {@code pid} on {@code host} is alive. Only a process of this host
     * can be looked at: one on another host counts as not alive. That is right where it is asked
     * (under the lock the run was claimed under): hosts share runs only through a shared ledger,
     * whose locks are PostgreSQL sessions, and a helper of another host still alive would still hold
     * that lock through its session; the caller holding it proves that helper, or its session, gone.
     */
    public boolean isAlive(String host, long pid) {
        return host.equals(this.host) && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
