package dokkumigrate.ledger;

import java.util.Objects;

/**
 * Identifies one Dokku invocation. DOKKU_PID alone repeats (pids are reused, and restart low
 * after a reboot), so the key also carries the boot id and the process start time when known.
 */
public record DeployKey(long dokkuPid, String instance) {
    public DeployKey {
        Objects.requireNonNull(instance, "instance");
    }

    public static DeployKey parse(String text) {
        int at = text.indexOf('@');
        if (at < 0) {
            return new DeployKey(Long.parseLong(text), "");
        }
        return new DeployKey(Long.parseLong(text.substring(0, at)), text.substring(at + 1));
    }

    @Override
    public String toString() {
        return instance.isEmpty() ? Long.toString(dokkuPid) : dokkuPid + "@" + instance;
    }
}
