package dokkumigrate.cli;

import dokkumigrate.adapters.docker.DockerAccess;
import dokkumigrate.adapters.docker.DockerTaskRunner;
import dokkumigrate.adapters.docker.ImageInspections;
import dokkumigrate.adapters.dokku.DataDirDeployCopies;
import dokkumigrate.adapters.dokku.DataDirStandingFiles;
import dokkumigrate.adapters.dokku.DokkuEnvironment;
import dokkumigrate.adapters.dokku.PlugnPlatform;
import dokkumigrate.adapters.dokku.PropertyFileStore;
import dokkumigrate.adapters.files.RunLogFiles;
import dokkumigrate.adapters.lock.FileTaskLocks;
import dokkumigrate.adapters.process.ProcessRunner;
import dokkumigrate.adapters.postgres.HistoryCopy;
import dokkumigrate.adapters.postgres.PostgresBackend;
import dokkumigrate.adapters.postgres.PostgresLedger;
import dokkumigrate.adapters.postgres.PostgresConnector;
import dokkumigrate.adapters.sqlite.SqliteLedger;
import dokkumigrate.deploy.AppRecords;
import dokkumigrate.deploy.Doctor;
import dokkumigrate.deploy.ManualRun;
import dokkumigrate.deploy.MigrateReport;
import dokkumigrate.deploy.MigrationHistory;
import dokkumigrate.deploy.NotifyTest;
import dokkumigrate.deploy.RunOutputs;
import dokkumigrate.deploy.SettingChange;
import dokkumigrate.deploy.SettingsUpdate;
import dokkumigrate.deploy.SharedLedgerSwitch;
import dokkumigrate.deploy.StatusReport;
import dokkumigrate.deploy.TaskOwnership;
import dokkumigrate.deploy.Unlock;
import dokkumigrate.deploy.HandBack;
import dokkumigrate.deploy.ProcessIdentity;
import dokkumigrate.deploy.ReleaseTrigger;
import dokkumigrate.deploy.Rollout;
import dokkumigrate.deploy.ScaledMigrationGate;
import dokkumigrate.deploy.StandingTakeover;
import dokkumigrate.deploy.Takeover;
import dokkumigrate.adapters.http.JdkWebhookSender;
import dokkumigrate.deploy.InFlight;
import dokkumigrate.deploy.DeployTasks;
import dokkumigrate.deploy.TaskEndNotice;
import dokkumigrate.notify.WebhookDelivery;
import dokkumigrate.deploy.RunLogs;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.output.Console;
import dokkumigrate.platform.DeployCopies;
import dokkumigrate.platform.InvalidSetting;
import dokkumigrate.platform.LedgerUrl;
import dokkumigrate.platform.Setting;
import dokkumigrate.platform.Platform;
import dokkumigrate.platform.StandingFiles;
import dokkumigrate.run.TaskLocks;
import dokkumigrate.run.TaskRunner;
import java.time.Duration;
import java.util.Optional;

/**
 * The composition root: builds the adapters from Dokku's environment, each on first use, so a
 * command that needs no Docker never starts one and one that needs no ledger never opens it.
 *
 * <p>The ledger and the task locks are this host's SQLite file and file locks, or, when the global
 * {@code ledger-url} is set, the PostgreSQL ledger and advisory locks that several hosts share. A
 * shared ledger that cannot be reached stops whatever needs it ({@link dokkumigrate.ledger.LedgerUnreachable}):
 * never a fallback to the SQLite file, which would let two hosts run one task. A host on SQLite
 * loads no class of the PostgreSQL driver.
 */
public final class Services implements AutoCloseable {
    private final DokkuEnvironment environment;
    private final Console console;
    private final ProcessRunner processes = new ProcessRunner();
    private final InFlight inFlight = new InFlight();
    private SqliteLedger sqlite;
    private Ledger ledger;
    private TaskLocks locks;
    private Optional<LedgerUrl> ledgerUrl;
    private ProcessIdentity helper;
    private PlugnPlatform platform;
    private ImageInspections inspections;
    private TaskRunner runner;
    private TaskEndNotice taskEnded;

    public Services(DokkuEnvironment environment, Console console) {
        this.environment = environment;
        this.console = console;
    }

    public DokkuEnvironment environment() {
        return environment;
    }

    public Console console() {
        return console;
    }

    /** The ledger in force: the shared one when ledger-url is set, else this host's SQLite file. */
    public synchronized Ledger ledger() {
        if (ledger == null) {
            openBackend();
        }
        return ledger;
    }

    /**
     * This host's SQLite ledger, whatever the ledger-url: for install's integrity check and schema
     * version, and as the history migrate:set copies into a shared ledger.
     */
    public synchronized SqliteLedger sqliteLedger() {
        if (sqlite == null) {
            sqlite = SqliteLedger.open(environment.ledgerPath(), busyTimeout());
        }
        return sqlite;
    }

