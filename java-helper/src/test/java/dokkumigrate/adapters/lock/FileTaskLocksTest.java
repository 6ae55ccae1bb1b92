package dokkumigrate.adapters.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.run.TaskLocks;
import dokkumigrate.run.TaskLocks.Held;
import dokkumigrate.run.TaskLocksContract;
import dokkumigrate.testsupport.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The task-lock contract on fcntl lock files, and what is particular to files. */
@SuppressWarnings("try") // a lock or a child process held for the length of a block
class FileTaskLocksTest extends TaskLocksContract {

    @TempDir
    Path dir;
    Path lockDir;

    @BeforeEach
    void setUp() {
        lockDir = dir.resolve("data/migrate/locks");
    }

    @Override
    protected TaskLocks locks() {
        return new FileTaskLocks(lockDir);
    }

    @Override
    protected ChildJvm startHolder(String key) throws Exception {
        ChildJvm child = ChildJvm.start(LockProbe.class, "hold", lockDir.toString(), key);
        try {
            return child.awaitLine("locked", LONG);
        } catch (Exception e) {
            child.kill();
            throw e;
        }
    }

    @Override
    protected String probe(String key) throws Exception {
        try (ChildJvm child = ChildJvm.start(LockProbe.class, "probe", lockDir.toString(), key)) {
            return child.nextLine(LONG);
        }
    }

    /** A thread of this process waits in the kernel (FileChannel.lock) for the key's file. */
    @Override
    protected boolean waitsWhereTheLockIsKept(String key) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(thread -> thread.isAlive() && thread.getName().equals("lock-wait " + key));
    }

    @Test
    void lockFilesAreCreatedWithMode0640() throws Exception {
        try (Held held = locks().acquire("group.main-db", Duration.ZERO, LONG, NOTHING)) {
            Path file = lockDir.resolve("group.main-db.lock");
            assertTrue(Files.isRegularFile(file));
            assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
    }

    @Test
    void theLockDirectoryIsCreatedWithMode0750() throws Exception {
        try (Held held = locks().acquire("app.web", Duration.ZERO, LONG, NOTHING)) {
            assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(lockDir)));
        }
    }

    @Test
    void aSlashInAKeyCannotEscapeTheLockDirectory() {
        try (Held held = locks().acquire("group.a/../b", Duration.ZERO, LONG, NOTHING)) {
            assertTrue(Files.exists(lockDir.resolve("group.a_.._b.lock")));
        }
    }

    @Test
    void askingAboutALockNobodyTookCreatesNoFile() {
        assertFalse(locks().isHeld("app.never"));
        assertFalse(Files.exists(lockDir.resolve("app.never.lock")));
    }

    @Test
    void theKernelFreesTheLockOfAKilledHolderAtOnce() throws Exception {
        TaskLocks locks = locks();
        ChildJvm holder = startHolder("app.web");
        assertTrue(locks.isHeld("app.web"));

        holder.kill();

        assertFalse(locks.isHeld("app.web"));
    }
}
