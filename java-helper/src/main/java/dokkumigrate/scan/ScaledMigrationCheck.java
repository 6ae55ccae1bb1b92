package dokkumigrate.scan;

import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import dokkumigrate.run.ImageConfig;
import dokkumigrate.scan.ScriptAnalysis.Hit;
import dokkumigrate.scan.ScriptAnalysis.ScriptCall;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the database migrations that run when an app's instances boot, and says how to move
 * them to a once-per-deploy task. Pure: reads only its input.
 *
 * <p>What a process starts follows Dokku's scheduler (scheduler-docker-local): the Procfile
 * command when the process type has one, otherwise the image's CMD; either way the image's
 * ENTRYPOINT runs first and gets that command as its arguments. A shell-form ENTRYPOINT
 * ignores them. Scripts run by those commands are read too, and the scripts they call (one
 * level). The {@code release} process type is never a finding: it is the fix.
 */
public final class ScaledMigrationCheck {

    /** Scripts run by a process's own command line are depth 1; the scripts they call, depth 2. */
    private static final int MAX_SCRIPT_DEPTH = 2;

    private final ScriptAnalyser analyser = new ScriptAnalyser();
    private final MigrationCommands migrationCommands = new MigrationCommands();

    public BootMigrationReport check(BootScanInput input) {
        Map<SightingKey, Accumulated> accumulated = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> process : input.scale().instances().entrySet()) {
            if (process.getKey().equals("release") || process.getValue() == 0) {
                continue;
            }
            for (Sighting sighting : sightings(process.getKey(), input)) {
                accumulated.computeIfAbsent(sighting.key(), key -> new Accumulated(sighting))
                        .add(new ProcessCount(process.getKey(), process.getValue()));
            }
        }
        Optional<Task> migratingDeployTask = migratingDeployTask(input.deployTasks());
        FixWriter fixes = new FixWriter(input.app(), input.deployTasks(), migratingDeployTask);
        List<BootMigrationFinding> findings = new ArrayList<>();
        for (Accumulated entry : accumulated.values()) {
            finding(entry, migratingDeployTask.isPresent(), fixes, accumulated.values()).ifPresent(findings::add);
        }
        return new BootMigrationReport(findings);
    }

    /** The first deploy task (predeploy, then release) that runs a migration command. */
    private Optional<Task> migratingDeployTask(Plan plan) {
        return plan.tasks().stream()
                .filter(task -> migrationCommands.find(task.command()).stream().anyMatch(MigrationMatch::isMigration))
                .findFirst();
    }

    private static Optional<BootMigrationFinding> finding(Accumulated entry, boolean deployTaskMigrates, FixWriter fixes,
                                                          Iterable<Accumulated> all) {
        int instances = entry.processes.stream().mapToInt(ProcessCount::instances).sum();
        if (instances == 1 && deployTaskMigrates) {
            return Optional.empty();
        }
        Severity severity = instances > 1 ? Severity.WARNING : Severity.NOTICE;
        Sighting sighting = entry.first;
        MigrationMatch match = sighting.hit().match();
        Fix fix = match.isMigration() ? fixes.forMigration(sighting) : fixes.forSwallowedError(sighting, migrationNear(sighting, all));
        return Optional.of(new BootMigrationFinding(severity, match.kind(), entry.processes, sighting.location(),
                sighting.via(), match.command(), match.stack(), sighting.guards(), Why.of(severity, match, instances), fix));
    }

    /** A migration found in the same file (or command line) as a swallowed error: the command to move to release. */
    private static Optional<String> migrationNear(Sighting swallowed, Iterable<Accumulated> all) {
        for (Accumulated other : all) {
            MigrationMatch match = other.first.hit().match();
            if (match.isMigration() && other.first.location().path().equals(swallowed.location().path())
                    && other.first.location().kind() == swallowed.location().kind()) {
                return match.releaseCommand();
            }
        }
        return Optional.empty();
    }

    private List<Sighting> sightings(String processType, BootScanInput input) {
        ImageConfig config = input.image().config();
        ShellContext base = new ShellContext(Optional.empty(), Optional.empty(), input.environment());
        Optional<ProcfileEntry> entry = input.procfile().entry(processType);
        List<String> command = entry.map(e -> ShellLexer.words(e.command())).orElse(config.cmd());
        List<Sighting> sightings = new ArrayList<>();
        List<String> entrypoint = config.entrypoint();
        if (ImageConfig.isShellForm(entrypoint)) {
            // Docker runs `sh -c TEXT` and the command only fills $0, $1...: the command itself never runs
            Location location = Location.imageEntrypoint();
            String text = entrypoint.get(2);
            ScriptAnalysis analysis = analyser.shell(text, base.withPositionals(
                    Optional.of(command.isEmpty() ? List.of() : command.subList(1, command.size()))));
            collect(analysis, location, List.of(), new EditTarget.Instruction("ENTRYPOINT", entrypoint), input, sightings, 1);
            return sightings;
        }
        if (!entrypoint.isEmpty()) {
            Location location = Location.imageEntrypoint();
            ScriptAnalysis own = analyser.argv(entrypoint, base);
            collect(new ScriptAnalysis(own.hits(), List.of()), location, List.of(),
                    new EditTarget.Instruction("ENTRYPOINT", entrypoint), input, sightings, 1);
            List<String> entrypointThenCommand = new ArrayList<>(entrypoint);
            entrypointThenCommand.addAll(command);
            analyser.entrypointScript(entrypointThenCommand).ifPresent(call ->
                    follow(call, List.of(location), input, sightings, 1));
        }
        if (entry.isPresent()) {
            Location location = Location.procfileLine(entry.get().line());
            collect(analyser.shell(entry.get().command(), base), location, List.of(),
                    new EditTarget.ProcfileLine(entry.get()), input, sightings, 1);
        } else if (!config.cmd().isEmpty()) {
            Location location = Location.imageCmd();
            ScriptAnalysis analysis = ImageConfig.isShellForm(config.cmd())
                    ? analyser.shell(config.cmd().get(2), base) : analyser.argv(config.cmd(), base);
            collect(analysis, location, List.of(), new EditTarget.Instruction("CMD", config.cmd()), input, sightings, 1);
        }
        return sightings;
    }

    /** Records the hits of an analysis and follows the scripts it calls (up to the depth limit). */
    private void collect(ScriptAnalysis analysis, Location location, List<Location> via, EditTarget target,
                         BootScanInput input, List<Sighting> sightings, int nextDepth) {
        for (Hit hit : analysis.hits()) {
            Location at = location.kind() == Location.Kind.IMAGE_FILE
                    ? Location.imageFile(location.path(), hit.match().line()) : location;
            sightings.add(new Sighting(hit, hit.match().guards(), at, via, target));
        }
        for (ScriptCall call : analysis.calls()) {
            Location callSite = location.kind() == Location.Kind.IMAGE_FILE
                    ? Location.imageFile(location.path(), call.line()) : location;
            List<Location> chain = new ArrayList<>(via);
            chain.add(callSite);
            follow(call, chain, input, sightings, nextDepth);
        }
    }

    private void follow(ScriptCall call, List<Location> via, BootScanInput input, List<Sighting> sightings, int depth) {
        if (depth > MAX_SCRIPT_DEPTH) {
            return;
        }
        ImageConfig config = input.image().config();
        Optional<String> path = input.image().firstPresent(BootScriptCandidates.resolve(call.path(), config));
        if (path.isEmpty()) {
            return;
        }
        String text = input.image().scripts().get(path.get());
        ShellContext context = new ShellContext(call.arguments(), Optional.of(path.get()), input.environment());
        ScriptAnalysis analysis = analyser.file(path.get(), text, context);
        List<Sighting> found = new ArrayList<>();
        collect(analysis, Location.imageFile(path.get(), 0), via, new EditTarget.ScriptFile(path.get(), text), input,
                found, depth + 1);
        for (Sighting sighting : found) {
            List<Guard> guards = new ArrayList<>(call.guards());
            guards.addAll(sighting.guards());
            sightings.add(new Sighting(sighting.hit(), guards, sighting.location(), sighting.via(), sighting.target()));
        }
    }

    /** What a fix edits: a Procfile line, an image instruction, or a script in the image. */
    sealed interface EditTarget {
        record ProcfileLine(ProcfileEntry entry) implements EditTarget {
        }

        /** {@code CMD} or {@code ENTRYPOINT}, as the image stores it. */
        record Instruction(String name, List<String> value) implements EditTarget {
        }

        record ScriptFile(String path, String text) implements EditTarget {
        }
    }

    /** A process reaching a match: the match, the conditions on the way, where it is written, how it was reached. */
    record Sighting(Hit hit, List<Guard> guards, Location location, List<Location> via, EditTarget target) {
        SightingKey key() {
            return new SightingKey(hit.match().kind(), location, hit.match().command());
        }
    }

    private record SightingKey(MigrationMatch.Kind kind, Location location, String command) {
    }

    private static final class Accumulated {
        private final Sighting first;
        private final List<ProcessCount> processes = new ArrayList<>();

        Accumulated(Sighting first) {
            this.first = first;
        }

        void add(ProcessCount process) {
            if (processes.stream().noneMatch(p -> p.processType().equals(process.processType()))) {
                processes.add(process);
            }
        }
    }

    /** The sentence that says why a finding breaks. */
    private static final class Why {
        private Why() {
        }

        static String of(Severity severity, MigrationMatch match, int instances) {
            String symptom = match.stack().equals("Rails")
                    ? "ActiveRecord::ConcurrentMigrationError / lock timeouts"
                    : "concurrent migration errors / lock timeouts";
            if (match.isMigration()) {
                return severity == Severity.WARNING
                        ? instances + " instances run it at once at boot: " + symptom
                        : "1 instance runs it at boot and no deploy task migrates: works today, breaks on the next ps:scale";
            }
            return severity == Severity.WARNING
                    ? instances + " instances race to migrate at boot; rescuing ConcurrentMigrationError hides the race "
                    + "instead of preventing it, and the losers boot before the schema is migrated"
                    : "1 instance today; rescuing ConcurrentMigrationError hides the race the next ps:scale starts "
                    + "instead of preventing it";
        }
    }
}
