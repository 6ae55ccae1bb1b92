package dokkumigrate.cli;

import dokkumigrate.adapters.dokku.DokkuEnvironment;
import dokkumigrate.output.Console;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The helper's top command: wires the operator's {@code migrate:*} commands together with picocli.
 * The triggers Dokku calls do not come through here (see {@link Triggers}).
 */
@Command(name = "migrate-helper",
        mixinStandardHelpOptions = true,
        versionProvider = MigrateHelper.JarVersion.class,
        description = "Runs Dokku deployment tasks (Procfile release, app.json predeploy) exactly once per deploy.")
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

    /** The version the jar's manifest carries (the pom's, which make dist checks against plugin.toml). */
    static final class JarVersion implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = MigrateHelper.class.getPackage().getImplementationVersion();
            return new String[] {"dokku-migrate " + (version == null ? "(development build)" : version)};
        }
    }

    /** Runs one command line, a trigger or a command, and returns its exit code; used by {@link Main} and by the tests. */
    public static int execute(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (Triggers.handles(args)) {
            return Triggers.execute(args, env, out, err);
        }
        MigrateHelper top = new MigrateHelper(env, out, err);
        CommandLine commandLine = new CommandLine(top);
        addSubcommands(commandLine, args.length > 0 ? args[0] : "");
        commandLine.setOut(new java.io.PrintWriter(out, true));
        commandLine.setErr(new java.io.PrintWriter(err, true));
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> Failures.report(e, env, out, err));
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

    /** The subcommands by name, in the order help lists them. */
    private static final Map<String, Class<?>> SUBCOMMANDS = new LinkedHashMap<>();

    static {
        SUBCOMMANDS.put("status", StatusCommand.class);
        SUBCOMMANDS.put("logs", LogsCommand.class);
        SUBCOMMANDS.put("history", HistoryCommand.class);
        SUBCOMMANDS.put("run", RunCommand.class);
        SUBCOMMANDS.put("unlock", UnlockCommand.class);
        SUBCOMMANDS.put("report", ReportCommand.class);
        SUBCOMMANDS.put("set", SetCommand.class);
        SUBCOMMANDS.put("doctor", DoctorCommand.class);
        SUBCOMMANDS.put("notify-test", NotifyTestCommand.class);
    }

    /**
     * Registers the subcommand named by the first argument, or every one (for help, or a name that
     * is none of them): picocli reads the annotations of each registered command at start-up, which
     * costs a trigger more than its own work.
     */
    private static void addSubcommands(CommandLine commandLine, String first) {
        for (String name : SUBCOMMANDS.containsKey(first) ? List.of(first) : SUBCOMMANDS.keySet()) {
            commandLine.addSubcommand(name, SUBCOMMANDS.get(name));
        }
    }

    @Override
    public void run() {
        CommandLine commandLine = new CommandLine(this);
        addSubcommands(commandLine, "");
        commandLine.usage(out);
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

    private void closeServices() {
        if (services != null) {
            services.close();
        }
    }
}
