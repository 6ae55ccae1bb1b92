package dokkumigrate.ledger;

import dokkumigrate.plan.Phase;
import java.util.List;

/** What the plugin took out of each deploy's Procfile/app.json copies, kept to put it back on hand-back. */
public interface TakenCopyRecords {

    void recordTakenCopies(long deployId, List<TakenCopy> copies);

    /** The app's taken copies of {@code file}, newest deploy first, at most {@code limit}. */
    List<TakenCopy.Recorded> takenCopies(String app, Phase.Source file, int limit);
}
