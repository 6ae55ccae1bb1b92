package dokkumigrate.scan;

import dokkumigrate.scan.ShellSyntax.AndOr;
import dokkumigrate.scan.ShellSyntax.Branch;
import dokkumigrate.scan.ShellSyntax.Case;
import dokkumigrate.scan.ShellSyntax.CaseArm;
import dokkumigrate.scan.ShellSyntax.FunctionDefinition;
import dokkumigrate.scan.ShellSyntax.Group;
import dokkumigrate.scan.ShellSyntax.If;
import dokkumigrate.scan.ShellSyntax.Loop;
import dokkumigrate.scan.ShellSyntax.Node;
import dokkumigrate.scan.ShellSyntax.Pipeline;
import dokkumigrate.scan.ShellSyntax.Sequence;
import dokkumigrate.scan.ShellSyntax.Simple;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Builds a {@link ShellSyntax} tree from shell text. Lenient: a missing {@code fi}, {@code done}
 * or {@code esac} ends the construct at the end of the text, and every step consumes a token,
 * so malformed input still parses.
 */
final class ShellParser {

    private static final Set<String> NO_STOP_OPERATORS = Set.of();
    private static final Set<String> CASE_ARM_ENDS = Set.of(";;", ";&", ";;&");

    private final String source;
    private final List<ShellToken> tokens;
    private int index;

    private ShellParser(String source) {
        this.source = source;
        this.tokens = ShellLexer.tokenize(source);
    }

    static Sequence parse(String source) {
        ShellParser parser = new ShellParser(source);
        List<Node> items = new ArrayList<>();
        while (!parser.atEnd()) {
            Sequence part = parser.parseList(Set.of(), NO_STOP_OPERATORS);
            items.addAll(part.items());
            if (!parser.atEnd()) {
                parser.index++; // a stray keyword or operator at top level: skip it
            }
        }
        return new Sequence(items);
    }

    private boolean atEnd() {
        return index >= tokens.size();
    }

    private ShellToken peek() {
        return atEnd() ? null : tokens.get(index);
    }

    private boolean peekKeyword(String... keywords) {
        return !atEnd() && peek().isKeyword(keywords);
    }

    private boolean peekOperator(String... operators) {
        return !atEnd() && peek().isOperator(operators);
    }

    private void skipNewlines() {
        while (!atEnd() && peek().type() == ShellToken.Type.NEWLINE) {
            index++;
        }
    }

    private void skipSeparators() {
        while (!atEnd() && peek().isSeparator()) {
            index++;
        }
    }

    private void expectKeyword(String keyword) {
        if (peekKeyword(keyword)) {
            index++;
        }
    }

    private Sequence parseList(Set<String> stopKeywords, Set<String> stopOperators) {
        List<Node> items = new ArrayList<>();
        while (true) {
            skipSeparators();
            if (atEnd()) {
                break;
            }
            ShellToken next = peek();
            if (next.isKeyword(stopKeywords.toArray(String[]::new))
                    || next.isOperator(stopOperators.toArray(String[]::new))
                    || next.isOperator(")") && !stopOperators.isEmpty()) {
                break;
            }
            int before = index;
            Node item = parseAndOr();
            if (item != null) {
                items.add(item);
            }
            if (index == before) {
                break;
            }
        }
        return new Sequence(items);
    }

    private Node parseAndOr() {
        List<Node> pipelines = new ArrayList<>();
        List<String> operators = new ArrayList<>();
        pipelines.add(parsePipeline());
        while (peekOperator("&&", "||")) {
            operators.add(peek().operator());
            index++;
            skipNewlines();
            pipelines.add(parsePipeline());
        }
        pipelines.removeIf(node -> node == null);
        if (pipelines.isEmpty()) {
            return null;
        }
        return pipelines.size() == 1 ? pipelines.get(0) : new AndOr(pipelines, operators.subList(0, pipelines.size() - 1));
    }

    private Node parsePipeline() {
        boolean negated = false;
        if (peekKeyword("!")) {
            negated = true;
            index++;
        }
        List<Node> commands = new ArrayList<>();
        commands.add(parseCommand());
        while (peekOperator("|", "|&")) {
            index++;
            skipNewlines();
            commands.add(parseCommand());
        }
        commands.removeIf(node -> node == null);
        if (commands.isEmpty()) {
            return null;
        }
        return commands.size() == 1 && !negated ? commands.get(0) : new Pipeline(negated, commands);
    }

    private Node parseCommand() {
        if (atEnd()) {
            return null;
        }
        ShellToken token = peek();
        if (token.type() == ShellToken.Type.WORD && token.word().isUnquoted()) {
            String text = token.word().text();
            switch (text) {
                case "if":
                    return parseIf();
                case "while":
                case "until":
                    return parseWhile();
                case "for":
                case "select":
                    return parseFor();
                case "case":
                    return parseCase();
                case "{":
                    index++;
                    Sequence body = parseList(Set.of("}"), NO_STOP_OPERATORS);
                    expectKeyword("}");
                    return new Group(body);
                case "function":
                    return parseFunctionKeyword();
                default:
                    if (isFunctionDefinitionAhead()) {
                        index += 3;
                        skipNewlines();
                        return new FunctionDefinition(text, parseCommand());
                    }
            }
        }
        if (token.isOperator("(")) {
            index++;
            Sequence body = parseList(Set.of(), Set.of(")"));
            if (peekOperator(")")) {
                index++;
            }
            return new Group(body);
        }
        return parseSimple();
    }

