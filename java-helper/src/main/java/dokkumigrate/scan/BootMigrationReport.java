package dokkumigrate.scan;

import java.util.ArrayList;
import java.util.List;

/**
 * The boot-time migrations found for an app. Renderer-agnostic; {@link #dokkuLines()} writes
 * them the way Dokku prints ({@code " !     "} warnings, seven-space detail lines). What to
 * do with them (warn, fail the deploy, ignore) is the caller's choice.
 */
public record BootMigrationReport(List<BootMigrationFinding> findings) {

    public static final BootMigrationReport EMPTY = new BootMigrationReport(List.of());

    private static final String WARNING = " !     ";
    private static final String NOTICE = "-----> ";
    private static final String DETAIL = "       ";

    public BootMigrationReport {
        findings = List.copyOf(findings);
    }

    public boolean isEmpty() {
        return findings.isEmpty();
    }

    /** Findings that break the app at its current scale. */
    public List<BootMigrationFinding> warnings() {
        return findings.stream().filter(f -> f.severity() == Severity.WARNING).toList();
    }

    public List<BootMigrationFinding> notices() {
        return findings.stream().filter(f -> f.severity() == Severity.NOTICE).toList();
    }

    public boolean hasWarnings() {
        return !warnings().isEmpty();
    }

    /** Each finding as a headline and detail lines, in Dokku's output style. */
    public List<String> dokkuLines() {
        List<String> lines = new ArrayList<>();
        for (BootMigrationFinding finding : findings) {
            String prefix = finding.severity() == Severity.WARNING ? WARNING : NOTICE + "Notice: ";
            String what = finding.kind() == MigrationMatch.Kind.MIGRATION
                    ? " migrates at boot: `" : " swallows ConcurrentMigrationError at boot: `";
            lines.add(prefix + finding.scaleSummary() + what + finding.command() + "` (" + finding.stack() + "), "
                    + finding.location().describe());
            lines.add(DETAIL + finding.why());
            for (Guard guard : finding.guards()) {
                lines.add(DETAIL + (guard.negated() ? "Runs unless: " : "Runs when: ") + guard.condition()
                        + " (line " + guard.line() + ")");
            }
            if (!finding.via().isEmpty()) {
                lines.add(DETAIL + "Reached from: " + String.join(" -> ",
                        finding.via().stream().map(Location::describe).toList()));
            }
            for (String fix : finding.fix().lines()) {
                lines.add(DETAIL + "Fix: " + fix);
            }
        }
        return lines;
    }
}
