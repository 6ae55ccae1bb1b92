package dokkumigrate.scan;

import dokkumigrate.scan.MigrationMatch.Kind;
import dokkumigrate.scan.ScriptAnalysis.Hit;
import dokkumigrate.scan.ScriptAnalysis.ScriptCall;
import dokkumigrate.scan.ScriptAnalysis.Span;
import dokkumigrate.scan.ShellWalker.LineRange;
import dokkumigrate.scan.ShellWalker.ReachedCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads command lines and scripts for migration commands and for the scripts they run.
 * Shell text is followed as the shell would run it ({@link ShellWalker}); {@code sh -c '...'}
 * is read as the shell text it is; other scripts (Ruby, Python, Node, PHP) are searched for
 * the commands they spawn ({@link InterpretedScriptScanner}).
 */
final class ScriptAnalyser {

    private static final Set<String> PRINTERS = Set.of("echo", "printf", "logger", ":", "log", "info", "warn",
            "error", "debug", "cat", "print");
    /** {@code sh -c 'sh -c "..."'} is read this deep, no deeper. */
    private static final int MAX_NESTED_SHELLS = 4;
    private static final Pattern LEADING_EXEC = Pattern.compile("^(?:exec|nohup|time)\\s+");

    private final MigrationCatalog catalog = new MigrationCatalog();
    private final InterpretedScriptScanner interpreted = new InterpretedScriptScanner(this);

    /** Shell text: a Procfile command, a shell-form CMD, or a shell script. */
    ScriptAnalysis shell(String text, ShellContext context) {
        return shell(text, context, 0);
    }

    private ScriptAnalysis shell(String text, ShellContext context, int nesting) {
        Collector collector = new Collector(nesting);
        for (ReachedCommand command : ShellWalker.walk(text, context)) {
            String source = command.command().source(text);
            analyseCommand(command, source, Optional.of(new Span(command.command().start(), command.command().end())),
                    List.of(), collector);
        }
        return collector.result();
    }

    /** An exec-form command ({@code CMD ["bundle", "exec", "rails", "db:migrate"]}). */
    ScriptAnalysis argv(List<String> argv, ShellContext context) {
        Collector collector = new Collector(0);
        analyseProgram(argv, ShellQuoting.join(argv), 1, Optional.empty(), Optional.empty(), List.of(), context,
                collector);
        return collector.result();
    }

    /**
     * The script an exec-form ENTRYPOINT starts, with the arguments it receives: the rest of
     * the ENTRYPOINT, then the process's command. Unlike a command inside a script, a bare
     * program name counts ({@code ENTRYPOINT ["entrypoint"]}), unless it is a known tool.
     *
     * @param entrypointThenCommand the ENTRYPOINT followed by the command the container gets
     */
    Optional<ScriptCall> entrypointScript(List<String> entrypointThenCommand) {
        Invocation invocation = Invocation.of(entrypointThenCommand);
        if (invocation instanceof Invocation.RunScript script) {
            return Optional.of(new ScriptCall(script.path(), Optional.of(script.arguments()), 1, List.of()));
        }
        if (invocation instanceof Invocation.Program program && catalog.recognise(program).isEmpty()
                && !MigrationCatalog.isKnownProgram(program.name()) && !program.program().contains("$")) {
            return Optional.of(new ScriptCall(program.program(), Optional.of(program.arguments()), 1, List.of()));
        }
        return Optional.empty();
    }

    /** A script file: shell unless its interpreter line or extension says otherwise. */
    ScriptAnalysis file(String path, String text, ShellContext context) {
        ScriptLanguage language = ScriptLanguage.of(path, text);
        return language == ScriptLanguage.SHELL ? shell(text, context) : interpreted.scan(text, language);
    }

    private void analyseCommand(ReachedCommand reached, String source, Optional<Span> span, List<Guard> outerGuards,
                                Collector collector) {
        if (runsTheProcessCommand(reached.command().words())) {
            return; // `exec "$@"`: the process's own command, which is read where it is written (Procfile, CMD)
        }
        List<String> argv = reached.context().argv(reached.command().words());
        analyseProgram(argv, source, reached.command().line(), span, reached.enclosingBlock(),
                concat(outerGuards, reached.guards()), reached.context(), collector);
    }

