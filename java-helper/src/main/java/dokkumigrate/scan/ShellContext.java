package dokkumigrate.scan;

import dokkumigrate.scan.ShellWord.Expansion;
import dokkumigrate.scan.ShellWord.Literal;
import dokkumigrate.scan.ShellWord.Part;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a script knows when it runs: its positional parameters ({@code $1 ...}, unknown for a
 * Procfile command), its own path ({@code $0}) and the environment (unknown unless the caller
 * supplies the app's full environment). Evaluates words against it; an expansion it cannot
 * know makes the word unknown.
 */
record ShellContext(Optional<List<String>> positionals, Optional<String> scriptPath,
                    Optional<Map<String, String>> environment) {

    private static final Pattern POSITIONAL_SLICE = Pattern.compile("^[@*]:\\s*(-?\\d+)(?::\\s*(\\d+))?$");
    private static final Pattern WITH_OPERATOR = Pattern.compile("^([A-Za-z_][A-Za-z0-9_]*|\\d+)(:?[-=+?])(.*)$", Pattern.DOTALL);
    private static final String DIRNAME_OF_SCRIPT =
            "dirname\\s+(?:--\\s+)?\"?\\$(?:0|\\{0\\}|\\{BASH_SOURCE(?:\\[0\\])?\\}|BASH_SOURCE)\"?";
    private static final Pattern SCRIPT_DIRECTORY = Pattern.compile(
            "^\\s*(?:" + DIRNAME_OF_SCRIPT + "|cd\\s+\"?\\$\\(\\s*" + DIRNAME_OF_SCRIPT
                    + "\\s*\\)\"?\\s*(?:>\\s*/dev/null\\s*)?(?:2>&1\\s*)?&&\\s*pwd(?:\\s+-P)?)\\s*$");

    ShellContext {
        positionals = positionals.map(List::copyOf);
        environment = environment.map(Map::copyOf);
    }

    /** Nothing known: a command line (Procfile, CMD) or a script whose arguments are not known. */
    static ShellContext unknown() {
        return new ShellContext(Optional.empty(), Optional.empty(), Optional.empty());
    }

    ShellContext withPositionals(Optional<List<String>> newPositionals) {
        return new ShellContext(newPositionals, scriptPath, environment);
    }

    ShellContext forScript(String path, Optional<List<String>> arguments) {
        return new ShellContext(arguments, Optional.of(path), environment);
    }

    /** The word's value, or empty when it depends on something unknown. */
    Optional<String> evaluate(ShellWord word) {
        StringBuilder value = new StringBuilder();
        for (Part part : word.parts()) {
            if (part instanceof Literal literal) {
                value.append(literal.text());
            } else {
                Optional<String> expanded = expand((Expansion) part);
                if (expanded.isEmpty()) {
                    return Optional.empty();
                }
                value.append(expanded.get());
            }
        }
        return Optional.of(value.toString());
    }

    /**
     * The words as a command receives them, for reading (not running): known values where they
     * are known, the written text otherwise; {@code "$@"} becomes the positional parameters
     * when they are known.
     */
    List<String> argv(List<ShellWord> words) {
        List<String> argv = new ArrayList<>();
        for (ShellWord word : words) {
            if (word.isAllPositionals() && positionals.isPresent()) {
                argv.addAll(positionals.get());
            } else {
                argv.add(evaluate(word).orElse(word.text()));
            }
        }
        return argv;
    }

    /** The words' exact values, or empty when any of them is unknown. */
    Optional<List<String>> exactArgv(List<ShellWord> words) {
        List<String> argv = new ArrayList<>();
        for (ShellWord word : words) {
            if (word.isAllPositionals()) {
                if (positionals.isEmpty()) {
                    return Optional.empty();
                }
                argv.addAll(positionals.get());
                continue;
            }
            Optional<String> value = evaluate(word);
            if (value.isEmpty()) {
                return Optional.empty();
            }
            argv.add(value.get());
        }
        return Optional.of(argv);
    }

    private Optional<String> expand(Expansion expansion) {
        return switch (expansion.kind()) {
            case PARAMETER -> parameter(expansion.body().strip());
            case COMMAND -> command(expansion.body());
            case ARITHMETIC -> Optional.empty();
        };
    }

    private Optional<String> parameter(String body) {
        if (body.equals("@") || body.equals("*")) {
            return positionals.map(values -> String.join(" ", values));
        }
        if (body.equals("#")) {
            return positionals.map(values -> String.valueOf(values.size()));
        }
        Matcher slice = POSITIONAL_SLICE.matcher(body);
        if (slice.matches()) {
            return positionalSlice(Integer.parseInt(slice.group(1)),
                    slice.group(2) == null ? Integer.MAX_VALUE : Integer.parseInt(slice.group(2)));
        }
        Matcher withOperator = WITH_OPERATOR.matcher(body);
        if (withOperator.matches()) {
            return withOperator(withOperator.group(1), withOperator.group(2), withOperator.group(3));
        }
        return plain(body);
    }

    /** {@code ${@:offset:length}}; a negative offset counts from one past the last parameter, where 0 is $0. */
    private Optional<String> positionalSlice(int offset, int length) {
        if (positionals.isEmpty()) {
            return Optional.empty();
        }
        List<String> values = positionals.get();
        int first = offset < 0 ? values.size() + 1 + offset : offset;
        if (first < 0) {
            return Optional.of("");
        }
        List<String> picked = new ArrayList<>();
        for (int position = first; position <= values.size() && picked.size() < length; position++) {
            if (position == 0) {
                if (scriptPath.isEmpty()) {
                    return Optional.empty();
                }
                picked.add(scriptPath.get());
            } else {
                picked.add(values.get(position - 1));
            }
        }
        return Optional.of(String.join(" ", picked));
    }

    private Optional<String> withOperator(String name, String operator, String word) {
        Lookup lookup = lookup(name);
        if (!lookup.known()) {
            return Optional.empty();
        }
        boolean colon = operator.startsWith(":");
        boolean set = lookup.value() != null && (!colon || !lookup.value().isEmpty());
        String literalWord = word.replaceAll("^[\"']|[\"']$", "");
        return switch (operator.substring(colon ? 1 : 0)) {
            case "-", "=" -> Optional.of(set ? lookup.value() : literalWord);
            case "+" -> Optional.of(set ? literalWord : "");
            default -> Optional.of(lookup.valueOrEmpty());
        };
    }

    private Optional<String> plain(String name) {
        Lookup lookup = lookup(name);
        return lookup.known() ? Optional.of(lookup.valueOrEmpty()) : Optional.empty();
    }

    /** A parameter looked up: unknown, known to be unset (value null), or set. */
    private record Lookup(boolean known, String value) {
        static final Lookup UNKNOWN = new Lookup(false, null);

        static Lookup of(String valueOrNull) {
            return new Lookup(true, valueOrNull);
        }

        String valueOrEmpty() {
            return value == null ? "" : value;
        }
    }

    private Lookup lookup(String name) {
        if (name.equals("0")) {
            return scriptPath.map(Lookup::of).orElse(Lookup.UNKNOWN);
        }
        if (name.matches("\\d+")) {
            if (positionals.isEmpty()) {
                return Lookup.UNKNOWN;
            }
            int position = Integer.parseInt(name);
            List<String> values = positionals.get();
            return Lookup.of(position <= values.size() ? values.get(position - 1) : null);
        }
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*") || environment.isEmpty()) {
            return Lookup.UNKNOWN;
        }
        return Lookup.of(environment.get().get(name));
    }

    /** {@code $(dirname "$0")} and {@code $(cd "$(dirname "$0")" && pwd)}: the script's directory. */
    private Optional<String> command(String body) {
        if (scriptPath.isPresent() && SCRIPT_DIRECTORY.matcher(body).matches()) {
            String path = scriptPath.get();
            int slash = path.lastIndexOf('/');
            return Optional.of(slash <= 0 ? "/" : path.substring(0, slash));
        }
        return Optional.empty();
    }
}
