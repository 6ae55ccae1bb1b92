package dokkumigrate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dokkumigrate.adapters.docker.DockerTaskRunner;
import dokkumigrate.adapters.process.ProcessRunner;
import dokkumigrate.testsupport.TestImages;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Dokku answers a task container needs, asked side by side, against a real engine's images. */
class TaskInputsTest {
    private static final String APP = "shop";
    private final DockerTaskRunner runner = new DockerTaskRunner(TestImages.DOCKER, new ProcessRunner(), false);

    @BeforeAll
    static void docker() {
        TestImages.assumeDocker();
    }

    /** Dokku's answers, with each process-args call recorded by the source type it was asked for. */
    private static class RecordingDokku extends FakeDokku {
        final List<String> processArgsAskedFor = new CopyOnWriteArrayList<>();

        RecordingDokku(String image) {
            super(image);
        }

        @Override
        public List<String> processDockerArgs(String app, String imageSourceType, String imageTag) {
            processArgsAskedFor.add(imageSourceType);
            return List.of("--label=source-type=" + imageSourceType);
        }
    }

    @Test
    void theConfigAndTheDockerArgsAreAskedSideBySide() throws Exception {
        CountDownLatch deployArgsAsked = new CountDownLatch(1);
        RecordingDokku dokku = new RecordingDokku(TestImages.busybox()) {
            @Override
            public Map<String, String> configEnv(String app) {
                // answers only once the docker args are being asked too: asked one after the other, this never comes
                try {
                    if (!deployArgsAsked.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the docker args were not asked while the config was");
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return Map.of("SECRET", "s3cret");
            }

            @Override
            public List<String> deployDockerArgs(String app, String imageTag) {
                deployArgsAsked.countDown();
                return List.of("--volume=/srv/shop:/data");
            }
        };

        TaskInputs inputs = TaskInputs.askInBackground(dokku, runner, APP, "latest", TestImages.busybox());

        assertEquals(Map.of("SECRET", "s3cret"), inputs.env());
        assertEquals(List.of("--volume=/srv/shop:/data", "--label=source-type=dockerfile"),
                inputs.dockerArgs(TestImages.busybox()));
        assertEquals(List.of("dockerfile"), dokku.processArgsAskedFor);
    }

    @Test
    void theProcessArgsAreAskedAgainForAnImageOfAnotherSourceType() {
        String herokuish = TestImages.build("dokku-migrate-test/herokuish-like:1", String.join("\n",
                "FROM " + TestImages.busybox(),
                "ENV USER=herokuishuser"));
        RecordingDokku dokku = new RecordingDokku(TestImages.busybox());
        TaskInputs inputs = TaskInputs.askInBackground(dokku, runner, APP, "latest", TestImages.busybox());

        assertEquals(List.of("--label=source-type=dockerfile"), inputs.dockerArgs(TestImages.busybox()));
        assertEquals(List.of("--label=source-type=herokuish"), inputs.dockerArgs(herokuish));
        assertEquals(List.of("dockerfile", "herokuish"), dokku.processArgsAskedFor);
    }

    @Test
    void aFailedAnswerIsThrownWhereItIsUsedAsTheCallThrewIt() {
        IllegalStateException refused = new IllegalStateException("docker-args-deploy failed for shop: exit 1");
        RecordingDokku dokku = new RecordingDokku(TestImages.busybox()) {
            @Override
            public List<String> deployDockerArgs(String app, String imageTag) {
                throw refused;
            }
        };
        TaskInputs inputs = TaskInputs.askInBackground(dokku, runner, APP, "latest", TestImages.busybox());

        assertEquals(Map.of(), inputs.env());
        assertSame(refused, assertThrows(IllegalStateException.class, () -> inputs.dockerArgs(TestImages.busybox())));
    }
}