    /**
     * The global ledger-url in force, when set.
     *
     * @throws InvalidSetting when the stored value is one migrate:set would refuse (a file edited by hand)
     */
    public synchronized Optional<LedgerUrl> ledgerUrl() {
        if (ledgerUrl == null) {
            String value = properties().stored(Optional.empty(), Setting.LEDGER_URL).orElse("");
            ledgerUrl = value.isEmpty() ? Optional.empty() : Optional.of(LedgerUrl.parse(value).orElseThrow(
                    () -> new InvalidSetting("The global migrate property ledger-url is not valid: "
                            + LedgerUrl.problem(value).orElse("") + ". Set it again with: dokku migrate:set --global "
                            + "ledger-url URL (an empty value goes back to this host's SQLite ledger)")));
        }
        return ledgerUrl;
    }

    /** The ledger and locks in force, opened together (a shared ledger's server is asked once, here). */
    private void openBackend() {
        Optional<LedgerUrl> url = ledgerUrl();
        if (url.isEmpty()) {
            ledger = sqliteLedger();
            locks = new FileTaskLocks(environment.lockDir());
            return;
        }
        PostgresBackend backend = PostgresBackend.open(url.get(), processIdentity().host());
        ledger = backend.ledger();
        locks = backend.locks();
    }

    /**
     * {@code sqlite}, or whether the ledger-url's server answers: {@code answers}, or
     * {@code unreachable: WHY} (for migrate:report).
     */
    public String ledgerState() {
        return ledgerUrl().map(url -> new PostgresConnector(url).problem().map(why -> "unreachable: " + why)
                .orElse("answers")).orElse("sqlite");
    }

    public synchronized TaskRunner runner() {
        if (runner == null) {
            runner = new DockerTaskRunner(inspections(), environment.trace());
        }
        return runner;
    }

    /** How the helper reaches Docker: the engine's socket, or the docker client (another DOCKER_BIN, a remote engine). */
    public DockerAccess dockerAccess() {
        return DockerAccess.of(environment.dockerBin(), processes);
    }

    /** One {@code docker image inspect} per image for the scan and the runner together (a commit forgets it). */
    private synchronized ImageInspections inspections() {
        if (inspections == null) {
            inspections = ImageInspections.remembering(processes, environment.dockerBin());
        }
        return inspections;
    }

    /** The task locks in force: this host's lock files, or the shared ledger's advisory locks. */
    public synchronized TaskLocks locks() {
        if (locks == null) {
            if (ledgerUrl().isEmpty()) {
                // a command that needs only the locks opens no ledger
                locks = new FileTaskLocks(environment.lockDir());
            } else {
                openBackend();
            }
        }
        return locks;
    }

    public PropertyFileStore properties() {
        return new PropertyFileStore(environment.propertyDir());
    }

    /** One instance per run, so what it asks Dokku once (the app's config) is not asked again. */
    public synchronized Platform platform() {
        if (platform == null) {
            platform = new PlugnPlatform(environment, processes, properties());
        }
        return platform;
    }

    /** The lock of an app's tasks, from its settings and, for a database lock, its config. */
    public dokkumigrate.deploy.DeployTasks.LockChooser lockChooser() {
        return (app, settings) -> lockChoice(app);
    }

    public dokkumigrate.run.LockChoice lockChoice(String app) {
        return properties().lockChoice(app, () -> platform().configEnv(app));
    }

    /** As {@link #lockChoice}, or the app's own lock when Dokku cannot give its config (for unlock). */
    private dokkumigrate.run.LockChoice lockChoiceOrOwn(String app) {
        return properties().lockChoiceOrOwn(app, () -> platform().configEnv(app));
    }

    public DeployCopies deployCopies() {
        return new DataDirDeployCopies(environment.libRoot(), environment.dokkuPid());
    }

    public StandingFiles standingFiles() {
        return new DataDirStandingFiles(environment.libRoot());
    }

    public RunLogs logs() {
        return new RunLogFiles(environment.logDir());
    }

    public InFlight inFlight() {
        return inFlight;
    }

    /**
     * The notice of every task run's end, one per process: its webhook deliveries share one time
     * budget, so a deploy's notices together never hold it up longer than that.
     */
    public synchronized TaskEndNotice taskEnded() {
        if (taskEnded == null) {
            taskEnded = new TaskEndNotice(properties(), ledger(), platform(), console, webhookDelivery(),
                    processIdentity().clock());
        }
        return taskEnded;
    }

    /** Webhook deliveries within their bounds, over the JDK's HTTP client (started on first use). */
    public WebhookDelivery webhookDelivery() {
        return new WebhookDelivery(new JdkWebhookSender());
    }

