package dokkumigrate.run;

import java.util.Locale;

/** The life of one task run, as the ledger records it: a run is claimed running, then ends. */
public enum RunState {
    RUNNING,
    SUCCEEDED,
    FAILED,
    TIMED_OUT,
    INTERRUPTED,
    SKIPPED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RunState parse(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }

    /** A final outcome for its deploy: a later call for the same deploy returns it instead of running again. */
    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == TIMED_OUT || this == SKIPPED;
    }

    /** Whether a deploy may go on after a task ended in this state. */
    public boolean letsDeployProceed() {
        return this == SUCCEEDED || this == SKIPPED;
    }

    /** States from which a new attempt of the same task may be claimed: a task never claimed has no run at all. */
    public boolean isClaimable() {
        return this == INTERRUPTED;
    }
}
