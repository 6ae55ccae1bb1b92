package dokkumigrate.cli;

import dokkumigrate.adapters.docker.ImageInspector;
import dokkumigrate.adapters.dokku.PlugnPlatform;
import dokkumigrate.deploy.DeployFailure;
import dokkumigrate.deploy.InvalidTaskFiles;
import dokkumigrate.deploy.Refused;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.ledger.LedgerUnreachable;
import dokkumigrate.output.Console;
import dokkumigrate.plan.ExtractionException;
import dokkumigrate.platform.InvalidSetting;
import dokkumigrate.run.TaskLocks;
import dokkumigrate.run.TaskRunner;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * How a failure that reaches the top of a trigger or command is told, the same for both. A user
 * error (bad input, a refused request, a deploy that must stop, a ledger or Docker or Dokku that
 * says no) is one message in Dokku's style: it already says what happened and what to do. Anything
 * else is a fault of the plugin: it is called an internal error, names the exception and asks for
 * a report.
 */
final class Failures {
    /** The exceptions whose message is written for the operator. */
    private static final List<Class<? extends RuntimeException>> USER_ERRORS = List.of(UsageError.class,
            InvalidTaskFiles.class, DeployFailure.class, Refused.class, InvalidSetting.class,
            Ledger.LedgerException.class, ExtractionException.class, PlugnPlatform.PlatformException.class,
            TaskRunner.RunnerException.class, TaskLocks.LockTimeoutException.class,
            ImageInspector.ImageInspectionException.class);

    private Failures() {
    }

    static boolean isUserError(Exception e) {
        return USER_ERRORS.stream().anyMatch(type -> type.isInstance(e));
    }

    /** Prints {@code e} as a user error or as an internal error and returns the exit status. */
    static int report(Exception e, Map<String, String> env, PrintStream out, PrintStream err) {
        Console console = new Console(out, err, false);
        boolean trace = !env.getOrDefault("DOKKU_TRACE", "").isEmpty();
        if (isUserError(e)) {
            console.warn(e.getMessage());
        } else {
            console.warn("Internal error in the migrate plugin: " + e);
            console.warn("This is a fault of the plugin, not of the app or its settings. Please report it with the "
                    + "output of the same command run again with DOKKU_TRACE=1"
                    + (trace ? " (the stack trace is below)." : "."));
        }
        if (trace) {
            e.printStackTrace(err);
        }
        if (e instanceof InvalidTaskFiles) {
            return InvalidTaskFiles.EXIT_CODE;
        }
        return e instanceof LedgerUnreachable ? LedgerUnreachable.EXIT_CODE : 1;
    }
}
