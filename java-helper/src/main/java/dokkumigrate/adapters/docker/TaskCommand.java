package dokkumigrate.adapters.docker;

import dokkumigrate.run.ImageKind;
import dokkumigrate.run.ShellWords;
import java.util.ArrayList;
import java.util.List;

/**
 * The command a task container runs, built by Dokku's rules: the task's words as arguments of
 * the image's own ENTRYPOINT, or a shell script that stops at the first error.
 */
public final class TaskCommand {

    /** Entrypoints that only reap zombies: a task still runs through the shell behind them. */
    public static final List<List<String>> TINI_ENTRYPOINTS = List.of(
            List.of("/tini", "--"),
            List.of("/bin/tini", "--"),
            List.of("/usr/bin/tini", "--"),
            List.of("/usr/local/bin/tini", "--"));

    private TaskCommand() {
    }

    /**
     * The container command for a task.
     *
     * @param command    the task, as written in the Procfile or app.json
     * @param shell      the shell that runs the script, e.g. {@code /bin/bash}
     * @param kind       how the image was built
     * @param entrypoint the image's ENTRYPOINT (empty when it has none)
     * @param trace      whether the script echoes what it runs ({@code set -x}, DOKKU_TRACE=1)
     * @throws ShellWords.UnbalancedQuotingException when the task must be split into words and cannot be
     */
    public static List<String> of(String command, String shell, ImageKind kind, List<String> entrypoint, boolean trace) {
        if (passesArgumentsToEntrypoint(kind, entrypoint)) {
            return ShellWords.split(command.strip());
        }
        return List.of(shell, "-c", script(command, kind, trace));
    }

    /** Whether the image's ENTRYPOINT receives the task's words directly, with no shell. */
    public static boolean passesArgumentsToEntrypoint(ImageKind kind, List<String> entrypoint) {
        return kind == ImageKind.DOCKERFILE && !entrypoint.isEmpty() && !TINI_ENTRYPOINTS.contains(entrypoint);
    }

    /** The shell script Dokku wraps a task in. */
    public static String script(String command, ImageKind kind, boolean trace) {
        List<String> lines = new ArrayList<>(List.of("set -e;", "set -o pipefail || true;"));
        if (trace) {
            lines.add("set -x;");
        }
        if (kind == ImageKind.HEROKUISH) {
            lines.addAll(List.of(
                    "if [[ -d '/app' ]]; then",
                    "  export HOME=/app;",
                    "  cd $HOME;",
                    "fi;",
                    "if [[ -d '/app/.profile.d' ]]; then",
                    "  for file in /app/.profile.d/*; do source $file; done;",
                    "fi;"));
        }
        if (command.startsWith("/")) {
            String binary = command.split(" ", -1)[0];
            lines.addAll(List.of(
                    "if [[ ! -x \"" + binary + "\" ]]; then",
                    "  echo specified binary is not executable;",
                    "  exit 1;",
                    "fi;"));
        }
        lines.add(command + " || exit 1;");
        return String.join(" ", lines);
    }
}
