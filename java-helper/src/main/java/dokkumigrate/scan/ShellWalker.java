package dokkumigrate.scan;

import dokkumigrate.scan.Guard.EnvironmentSetting;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Follows a script the way the shell would run it, without running anything: which simple
 * commands can run, and under which conditions. A branch whose condition is known to be false
 * for this context is skipped; functions run where they are called; nothing after an
 * unconditional {@code exec} or {@code exit} runs.
 */
final class ShellWalker {

    private static final int MAX_FUNCTION_DEPTH = 4;
    /** A bound on the commands followed, so a script whose functions call each other many times stays cheap. */
    private static final int MAX_COMMANDS = 5_000;

    /**
     * A simple command that can run.
     *
     * @param enclosingBlock the lines of the {@code if} block around it when that block exists
     *                       only to run this command (removing the block is the clean fix)
     */
    record ReachedCommand(Simple command, ShellContext context, List<Guard> guards,
                          Optional<LineRange> enclosingBlock) {
    }

    /** Lines {@code first..last} of a script. */
    record LineRange(int first, int last) {
    }

    private enum Flow { CONTINUES, STOPS }

    private final List<ReachedCommand> reached = new ArrayList<>();
    private final Map<String, Node> functions = new HashMap<>();

    private ShellWalker() {
    }

    static List<ReachedCommand> walk(String script, ShellContext context) {
        ShellWalker walker = new ShellWalker();
        walker.sequence(ShellParser.parse(script), context, List.of(), Optional.empty(), 0);
        return List.copyOf(walker.reached);
    }

    private Flow sequence(Sequence sequence, ShellContext context, List<Guard> guards,
                          Optional<LineRange> block, int depth) {
        for (Node item : sequence.items()) {
            if (node(item, context, guards, block, depth) == Flow.STOPS) {
                return Flow.STOPS;
            }
        }
        return Flow.CONTINUES;
    }

    private Flow node(Node node, ShellContext context, List<Guard> guards, Optional<LineRange> block, int depth) {
        if (node instanceof Simple simple) {
            return simple(simple, context, guards, block, depth);
        }
        if (node instanceof AndOr andOr) {
            andOr.pipelines().forEach(pipeline -> node(pipeline, context, guards, Optional.empty(), depth));
        } else if (node instanceof Pipeline pipeline) {
            pipeline.commands().forEach(command -> node(command, context, guards, Optional.empty(), depth));
        } else if (node instanceof Group group) {
            Flow flow = sequence(group.body(), context, guards, Optional.empty(), depth);
            return group.body().items().isEmpty() ? Flow.CONTINUES : flow;
        } else if (node instanceof If ifNode) {
            return ifStatement(ifNode, context, guards, depth);
        } else if (node instanceof Case caseNode) {
            return caseStatement(caseNode, context, guards, depth);
        } else if (node instanceof Loop loop) {
            sequence(loop.header(), context, guards, Optional.empty(), depth);
            sequence(loop.body(), context, guards, Optional.empty(), depth);
        } else if (node instanceof FunctionDefinition function && function.body() != null) {
            functions.put(function.name(), function.body());
        }
        return Flow.CONTINUES;
    }

    private Flow simple(Simple simple, ShellContext context, List<Guard> guards, Optional<LineRange> block, int depth) {
        if (reached.size() >= MAX_COMMANDS) {
            return Flow.STOPS;
        }
        reached.add(new ReachedCommand(simple, context, guards, block));
        List<String> argv = context.argv(simple.words());
        int head = firstNonAssignment(argv);
        if (head >= argv.size()) {
            return Flow.CONTINUES;
        }
        String program = argv.get(head);
        Node function = functions.get(program);
        if (function != null && depth < MAX_FUNCTION_DEPTH) {
            Optional<List<String>> arguments = context.exactArgv(simple.words().subList(head + 1, simple.words().size()));
            node(function, context.withPositionals(arguments), guards, Optional.empty(), depth + 1);
            return Flow.CONTINUES;
        }
        boolean execsAnotherProgram = program.equals("exec") && argv.size() > head + 1;
        return execsAnotherProgram || program.equals("exit") ? Flow.STOPS : Flow.CONTINUES;
    }

    static int firstNonAssignment(List<String> argv) {
        int index = 0;
        while (index < argv.size() && argv.get(index).matches("[A-Za-z_][A-Za-z0-9_]*=.*")) {
            index++;
        }
        return index;
    }

    /** Stops the walk when the branch known to run ends in {@code exec} or {@code exit}. */
    private Flow ifStatement(If ifNode, ShellContext context, List<Guard> guards, int depth) {
        ConditionEvaluator evaluator = new ConditionEvaluator(context);
        Truth earlierTaken = Truth.FALSE;
        List<Guard> notEarlier = new ArrayList<>(guards);
        for (Branch branch : ifNode.branches()) {
            sequence(branch.condition(), context, notEarlier, Optional.empty(), depth);
            Truth condition = evaluator.evaluate(branch.condition());
            Truth runs = earlierTaken.not().and(condition);
            if (runs != Truth.FALSE) {
                List<Guard> inside = new ArrayList<>(notEarlier);
                inside.add(new Guard(branch.conditionSource(), branch.line(), false, runs == Truth.TRUE,
                        switchOff(branch.condition())));
                Flow flow = sequence(branch.body(), context, inside, soleCommandBlock(ifNode, branch.body()), depth);
                if (runs == Truth.TRUE && flow == Flow.STOPS) {
                    return Flow.STOPS;
                }
            }
            if (condition != Truth.FALSE) {
                notEarlier.add(new Guard(branch.conditionSource(), branch.line(), true, condition == Truth.TRUE,
                        Optional.empty()));
            }
            earlierTaken = earlierTaken.or(condition);
        }
        if (earlierTaken != Truth.TRUE && !ifNode.elseBody().items().isEmpty()) {
            Flow flow = sequence(ifNode.elseBody(), context, notEarlier, Optional.empty(), depth);
            if (earlierTaken == Truth.FALSE && flow == Flow.STOPS) {
                return Flow.STOPS;
            }
        }
        return Flow.CONTINUES;
    }

