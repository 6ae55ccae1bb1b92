package dokkumigrate.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.ledger.Notification;
import dokkumigrate.notify.NotifySettings;
import dokkumigrate.notify.Payload;
import dokkumigrate.notify.SecretMask;
import dokkumigrate.notify.WebhookDelivery;
import dokkumigrate.notify.WebhookUrl;
import dokkumigrate.output.Console;
import dokkumigrate.output.TerminalText;
import dokkumigrate.platform.Platform;
import dokkumigrate.platform.SettingsStore;
import dokkumigrate.run.TaskRun;
import java.time.Clock;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Tells the world that a task run ended, after its end is recorded: first the webhook notice
 * (when a {@code notify-url} is set and {@code notify-on} covers the run's state), recorded against
 * the run, then the {@code post-migrate-task} trigger, whose plugins can read that record with
 * {@code migrate:status --format json}. Neither can change the deploy's outcome: a failure is
 * reported and recorded, never thrown. Each run is told about once per process, even when a signal
 * handler and the task's own thread both report its end.
 */
public final class TaskEndNotice implements TaskEnded {
    private final SettingsStore settings;
    private final Ledger ledger;
    private final Platform platform;
    private final Console console;
    private final WebhookDelivery delivery;
    private final Clock clock;
    private final Set<Long> told = new HashSet<>();

    public TaskEndNotice(SettingsStore settings, Ledger ledger, Platform platform, Console console,
                         WebhookDelivery delivery, Clock clock) {
        this.settings = settings;
        this.ledger = ledger;
        this.platform = platform;
        this.console = console;
        this.delivery = delivery;
        this.clock = clock;
    }

    @Override
    public synchronized void ended(Deploy deploy, TaskRun run, Payload.Output output) {
        if (!told.add(run.id())) {
            return;
        }
        webhook(deploy, run, output);
        trigger(run);
    }

    /** As {@link #ended} for a run known by its id (a signal handler's view): its record as the ledger has it. */
    public void ended(long runId) {
        try {
            Optional<TaskRun> run = ledger.findRun(runId);
            Optional<Deploy> deploy = run.flatMap(r -> ledger.findDeploy(r.deployId()));
            if (run.isPresent() && deploy.isPresent()) {
                ended(deploy.get(), run.get(), new Payload.Output(ledger.outputTail(runId), ledger.outputBytes(runId)));
            }
        } catch (RuntimeException e) {
            console.warn("No notice of run #" + runId + " was sent: " + e.getMessage());
        }
    }

    private void webhook(Deploy deploy, TaskRun run, Payload.Output output) {
        String app = run.app();
        try {
            NotifySettings notify = settings.notifySettingsOf(app);
            Optional<WebhookUrl> target = notify.target(run.state());
            if (target.isEmpty()) {
                return;
            }
            WebhookUrl url = target.get();
            byte[] json = json(deploy, run, output, notify.lines());
            WebhookDelivery.Result result = delivery.send(url, json);
            ledger.recordNotification(new Notification(run.id(), url.shown(), result.attempts(), result.delivered(),
                    result.lastStatus(), result.lastError(), clock.instant()));
            if (result.delivered()) {
                console.detail("Notice of run #" + run.id() + " sent to " + url.shown() + ": " + result.describe());
            } else {
                console.warn("Notice of run #" + run.id() + " to " + url.shown() + " not delivered: "
                        + TerminalText.escape(result.describe()) + ".");
                console.warn("The deploy's outcome does not change; see the record with: dokku migrate:status " + app
                        + " --format json");
            }
        } catch (RuntimeException e) {
            console.warn("No notice of run #" + run.id() + " of " + app + " was sent: " + e.getMessage()
                    + ". The deploy's outcome does not change.");
        }
    }

    /**
     * The notice's body. The app's config masks the output; when the config cannot be read, the
     * notice goes without output rather than risk a secret.
     */
    private byte[] json(Deploy deploy, TaskRun run, Payload.Output output, int lines) {
        SecretMask mask;
        int sent = lines;
        try {
            Map<String, String> config = platform.configEnv(run.app());
            mask = SecretMask.of(config.values());
        } catch (RuntimeException e) {
            console.warn("The config of " + run.app() + " could not be read to mask the notice of run #" + run.id()
                    + " (" + e.getMessage() + "): it goes without output.");
            mask = SecretMask.NONE;
            sent = 0;
        }
        return toJson(Payload.of(deploy, run, output, mask, sent, false));
    }

    static byte[] toJson(Map<String, Object> payload) {
        try {
            return new ObjectMapper().writeValueAsBytes(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the notice as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** {@code post-migrate-task APP PHASE STATE RUN_ID}: what the plugins print is shown indented; their exit code is ignored. */
    private void trigger(TaskRun run) {
        try {
            Platform.TriggerResult result = platform.postMigrateTask(run.app(), run.phase().label(),
                    run.state().label(), run.id());
            for (String line : result.output().split("\n")) {
                if (!line.isEmpty()) {
                    console.detail(TerminalText.escape(line));
                }
            }
            if (result.exitCode() != 0) {
                console.detail("post-migrate-task trigger exited " + result.exitCode() + " (ignored)");
            }
        } catch (RuntimeException e) {
            console.warn("The post-migrate-task trigger for run #" + run.id() + " of " + run.app() + " could not run: "
                    + e.getMessage() + " (ignored)");
        }
    }
}
