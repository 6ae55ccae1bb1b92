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
import java.util.Optional;
import java.util.Set;

/**
 * Task locks as fcntl locks (Java's FileLock) on files of the plugin's own, one per lock key,
 * under {@code DATA/locks}. The kernel drops a lock when its holder dies, whatever killed it.
 *
 * <p>A caller that finds the lock held sleeps until it is free: in the kernel ({@link FileChannel#lock},
 * on a thread of its own) while another process holds it, on a monitor while another thread of
 * this process holds it or waits for it there. Nothing polls: the caller wakes when the lock is
 * free, to ask {@code waiting} every {@code reportEvery}, at its deadline, or when interrupted.
 */
public final class FileTaskLocks implements TaskLocks {

    /*
     * The lock files this process holds a lock on. An fcntl lock belongs to the process, and
     * closing ANY descriptor of the file drops all of the process's locks on it: so a file locked
     * here is never opened again while it is held (not by isHeld, not by a second acquire that
     * would close its channel after failing), and every open, lock, release and close happens
     * under this set's monitor. Process-wide on purpose: so are the locks it tracks. The monitor
     * is notified whenever a lock of this process is released or a kernel wait ends.
     */
    private static final Set<Path> HELD_HERE = new HashSet<>();
    /*
     * The lock files a thread of this process waits for in the kernel: one at a time per file (the
     * JVM refuses a second, overlapping wait), and while one waits no other thread opens the file.
     */
    private static final Set<Path> WAITED_HERE = new HashSet<>();

    private final Path directory;

    public FileTaskLocks(Path directory) {
        this.directory = directory;
    }

    @Override
    public Optional<Held> acquireWhileWanted(String lockKey, Duration maxWait, Duration reportEvery, Waiting waiting) {
        Path file = fileOf(lockKey);
        Held held = tryAcquire(lockKey, file);
        if (held != null) {
            return Optional.of(held);
        }
        Instant deadline = Instant.now().plus(maxWait);
        if (!waiting.stillWanted()) {
            return Optional.empty();
        }
        Instant nextReport = Instant.now().plus(reportEvery);
        try {
            while (true) {
                Instant now = Instant.now();
                if (!now.isBefore(deadline)) {
                    throw new LockTimeoutException("The " + lockKey + " lock stayed held for longer than "
                            + describe(maxWait));
                }
                if (!now.isBefore(nextReport)) {
                    if (!waiting.stillWanted()) {
                        return Optional.empty();
                    }
                    nextReport = Instant.now().plus(reportEvery);
                }
                held = sleepUntilFree(lockKey, file, nextReport.isBefore(deadline) ? nextReport : deadline);
                if (held != null) {
                    return checkedAfterWait(held, waiting);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockTimeoutException("Interrupted while waiting for the " + lockKey + " lock");
        }
    }

    /** The lock taken after a wait, if the caller still wants it once it is taken (else handed back). */
    private static Optional<Held> checkedAfterWait(Held held, Waiting waiting) {
        boolean wanted = false;
        try {
            wanted = waiting.stillWanted();
            return wanted ? Optional.of(held) : Optional.empty();
        } finally {
            if (!wanted) {
                held.close();
            }
        }
    }

    /**
     * Sleeps until the lock is taken (returned) or {@code until}, whichever comes first (null): in
     * the kernel when no thread of this process holds or waits for the lock, on the monitor otherwise.
     */
    private Held sleepUntilFree(String lockKey, Path file, Instant until) throws InterruptedException {
        KernelWait wait;
        synchronized (HELD_HERE) {
            Held held = tryAcquire(lockKey, file);
            if (held != null) {
                return held;
            }
            if (HELD_HERE.contains(file) || WAITED_HERE.contains(file)) {
                long millis = Duration.between(Instant.now(), until).toMillis();
                if (millis > 0) {
                    HELD_HERE.wait(millis);
                }
                return null;
            }
            wait = new KernelWait(lockKey, file, open(lockKey, file));
            WAITED_HERE.add(file);
        }
        wait.start();
        boolean ended = false;
        try {
            ended = wait.awaitEnd(until);
            return ended ? wait.taken() : null;
        } finally {
            if (!ended) {
                wait.cancel();
            }
        }
    }

    /**
     * One {@link FileChannel#lock} on a thread of its own, so that the caller can wake for its
     * reports, its deadline and its interrupt while the kernel holds the lock request.
     */
    private static final class KernelWait {
        private final String lockKey;
        private final Path file;
        private final FileChannel channel;
        private final Thread thread;
        private FileLock lock;
        private Throwable failure;
        private boolean ended;
        private boolean cancelled;

        KernelWait(String lockKey, Path file, FileChannel channel) {
            this.lockKey = lockKey;
            this.file = file;
            this.channel = channel;
            this.thread = new Thread(this::waitInKernel, "lock-wait " + lockKey);
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void waitInKernel() {
            FileLock taken = null;
            Throwable failed = null;
            try {
                taken = channel.lock();
            } catch (IOException | RuntimeException e) {
                failed = e;
            }
            synchronized (HELD_HERE) {
                WAITED_HERE.remove(file);
                if (cancelled || taken == null) {
                    closeQuietly(channel);
                } else {
                    HELD_HERE.add(file);
                }
                lock = taken;
                failure = failed;
                ended = true;
                HELD_HERE.notifyAll();
            }
        }

        /** Waits for the kernel's answer until {@code until}; returns whether it came. */
        boolean awaitEnd(Instant until) throws InterruptedException {
            synchronized (HELD_HERE) {
                while (!ended) {
                    long millis = Duration.between(Instant.now(), until).toMillis();
                    if (millis <= 0) {
                        return false;
                    }
                    HELD_HERE.wait(millis);
                }
                return true;
            }
        }

        /** The lock, taken; or the reason the kernel did not give it. */
        Held taken() {
            synchronized (HELD_HERE) {
                if (lock == null) {
                    throw new UncheckedIOException("cannot lock " + file, failure instanceof IOException io ? io
                            : new IOException(String.valueOf(failure), failure));
                }
                return new FileHeld(lockKey, file, channel, lock);
            }
        }

        /** Gives up: the wait in the kernel ends (its channel closed), and a lock it got meanwhile is let go. */
        void cancel() {
            synchronized (HELD_HERE) {
                if (ended) {
                    if (lock != null) {
                        new FileHeld(lockKey, file, channel, lock).close();
                    }
                    return;
                }
                cancelled = true;
            }
            // closing wakes the thread in FileChannel.lock (AsynchronousCloseException); it then cleans up
            closeQuietly(channel);
        }
    }

    @Override
    public boolean isHeld(String lockKey) {
        Path file = fileOf(lockKey);
        synchronized (HELD_HERE) {
            if (HELD_HERE.contains(file) || WAITED_HERE.contains(file)) {
                // held here, or a thread here waits for it in the kernel because another process holds it
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
            if (HELD_HERE.contains(file) || WAITED_HERE.contains(file)) {
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
                HELD_HERE.notifyAll();
            }
        }
    }
}
