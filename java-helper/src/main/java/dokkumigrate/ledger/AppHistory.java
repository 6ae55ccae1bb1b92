package dokkumigrate.ledger;

import java.util.List;

/**
 * Everything the ledger keeps of one app at once, kept in step with Dokku's app lifecycle and
 * pruned after each release. The methods that remove runs return the names of their log files,
 * for the caller to delete.
 */
public interface AppHistory {

    /** Removes everything recorded for an app. Returns the log file names of its runs. */
    List<String> deleteApp(String app);

    void renameApp(String oldApp, String newApp);

    /** Copies the app's whole history to {@code newApp}; the original keeps its own. */
    void cloneApp(String oldApp, String newApp);

    /**
     * Deletes all but the newest {@code keep} runs of an app, and the deploys left without runs
     * (never the standing plan, nor one newer than the oldest kept run); returns the log file names removed.
     */
    List<String> prune(String app, int keep);
}
