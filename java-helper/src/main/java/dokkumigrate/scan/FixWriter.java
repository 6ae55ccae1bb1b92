package dokkumigrate.scan;

import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import dokkumigrate.run.ImageConfig;
import dokkumigrate.scan.ScaledMigrationCheck.EditTarget;
import dokkumigrate.scan.ScaledMigrationCheck.Sighting;
import dokkumigrate.scan.ScriptAnalysis.Span;
import dokkumigrate.scan.ShellWalker.LineRange;

import java.util.List;
import java.util.Optional;

/** Writes the exact fix for a finding: the {@code release:} line, and the edit where the command was found. */
final class FixWriter {

    private final String app;
    private final Plan deployTasks;
    private final Optional<Task> migratingDeployTask;

    /**
     * @param migratingDeployTask the deploy task that already migrates, when one does
     */
    FixWriter(String app, Plan deployTasks, Optional<Task> migratingDeployTask) {
        this.app = app;
        this.deployTasks = deployTasks;
        this.migratingDeployTask = migratingDeployTask;
    }

    Fix forMigration(Sighting sighting) {
        MigrationMatch match = sighting.hit().match();
        String migration = match.releaseCommand().orElse(match.command());
        return withReleaseStep(Optional.of(migration), removal(sighting), alternative(sighting));
    }

    Fix forSwallowedError(Sighting sighting, Optional<String> migrationNearby) {
        String removal = switch (sighting.location().kind()) {
            case IMAGE_FILE -> "remove the rescue of ConcurrentMigrationError on line " + sighting.location().line()
                    + " of " + sighting.location().path();
            default -> removal(sighting);
        };
        return withReleaseStep(migrationNearby, removal, Optional.empty());
    }

    private Fix withReleaseStep(Optional<String> migration, String removal, Optional<String> alternative) {
        if (migratingDeployTask.isPresent()) {
            Task task = migratingDeployTask.get();
            return new Fix(Optional.empty(), "nothing to add: the " + task.phase().label() + " task (`" + task.command()
                    + "`) already migrates once per deploy", removal, alternative);
        }
        if (migration.isEmpty()) {
            return new Fix(Optional.empty(), "run the migration once per deploy from the Procfile's release: task instead",
                    removal, alternative);
        }
        Optional<Task> release = deployTasks.task(Phase.RELEASE);
        if (release.isPresent()) {
            String line = "release: " + migration.get() + " && " + release.get().command();
            return new Fix(Optional.of(line), "change the Procfile's release line to: " + line, removal, alternative);
        }
        String line = "release: " + migration.get();
        return new Fix(Optional.of(line), "add to the Procfile: " + line, removal, alternative);
    }

    private static String removal(Sighting sighting) {
        String command = sighting.hit().match().command();
        Optional<Span> span = sighting.hit().span();
        EditTarget target = sighting.target();
        if (target instanceof EditTarget.ProcfileLine procfileLine) {
            ProcfileEntry entry = procfileLine.entry();
            String where = "Procfile line " + entry.line();
            Optional<String> rewritten = span.flatMap(s -> CommandRemoval.remove(entry.command(), s.start(), s.end()));
            if (rewritten.isEmpty()) {
                return "remove `" + command + "` from " + where;
            }
            return rewritten.get().isEmpty()
                    ? "remove " + where + " (`" + entry.processType() + ": " + entry.command() + "`)"
                    : "change " + where + " to: " + entry.processType() + ": " + rewritten.get();
        }
        if (target instanceof EditTarget.Instruction instruction) {
            return instructionRemoval(instruction, command, span);
        }
        EditTarget.ScriptFile script = (EditTarget.ScriptFile) target;
        return scriptRemoval(script, sighting.location().line(), command, span, sighting.hit().enclosingBlock());
    }

    private static String instructionRemoval(EditTarget.Instruction instruction, String command, Optional<Span> span) {
        String name = instruction.name();
        List<String> value = instruction.value();
        String fallback = "remove `" + command + "` from the Dockerfile " + name;
        if (!ImageConfig.isShellForm(value) || span.isEmpty()) {
            return fallback;
        }
        Optional<String> rewritten = CommandRemoval.remove(value.get(2), span.get().start(), span.get().end());
        if (rewritten.isEmpty() || rewritten.get().isEmpty()) {
            return fallback;
        }
        String instructionText = value.get(0).equals("/bin/sh")
                ? name + " " + rewritten.get()
                : name + " " + ShellQuoting.jsonArray(List.of(value.get(0), "-c", rewritten.get()));
        return "change the Dockerfile " + name + " to: " + instructionText;
    }

    private static String scriptRemoval(EditTarget.ScriptFile script, int line, String command, Optional<Span> span,
                                        Optional<LineRange> block) {
        String path = script.path();
        if (block.isPresent()) {
            LineRange range = block.get();
            String lines = range.first() == range.last()
                    ? "line " + range.first() : "lines " + range.first() + "-" + range.last();
            return "remove " + lines + " of " + path + " (the `if` block that runs `" + command + "`)";
        }
        String fallback = "remove `" + command + "` from line " + line + " of " + path;
        if (span.isEmpty()) {
            return fallback;
        }
        String text = script.text();
        int lineStart = text.lastIndexOf('\n', span.get().start() - 1) + 1;
        int lineEnd = text.indexOf('\n', span.get().end());
        String lineText = text.substring(lineStart, lineEnd < 0 ? text.length() : lineEnd);
        Optional<String> rewritten = CommandRemoval.remove(lineText, span.get().start() - lineStart,
                span.get().end() - lineStart);
        if (rewritten.isEmpty()) {
            return fallback;
        }
        return rewritten.get().isEmpty()
                ? "remove line " + line + " of " + path + ": " + lineText.strip()
                : "change line " + line + " of " + path + " to: " + rewritten.get();
    }

    /**
     * The environment setting that switches the command off; else, for a command in an image
     * file whose condition this process's command decided (Rails' entrypoint guard), that condition.
     */
    private Optional<String> alternative(Sighting sighting) {
        Optional<String> switchOff = sighting.guards().stream()
                .filter(guard -> !guard.negated())
                .flatMap(guard -> guard.switchedOffBy().stream())
                .findFirst()
                .map(setting -> "or, without editing the image, switch it off: " + setting.dokkuCommand(app));
        if (switchOff.isPresent()) {
            return switchOff;
        }
        List<Guard> ownGuards = sighting.hit().match().guards();
        if (ownGuards.isEmpty() || sighting.location().kind() != Location.Kind.IMAGE_FILE) {
            return Optional.empty();
        }
        Guard innermost = ownGuards.get(ownGuards.size() - 1);
        if (!innermost.certain() || innermost.negated()) {
            return Optional.empty();
        }
        return Optional.of("or change the condition on line " + innermost.line() + " of " + sighting.location().path()
                + " so it no longer holds for this process's command");
    }
}