    private void analyseProgram(List<String> argv, String source, int line, Optional<Span> span,
                                Optional<LineRange> block, List<Guard> guards, ShellContext context,
                                Collector collector) {
        Invocation invocation = Invocation.of(argv);
        if (invocation instanceof Invocation.ShellText shellText) {
            if (collector.nesting >= MAX_NESTED_SHELLS) {
                return;
            }
            ScriptAnalysis inner = shell(shellText.script(), context.withPositionals(Optional.of(shellText.positionals())),
                    collector.nesting + 1);
            for (Hit hit : inner.hits()) {
                MigrationMatch match = hit.match();
                collector.hits.add(new Hit(new MigrationMatch(match.kind(), match.stack(), match.command(),
                        line + match.line() - 1, match.releaseCommand(), concat(guards, match.guards())),
                        Optional.empty(), Optional.empty()));
            }
            inner.calls().forEach(call -> collector.calls.add(new ScriptCall(call.path(), call.arguments(),
                    line + call.line() - 1, concat(guards, call.guards()))));
            return;
        }
        String command = LEADING_EXEC.matcher(source.strip()).replaceFirst("");
        if (invocation instanceof Invocation.Program program) {
            Optional<MigrationCatalog.Recognised> recognised = catalog.recognise(program);
            if (recognised.isPresent()) {
                collector.hits.add(new Hit(new MigrationMatch(Kind.MIGRATION, recognised.get().stack(), command, line,
                        Optional.of(command), guards), span, block));
                return;
            }
        }
        if (swallowsConcurrentMigrationError(argv)) {
            collector.hits.add(new Hit(new MigrationMatch(Kind.SWALLOWS_CONCURRENT_MIGRATION_ERROR, "Rails", command, line,
                    Optional.empty(), guards), span, block));
            return;
        }
        scriptCall(invocation, context).ifPresent(call ->
                collector.calls.add(new ScriptCall(call.path(), call.arguments(), line, guards)));
    }

    private static boolean runsTheProcessCommand(List<ShellWord> words) {
        int first = 0;
        while (first < words.size() && words.get(first).isKeyword("exec")) {
            first++;
        }
        return first < words.size() && words.get(first).isAllPositionals();
    }

    private static boolean swallowsConcurrentMigrationError(List<String> argv) {
        int head = ShellWalker.firstNonAssignment(argv);
        if (head >= argv.size() || PRINTERS.contains(Invocation.programName(argv.get(head)))) {
            return false;
        }
        return argv.stream().anyMatch(word -> word.contains("ConcurrentMigrationError"));
    }

    /** The script an invocation runs, when it runs one (a path, not a known tool). */
    private static Optional<ScriptCall> scriptCall(Invocation invocation, ShellContext context) {
        if (invocation instanceof Invocation.RunScript script) {
            Optional<List<String>> arguments = script.sourced() && script.arguments().isEmpty()
                    ? context.positionals() : Optional.of(script.arguments());
            return Optional.of(new ScriptCall(script.path(), arguments, 0, List.of()));
        }
        if (invocation instanceof Invocation.Program program && looksLikeScript(program.program())
                && !MigrationCatalog.isKnownProgram(program.name())) {
            return Optional.of(new ScriptCall(program.program(), Optional.of(program.arguments()), 0, List.of()));
        }
        return Optional.empty();
    }

    /** A word naming a file to run: a path, or a name ending in {@code .sh}; never an unexpanded variable. */
    static boolean looksLikeScript(String word) {
        return !word.contains("$") && !word.isBlank() && (word.contains("/") || word.endsWith(".sh"));
    }

    private static List<Guard> concat(List<Guard> outer, List<Guard> inner) {
        if (outer.isEmpty()) {
            return inner;
        }
        List<Guard> all = new ArrayList<>(outer);
        all.addAll(inner);
        return all;
    }

    private static final class Collector {
        private final List<Hit> hits = new ArrayList<>();
        private final List<ScriptCall> calls = new ArrayList<>();
        /** How many {@code sh -c} the text being read is inside. */
        private final int nesting;

        Collector(int nesting) {
            this.nesting = nesting;
        }

        ScriptAnalysis result() {
            return new ScriptAnalysis(hits, calls);
        }
    }
}
