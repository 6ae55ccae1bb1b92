package dokkumigrate.cli;

import dokkumigrate.deploy.AppRecords;
import picocli.CommandLine.Command;

/** post-app-rename-setup OLD NEW: fires while the old app still exists; move its history over. */
@Command(name = "post-app-rename-setup", description = "Trigger: move an app's task history, logs and settings to its new name.")
final class PostAppRenameSetupCommand extends AppRecordsTrigger {
    @Override
    void carry(AppRecords records, String oldApp, String newApp) {
        records.rename(oldApp, newApp);
    }
}
