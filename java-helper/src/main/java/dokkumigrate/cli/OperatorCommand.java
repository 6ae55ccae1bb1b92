package dokkumigrate.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * What every operator command ({@code migrate:*}) shares: its {@code -h/--help}, and the adapters of
 * this invocation, built by the top command on first use (help builds none).
 */
abstract class OperatorCommand implements Callable<Integer> {
    @ParentCommand
    private MigrateHelper top;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Override
    public final Integer call() throws Exception {
        return run(top.services());
    }

    /** Runs the command once its options are parsed; returns its exit status. */
    abstract int run(Services services) throws Exception;
}