    private boolean isFunctionDefinitionAhead() {
        return index + 2 < tokens.size() && tokens.get(index + 1).isOperator("(") && tokens.get(index + 2).isOperator(")");
    }

    private Node parseFunctionKeyword() {
        index++;
        if (atEnd() || peek().type() != ShellToken.Type.WORD) {
            return null;
        }
        String name = peek().word().text();
        index++;
        if (peekOperator("(") && index + 1 < tokens.size() && tokens.get(index + 1).isOperator(")")) {
            index += 2;
        }
        skipNewlines();
        return new FunctionDefinition(name, parseCommand());
    }

    private Node parseSimple() {
        List<ShellWord> words = new ArrayList<>();
        int start = peek().start();
        int end = start;
        int line = peek().line();
        while (!atEnd() && peek().type() == ShellToken.Type.WORD) {
            ShellWord word = peek().word();
            words.add(word);
            end = word.end();
            index++;
        }
        if (words.isEmpty()) {
            index++; // an operator where a command should be: skip it
            return null;
        }
        return new Simple(words, line, start, end);
    }

    private Node parseIf() {
        int firstLine = peek().line();
        index++;
        List<Branch> branches = new ArrayList<>();
        branches.add(parseBranch());
        Sequence elseBody = Sequence.EMPTY;
        while (!atEnd()) {
            if (peekKeyword("elif")) {
                index++;
                branches.add(parseBranch());
            } else if (peekKeyword("else")) {
                index++;
                elseBody = parseList(Set.of("fi"), NO_STOP_OPERATORS);
            } else {
                break;
            }
        }
        int lastLine = atEnd() ? lastLine() : peek().line();
        expectKeyword("fi");
        return new If(branches, elseBody, firstLine, lastLine);
    }

    private Branch parseBranch() {
        int conditionStart = atEnd() ? source.length() : peek().start();
        int line = atEnd() ? lastLine() : peek().line();
        int conditionEnd = conditionStart;
        Sequence condition = parseList(Set.of("then"), NO_STOP_OPERATORS);
        if (index > 0 && index <= tokens.size()) {
            conditionEnd = lastWordEnd(conditionStart);
        }
        expectKeyword("then");
        Sequence body = parseList(Set.of("elif", "else", "fi"), NO_STOP_OPERATORS);
        String conditionSource = source.substring(conditionStart, Math.max(conditionStart, conditionEnd)).strip();
        return new Branch(condition, body, conditionSource, line);
    }

    /** The end of the last word token before the current position (and not before {@code from}). */
    private int lastWordEnd(int from) {
        for (int i = index - 1; i >= 0; i--) {
            ShellToken token = tokens.get(i);
            if (token.start() < from) {
                break;
            }
            if (token.type() == ShellToken.Type.WORD) {
                return token.end();
            }
        }
        return from;
    }

    private int lastLine() {
        return tokens.isEmpty() ? 1 : tokens.get(tokens.size() - 1).line();
    }

    private Node parseWhile() {
        index++;
        Sequence header = parseList(Set.of("do"), NO_STOP_OPERATORS);
        expectKeyword("do");
        Sequence body = parseList(Set.of("done"), NO_STOP_OPERATORS);
        expectKeyword("done");
        return new Loop(header, body);
    }

    private Node parseFor() {
        index++;
        while (!atEnd() && !peekKeyword("do")) {
            index++;
        }
        expectKeyword("do");
        Sequence body = parseList(Set.of("done"), NO_STOP_OPERATORS);
        expectKeyword("done");
        return new Loop(Sequence.EMPTY, body);
    }

    private Node parseCase() {
        int firstLine = peek().line();
        index++;
        if (atEnd() || peek().type() != ShellToken.Type.WORD) {
            return null;
        }
        ShellWord subject = peek().word();
        index++;
        skipNewlines();
        expectKeyword("in");
        List<CaseArm> arms = new ArrayList<>();
        while (true) {
            skipSeparators();
            if (atEnd() || peekKeyword("esac")) {
                break;
            }
            if (peekOperator("(")) {
                index++;
                if (atEnd()) {
                    break;
                }
            }
            int patternStart = peek().start();
            int line = peek().line();
            List<ShellWord> patterns = new ArrayList<>();
            while (!atEnd() && !peekOperator(")")) {
                if (peek().type() == ShellToken.Type.WORD) {
                    patterns.add(peek().word());
                }
                index++;
            }
            int patternEnd = atEnd() ? source.length() : peek().start();
            if (peekOperator(")")) {
                index++;
            }
            Sequence body = parseList(Set.of("esac"), CASE_ARM_ENDS);
            if (peekOperator(CASE_ARM_ENDS.toArray(String[]::new))) {
                index++;
            }
            arms.add(new CaseArm(patterns, body, source.substring(patternStart, patternEnd).strip(), line));
        }
        int lastLine = atEnd() ? lastLine() : peek().line();
        expectKeyword("esac");
        return new Case(subject, arms, firstLine, lastLine);
    }
}
