package dokkumigrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The triggers Dokku calls: dispatched without picocli, their arguments checked, their errors told. */
class TriggersTest {
    @TempDir
    Path dir;
    CommandHost host;

    @BeforeEach
    void createHost() {
        host = new CommandHost(dir);
    }

    @AfterEach
    void closeHost() {
        host.close();
    }

    /** A child JVM running the helper's Main as the jar does, with every class it loads written to a file. */
    private record Child(int exitCode, String stdout, String stderr, List<String> loaded) {
        boolean loadedPicocli() {
            return loaded.stream().anyMatch(line -> line.contains(" picocli."));
        }

        boolean loaded(Class<?> type) {
            return loaded.stream().anyMatch(line -> line.contains(" " + type.getName() + " "));
        }
    }

    private Child runMain(String... args) throws IOException, InterruptedException {
        Path classLog = dir.resolve("classes-" + System.nanoTime() + ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + classLog, "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("DOKKU_"));
        builder.environment().putAll(host.env);
        Process process = builder.start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the helper did not end within 120 s");
        return new Child(process.exitValue(), Files.readString(dir.resolve("out.txt")),
                Files.readString(dir.resolve("err.txt")), Files.readAllLines(classLog));
    }

    @Test
    void aTriggerRunsItsUseCaseWithoutLoadingPicocli() throws Exception {
        host.app("web");

        Child trigger = runMain("post-delete", "web");

        assertEquals(0, trigger.exitCode(), trigger.stderr());
        assertTrue(trigger.loaded(Triggers.class), "the class-load log lists the dispatcher");
        assertTrue(trigger.loaded(dokkumigrate.deploy.AppRecords.class), "the use case ran");
        assertTrue(Files.exists(host.ledgerPath()), "the use case opened the ledger");
        assertFalse(trigger.loadedPicocli(), trigger.loaded.stream().filter(l -> l.contains("picocli"))
                .collect(Collectors.joining("\n")));

        // the same check on an operator command, which must see picocli: the check can fail
        Child command = runMain("status", "web");
        assertEquals(0, command.exitCode(), command.stderr());
        assertTrue(command.loadedPicocli(), "migrate:status is a picocli command");
    }

    @Test
    void wrongArityIsADokkuErrorWithoutPicocli() throws Exception {
        Child child = runMain("pre-deploy");

        assertEquals(1, child.exitCode());
        assertEquals(" !     migrate pre-deploy: expected arguments APP [IMAGE_TAG], got 0\n", child.stderr());
        assertEquals("", child.stdout());
        assertFalse(child.loadedPicocli(), "a trigger's argument check loads no picocli class");
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "post-release-builder ; dockerfile web ; expected arguments BUILDER_TYPE APP IMAGE, got 2",
            "post-release-builder ; dockerfile web dokku/web:latest extra ; expected arguments BUILDER_TYPE APP IMAGE, got 4",
            "post-app-rename-setup ; old ; expected arguments OLD_APP NEW_APP, got 1",
            "post-delete ; ; expected arguments APP, got 0",
            "install ; web ; expected arguments (none), got 1",
            "post-release-builder ; dockerfile Web dokku/web:latest ; App name must begin with lowercase alphanumeric",
            "post-extract ; ../web /tmp ; App name must begin with lowercase alphanumeric",
            "post-release-builder ; dockerfile web BLANK ; migrate post-release-builder: IMAGE is empty",
    })
    void badArgumentsAreRefusedBeforeAnythingIsOpened(String trigger, String arguments, String message) {
        List<String> args = new ArrayList<>(List.of(trigger));
        if (arguments != null) {
            args.addAll(List.of(arguments.split(" ", -1)).stream().map(a -> a.equals("BLANK") ? " " : a).toList());
        }
        CommandHost.Result result = host.run(args.toArray(String[]::new));

        assertEquals(1, result.exitCode(), result.toString());
        assertTrue(result.stderr().startsWith(" !     "), result.toString());
        assertTrue(result.stderr().contains(message), result.toString());
        assertEquals("", result.stdout());
        assertFalse(Files.exists(host.ledgerPath()), "no ledger was opened");
    }

    @Test
    void postDeployWarnsAndNeverFails() {
        CommandHost.Result result = host.run("post-deploy", "Not-An-App");

        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.stderr().contains(" !     migrate: could not record the rollout of Not-An-App: App name must"),
                result.toString());
    }

    @Test
    void aUserErrorIsOneDokkuLineAndAnInternalErrorSaysSoAndAsksForAReport() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);

        int user = Failures.report(new UsageError("App web does not exist"), Map.of(), outStream, errStream);
        assertEquals(1, user);
        assertEquals(" !     App web does not exist\n", err.toString(StandardCharsets.UTF_8));

        err.reset();
        int internal = Failures.report(new IllegalStateException("more anchors than a long has bits"), Map.of(),
                outStream, errStream);
        String told = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, internal);
        assertTrue(told.startsWith(" !     Internal error in the migrate plugin: java.lang.IllegalStateException: more "
                + "anchors than a long has bits\n"), told);
        assertTrue(told.contains("Please report it"), told);
        assertFalse(told.contains("\tat "), "no stack trace without DOKKU_TRACE: " + told);

        err.reset();
        Failures.report(new IllegalStateException("boom"), Map.of("DOKKU_TRACE", "1"), outStream, errStream);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("\tat dokkumigrate.cli.TriggersTest"),
                "the stack trace with DOKKU_TRACE");
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }
}
