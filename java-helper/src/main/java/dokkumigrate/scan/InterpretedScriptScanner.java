package dokkumigrate.scan;

import dokkumigrate.scan.MigrationMatch.Kind;
import dokkumigrate.scan.ScriptAnalysis.Hit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a script that is not shell (Ruby, Python, Node, PHP) line by line for what it
 * spawns ({@code system "bin/rails db:prepare"}, {@code subprocess.run(["python", "manage.py",
 * "migrate"])}, {@code execSync("npx prisma migrate deploy")}), for in-process migrations
 * ({@code Rake::Task["db:migrate"].invoke}, {@code call_command("migrate")}), and for a
 * {@code rescue} of {@code ConcurrentMigrationError}. Comment lines are skipped.
 */
final class InterpretedScriptScanner {

    private static final Pattern SPAWN = Pattern.compile(
            "(?:\\bsystem!?|\\bexec|\\bspawn|\\bos\\.system|\\bsubprocess\\.(?:run|call|check_call|check_output|Popen)"
                    + "|\\bexecSync|\\bexecFileSync|\\bspawnSync|\\bexeca(?:Command)?(?:Sync)?|\\bshell_exec|\\bpassthru"
                    + "|\\bproc_open|%x)\\s*[(\\[{]?\\s*\\[?");
    private static final Pattern STRING_LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"|'((?:[^'\\\\]|\\\\.)*)'");
    private static final Pattern BACKTICKS = Pattern.compile("`([^`]+)`");
    private static final Pattern DJANGO_CALL_COMMAND = Pattern.compile("\\bcall_command\\(\\s*[\"']migrate[\"']");
    private static final Pattern RESCUE_CONCURRENT = Pattern.compile(
            "\\b(?:rescue|except|catch)\\b.*ConcurrentMigrationError|ConcurrentMigrationError.*\\b(?:rescue|except|catch)\\b");

    private final ScriptAnalyser shell;

    InterpretedScriptScanner(ScriptAnalyser shell) {
        this.shell = shell;
    }

    ScriptAnalysis scan(String text, ScriptLanguage language) {
        List<Hit> hits = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith(language.commentPrefix()) || line.startsWith("*")) {
                continue;
            }
            scanLine(line, i + 1, language).ifPresent(hits::add);
        }
        return new ScriptAnalysis(hits, List.of());
    }

    private Optional<Hit> scanLine(String line, int number, ScriptLanguage language) {
        if (RESCUE_CONCURRENT.matcher(line).find()) {
            return hit(Kind.SWALLOWS_CONCURRENT_MIGRATION_ERROR, "Rails", line, number, Optional.empty());
        }
        if (language == ScriptLanguage.RUBY && MigrationCatalog.RUBY_MIGRATION_CODE.matcher(line).find()) {
            return hit(Kind.MIGRATION, "Rails", line, number, Optional.of("bin/rails db:migrate"));
        }
        if (language == ScriptLanguage.PYTHON && DJANGO_CALL_COMMAND.matcher(line).find()) {
            return hit(Kind.MIGRATION, "Django", line, number, Optional.of("python manage.py migrate --noinput"));
        }
        Optional<String> spawned = spawnedCommand(line, language);
        if (spawned.isEmpty()) {
            return Optional.empty();
        }
        ScriptAnalysis analysis = spawned.get().startsWith("[")
                ? shell.argv(literals(spawned.get().substring(1)), ShellContext.unknown())
                : shell.shell(spawned.get(), ShellContext.unknown());
        return analysis.hits().stream()
                .filter(hit -> hit.match().isMigration())
                .findFirst()
                .flatMap(hit -> hit(Kind.MIGRATION, hit.match().stack(), hit.match().command(), number,
                        hit.match().releaseCommand()));
    }

    /**
     * The command a line spawns: shell text for one string ({@code system "a b"}), or
     * {@code [} followed by the literals for an argument list ({@code system("a", "b")}).
     */
    private static Optional<String> spawnedCommand(String line, ScriptLanguage language) {
        Matcher spawn = SPAWN.matcher(line);
        if (spawn.find()) {
            List<String> literals = literals(line.substring(spawn.end()));
            if (literals.size() == 1) {
                return Optional.of(literals.get(0));
            }
            if (literals.size() > 1) {
                return Optional.of("[" + line.substring(spawn.end()));
            }
        }
        if (language == ScriptLanguage.RUBY || language == ScriptLanguage.PHP) {
            Matcher backticks = BACKTICKS.matcher(line);
            if (backticks.find()) {
                return Optional.of(backticks.group(1));
            }
        }
        return Optional.empty();
    }

    /** The string literals at the start of an argument list, up to its closing bracket. */
    private static List<String> literals(String arguments) {
        List<String> literals = new ArrayList<>();
        int end = closingBracket(arguments);
        Matcher literal = STRING_LITERAL.matcher(arguments.substring(0, end));
        while (literal.find()) {
            String value = literal.group(1) != null ? literal.group(1) : literal.group(2);
            literals.add(value.replace("\\\"", "\"").replace("\\'", "'"));
        }
        return literals;
    }

    private static int closingBracket(String text) {
        boolean inDouble = false;
        boolean inSingle = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"' && !inSingle) {
                inDouble = !inDouble;
            } else if (c == '\'' && !inDouble) {
                inSingle = !inSingle;
            } else if (!inDouble && !inSingle && (c == ')' || c == ']' || c == '}' || c == ';' || c == '#')) {
                return i;
            }
        }
        return text.length();
    }

    private static Optional<Hit> hit(Kind kind, String stack, String command, int line, Optional<String> release) {
        return Optional.of(new Hit(new MigrationMatch(kind, stack, command, line, release, List.of()),
                Optional.empty(), Optional.empty()));
    }
}