    /** The release use case, telling of each run's end through {@link #taskEnded()}. */
    public DeployTasks deployTasks() {
        return new DeployTasks(ledger(), runner(), locks(), platform(), logs(), console, processIdentity(), inFlight, taskEnded(),
                lockChooser());
    }

    /**
     * The boot-time migration scanner for {@code migrate:doctor}: reads the deployed image's config
     * and boot scripts through the Docker engine, without starting it.
     */
    public java.util.Optional<dokkumigrate.scan.BootMigrationScanner> bootMigrationScanner() {
        return java.util.Optional.of(scanner());
    }

    private dokkumigrate.scan.BootMigrationScanner scanner() {
        return new dokkumigrate.scan.BootMigrationScanner(new dokkumigrate.adapters.docker.ImageInspector(inspections()));
    }

    // The use cases, each built with what it needs: the commands and triggers call these, not the adapters.

    public Doctor doctor() {
        return new Doctor(this::ledger, properties(), this::locks, runner(), platform(), processIdentity(), bootMigrationScanner());
    }

    public MigrationHistory migrationHistory() {
        return new MigrationHistory(ledger());
    }

    public RunOutputs runOutputs() {
        return new RunOutputs(ledger(), logs());
    }

    public NotifyTest notifyTest() {
        return new NotifyTest(properties(), ledger(), webhookDelivery(), processIdentity());
    }

    public MigrateReport migrateReport() {
        return new MigrateReport(properties(), this::ledger, this::locks, platform(), dockerAccess().describe(),
                this::ledgerState);
    }

    public StatusReport statusReport() {
        return new StatusReport(ledger());
    }

    public Unlock unlock() {
        return new Unlock(ledger(), locks(), runner(), processIdentity(), app -> lockChoiceOrOwn(app).key(),
                runId -> taskEnded().ended(runId));
    }

    /** migrate:set's hand-back and take-over of an app's tasks when {@code enabled} changes. */
    private TaskOwnership taskOwnership() {
        return new TaskOwnership(properties(), this::handBack, this::ledger, console, processIdentity());
    }

    /**
     * migrate:set's switch to a shared ledger: opening it creates or migrates its schema, then this
     * host's SQLite history is copied into it, tagged with the host name.
     */
    private SharedLedgerSwitch sharedLedgerSwitch() {
        return new SharedLedgerSwitch(properties(), url -> {
            try (PostgresLedger shared = PostgresBackend.open(url, processIdentity().host()).ledger()) {
                return HistoryCopy.copy(environment.ledgerPath(), processIdentity().host(), shared).describe();
            }
        }, console);
    }

    public SettingChange settingChange() {
        return new SettingChange(new SettingsUpdate(properties()), this::sharedLedgerSwitch, this::taskOwnership,
                () -> platform().apps(), console);
    }

    public ManualRun manualRun() {
        return new ManualRun(ledger(), runner(), platform(), deployTasks());
    }


    /** The release triggers' use case; the ledger, Docker and the scan are reached only when it runs tasks. */
    public ReleaseTrigger releaseTrigger() {
        ScaledMigrationGate gate = new ScaledMigrationGate(platform(), deployCopies(), this::scanner, console);
        return new ReleaseTrigger(properties(), this::ledger, this::deployTasks,
                () -> new StandingTakeover(ledger(), deployCopies(), standingFiles(), console, processIdentity()), gate,
                () -> SignalGuard.install(this));
    }

    /** post-extract's use case; the ledger is opened only once the deploy's copies have been parsed. */
    public Takeover takeover() {
        return new Takeover(this::ledger, deployCopies(), platform(), console);
    }

    public Rollout rollout() {
        return new Rollout(ledger(), console, processIdentity(), deployCopies(), standingFiles());
    }

    public AppRecords appRecords() {
        return new AppRecords(ledger(), logs(), properties(), deployCopies());
    }

    public HandBack handBack() {
        return new HandBack(ledger(), standingFiles(), console, processIdentity());
    }

    public synchronized ProcessIdentity processIdentity() {
        if (helper == null) {
            helper = ProcessIdentity.current(environment.hostName());
        }
        return helper;
    }

    private static Duration busyTimeout() {
        String value = System.getenv("DOKKU_MIGRATE_BUSY_TIMEOUT_MS");
        return value != null && value.matches("[0-9]{1,9}") ? Duration.ofMillis(Long.parseLong(value))
                : SqliteLedger.DEFAULT_BUSY_TIMEOUT;
    }

    @Override
    public synchronized void close() {
        if (ledger != null && ledger != sqlite) {
            ledger.close();
        }
        if (sqlite != null) {
            sqlite.close();
            sqlite = null;
        }
        ledger = null;
        locks = null;
    }
}
