package dokkumigrate.cli;

import dokkumigrate.deploy.Takeover;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** post-extract APP TMP_WORK_DIR [REV]: fires once per build, after Dokku wrote its per-deploy copies. */
@Command(name = "post-extract",
        description = "Trigger: record this deploy's release/predeploy tasks and remove them from Dokku's copies.")
final class PostExtractCommand implements Callable<Integer> {
    @ParentCommand
    private MigrateHelper top;

    @Parameters(index = "0", paramLabel = "APP")
    private String app;

    @Parameters(index = "1", paramLabel = "TMP_WORK_DIR", defaultValue = "")
    private String workDir;

    @Parameters(index = "2", paramLabel = "REV", defaultValue = "")
    private String rev;

    @Override
    public Integer call() {
        AppNames.requireValid(app);
        Services services = top.services();
        if (!services.properties().settingsOf(app).enabled()) {
            return 0;
        }
        String trigger = TriggerDescription.of(services.environment());
        if (!rev.isEmpty()) {
            trigger = (trigger.isEmpty() ? "" : trigger + " ") + "rev=" + rev;
        }
        new Takeover(services::ledger, services.deployCopies(), services.platform(), services.console())
                .takeOver(app, services.environment().deployKey(), trigger);
        return 0;
    }
}
