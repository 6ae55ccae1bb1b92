package dokkumigrate.adapters.sqlite;

import java.util.List;

/**
 * The ledger's schema as numbered forward migrations. {@code PRAGMA user_version} holds the
 * number of migrations applied; each one runs in its own transaction. Never edit a released
 * migration: add the next one.
 */
final class Schema {
    private Schema() {
    }

    static final List<String> MIGRATIONS = List.of(
            // 1: deploys, their planned tasks, task runs with their output tail, events, lock holders
            """
            CREATE TABLE deploys (
                id            INTEGER PRIMARY KEY,
                app           TEXT    NOT NULL,
                deploy_key    TEXT    NOT NULL,
                dokku_pid     INTEGER NOT NULL,
                origin        TEXT    NOT NULL CHECK (origin IN ('extracted', 'standing', 'manual')),
                trigger       TEXT    NOT NULL DEFAULT '',
                created_at    INTEGER NOT NULL,
                rolled_out_at INTEGER,
                UNIQUE (app, deploy_key)
            );
            CREATE INDEX deploys_by_app ON deploys (app, id DESC);
            CREATE INDEX deploys_extracted_by_app ON deploys (app, id DESC) WHERE origin = 'extracted';
            CREATE TABLE tasks (
                deploy_id INTEGER NOT NULL REFERENCES deploys (id) ON DELETE CASCADE,
                phase     TEXT    NOT NULL CHECK (phase IN ('predeploy', 'release')),
                command   TEXT    NOT NULL,
                PRIMARY KEY (deploy_id, phase)
            );
            CREATE TABLE runs (
                id           INTEGER PRIMARY KEY,
                deploy_id    INTEGER NOT NULL REFERENCES deploys (id) ON DELETE CASCADE,
                app          TEXT    NOT NULL,
                phase        TEXT    NOT NULL,
                command      TEXT    NOT NULL,
                state        TEXT    NOT NULL CHECK (state IN ('planned', 'running', 'succeeded', 'failed',
                                                          'timed_out', 'interrupted', 'skipped')),
                attempt      INTEGER NOT NULL,
                exit_code    INTEGER,
                started_at   INTEGER,
                finished_at  INTEGER,
                image        TEXT    NOT NULL DEFAULT '',
                image_id     TEXT    NOT NULL DEFAULT '',
                container_id TEXT    NOT NULL DEFAULT '',
                host         TEXT    NOT NULL DEFAULT '',
                helper_pid   INTEGER NOT NULL DEFAULT 0,
                log_path     TEXT    NOT NULL DEFAULT '',
                detail       TEXT    NOT NULL DEFAULT '',
                output_bytes INTEGER NOT NULL DEFAULT 0,
                UNIQUE (deploy_id, phase, attempt)
            );
            CREATE INDEX runs_by_app ON runs (app, id DESC);
            CREATE INDEX runs_running_by_app ON runs (app) WHERE state = 'running';
            CREATE TABLE run_output (
                run_id INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
                tail   BLOB    NOT NULL
            );
            CREATE TABLE events (
                id     INTEGER PRIMARY KEY,
                app    TEXT    NOT NULL,
                kind   TEXT    NOT NULL,
                detail TEXT    NOT NULL DEFAULT '',
                at     INTEGER NOT NULL
            );
            CREATE INDEX events_by_app ON events (app, id DESC);
            CREATE TABLE lock_holders (
                lock_key  TEXT    PRIMARY KEY,
                app       TEXT    NOT NULL,
                deploy_id INTEGER NOT NULL,
                pid       INTEGER NOT NULL,
                host      TEXT    NOT NULL,
                since     INTEGER NOT NULL
            );
            """,
            // 2: how the webhook notice of each task run went (target is the URL's scheme and host only)
            """
            CREATE TABLE notifications (
                run_id      INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
                target      TEXT    NOT NULL,
                attempts    INTEGER NOT NULL,
                delivered   INTEGER NOT NULL CHECK (delivered IN (0, 1)),
                last_status INTEGER,
                last_error  TEXT    NOT NULL DEFAULT '',
                at          INTEGER NOT NULL
            );
            """,
            // 3: the migrations each run applied, as recognised in its output while it streamed
            """
            CREATE TABLE applied_migrations (
                id           INTEGER PRIMARY KEY,
                run_id       INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                framework    TEXT    NOT NULL,
                migration_id TEXT    NOT NULL,
                name         TEXT    NOT NULL DEFAULT '',
                seen_at      INTEGER NOT NULL
            );
            CREATE INDEX applied_migrations_by_run ON applied_migrations (run_id, id);
            CREATE INDEX applied_migrations_by_migration ON applied_migrations (migration_id);
            """,
            // 4: what the plugin took out of each deploy's Procfile/app.json copies, to hand it back byte-exact
            """
            CREATE TABLE taken_copies (
                deploy_id INTEGER NOT NULL REFERENCES deploys (id) ON DELETE CASCADE,
                file      TEXT    NOT NULL CHECK (file IN ('Procfile', 'app.json')),
                original  BLOB,
                stripped  BLOB,
                PRIMARY KEY (deploy_id, file)
            );
            """,
            // 5: the source revision each deploy released (post-extract's REV), '' when unknown
            """
            ALTER TABLE deploys ADD COLUMN revision TEXT NOT NULL DEFAULT '';
            CREATE INDEX runs_release_by_app ON runs (app, id DESC) WHERE phase = 'release';
            """);

    static int latestVersion() {
        return MIGRATIONS.size();
    }
}
