package dokkumigrate.adapters.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dokkumigrate.plan.Phase;
import dokkumigrate.run.ImageKind;
import dokkumigrate.run.TaskRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerArgumentsTest {

    private static TaskRequest request(Phase phase, List<String> globalRunArgs) {
        return new TaskRequest("shop", phase, "rake db:migrate", "dokku/shop:latest", 42,
                Map.of("DATABASE_URL", "postgres://user:secret@db/shop"),
                List.of("--env=DATABASE_URL", "--init"), globalRunArgs, "/bin/bash", Duration.ofSeconds(600));
    }

    @Test
    void dockerfileImageInDokkusOrderThenOurLabelsImageAndCommand() {
        assertEquals(List.of(
                        "--log-opt=max-size=10m",
                        "--label=com.dokku.app-name=shop",
                        "--env=DATABASE_URL", "--init",
                        "--label=dokku_phase_script=release",
                        "--label=com.dokku.migrate.run-id=42",
                        "--label=com.dokku.migrate.phase=release",
                        "dokku/shop:latest",
                        "/bin/bash", "-c", "script"),
                ContainerArguments.forTask(request(Phase.RELEASE, List.of("", "--log-opt=max-size=10m")),
                        ImageKind.DOCKERFILE, List.of("/bin/bash", "-c", "script"), false));
    }

    @Test
    void herokuishImageMountsTheBuildCache() {
        List<String> args = ContainerArguments.forTask(request(Phase.PREDEPLOY, List.of()),
                ImageKind.HEROKUISH, List.of("x"), false);
        assertEquals(List.of("-v", "cache-shop:/tmp/cache"), args.subList(4, 6));
        assertEquals("--label=dokku_phase_script=predeploy", args.get(3));
    }

    @Test
    void cnbImageRunsThroughTheLauncherWithoutTheCache() {
        List<String> args = ContainerArguments.forTask(request(Phase.RELEASE, List.of()),
                ImageKind.CNB, List.of("x"), false);
        assertEquals("--entrypoint=/cnb/lifecycle/launcher", args.get(4));
        assertFalse(args.contains("-v"));
    }

    @Test
    void traceNamesTheVariableOnly() {
        assertEquals("--env=DOKKU_TRACE", ContainerArguments.forTask(request(Phase.RELEASE, List.of()),
                ImageKind.DOCKERFILE, List.of("x"), true).get(4));
    }

    @Test
    void configValuesNeverAppear() {
        for (String arg : ContainerArguments.forTask(request(Phase.RELEASE, List.of()), ImageKind.HEROKUISH, List.of("x"), true)) {
            assertFalse(arg.contains("secret"), arg);
        }
    }
}
