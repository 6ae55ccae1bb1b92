package dokkumigrate.scan;

import dokkumigrate.scan.ShellWalker.LineRange;

import java.util.List;
import java.util.Optional;

/** What reading one command line or script found: migration commands, and the scripts it runs. */
record ScriptAnalysis(List<Hit> hits, List<ScriptCall> calls) {

    static final ScriptAnalysis NOTHING = new ScriptAnalysis(List.of(), List.of());

    ScriptAnalysis {
        hits = List.copyOf(hits);
        calls = List.copyOf(calls);
    }

    /**
     * A match and where it sits in the text read.
     *
     * @param span           the command's offsets in the text, when it can be edited in place
     *                       (not inside {@code sh -c '...'} or a non-shell script)
     * @param enclosingBlock the {@code if} block that exists only to run it
     */
    record Hit(MigrationMatch match, Optional<Span> span, Optional<LineRange> enclosingBlock) {
    }

    /** Offsets {@code start..end} of a command in the text it was read from. */
    record Span(int start, int end) {
    }

    /**
     * A script run by the text: {@code ./bin/setup}, {@code sh scripts/migrate.sh}, {@code source env.sh}.
     *
     * @param path      the path as the command names it (relative paths are relative to the working directory)
     * @param arguments its arguments when they are known; a sourced script shares its caller's
     * @param line      the line of the call
     * @param guards    the conditions the call runs under
     */
    record ScriptCall(String path, Optional<List<String>> arguments, int line, List<Guard> guards) {
    }
}
