package dokkumigrate.scan;

import java.util.List;
import java.util.Set;

/**
 * What a command line really starts once the wrappers around it are taken off
 * ({@code exec}, {@code env}, {@code bundle exec}, {@code npx}, {@code python -m}, {@code gosu},
 * {@code tini --}, {@code wait-for-it ... --}, ...).
 */
sealed interface Invocation {

    /** A program and its arguments. */
    record Program(String program, List<String> arguments) implements Invocation {
        /** The program's name without its directory ({@code ./bin/rails} → {@code rails}). */
        String name() {
            return Invocation.programName(program);
        }
    }

    /** {@code sh -c 'TEXT' [$0 [$1 ...]]}: shell text run by a new shell. */
    record ShellText(String script, List<String> positionals) implements Invocation {
    }

    /** {@code sh FILE ARGS}, {@code source FILE}, {@code . FILE}. */
    record RunScript(String path, List<String> arguments, boolean sourced) implements Invocation {
    }

    /** Nothing is started (an assignment, a bare wrapper) or what is started cannot be told. */
    record Nothing() implements Invocation {
    }

    Set<String> SHELLS = Set.of("sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox-sh");
    Set<String> SIMPLE_PREFIXES = Set.of("exec", "command", "builtin", "nohup", "time", "nice", "eatmydata",
            "with-contenv");
    Set<String> INTERPRETER_OPTIONS_WITH_VALUE = Set.of("-r", "--require", "-I", "--loader", "--import", "-d", "-c",
            "-C", "--env-file", "-W", "-X");
    /** Options after which an interpreter runs code given on the command line, not a file. */
    Set<String> INLINE_CODE_OPTIONS = Set.of("-e", "--eval", "-p", "--print");
    Set<String> USER_SWITCHERS = Set.of("gosu", "su-exec", "setuidgid", "s6-setuidgid", "chpst");
    Set<String> INIT_WRAPPERS = Set.of("tini", "tini-static", "dumb-init", "catatonit");
    Set<String> RUNNERS_WITH_RUN = Set.of("poetry", "pipenv", "pdm", "hatch", "rye", "uv", "foreman", "heroku",
            "doppler", "infisical", "op", "dotenvx");

