package dokkumigrate.cli;

import dokkumigrate.deploy.ManualRun;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.plan.Phase;
import dokkumigrate.platform.Settings;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** migrate:run APP [--phase release|predeploy]: runs the app's tasks again against its deployed image. */
@Command(name = "run",
        customSynopsis = "dokku migrate:run APP [--phase release|predeploy]",
        description = {"Run the app's release and predeploy tasks (as recorded from its last build) again, against "
                + "the image of the app's deployed release, as Dokku names it (dokku/APP:latest, or the registry "
                + "image and tag when the app is pushed to one).",
                "The run takes the app's lock, honours its timeout and is recorded as a manual deploy; a predeploy "
                + "task's changes are committed into the image, as at deploy time. Nothing is restarted. Exits "
                + "non-zero when a task fails."})
final class RunCommand extends OperatorCommand {
    @Parameters(index = "0", paramLabel = "APP", description = "The app whose tasks to run.")
    private String app;

    @Option(names = "--phase", paramLabel = "PHASE",
            description = "Run only this task: release (the Procfile's release entry) or predeploy (app.json's "
                    + "scripts.dokku.predeploy). Default: both, predeploy first.")
    private String phase;

    @Override
    int run(Services services) {
        AppNames.requireExisting(services.platform(), app);
        Optional<Phase> only = Optional.ofNullable(phase).map(RunCommand::parsePhase);
        Settings settings = services.properties().settingsOf(app);
        ManualRun manual = services.manualRun();
        Deploy deploy = manual.prepare(app, only, services.environment().deployKey(), settings);
        try (SignalGuard guard = SignalGuard.install(services)) {
            return manual.run(deploy, settings) ? 0 : 1;
        }
    }

    private static Phase parsePhase(String text) {
        if (text.equals("release")) {
            return Phase.RELEASE;
        }
        if (text.equals("predeploy")) {
            return Phase.PREDEPLOY;
        }
        throw new UsageError("Invalid --phase value '" + dokkumigrate.output.TerminalText.escape(text)
                + "': use release or predeploy");
    }
}
