package dokkumigrate.adapters.postgres;

import dokkumigrate.platform.LedgerUrl;
import dokkumigrate.run.TaskLocks;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Task locks shared by every Dokku host that uses one PostgreSQL database: session-level advisory
 * locks, one 64-bit key per lock key ({@link #keyOf}). Each held lock has a connection of its own,
 * so the lock belongs to that session: closing it releases the lock, and when the holder dies
 * (SIGKILL, a host that powers off) the server ends the session and frees the lock.
 *
 * <p>Waiting does not poll. A caller that finds the lock held asks for it with a blocking
 * {@code pg_advisory_lock} on its connection, run on a thread of its own: the server queues the
 * request and answers the moment the lock is free. The caller sleeps on that answer and wakes to call
 * ask whether the lock is still wanted every {@code reportEvery}, at its deadline, or when interrupted; giving up
 * cancels the request (a cancel request, then closing the session, so that a lock granted meanwhile is
 * freed at once). One round trip per lock, whatever the wait; and a server that stops answering
 * (a partition) cannot hold the caller past its deadline. (The other way, {@code lock_timeout} slices
 * of {@code reportEvery}, would leave an interrupted caller blocked in a socket read until its slice
 * ends.)
 */
public final class PostgresTaskLocks implements TaskLocks {
    private static final String KEY_PREFIX = "dokku-migrate lock ";
    private static final long CANCEL_ROUND_MILLIS = 200;
    private static final long CANCEL_GRACE_MILLIS = TimeUnit.SECONDS.toMillis(PostgresConnector.CANCEL_TIMEOUT_SECONDS + 5);

    private final PostgresConnector connector;
    private final String holderName;

    /**
     * @param holderName who takes the locks, as {@link #holder} shows it to a host that waits (such
     *                   as {@code "dokku-2 pid 4321"})
     */
    public PostgresTaskLocks(PostgresConnector connector, String holderName) {
        this.connector = connector;
        this.holderName = holderName;
    }

    /** The advisory lock key of a lock key: the first 8 bytes of SHA-256("dokku-migrate lock " + key). */
    public static long keyOf(String lockKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((KEY_PREFIX + lockKey).getBytes(StandardCharsets.UTF_8));
            long key = 0;
            for (int i = 0; i < 8; i++) {
                key = (key << 8) | (digest[i] & 0xff);
            }
            return key;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    @Override
    public Optional<Held> acquireWhileWanted(String lockKey, Duration maxWait, Duration reportEvery, Waiting waiting) {
        long key = keyOf(lockKey);
        Connection connection = session(lockKey);
        boolean handedOut = false;
        try {
            if (tryLock(connection, lockKey, key)) {
                handedOut = true;
                return Optional.of(new PostgresHeld(lockKey, connection, connector.url()));
            }
            Optional<Held> held = awaitLock(connection, lockKey, key, maxWait, reportEvery, waiting);
            handedOut = held.isPresent();
            return held;
        } finally {
            if (!handedOut) {
                closeQuietly(connection);
            }
        }
    }

    /** Waits for the lock that {@link #tryLock} found held, on the session that asked for it. */
    private Optional<Held> awaitLock(Connection connection, String lockKey, long key, Duration maxWait,
            Duration reportEvery, Waiting waiting) {
        Instant deadline = Instant.now().plus(maxWait);
        ServerWait wait = new ServerWait(connection, lockKey, key);
        boolean taken = false;
        try {
            if (!waiting.stillWanted()) {
                return Optional.empty();
            }
            Instant nextReport = Instant.now().plus(reportEvery);
            while (true) {
                Instant now = Instant.now();
                if (!now.isBefore(deadline)) {
                    throw new LockTimeoutException("The " + lockKey + " lock stayed held for longer than " + describe(maxWait)
                            + holderIfKnown(lockKey).map(holder -> " (held by " + holder + ")").orElse(""));
                }
                if (!now.isBefore(nextReport)) {
                    if (!waiting.stillWanted()) {
                        return Optional.empty();
                    }
                    nextReport = Instant.now().plus(reportEvery);
                }
                Instant until = nextReport.isBefore(deadline) ? nextReport : deadline;
                if (wait.awaitGranted(Duration.between(Instant.now(), until))) {
                    taken = true;
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockTimeoutException("Interrupted while waiting for the " + lockKey + " lock");
        } finally {
            if (!taken) {
                wait.withdraw();
            }
        }
        Held held = new PostgresHeld(lockKey, connection, connector.url());
        try {
            if (!waiting.stillWanted()) {
                held.close();
                return Optional.empty();
            }
            return Optional.of(held);
        } catch (RuntimeException | Error e) {
            held.close();
            throw e;
        }
    }

    /**
     * One blocking {@code pg_advisory_lock} on a thread of its own, so that the caller can wake for its
     * reports, its deadline and its interrupt while the server queues the request.
     */
    private final class ServerWait {
        private final Connection connection;
        private final String lockKey;
        private final CompletableFuture<Boolean> granted = new CompletableFuture<>();
        private final Thread thread;
        private volatile PreparedStatement statement;

        ServerWait(Connection connection, String lockKey, long key) {
            this.connection = connection;
            this.lockKey = lockKey;
            this.thread = new Thread(() -> {
                try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_lock(?)")) {
                    statement = lock;
                    lock.setLong(1, key);
                    lock.executeQuery().close();
                    granted.complete(true);
                } catch (SQLException | RuntimeException e) {
                    granted.completeExceptionally(e);
                }
            }, "pg-lock-wait " + lockKey);
            this.thread.setDaemon(true);
            this.thread.start();
        }

        /** Whether the server granted the lock within {@code timeout}. */
        boolean awaitGranted(Duration timeout) throws InterruptedException {
            try {
                return granted.get(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                throw lost(lockKey, "waiting for", e.getCause());
            }
        }

        /**
         * Takes the request back: a cancel request ends the server's wait; the session is closed by the
         * caller, which frees a lock granted in the meantime. Never interruptible.
         */
        void withdraw() {
            if (granted.isDone()) {
                return;
            }
            // an interrupted caller withdraws too: the flag is set again at the end
            boolean interrupted = Thread.interrupted();
            long graceEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CANCEL_GRACE_MILLIS);
            try {
                // a cancel reaches only a statement under way: one that has not started yet when the
                // caller gives up is cancelled by the next round
                while (!granted.isDone() && System.nanoTime() < graceEnd) {
                    PreparedStatement running = statement;
                    try {
                        if (running != null) {
                            running.cancel();
                        }
                    } catch (SQLException e) {
                        break; // unreachable server: closing the session is all that is left
                    }
                    try {
                        granted.get(CANCEL_ROUND_MILLIS, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        interrupted = true;
                    } catch (ExecutionException | TimeoutException e) {
                        // cancelled (the expected end), or not yet
                    }
                }
            } finally {
                if (!granted.isDone()) {
                    abortQuietly(connection);
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Override
    public boolean isHeld(String lockKey) {
        return holder(lockKey).isPresent();
    }

    /**
     * Who holds the lock right now, as its session names itself, with the server's process id and
     * since when the session has been connected; empty when the lock is free.
     */
    public Optional<String> holder(String lockKey) {
        try (Connection connection = connector.open();
                PreparedStatement query = connection.prepareStatement(HOLDER_QUERY)) {
            setKey(query, keyOf(lockKey));
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                String name = row.getString("application_name");
                return Optional.of((name == null || name.isEmpty() ? "a session without a name" : name)
                        + " (server pid " + row.getInt("pid") + ", connected since " + row.getString("since") + ")");
            }
        } catch (SQLException e) {
            throw lost(lockKey, "looking up the holder of", e);
        }
    }

    /** The holder, or empty when it cannot be asked (the timeout is the news, not the look-up). */
    private Optional<String> holderIfKnown(String lockKey) {
        try {
            return holder(lockKey);
        } catch (PostgresUnavailableException e) {
            return Optional.empty();
        }
    }

    /** Granted advisory locks of the key in this database, and the session that holds each. */
    private static final String HOLDER_QUERY = "SELECT a.application_name, l.pid,"
            + " to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS since"
            + " FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
            + " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
            + " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            + " AND l.classid = CAST(? AS bigint)::oid AND l.objid = CAST(? AS bigint)::oid"
            + " ORDER BY a.backend_start LIMIT 1";

    /** A bigint advisory key is (classid, objid) = (high 32 bits, low 32 bits) in pg_locks, objsubid 1. */
    private static void setKey(PreparedStatement query, long key) throws SQLException {
        query.setLong(1, key >>> 32);
        query.setLong(2, key & 0xffffffffL);
    }

    /** A new session for one lock, named after its holder, with no server-side timeout that could end it. */
    private Connection session(String lockKey) {
        Connection connection = connector.open();
        try (PreparedStatement settings = connection.prepareStatement("SELECT set_config('application_name', ?, false),"
                + " set_config('lock_timeout', '0', false), set_config('statement_timeout', '0', false),"
                + " CASE WHEN current_setting('server_version_num')::int >= 140000"
                + " THEN set_config('idle_session_timeout', '0', false) END")) {
            settings.setString(1, truncate("dokku-migrate " + lockKey + " lock: " + holderName));
            settings.executeQuery().close();
            return connection;
        } catch (SQLException e) {
            closeQuietly(connection);
            throw lost(lockKey, "opening a session for", e);
        }
    }

    private boolean tryLock(Connection connection, String lockKey, long key) {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            lock.setLong(1, key);
            try (ResultSet row = lock.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        } catch (SQLException e) {
            throw lost(lockKey, "taking", e);
        }
    }

    private PostgresUnavailableException lost(String lockKey, String doing, Throwable cause) {
        String server = "PostgreSQL at " + connector.url().host() + ":" + connector.url().port();
        return new PostgresUnavailableException(connector.url(), "Lost " + server + " while " + doing + " the " + lockKey
                + " lock: " + cause.getMessage() + ". Check that the server runs and that this host can reach it.", cause);
    }

    /** application_name holds at most 63 bytes; the server cuts a longer one, we cut it at a character. */
    private static String truncate(String name) {
        String cut = name;
        while (cut.getBytes(StandardCharsets.UTF_8).length > 63) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut;
    }

    private static String describe(Duration wait) {
        return wait.toSeconds() >= 1 ? wait.toSeconds() + "s" : wait.toMillis() + "ms";
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // the session is gone either way, and with it any lock it held
        }
    }

    private static void abortQuietly(Connection connection) {
        try {
            connection.abort(Runnable::run);
        } catch (SQLException e) {
            // closed already
        }
    }

    /** A lock held by its own session: closing the session releases it (explicitly first, to be quick). */
    private static final class PostgresHeld implements Held {
        private final String lockKey;
        private final Connection connection;
        private final LedgerUrl url;
        private boolean released;

        PostgresHeld(String lockKey, Connection connection, LedgerUrl url) {
            this.lockKey = lockKey;
            this.connection = connection;
            this.url = url;
        }

        @Override
        public String lockKey() {
            return lockKey;
        }

        /** Asks the session whether it still holds the lock (one round trip). */
        @Override
        public synchronized Optional<String> lost() {
            String server = "PostgreSQL at " + url.host() + ":" + url.port();
            try (PreparedStatement held = connection.prepareStatement("SELECT count(*) FROM pg_locks WHERE"
                    + " locktype = 'advisory' AND granted AND pid = pg_backend_pid()")) {
                held.setQueryTimeout(PostgresConnector.CONNECT_TIMEOUT_SECONDS);
                try (ResultSet row = held.executeQuery()) {
                    row.next();
                    return row.getInt(1) > 0 ? Optional.empty()
                            : Optional.of("the session holding the " + lockKey + " lock on " + server + " no longer holds it");
                }
            } catch (SQLException e) {
                return Optional.of("the session holding the " + lockKey + " lock on " + server + " was lost ("
                        + e.getMessage() + "); check that the server runs and that this host can reach it");
            }
        }

        @Override
        public synchronized void close() {
            if (released) {
                return;
            }
            released = true;
            // closing alone returns before the server has ended the session: unlock first, so that the
            // lock is free when close returns
            try (PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock_all()")) {
                unlock.executeQuery().close();
            } catch (SQLException e) {
                // the session is lost: the server has freed the lock or frees it when it notices
            }
            closeQuietly(connection);
        }
    }
}