    /** Reads an argv (already word-split); assignments before the program are skipped. */
    static Invocation of(List<String> argv) {
        int i = ShellWalker.firstNonAssignment(argv);
        while (i < argv.size()) {
            String word = argv.get(i);
            String name = programName(word);
            if (SIMPLE_PREFIXES.contains(name)) {
                i = skipOptions(argv, i + 1, Set.of("-n", "-a"));
            } else if (name.equals("env")) {
                i = skipOptions(argv, i + 1, Set.of("-u", "--unset", "-C", "--chdir", "-S"));
                i = i + ShellWalker.firstNonAssignment(argv.subList(i, argv.size()));
            } else if (name.equals("sudo") || name.equals("runuser")) {
                i = skipOptions(argv, i + 1, Set.of("-u", "-g", "-U", "-C", "-D", "-h", "-p", "-r", "-t", "-T", "-l"));
            } else if (USER_SWITCHERS.contains(name)) {
                int afterOptions = skipOptions(argv, i + 1, Set.of("-u", "-U", "-e", "-/", "-n", "-l", "-L", "-m", "-d", "-o", "-p"));
                i = name.equals("chpst") ? afterOptions : afterOptions + 1;
            } else if (INIT_WRAPPERS.contains(name)) {
                i = skipOptions(argv, i + 1, Set.of("-s", "-e", "-p", "-l", "-r"));
            } else if (name.equals("timeout")) {
                i = skipOptions(argv, i + 1, Set.of("-s", "--signal", "-k", "--kill-after")) + 1;
            } else if (name.equals("bundle") || name.equals("bundler")) {
                if (i + 1 >= argv.size() || !argv.get(i + 1).equals("exec")) {
                    return new Program(word, argv.subList(i + 1, argv.size()));
                }
                i = skipOptions(argv, i + 2, Set.of("--gemfile"));
            } else if (name.equals("npx") || name.equals("bunx") || name.equals("pnpx")) {
                i = skipOptions(argv, i + 1, Set.of("-p", "--package", "-c", "--call"));
            } else if (Set.of("npm", "pnpm", "yarn", "bun").contains(name) && i + 1 < argv.size()
                    && Set.of("exec", "x", "dlx").contains(argv.get(i + 1))) {
                i = skipOptions(argv, i + 2, Set.of("-p", "--package", "-c", "--call"));
            } else if (RUNNERS_WITH_RUN.contains(name)) {
                int run = i + argv.subList(i, argv.size()).indexOf("run");
                int separator = argv.subList(i, argv.size()).indexOf("--");
                if (separator >= 0) {
                    i = i + separator + 1;
                } else if (run > i) {
                    i = skipOptions(argv, run + 1, Set.of("-e", "--env", "-p", "--project"));
                } else {
                    return new Nothing();
                }
            } else if (name.matches("python[0-9.]*|pypy[0-9.]*")) {
                i = i + 1;
                while (i < argv.size() && argv.get(i).startsWith("-") && !argv.get(i).equals("-m")
                        && !argv.get(i).equals("-c")) {
                    i += Set.of("-W", "-X", "-Q").contains(argv.get(i)) ? 2 : 1;
                }
                if (i < argv.size() && argv.get(i).equals("-m") && i + 1 < argv.size()) {
                    String module = argv.get(i + 1);
                    String program = module.equals("django") ? "django-admin" : module;
                    return new Program(program, argv.subList(i + 2, argv.size()));
                }
                if (i < argv.size() && argv.get(i).equals("-c")) {
                    return new Nothing();
                }
            } else if (name.matches("ruby[0-9.]*|jruby|php[0-9.]*|node|nodejs|ts-node|tsx|perl|elixir")) {
                int afterOptions = skipOptions(argv, i + 1, INTERPRETER_OPTIONS_WITH_VALUE);
                if (argv.subList(i + 1, afterOptions).stream().anyMatch(INLINE_CODE_OPTIONS::contains)) {
                    return new Nothing();
                }
                i = afterOptions;
            } else if (name.startsWith("wait-for") || name.equals("wait_for_it.sh")) {
                int separator = argv.subList(i, argv.size()).indexOf("--");
                if (separator < 0) {
                    return new Nothing();
                }
                i = i + separator + 1;
            } else if (name.equals("dockerize")) {
                i = skipOptions(argv, i + 1, Set.of("-wait", "-timeout", "-template", "-stdout", "-stderr", "-delims",
                        "-wait-retry-interval", "-wait-http-header", "-env", "-env-header"));
            } else if (SHELLS.contains(name)) {
                return shell(argv, i);
            } else if (name.equals("su")) {
                int command = Math.max(argv.indexOf("-c"), argv.indexOf("--command"));
                return command > i && command + 1 < argv.size() ? new ShellText(argv.get(command + 1), List.of()) : new Nothing();
            } else if (word.equals("source") || word.equals(".")) {
                return i + 1 < argv.size()
                        ? new RunScript(argv.get(i + 1), argv.subList(i + 2, argv.size()), true) : new Nothing();
            } else {
                return new Program(word, argv.subList(i + 1, argv.size()));
            }
            if (i < argv.size() && argv.get(i).equals("--")) {
                i++;
            }
        }
        return new Nothing();
    }

    private static Invocation shell(List<String> argv, int shellIndex) {
        int i = shellIndex + 1;
        while (i < argv.size() && argv.get(i).startsWith("-") && !argv.get(i).equals("-") && !argv.get(i).equals("--")) {
            String option = argv.get(i);
            if (!option.startsWith("--") && option.contains("c")) {
                if (i + 1 >= argv.size()) {
                    return new Nothing();
                }
                List<String> rest = argv.subList(i + 2, argv.size());
                List<String> positionals = rest.isEmpty() ? List.of() : rest.subList(1, rest.size());
                return new ShellText(argv.get(i + 1), positionals);
            }
            i += option.equals("-o") || option.equals("+o") ? 2 : 1;
        }
        if (i < argv.size() && argv.get(i).equals("--")) {
            i++;
        }
        return i < argv.size() ? new RunScript(argv.get(i), argv.subList(i + 1, argv.size()), false) : new Nothing();
    }

    /** Skips options (and the values of those that take one); stops at the first other word. */
    private static int skipOptions(List<String> argv, int from, Set<String> optionsWithValue) {
        int i = from;
        while (i < argv.size() && argv.get(i).startsWith("-") && !argv.get(i).equals("--") && !argv.get(i).equals("-")) {
            i += optionsWithValue.contains(argv.get(i)) ? 2 : 1;
        }
        return i;
    }

    /**
     * A program's name: the last path segment, or the tool a well-known node_modules entry point
     * belongs to ({@code node_modules/typeorm/cli.js} → {@code typeorm}).
     */
    static String programName(String word) {
        String path = word.replace('\\', '/');
        for (String tool : List.of("typeorm", "prisma", "knex", "sequelize-cli", "sequelize", "node-pg-migrate",
                "db-migrate", "drizzle-kit", "mikro-orm")) {
            if (path.contains("node_modules/" + tool + "/") || path.contains("node_modules/@mikro-orm/cli/")
                    && tool.equals("mikro-orm")) {
                return tool;
            }
        }
        int slash = path.lastIndexOf('/');
        String name = slash >= 0 ? path.substring(slash + 1) : path;
        return name;
    }
}
