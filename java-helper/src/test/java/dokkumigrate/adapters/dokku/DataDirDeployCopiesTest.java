package dokkumigrate.adapters.dokku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirDeployCopiesTest {
    private static final long PID = 4242;

    @TempDir
    Path libRoot;
    DataDirDeployCopies copies;
    Path procfile;
    Path appJson;

    @BeforeEach
    void setUp() throws Exception {
        copies = new DataDirDeployCopies(libRoot, PID);
        procfile = libRoot.resolve("data/ps/web/Procfile.4242");
        appJson = libRoot.resolve("data/app-json/web/app.json.4242");
        Files.createDirectories(procfile.getParent());
        Files.createDirectories(appJson.getParent());
    }

    @Test
    void theCopiesAreTheOnesCorePostExtractWritesForThisDokkuPid() {
        assertEquals(procfile.toString(), copies.procfilePath("web"));
        assertEquals(appJson.toString(), copies.appJsonPath("web"));
        assertEquals(libRoot.resolve("data/ps/api/Procfile.7").toString(),
                new DataDirDeployCopies(libRoot, 7).procfilePath("api"));
    }

    @Test
    void copiesAreReadAsText() throws Exception {
        Files.writeString(procfile, "web: bin/server\nrelease: rake db:migrate\n");
        Files.writeString(appJson, "{\"scripts\": {\"dokku\": {\"predeploy\": \"./prep\"}}}");

        assertEquals(Optional.of("web: bin/server\nrelease: rake db:migrate\n"), copies.readProcfile("web"));
        assertEquals(Optional.of("{\"scripts\": {\"dokku\": {\"predeploy\": \"./prep\"}}}"), copies.readAppJson("web"));
    }

    @Test
    void aMissingCopyReadsAsEmpty() {
        assertEquals(Optional.empty(), copies.readProcfile("web"));
        assertEquals(Optional.empty(), copies.readAppJson("web"));
        assertEquals(Optional.empty(), copies.readProcfile("no-such-app"));
    }

    @Test
    void aCopyThatIsNotUtf8IsRefusedByName() throws Exception {
        Files.write(procfile, new byte[] {'w', 'e', 'b', ':', ' ', (byte) 0xff, '\n'});

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> copies.readProcfile("web"));

        assertTrue(refused.getMessage().contains(procfile.toString()), refused.getMessage());
        assertTrue(refused.getMessage().contains("line 1: not valid UTF-8 text (byte 0xff at offset 5)"),
                refused.getMessage());
    }

    @Test
    void rewritingTheProcfileKeepsItsPermissionsAndLeavesNoTemporaryFile() throws Exception {
        Files.writeString(procfile, "web: bin/server\nrelease: rake db:migrate\n");
        Files.setPosixFilePermissions(procfile, PosixFilePermissions.fromString("rw-rw----"));

        copies.writeProcfile("web", "web: bin/server\n");

        assertEquals("web: bin/server\n", Files.readString(procfile));
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(procfile)));
        assertEquals(List.of("Procfile.4242"), namesIn(procfile.getParent()));
    }

    @Test
    void rewritingReplacesTheFileAtomically() throws Exception {
        String original = "web: bin/server\nrelease: rake db:migrate\n".repeat(200);
        Files.writeString(procfile, original);
        Object inodeBefore = Files.getAttribute(procfile, "unix:ino");

        try (InputStream reader = Files.newInputStream(procfile)) {
            copies.writeProcfile("web", "web: bin/server\n");

            // a reader that opened the old copy reads it whole: it was replaced, never truncated in place
            assertEquals(original, new String(reader.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertNotEquals(inodeBefore, Files.getAttribute(procfile, "unix:ino"));
        assertEquals("web: bin/server\n", Files.readString(procfile));
    }

    @Test
    void rewritingTheAppJsonKeepsItsPermissions() throws Exception {
        Files.writeString(appJson, "{\"scripts\": {\"dokku\": {\"predeploy\": \"./prep\"}}}");
        Files.setPosixFilePermissions(appJson, PosixFilePermissions.fromString("rw-------"));

        copies.writeAppJson("web", "{\"scripts\": {\"dokku\": {}}}");

        assertEquals("{\"scripts\": {\"dokku\": {}}}", Files.readString(appJson));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(appJson)));
        assertEquals(List.of("app.json.4242"), namesIn(appJson.getParent()));
    }

    @Test
    void writingACopyThatDidNotExistMakesItWorldReadable() throws Exception {
        copies.writeAppJson("web", "{}");

        assertEquals("{}", Files.readString(appJson));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(appJson)));
    }

    @Test
    void writingIntoAMissingDirectoryFailsWithThePath() {
        UncheckedIOException failed = assertThrows(UncheckedIOException.class,
                () -> copies.writeProcfile("no-such-app", "web: x\n"));

        assertTrue(failed.getMessage().contains("data/ps/no-such-app/Procfile.4242"), failed.getMessage());
    }

    @Test
    void markingTheProcfileMissingLeavesOnlyTheMarker() throws Exception {
        Files.writeString(procfile, "release: rake db:migrate\n");

        copies.markProcfileMissing("web");

        assertFalse(Files.exists(procfile));
        assertTrue(Files.isRegularFile(procfile.resolveSibling("Procfile.4242.missing")));
        assertEquals(Optional.empty(), copies.readProcfile("web"));
        assertEquals(List.of("Procfile.4242.missing"), namesIn(procfile.getParent()));
    }

    @Test
    void markingTheProcfileMissingTwiceIsHarmless() throws Exception {
        copies.markProcfileMissing("web");
        copies.markProcfileMissing("web");

        assertEquals(List.of("Procfile.4242.missing"), namesIn(procfile.getParent()));
    }

    private static List<String> namesIn(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
