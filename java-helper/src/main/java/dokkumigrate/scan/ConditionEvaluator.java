package dokkumigrate.scan;

import dokkumigrate.scan.ShellSyntax.AndOr;
import dokkumigrate.scan.ShellSyntax.Group;
import dokkumigrate.scan.ShellSyntax.Node;
import dokkumigrate.scan.ShellSyntax.Pipeline;
import dokkumigrate.scan.ShellSyntax.Sequence;
import dokkumigrate.scan.ShellSyntax.Simple;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides an {@code if} condition or a {@code case} pattern from what the context knows:
 * {@code [ ]}, {@code [[ ]]}, {@code test}, {@code true}/{@code false}, joined by
 * {@code && || !}. Anything else (a command's exit status, a file test) is {@link Truth#UNKNOWN}.
 */
final class ConditionEvaluator {

    private static final Set<String> FILE_TESTS = Set.of("-a", "-b", "-c", "-d", "-e", "-f", "-g", "-h", "-k", "-p",
            "-r", "-s", "-t", "-u", "-w", "-x", "-G", "-L", "-N", "-O", "-S", "-v", "-R");

    private final ShellContext context;

    ConditionEvaluator(ShellContext context) {
        this.context = context;
    }

    Truth evaluate(Node node) {
        if (node instanceof Sequence sequence) {
            return sequence.items().isEmpty() ? Truth.TRUE : evaluate(sequence.items().get(sequence.items().size() - 1));
        }
        if (node instanceof AndOr andOr) {
            Truth result = evaluate(andOr.pipelines().get(0));
            for (int i = 1; i < andOr.pipelines().size(); i++) {
                Truth next = evaluate(andOr.pipelines().get(i));
                result = andOr.operators().get(i - 1).equals("&&") ? result.and(next) : result.or(next);
            }
            return result;
        }
        if (node instanceof Pipeline pipeline) {
            Truth last = evaluate(pipeline.commands().get(pipeline.commands().size() - 1));
            return pipeline.negated() ? last.not() : last;
        }
        if (node instanceof Group group) {
            return evaluate(group.body());
        }
        if (node instanceof Simple simple) {
            return simpleCommand(simple.words());
        }
        return Truth.UNKNOWN;
    }

    /** Whether {@code subject} matches one of a case arm's patterns. */
    Truth matchesAny(ShellWord subject, List<ShellWord> patterns) {
        Optional<String> value = context.evaluate(subject);
        Truth result = Truth.FALSE;
        for (ShellWord pattern : patterns) {
            result = result.or(value.isEmpty() ? Truth.UNKNOWN : globMatch(value.get(), pattern));
        }
        return result;
    }

    private Truth simpleCommand(List<ShellWord> words) {
        if (words.isEmpty()) {
            return Truth.UNKNOWN;
        }
        ShellWord first = words.get(0);
        if (first.isKeyword("true") || first.isKeyword(":")) {
            return Truth.TRUE;
        }
        if (first.isKeyword("false")) {
            return Truth.FALSE;
        }
        if (first.isKeyword("[") && words.size() >= 2 && words.get(words.size() - 1).isKeyword("]")) {
            return new TestExpression(words.subList(1, words.size() - 1), false).evaluate();
        }
        if (first.isKeyword("[[") && words.size() >= 2 && words.get(words.size() - 1).isKeyword("]]")) {
            return new TestExpression(words.subList(1, words.size() - 1), true).evaluate();
        }
        if (first.isKeyword("test")) {
            return new TestExpression(words.subList(1, words.size()), false).evaluate();
        }
        return Truth.UNKNOWN;
    }

    private Truth globMatch(String value, ShellWord pattern) {
        StringBuilder regex = new StringBuilder();
        for (ShellWord.Part part : pattern.parts()) {
            if (part instanceof ShellWord.Literal literal) {
                regex.append(literal.quoted() ? java.util.regex.Pattern.quote(literal.text()) : globToRegex(literal.text()));
            } else {
                Optional<String> expanded = context.evaluate(new ShellWord(List.of(part), 0, 0, 0));
                if (expanded.isEmpty()) {
                    return Truth.UNKNOWN;
                }
                regex.append(part.quoted() ? java.util.regex.Pattern.quote(expanded.get()) : globToRegex(expanded.get()));
            }
        }
        try {
            return Truth.of(value.matches(regex.toString()));
        } catch (java.util.regex.PatternSyntaxException e) {
            return Truth.UNKNOWN; // a pattern the shell accepts and Java does not (a reversed range): cannot decide
        }
    }

    private static String globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                case '[' -> {
                    int close = glob.indexOf(']', i + 2);
                    if (close < 0) {
                        regex.append("\\[");
                    } else {
                        String set = glob.substring(i + 1, close);
                        boolean negated = set.startsWith("!") || set.startsWith("^");
                        regex.append('[').append(negated ? "^" : "");
                        for (char member : (negated ? set.substring(1) : set).toCharArray()) {
                            regex.append(Character.isLetterOrDigit(member) || member == '-' ? "" : "\\").append(member);
                        }
                        regex.append(']');
                        i = close;
                    }
                }
                default -> regex.append(java.util.regex.Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }

    /** The operands of {@code test}/{@code [ ]}/{@code [[ ]]}, read by recursive descent. */
    private final class TestExpression {
        private final List<ShellWord> words;
        private final boolean doubleBracket;
        private int position;

        TestExpression(List<ShellWord> words, boolean doubleBracket) {
            this.words = words;
            this.doubleBracket = doubleBracket;
        }

        Truth evaluate() {
            if (words.isEmpty()) {
                return Truth.FALSE;
            }
            Truth result = or();
            return position == words.size() ? result : Truth.UNKNOWN;
        }

        private boolean at(String... operators) {
            if (position >= words.size()) {
                return false;
            }
            for (String operator : operators) {
                if (words.get(position).isKeyword(operator)) {
                    return true;
                }
            }
            return false;
        }

        private Truth or() {
            Truth result = and();
            while (at("-o", "||")) {
                position++;
                result = result.or(and());
            }
            return result;
        }

        private Truth and() {
            Truth result = unary();
            while (at("-a", "&&") && position + 1 < words.size()) {
                position++;
                result = result.and(unary());
            }
            return result;
        }

        private Truth unary() {
            if (at("!") && position + 1 < words.size()) {
                position++;
                return unary().not();
            }
            if (at("(")) {
                position++;
                Truth inner = or();
                if (at(")")) {
                    position++;
                }
                return inner;
            }
            return primary();
        }

        private Truth primary() {
            if (position >= words.size()) {
                return Truth.UNKNOWN;
            }
            if (position + 2 < words.size() && isBinaryOperator(words.get(position + 1))) {
                ShellWord left = words.get(position);
                String operator = words.get(position + 1).text();
                ShellWord right = words.get(position + 2);
                position += 3;
                return binary(left, operator, right);
            }
            ShellWord word = words.get(position);
            if ((word.isKeyword("-n") || word.isKeyword("-z")) && position + 1 < words.size()) {
                Optional<String> operand = context.evaluate(words.get(position + 1));
                position += 2;
                if (operand.isEmpty()) {
                    return Truth.UNKNOWN;
                }
                return Truth.of(word.isKeyword("-n") != operand.get().isEmpty());
            }
            if (word.isUnquoted() && FILE_TESTS.contains(word.text()) && position + 1 < words.size()) {
                position += 2;
                return Truth.UNKNOWN;
            }
            position++;
            return context.evaluate(word).map(value -> Truth.of(!value.isEmpty())).orElse(Truth.UNKNOWN);
        }

        private boolean isBinaryOperator(ShellWord word) {
            return word.isUnquoted() && Set.of("=", "==", "!=", "=~", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge",
                    "-nt", "-ot", "-ef").contains(word.text());
        }

        private Truth binary(ShellWord left, String operator, ShellWord right) {
            Optional<String> leftValue = context.evaluate(left);
            if (leftValue.isEmpty()) {
                return Truth.UNKNOWN;
            }
            switch (operator) {
                case "=", "==", "!=" -> {
                    Truth equal;
                    if (doubleBracket) {
                        equal = globMatch(leftValue.get(), right);
                    } else {
                        Optional<String> rightValue = context.evaluate(right);
                        equal = rightValue.map(value -> Truth.of(value.equals(leftValue.get()))).orElse(Truth.UNKNOWN);
                    }
                    return operator.equals("!=") ? equal.not() : equal;
                }
                case "-eq", "-ne", "-lt", "-le", "-gt", "-ge" -> {
                    Optional<String> rightValue = context.evaluate(right);
                    if (rightValue.isEmpty() || !leftValue.get().strip().matches("-?\\d+")
                            || !rightValue.get().strip().matches("-?\\d+")) {
                        return Truth.UNKNOWN;
                    }
                    long a = Long.parseLong(leftValue.get().strip());
                    long b = Long.parseLong(rightValue.get().strip());
                    return Truth.of(switch (operator) {
                        case "-eq" -> a == b;
                        case "-ne" -> a != b;
                        case "-lt" -> a < b;
                        case "-le" -> a <= b;
                        case "-gt" -> a > b;
                        default -> a >= b;
                    });
                }
                default -> {
                    return Truth.UNKNOWN;
                }
            }
        }
    }
}
