package dokkumigrate.adapters.lock;

import dokkumigrate.run.TaskLocks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * Task locks as fcntl locks (Java's FileLock) on files of the plugin's own, one per lock key,
 * under {@code DATA/locks}. The kernel drops a lock when its holder dies, whatever killed it.
 */
public final class FileTaskLocks implements TaskLocks {
    /*
     * A lock taken by a racing caller is usually free again at once; one held by a running task
     * stays held for seconds or minutes. So the wait polls often at first and then backs off, which
     * keeps a dozen waiting helpers from eating the CPU the holder's task needs.
     */
    private static final long FIRST_POLL_MILLIS = 50;
    private static final long LONGEST_POLL_MILLIS = 250;

    /*
     * The lock files this process holds a lock on. An fcntl lock belongs to the process, and
     * closing ANY descriptor of the file drops all of the process's locks on it: so a file locked
     * here is never opened again while it is held (not by isHeld, not by a second acquire that
     * would close its channel after failing), and every open, lock, release and close happens
     * under this set's monitor. Process-wide on purpose: so are the locks it tracks.
     */
    private static final Set<Path> HELD_HERE = new HashSet<>();

    private final Path directory;

    public FileTaskLocks(Path directory) {
        this.directory = directory;
    }

    @Override
    public Held acquire(String lockKey, Duration maxWait, Duration reportEvery, Runnable whileWaiting) {
        Path file = fileOf(lockKey);
        Instant deadline = Instant.now().plus(maxWait);
        Instant nextReport = Instant.now();
        long pollMillis = FIRST_POLL_MILLIS;
        try {
            while (true) {
                Held held = tryAcquire(lockKey, file);
                if (held != null) {
                    return held;
                }
                Instant now = Instant.now();
                if (now.isAfter(deadline)) {
                    throw new LockTimeoutException("The " + lockKey + " lock stayed held for longer than "
                            + describe(maxWait));
                }
                if (!now.isBefore(nextReport)) {
                    whileWaiting.run();
                    nextReport = now.plus(reportEvery);
                }
                Thread.sleep(pollMillis);
                pollMillis = Math.min(LONGEST_POLL_MILLIS, pollMillis * 3 / 2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockTimeoutException("Interrupted while waiting for the " + lockKey + " lock");
        }
    }

    @Override
    public boolean isHeld(String lockKey) {
        Path file = fileOf(lockKey);
        synchronized (HELD_HERE) {
            if (HELD_HERE.contains(file)) {
                return true;
            }
            if (!Files.exists(file)) {
                return false;
            }
            try (FileChannel channel = open(lockKey, file)) {
                FileLock lock = channel.tryLock();
                if (lock == null) {
                    return true;
                }
                lock.release();
                return false;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Takes the lock if no process (this one included) holds it; null otherwise. */
    private Held tryAcquire(String lockKey, Path file) {
        synchronized (HELD_HERE) {
            if (HELD_HERE.contains(file)) {
                return null;
            }
            FileChannel channel = open(lockKey, file);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (IOException e) {
                closeQuietly(channel);
                throw new UncheckedIOException("cannot lock " + file, e);
            } catch (RuntimeException e) {
                closeQuietly(channel);
                throw e;
            }
            if (lock == null) {
                // no lock of this process is on the file, so closing this descriptor drops nothing
                closeQuietly(channel);
                return null;
            }
            HELD_HERE.add(file);
            return new FileHeld(lockKey, file, channel, lock);
        }
    }

    private FileChannel open(String lockKey, Path file) {
        try {
            if (!Files.isDirectory(directory)) {
                // like the data directory around it, never readable by other users (umask aside)
                Files.createDirectories(directory);
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-x---"));
            }
            if (!Files.exists(file)) {
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // created by a concurrent helper: use it
                }
            }
            return FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the lock file for " + lockKey + " in " + directory, e);
        }
    }

    private Path fileOf(String lockKey) {
        return directory.resolve(lockKey.replace('/', '_') + ".lock").toAbsolutePath().normalize();
    }

    private static String describe(Duration wait) {
        return wait.toSeconds() >= 1 ? wait.toSeconds() + "s" : wait.toMillis() + "ms";
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing releases the lock; nothing else to do
        }
    }

    private static final class FileHeld implements Held {
        private final String lockKey;
        private final Path file;
        private final FileChannel channel;
        private final FileLock lock;
        private boolean released;

        FileHeld(String lockKey, Path file, FileChannel channel, FileLock lock) {
            this.lockKey = lockKey;
            this.file = file;
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public String lockKey() {
            return lockKey;
        }

        @Override
        public void close() {
            synchronized (HELD_HERE) {
                if (released) {
                    return;
                }
                released = true;
                try {
                    lock.release();
                } catch (IOException ignored) {
                    // the channel close below releases it as well
                }
                closeQuietly(channel);
                HELD_HERE.remove(file);
            }
        }
    }
}
