package dokkumigrate.adapters.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.run.ImageKind;
import dokkumigrate.run.ShellWords;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskCommandTest {

    private static final List<String> NO_ENTRYPOINT = List.of();

    @Test
    void dockerfileImageWithoutEntrypointRunsAScriptThatStopsAtTheFirstError() {
        assertEquals(List.of("/bin/bash", "-c", "set -e; set -o pipefail || true; rake db:migrate || exit 1;"),
                TaskCommand.of("rake db:migrate", "/bin/bash", ImageKind.DOCKERFILE, NO_ENTRYPOINT, false));
    }

    @Test
    void traceAddsSetX() {
        assertEquals("set -e; set -o pipefail || true; set -x; true || exit 1;",
                TaskCommand.script("true", ImageKind.DOCKERFILE, true));
    }

    @Test
    void herokuishScriptEntersAppAndSourcesTheProfile() {
        assertEquals("set -e; set -o pipefail || true; "
                        + "if [[ -d '/app' ]]; then   export HOME=/app;   cd $HOME; fi; "
                        + "if [[ -d '/app/.profile.d' ]]; then   for file in /app/.profile.d/*; do source $file; done; fi; "
                        + "bin/migrate || exit 1;",
                TaskCommand.script("bin/migrate", ImageKind.HEROKUISH, false));
    }

    @Test
    void cnbScriptHasNoHerokuishPreamble() {
        assertEquals("set -e; set -o pipefail || true; bin/migrate || exit 1;",
                TaskCommand.script("bin/migrate", ImageKind.CNB, false));
    }

    @Test
    void absoluteCommandIsCheckedToBeExecutable() {
        assertEquals("set -e; set -o pipefail || true; "
                        + "if [[ ! -x \"/app/bin/migrate\" ]]; then   echo specified binary is not executable;   exit 1; fi; "
                        + "/app/bin/migrate --all || exit 1;",
                TaskCommand.script("/app/bin/migrate --all", ImageKind.DOCKERFILE, false));
    }

    @Test
    void entrypointImageGetsTheCommandAsArgumentsWithoutAShell() {
        assertEquals(List.of("migrate", "--name", "two words", "x y"),
                TaskCommand.of("  migrate --name 'two words' \"x y\" ", "/bin/bash",
                        ImageKind.DOCKERFILE, List.of("/docker-entrypoint.sh"), false));
    }

    @Test
    void tiniEntrypointStillRunsTheScript() {
        for (List<String> tini : TaskCommand.TINI_ENTRYPOINTS) {
            assertFalse(TaskCommand.passesArgumentsToEntrypoint(ImageKind.DOCKERFILE, tini), tini.toString());
            assertEquals("/bin/sh", TaskCommand.of("migrate", "/bin/sh", ImageKind.DOCKERFILE, tini, false).get(0));
        }
        assertTrue(TaskCommand.passesArgumentsToEntrypoint(ImageKind.DOCKERFILE, List.of("/tini", "--", "app")));
    }

    @Test
    void herokuishAndCnbImagesIgnoreTheEntrypoint() {
        assertFalse(TaskCommand.passesArgumentsToEntrypoint(ImageKind.HEROKUISH, List.of("/start")));
        assertFalse(TaskCommand.passesArgumentsToEntrypoint(ImageKind.CNB, List.of("/cnb/process/web")));
    }

    @Test
    void unbalancedQuotesForAnEntrypointAreRejected() {
        assertThrows(ShellWords.UnbalancedQuotingException.class, () ->
                TaskCommand.of("migrate 'oops", "/bin/bash", ImageKind.DOCKERFILE, List.of("/entry"), false));
    }

    @Test
    void unbalancedQuotesInAScriptAreTheShellsBusiness() {
        assertEquals(3, TaskCommand.of("echo 'oops", "/bin/bash", ImageKind.DOCKERFILE, NO_ENTRYPOINT, false).size());
    }
}
