package dokkumigrate.adapters.dokku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.ledger.DeployKey;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DokkuEnvironmentTest {
    private static final long OWN_PID = ProcessHandle.current().pid();

    @Test
    void withoutDokkusVariablesTheDefaultsApply() {
        DokkuEnvironment env = DokkuEnvironment.from(Map.of());

        assertEquals(Path.of("/home/dokku"), env.dokkuRoot());
        assertEquals(Path.of("/var/lib/dokku"), env.libRoot());
        assertEquals(-1, env.dokkuPid());
        assertFalse(env.quiet());
        assertFalse(env.trace());
        assertEquals("docker", env.dockerBin());
        assertEquals(List.of("--label=org.label-schema.schema-version=1.0", "--label=org.label-schema.vendor=dokku",
                "--label=dokku"), env.globalRunArgs());
        assertEquals(Optional.empty(), env.buildSource());
        assertEquals(Optional.empty(), env.buildId());
        assertEquals(Path.of("/var/lib/dokku/data/migrate/ledger.db"), env.ledgerPath());
        assertEquals(Path.of("/var/lib/dokku/data/migrate"), env.dataDir());
        assertEquals(Path.of("/var/lib/dokku/data/migrate/logs"), env.logDir());
        assertEquals(Path.of("/var/lib/dokku/data/migrate/locks"), env.lockDir());
        assertEquals(Path.of("/var/lib/dokku/config"), env.propertyDir());
    }

    @Test
    void dokkusVariablesAreRead() {
        DokkuEnvironment env = DokkuEnvironment.from(Map.of(
                "DOKKU_ROOT", "/srv/dokku",
                "DOKKU_LIB_ROOT", "/srv/lib",
                "DOKKU_PID", "31337",
                "DOCKER_BIN", "/usr/local/bin/docker",
                "DOKKU_GLOBAL_RUN_ARGS", "  --label=dokku   --label=extra ",
                "DOKKU_BUILD_SOURCE", "config:set",
                "DOKKU_BUILD_ID", "abc123"));

        assertEquals(Path.of("/srv/dokku"), env.dokkuRoot());
        assertEquals(Path.of("/srv/lib"), env.libRoot());
        assertEquals(31337, env.dokkuPid());
        assertEquals("/usr/local/bin/docker", env.dockerBin());
        assertEquals(List.of("--label=dokku", "--label=extra"), env.globalRunArgs());
        assertEquals(Optional.of("config:set"), env.buildSource());
        assertEquals(Optional.of("abc123"), env.buildId());
        assertEquals(Path.of("/srv/lib/data/migrate/ledger.db"), env.ledgerPath());
        assertEquals(Path.of("/srv/lib/data/migrate/locks"), env.lockDir());
        assertEquals(Path.of("/srv/lib/config"), env.propertyDir());
    }

    @Test
    void theLedgerPathCanBeOverridden() {
        assertEquals(Path.of("/tmp/test-ledger.db"), DokkuEnvironment.from(Map.of(
                "DOKKU_LIB_ROOT", "/srv/lib", "DOKKU_MIGRATE_LEDGER", "/tmp/test-ledger.db")).ledgerPath());
        assertEquals(Path.of("/srv/lib/data/migrate/ledger.db"), DokkuEnvironment.from(Map.of(
                "DOKKU_LIB_ROOT", "/srv/lib", "DOKKU_MIGRATE_LEDGER", "  ")).ledgerPath());
    }

    @Test
    void emptyGlobalRunArgsGiveNone() {
        assertEquals(List.of(), DokkuEnvironment.from(Map.of("DOKKU_GLOBAL_RUN_ARGS", "")).globalRunArgs());
    }

    @Test
    void blankBuildVariablesCountAsUnset() {
        DokkuEnvironment env = DokkuEnvironment.from(Map.of("DOKKU_BUILD_SOURCE", " ", "DOKKU_BUILD_ID", ""));

        assertEquals(Optional.empty(), env.buildSource());
        assertEquals(Optional.empty(), env.buildId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "true", "yes"})
    void quietAndTraceAreOnForAnyValueButEmptyZeroAndFalse(String value) {
        DokkuEnvironment env = DokkuEnvironment.from(Map.of("DOKKU_QUIET_OUTPUT", value, "DOKKU_TRACE", value));

        assertTrue(env.quiet());
        assertTrue(env.trace());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "false"})
    void quietAndTraceAreOffForEmptyZeroAndFalse(String value) {
        DokkuEnvironment env = DokkuEnvironment.from(Map.of("DOKKU_QUIET_OUTPUT", value, "DOKKU_TRACE", value));

        assertFalse(env.quiet());
        assertFalse(env.trace());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "-5", "12 34", "99999999999"})
    void aDokkuPidThatIsNotAProcessIdCountsAsUnset(String value) {
        assertEquals(-1, DokkuEnvironment.from(Map.of("DOKKU_PID", value)).dokkuPid());
    }

    @Test
    void theDeployKeyOfALiveProcessCarriesTheBootIdAndItsStartTime() throws Exception {
        DeployKey key = environmentFor(OWN_PID).deployKey();

        assertEquals(OWN_PID, key.dokkuPid());
        String bootId = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
        assertTrue(key.instance().matches("\\Q" + bootId + "\\E:[0-9]+"), key.instance());
        assertEquals(key, environmentFor(OWN_PID).deployKey());
        assertEquals(key, DeployKey.parse(key.toString()));
    }

    @Test
    void anotherLiveProcessHasAnotherDeployKey() throws Exception {
        Process other = new ProcessBuilder("sleep", "60").start();
        try {
            DeployKey own = environmentFor(OWN_PID).deployKey();
            DeployKey theirs = environmentFor(other.pid()).deployKey();

            assertNotEquals(own, theirs);
            assertFalse(theirs.instance().isEmpty());
            assertNotEquals(own.instance(), theirs.instance());
            assertTrue(startTime(theirs) > startTime(own), "started later than this JVM");
        } finally {
            other.destroyForcibly().waitFor();
        }
    }

    @Test
    void aProcessNameWithSpacesAndParenthesesIsParsed(@TempDir Path dir) throws Exception {
        // the kernel names the process after the path it was started by: here, a link to sleep
        Path oddName = Files.createSymbolicLink(dir.resolve("x) (y z"), Path.of("/bin/sleep"));
        Process odd = new ProcessBuilder(oddName.toString(), "60").start();
        try {
            assertTrue(Files.readString(Path.of("/proc", Long.toString(odd.pid()), "stat")).contains("(x) (y z)"));
            DeployKey key = environmentFor(odd.pid()).deployKey();

            assertTrue(key.instance().matches(".+:[0-9]+"), key.instance());
            assertTrue(startTime(key) > startTime(environmentFor(OWN_PID).deployKey()));
        } finally {
            odd.destroyForcibly().waitFor();
        }
    }

    @Test
    void aDeadProcessHasADeployKeyWithoutInstance() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();

        assertEquals(new DeployKey(gone.pid(), ""), environmentFor(gone.pid()).deployKey());
    }

    @Test
    void withoutDokkuPidThereIsNoDeployKey() {
        PlugnPlatform.PlatformException missing = assertThrows(PlugnPlatform.PlatformException.class,
                () -> DokkuEnvironment.from(Map.of()).deployKey());

        assertTrue(missing.getMessage().contains("DOKKU_PID"), missing.getMessage());
    }

    @Test
    void theHostNameIsKnown() {
        assertFalse(DokkuEnvironment.from(Map.of()).hostName().isBlank());
    }

    @Test
    void theHostNameIsTheKernelsAsHostnamePrintsIt() throws Exception {
        String kernel = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();

        assertEquals(kernel, DokkuEnvironment.from(Map.of()).hostName());
    }

    @Test
    void theHostNameIsReadFromTheKernelFileWithoutItsNewline(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("hostname");
        Files.writeString(file, "host-a\n");

        assertEquals("host-a", DokkuEnvironment.hostName(file));
    }

    @Test
    void withoutTheKernelFileTheJdksNameIsTaken(@TempDir Path dir) throws Exception {
        String jdk = InetAddress.getLocalHost().getHostName();

        assertEquals(jdk, DokkuEnvironment.hostName(dir.resolve("absent")));
    }

    @Test
    void anEmptyKernelFileCountsAsMissing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("hostname");
        Files.writeString(file, "\n");

        assertEquals(InetAddress.getLocalHost().getHostName(), DokkuEnvironment.hostName(file));
    }

    private static DokkuEnvironment environmentFor(long pid) {
        Map<String, String> env = new HashMap<>();
        env.put("DOKKU_PID", Long.toString(pid));
        return DokkuEnvironment.from(env);
    }

    private static long startTime(DeployKey key) {
        return Long.parseLong(key.instance().substring(key.instance().lastIndexOf(':') + 1));
    }
}
