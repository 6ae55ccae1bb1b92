package dokkumigrate.scan;

import java.util.List;

/** The syntax tree of a shell script, as far as finding what it runs needs. */
final class ShellSyntax {

    private ShellSyntax() {
    }

    sealed interface Node permits Simple, AndOr, Pipeline, Sequence, If, Case, Loop, Group, FunctionDefinition {
    }

    /**
     * A simple command: its words (assignments included, redirections dropped), the line it
     * starts on, and its source span.
     */
    record Simple(List<ShellWord> words, int line, int start, int end) implements Node {
        Simple {
            words = List.copyOf(words);
        }

        /** The command as written. */
        String source(String text) {
            return text.substring(start, end);
        }
    }

    /** {@code a && b || c}: left to right, the operators between the pipelines. */
    record AndOr(List<Node> pipelines, List<String> operators) implements Node {
    }

    /** {@code [!] a | b}. */
    record Pipeline(boolean negated, List<Node> commands) implements Node {
    }

    /** Commands run one after another. */
    record Sequence(List<Node> items) implements Node {
        static final Sequence EMPTY = new Sequence(List.of());
    }

    /** {@code if/elif/else/fi}: branches in order, the else body (may be empty), the lines of if and fi. */
    record If(List<Branch> branches, Sequence elseBody, int firstLine, int lastLine) implements Node {
    }

    /** A condition and the body it guards. */
    record Branch(Sequence condition, Sequence body, String conditionSource, int line) {
    }

    /** {@code case WORD in PATTERN) ... ;; esac}. */
    record Case(ShellWord subject, List<CaseArm> arms, int firstLine, int lastLine) implements Node {
    }

    record CaseArm(List<ShellWord> patterns, Sequence body, String patternSource, int line) {
    }

    /** {@code while/until/for/select}: the body may run any number of times. */
    record Loop(Sequence header, Sequence body) implements Node {
    }

    /** {@code { ...; }} or a subshell {@code ( ... )}. */
    record Group(Sequence body) implements Node {
    }

    /** {@code name() { ...; }} or {@code function name { ...; }}: runs only when called. */
    record FunctionDefinition(String name, Node body) implements Node {
    }
}
