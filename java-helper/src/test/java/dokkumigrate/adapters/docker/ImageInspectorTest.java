package dokkumigrate.adapters.docker;

import dokkumigrate.adapters.docker.ImageInspector.FileRead;
import dokkumigrate.adapters.docker.ImageInspector.ImageInspectionException;
import dokkumigrate.adapters.process.ProcessRunner;
import dokkumigrate.run.ImageConfig;
import dokkumigrate.scan.BootImage;
import dokkumigrate.testsupport.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageInspectorTest {

    private static final String ENTRYPOINT = "#!/bin/sh\nset -e\n. ./scripts/env.sh\nsh scripts/migrate.sh\nexec \"$@\"\n";
    private static final String MIGRATE = "#!/bin/sh\nalembic upgrade head\n./scripts/deeper.sh\n";
    private static String image;

    private final ImageInspector inspector = new ImageInspector(new ProcessRunner(), TestImages.DOCKER);

    @BeforeAll
    static void buildImage() {
        image = ScriptImage.fromBusybox()
                .file("/app/entrypoint.sh", ENTRYPOINT)
                .file("/app/scripts/env.sh", "export APP_ENV=production\n")
                .file("/app/scripts/migrate.sh", MIGRATE)
                .file("/app/scripts/deeper.sh", "#!/bin/sh\npython manage.py migrate\n")
                .file("/app/scripts/deepest.sh", "#!/bin/sh\nrails db:migrate\n")
                .run("dd if=/dev/zero bs=1024 count=300 2>/dev/null | tr '\\0' '#' > /app/large.sh")
                .file("/app/binary", new byte[] {0x7f, 'E', 'L', 'F', 0, 0, 1})
                .symlink("/usr/local/bin/docker-entrypoint.sh", "/app/entrypoint.sh")
                .directory("/app/bin/docker-entrypoint")
                .instruction("WORKDIR /app")
                .instruction("ENV APP_ROLE=web")
                .instruction("ENTRYPOINT [\"/app/entrypoint.sh\"]")
                .instruction("CMD [\"uvicorn\", \"main:app\"]")
                .build("dokku-migrate-test/image-inspector:1");
    }

    /** Scan containers of this test's image only: other suites may be scanning other images meanwhile. */
    private static List<String> scanContainers() {
        String ids = TestImages.dockerOk("container", "ls", "--all", "--quiet", "--filter",
                "label=" + ImageInspector.SCAN_LABEL, "--filter", "ancestor=" + image);
        return ids.isEmpty() ? List.of() : List.of(ids.split("\n"));
    }

    @Test
    void inspectReadsTheImageConfig() {
        ImageConfig config = inspector.inspect(image);
        assertEquals(List.of("/app/entrypoint.sh"), config.entrypoint());
        assertEquals(List.of("uvicorn", "main:app"), config.cmd());
        assertEquals("/app", config.workingDir());
        assertEquals("web", config.environment().get("APP_ROLE"));
        assertTrue(config.pathDirectories().contains("/usr/local/bin"));
    }

    @Test
    void inspectingAMissingImageFailsClearly() {
        ImageInspectionException failure = assertThrows(ImageInspectionException.class,
                () -> inspector.inspect("dokku-migrate-test/no-such-image:missing"));
        assertTrue(failure.getMessage().startsWith("cannot inspect image dokku-migrate-test/no-such-image:missing"),
                failure.getMessage());
    }

    @Test
    void readsTheBootScriptsAndOneLevelOfTheScriptsTheyCall() {
        List<String> before = scanContainers();
        BootImage boot = inspector.read(image, List.of("bin/start-web", "docker-entrypoint.sh worker",
                "bin/docker-entrypoint rails server"));

        assertEquals(ENTRYPOINT, boot.scripts().get("/app/entrypoint.sh"));
        assertEquals(ENTRYPOINT, boot.scripts().get("/usr/local/bin/docker-entrypoint.sh"), "a symlink is followed");
        assertEquals(MIGRATE, boot.scripts().get("/app/scripts/migrate.sh"));
        assertTrue(boot.scripts().containsKey("/app/scripts/env.sh"), "a sourced script is read");
        assertFalse(boot.scripts().containsKey("/app/scripts/deeper.sh"), "only one level of calls is followed");
        assertEquals(Map.of("/app/bin/docker-entrypoint", "not a regular file"), boot.skipped());
        assertEquals(before, scanContainers(), "the container used to read files is removed");
    }

    @Test
    void skipsBinaryAndOversizedFilesAndReportsMissingOnes() {
        try (ImageInspector.ImageFiles files = inspector.openFiles(image)) {
            assertEquals(new FileRead.Skipped("binary"), files.read("/app/binary"));
            assertEquals(new FileRead.Skipped("larger than 262144 bytes"), files.read("/app/large.sh"));
            assertEquals(new FileRead.Missing(), files.read("/app/no-such-file"));
            assertEquals(new FileRead.Missing(), files.read("/app/entrypoint.sh/not-a-directory"));
            assertEquals(new FileRead.Skipped("not a regular file"), files.read("/app/scripts"));
            assertEquals(new FileRead.Text("#!/bin/sh\nrails db:migrate\n"), files.read("/app/scripts/deepest.sh"));
        }
    }

    @Test
    void theContainerIsCreatedNeverStartedAndRemovedEvenOnError() {
        List<String> before = scanContainers();
        assertThrows(IllegalArgumentException.class, () -> {
            try (ImageInspector.ImageFiles files = inspector.openFiles(image)) {
                assertInstanceOf(FileRead.Text.class, files.read("/app/entrypoint.sh"));
                List<String> during = scanContainers();
                assertEquals(before.size() + 1, during.size());
                String created = during.stream().filter(id -> !before.contains(id)).findFirst().orElseThrow();
                assertEquals("created", TestImages.dockerOk("container", "inspect", "--format", "{{.State.Status}}", created));
                files.read("relative/path");
            }
        });
        assertEquals(before, scanContainers());
    }

    @Test
    void anImageWhoseProcessesNameNoScriptIsReadWithoutAContainer(@TempDir Path dir) throws Exception {
        // the real docker, behind a script that notes each call
        Path calls = dir.resolve("calls");
        Path docker = dir.resolve("docker");
        Files.writeString(docker, "#!/bin/sh\necho \"$*\" >> '" + calls + "'\nexec " + TestImages.DOCKER + " \"$@\"\n");
        Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwxr-xr-x"));
        String plain = ScriptImage.fromBusybox()
                .instruction("WORKDIR /app")
                .instruction("CMD [\"httpd\", \"-f\", \"-p\", \"5000\"]")
                .build("dokku-migrate-test/image-inspector-plain:1");

        BootImage boot = new ImageInspector(new ProcessRunner(), docker.toString()).read(plain,
                List.of("httpd -f -p $PORT -h /app", "sleep infinity"));

        assertEquals(Map.of(), boot.scripts());
        assertEquals(Map.of(), boot.skipped());
        assertEquals(List.of("image inspect " + plain), Files.readAllLines(calls));
    }
}
