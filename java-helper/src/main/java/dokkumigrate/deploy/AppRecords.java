package dokkumigrate.deploy;

import dokkumigrate.ledger.AppHistory;
import dokkumigrate.platform.DeployCopies;
import dokkumigrate.platform.SettingsStore;

/** Keeps an app's ledger rows, logs and properties in step with Dokku's app lifecycle. */
public final class AppRecords {
    private final AppHistory ledger;
    private final RunLogs logs;
    private final SettingsStore settings;
    private final DeployCopies copies;

    public AppRecords(AppHistory ledger, RunLogs logs, SettingsStore settings, DeployCopies copies) {
        this.ledger = ledger;
        this.logs = logs;
        this.settings = settings;
        this.copies = copies;
    }

    /** post-delete: the app is gone; so is everything the plugin kept about it. */
    public void delete(String app) {
        ledger.deleteApp(app);
        logs.deleteApp(app);
        settings.deleteApp(app);
        copies.forgetTakeovers(app);
    }

    /** post-app-rename-setup: runs while the old app still exists. */
    public void rename(String oldApp, String newApp) {
        ledger.renameApp(oldApp, newApp);
        logs.renameApp(oldApp, newApp);
        settings.copyApp(oldApp, newApp);
        settings.deleteApp(oldApp);
        copies.forgetTakeovers(oldApp);
    }

    /** post-app-clone-setup: the new app starts with the old app's history and settings. */
    public void copy(String oldApp, String newApp) {
        ledger.cloneApp(oldApp, newApp);
        logs.copyApp(oldApp, newApp);
        settings.copyApp(oldApp, newApp);
    }
}
