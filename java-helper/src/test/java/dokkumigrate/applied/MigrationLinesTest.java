package dokkumigrate.applied;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.run.TaskOutput;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The recogniser against real framework output (src/test/resources/applied/fixtures.txt, each block citing its source). */
class MigrationLinesTest {

    record Fixture(String title, boolean succeeded, List<String> sources, List<AppliedMigration> expected, String output) {
        @Override
        public String toString() {
            return title;
        }
    }

    static List<Fixture> fixtures() throws IOException {
        String text;
        try (InputStream in = MigrationLinesTest.class.getResourceAsStream("/applied/fixtures.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Fixture> fixtures = new ArrayList<>();
        for (String block : text.split("\n@@@ ")) {
            if (block.startsWith("#")) {
                continue;
            }
            String[] parts = block.split("\n--- output\n", 2);
            String[] header = parts[0].split("\n");
            String[] title = header[0].trim().split(" ");
            List<String> sources = new ArrayList<>();
            List<AppliedMigration> expected = new ArrayList<>();
            for (String line : Arrays.asList(header).subList(1, header.length)) {
                if (line.startsWith("source: ")) {
                    sources.add(line.substring(8));
                } else if (line.startsWith("expect: ")) {
                    String[] fields = line.substring(8).split("\\|", -1);
                    expected.add(new AppliedMigration(fields[0].trim(), fields[1].trim(), fields[2].trim()));
                }
            }
            String output = parts.length > 1 ? parts[1].replace("\\e", "\u001b") : "";
            fixtures.add(new Fixture(String.join(" ", Arrays.copyOf(title, title.length - 1)),
                    title[title.length - 1].equals("succeeded"), sources, expected, output));
        }
        return fixtures;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void eachFixtureRecordsExactlyTheMigrationsItsFrameworkReportsAsApplied(Fixture fixture) throws IOException {
        assertFalse(fixture.sources().isEmpty(), fixture.title() + " cites no source");
        assertEquals(fixture.expected(), recognise(fixture.output(), fixture.succeeded(), 1), fixture.title());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void theResultDoesNotDependOnHowTheOutputIsCutIntoWrites(Fixture fixture) throws IOException {
        for (int chunk : new int[] {1, 3, 17, 4096}) {
            assertEquals(fixture.expected(), recognise(fixture.output(), fixture.succeeded(), chunk),
                    fixture.title() + " in writes of " + chunk + " bytes");
        }
    }

    @Test
    void everyFrameworkHasAnAppliedAnUpToDateAFailedAndANoisyFixture() throws IOException {
        Set<String> frameworks = Stream.concat(Arrays.stream(Format.values()).map(f -> f.framework), Stream.of("knex"))
                .collect(Collectors.toCollection(TreeSet::new));
        Map<String, Set<String>> cases = new LinkedHashMap<>();
        for (Fixture fixture : fixtures()) {
            String[] title = fixture.title().split(" ");
            if (title.length == 2) {
                cases.computeIfAbsent(title[0], f -> new TreeSet<>()).add(title[1].replaceAll("-.*", ""));
            }
        }
        for (String framework : frameworks) {
            assertEquals(Set.of("applied", "failed", "noise", "up"), cases.get(framework), framework);
        }
    }

    @Test
    void aFailedTaskKeepsWhatItAppliedBeforeTheStepThatFailed() throws IOException {
        List<AppliedMigration> seen = new ArrayList<>();
        MigrationLines lines = new MigrationLines(seen::add);
        feed(lines, "Running migration 2024-01-01-000000_a\n");
        assertEquals(List.of(), seen, "a started migration is not applied yet");
        feed(lines, "Running migration 2024-01-02-000000_b\n");
        assertEquals(List.of(new AppliedMigration("diesel", "2024-01-01-000000_a", "")), seen,
                "the next one starting confirms the one before");
        lines.end(false);
        assertEquals(1, seen.size(), "the one in progress when the task failed is not counted");
    }

    @Test
    void linesLongerThanTheLimitAreNotLookedAt() throws IOException {
        String padding = "x".repeat(MigrationLines.MAX_LINE);
        assertEquals(List.of(), recognise(padding + " == 20240101000000 AddUsers: migrated (0.0021s) ==\n", true, 4096));
        assertEquals(1, recognise("== 20240101000000 AddUsers: migrated (0.0021s) ==\n", true, 4096).size());
    }

    @Test
    void aLineWithoutAnyAnchorAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<AppliedMigration> seen = new ArrayList<>();
        MigrationLines lines = new MigrationLines(seen::add);
        byte[] line = ("2024-01-01 12:00:00.123 info worker[7]: processed job 4711 in 12 ms; queue depth 3, "
                + "retries 0, payload {\"id\": 42, \"state\": \"done\"} " + "abcdefghijklmnopqrstuvwxyz0123456789".repeat(8))
                .getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 200_000; i++) { // warm up, so the measure sees compiled code
            lines.line(line, 0, line.length);
        }
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 100_000; i++) {
            lines.line(line, 0, line.length);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertTrue(allocated < 64 * 1024, "100,000 lines allocated " + allocated + " bytes");
        assertTrue(seen.isEmpty());
    }

    /** The migrations recognised in {@code output}, streamed through a TaskOutput in writes of {@code chunk} bytes. */
    private static List<AppliedMigration> recognise(String output, boolean succeeded, int chunk) throws IOException {
        List<AppliedMigration> seen = new ArrayList<>();
        MigrationLines lines = new MigrationLines(seen::add);
        TaskOutput taskOutput = new TaskOutput(null, null, 64, lines);
        byte[] bytes = output.getBytes(StandardCharsets.UTF_8);
        for (int at = 0; at < bytes.length; at += chunk) {
            taskOutput.write(bytes, at, Math.min(chunk, bytes.length - at));
        }
        taskOutput.finish();
        lines.end(succeeded);
        return seen;
    }

    private static void feed(MigrationLines lines, String text) throws IOException {
        TaskOutput output = new TaskOutput(null, null, 16, lines);
        output.write(text.getBytes(StandardCharsets.UTF_8));
        output.finish();
    }
}
