package dokkumigrate.cli;

import dokkumigrate.deploy.AppRecords;
import picocli.CommandLine.Command;

/** post-app-clone-setup OLD NEW: the clone starts with a copy of the old app's history and settings. */
@Command(name = "post-app-clone-setup", description = "Trigger: copy an app's task history, logs and settings to its clone.")
final class PostAppCloneSetupCommand extends AppRecordsTrigger {
    @Override
    void carry(AppRecords records, String oldApp, String newApp) {
        records.copy(oldApp, newApp);
    }
}
