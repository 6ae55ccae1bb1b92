package dokkumigrate.applied;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Records each applied migration of a run as soon as it is recognised, so that a run that fails
 * midway, or a helper killed mid-run, keeps those already applied. A migration the ledger could
 * not take at once (busy, full) is kept and offered again by {@link #flush}.
 */
public final class AppliedMigrationRecorder implements Consumer<AppliedMigration> {

    /** Where the migrations go: the ledger, against the run. */
    @FunctionalInterface
    public interface Sink {
        void record(List<AppliedMigration> migrations);
    }

    /** Most migrations kept for a later try, so memory stays bounded whatever the task prints. */
    static final int MAX_PENDING = 10_000;

    private final Sink sink;
    private final List<AppliedMigration> pending = new ArrayList<>();
    private int recorded;
    private RuntimeException lastFailure;

    public AppliedMigrationRecorder(Sink sink) {
        this.sink = sink;
    }

    @Override
    public synchronized void accept(AppliedMigration migration) {
        if (pending.size() >= MAX_PENDING) {
            return;
        }
        pending.add(migration);
        tryRecord();
    }

    /**
     * Records what is still pending; returns the failure that kept some from the ledger, if any.
     */
    public synchronized java.util.Optional<RuntimeException> flush() {
        if (!pending.isEmpty()) {
            tryRecord();
        }
        return pending.isEmpty() ? java.util.Optional.empty() : java.util.Optional.ofNullable(lastFailure);
    }

    /** How many migrations reached the ledger. */
    public synchronized int recorded() {
        return recorded;
    }

    private void tryRecord() {
        try {
            List<AppliedMigration> batch = List.copyOf(pending);
            sink.record(batch);
            recorded += batch.size();
            pending.clear();
            lastFailure = null;
        } catch (RuntimeException e) {
            lastFailure = e;
        }
    }
}