    private static Optional<LineRange> soleCommandBlock(If ifNode, Sequence body) {
        boolean sole = ifNode.branches().size() == 1 && ifNode.elseBody().items().isEmpty()
                && body.items().size() == 1 && body.items().get(0) instanceof Simple;
        return sole ? Optional.of(new LineRange(ifNode.firstLine(), ifNode.lastLine())) : Optional.empty();
    }

    private Flow caseStatement(Case caseNode, ShellContext context, List<Guard> guards, int depth) {
        ConditionEvaluator evaluator = new ConditionEvaluator(context);
        Truth earlierTaken = Truth.FALSE;
        for (CaseArm arm : caseNode.arms()) {
            Truth matches = evaluator.matchesAny(caseNode.subject(), arm.patterns());
            Truth runs = earlierTaken.not().and(matches);
            if (runs != Truth.FALSE) {
                List<Guard> inside = new ArrayList<>(guards);
                String condition = "case " + caseNode.subject().text() + " in " + arm.patternSource() + ")";
                inside.add(new Guard(condition, arm.line(), false, runs == Truth.TRUE, Optional.empty()));
                Flow flow = sequence(arm.body(), context, inside, Optional.empty(), depth);
                if (runs == Truth.TRUE && flow == Flow.STOPS) {
                    return Flow.STOPS;
                }
            }
            earlierTaken = earlierTaken.or(matches);
        }
        return Flow.CONTINUES;
    }

    /**
     * The environment setting that makes a condition false, when the condition is a test of
     * one environment variable or an {@code &&} chain containing one.
     */
    private static Optional<EnvironmentSetting> switchOff(Sequence condition) {
        if (condition.items().size() != 1) {
            return Optional.empty();
        }
        Node node = condition.items().get(0);
        List<Node> conjuncts = new ArrayList<>();
        if (node instanceof AndOr andOr) {
            if (andOr.operators().stream().anyMatch(op -> !op.equals("&&"))) {
                return Optional.empty();
            }
            conjuncts.addAll(andOr.pipelines());
        } else {
            conjuncts.add(node);
        }
        for (Node conjunct : conjuncts) {
            if (conjunct instanceof Simple test) {
                Optional<EnvironmentSetting> setting = switchOffTest(test.words());
                if (setting.isPresent()) {
                    return setting;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<EnvironmentSetting> switchOffTest(List<ShellWord> words) {
        if (words.size() < 3) {
            return Optional.empty();
        }
        String opening = words.get(0).text();
        if (!(opening.equals("[") || opening.equals("[[")) || words.stream().anyMatch(w -> w.isKeyword("!")
                || w.isKeyword("-o") || w.isKeyword("||") || w.isKeyword("-a") || w.isKeyword("&&"))) {
            return Optional.empty();
        }
        List<ShellWord> operands = words.subList(1, words.size() - 1);
        if (operands.size() == 2) {
            Optional<String> variable = environmentVariable(operands.get(1));
            if (variable.isEmpty()) {
                return Optional.empty();
            }
            if (operands.get(0).isKeyword("-n")) {
                return Optional.of(new EnvironmentSetting(variable.get(), Optional.empty()));
            }
            if (operands.get(0).isKeyword("-z")) {
                return Optional.of(new EnvironmentSetting(variable.get(), Optional.of("true")));
            }
            return Optional.empty();
        }
        if (operands.size() == 3 && !operands.get(2).hasExpansion()) {
            Optional<String> variable = environmentVariable(operands.get(0));
            String operator = operands.get(1).text();
            String value = operands.get(2).text();
            if (variable.isEmpty()) {
                return Optional.empty();
            }
            if (oppositeOf(value).isEmpty()) {
                return Optional.empty();
            }
            if (operator.equals("=") || operator.equals("==")) {
                return Optional.of(new EnvironmentSetting(variable.get(), oppositeOf(value)));
            }
            if (operator.equals("!=")) {
                return Optional.of(new EnvironmentSetting(variable.get(), Optional.of(value)));
            }
        }
        return Optional.empty();
    }

    private static Optional<String> environmentVariable(ShellWord word) {
        if (word.parts().size() != 1 || !(word.parts().get(0) instanceof ShellWord.Expansion expansion)
                || expansion.kind() != ShellWord.Expansion.Kind.PARAMETER) {
            return Optional.empty();
        }
        String name = expansion.body().replaceFirst("^([A-Za-z_][A-Za-z0-9_]*).*$", "$1");
        return name.matches("[A-Za-z_][A-Za-z0-9_]*") ? Optional.of(name) : Optional.empty();
    }

    /** The other value of a yes/no setting; empty for a value that is not one. */
    private static Optional<String> oppositeOf(String value) {
        return Optional.ofNullable(switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> "false";
            case "1" -> "0";
            case "yes" -> "no";
            case "on" -> "off";
            case "false" -> "true";
            case "0" -> "1";
            case "no" -> "yes";
            case "off" -> "on";
            default -> null;
        });
    }
}
