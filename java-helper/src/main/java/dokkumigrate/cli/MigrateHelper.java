package dokkumigrate.cli;

import dokkumigrate.adapters.dokku.DokkuEnvironment;
import dokkumigrate.adapters.dokku.PlugnPlatform;
import dokkumigrate.deploy.DeployFailure;
import dokkumigrate.deploy.Refused;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.output.Console;
import dokkumigrate.plan.ExtractionException;
import dokkumigrate.run.TaskRunner;
import java.io.PrintStream;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The helper's top command: only wires the trigger and command subcommands together. */
@Command(name = "migrate-helper",
        mixinStandardHelpOptions = true,
        version = "dokku-migrate 0.1.0",
        description = "Runs Dokku deployment tasks (Procfile release, app.json predeploy) exactly once per deploy.",
        subcommands = {
                InstallCommand.class,
                PostExtractCommand.class,
                PreDeployCommand.class,
                PostDeployCommand.class,
                PostDeleteCommand.class,
                PostAppRenameSetupCommand.class,
                PostAppCloneSetupCommand.class,
                StatusCommand.class,
                LogsCommand.class,
                RunCommand.class,
                UnlockCommand.class,
                ReportCommand.class,
                SetCommand.class,
                DoctorCommand.class,
        })
public final class MigrateHelper implements Runnable {
    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;
    private Services services;

    MigrateHelper(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    /** Runs one command line and returns its exit code; used by {@link Main} and by the tests. */
    public static int execute(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        MigrateHelper top = new MigrateHelper(env, out, err);
        CommandLine commandLine = new CommandLine(top);
        commandLine.setOut(new java.io.PrintWriter(out, true));
        commandLine.setErr(new java.io.PrintWriter(err, true));
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> top.report(e));
        commandLine.setParameterExceptionHandler((e, parsedArgs) -> {
            top.console(false).warn(e.getMessage());
            top.console(false).warn("See: dokku migrate:help");
            return 2;
        });
        try {
            return commandLine.execute(args);
        } finally {
            top.closeServices();
        }
    }

    @Override
    public void run() {
        new CommandLine(this).usage(out);
    }

    /** The adapters for this invocation, built from Dokku's environment on first use. */
    Services services() {
        if (services == null) {
            DokkuEnvironment environment = DokkuEnvironment.from(env);
            services = new Services(environment, console(environment.quiet()));
        }
        return services;
    }

    Console console(boolean quiet) {
        return new Console(out, err, quiet);
    }

    Map<String, String> env() {
        return env;
    }

    private int report(Exception e) {
        Console console = console(false);
        if (e instanceof UsageError || e instanceof DeployFailure || e instanceof Refused || e instanceof Ledger.LedgerException
                || e instanceof ExtractionException || e instanceof PlugnPlatform.PlatformException
                || e instanceof TaskRunner.RunnerException || e instanceof IllegalStateException) {
            console.warn(e.getMessage());
        } else {
            console.warn("Unexpected error in the migrate plugin: " + e);
            console.warn("Run again with DOKKU_TRACE=1 for details, and report it with that output.");
        }
        if (env.containsKey("DOKKU_TRACE") && !env.get("DOKKU_TRACE").isEmpty()) {
            e.printStackTrace(err);
        }
        return 1;
    }

    private void closeServices() {
        if (services != null) {
            services.close();
        }
    }
}
