package dokkumigrate.deploy;

import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.notify.NotifySettings;
import dokkumigrate.notify.Payload;
import dokkumigrate.notify.SecretMask;
import dokkumigrate.notify.WebhookDelivery;
import dokkumigrate.notify.WebhookUrl;
import dokkumigrate.plan.Phase;
import dokkumigrate.platform.SettingsStore;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskRun;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * {@code migrate:notify-test}: sends a sample notice for an app (a failed release task, marked
 * {@code "test": true}) to its {@code notify-url}, whatever {@code notify-on} says, with the same
 * bounds as a real one, and records what the endpoint answered as an event of the app.
 */
public final class NotifyTest {
    private final SettingsStore settings;
    private final Ledger ledger;
    private final WebhookDelivery delivery;
    private final ProcessIdentity helper;

    public NotifyTest(SettingsStore settings, Ledger ledger, WebhookDelivery delivery, ProcessIdentity helper) {
        this.settings = settings;
        this.ledger = ledger;
        this.delivery = delivery;
        this.helper = helper;
    }

    /** What was sent where, and how it went. */
    public record Outcome(String target, WebhookDelivery.Result result) { }

    /** @throws Refused when the app has no notify-url */
    public Outcome send(String app) {
        NotifySettings notify = settings.notifySettingsOf(app);
        WebhookUrl url = notify.url().orElseThrow(() -> new Refused("No notify-url is set for " + app
                + " (nor globally), so there is nowhere to send a notice. Set one with: dokku migrate:set " + app
                + " notify-url URL"));
        Map<String, Object> payload = Payload.of(sampleDeploy(app), sampleRun(app),
                new Payload.Output("migrate: this is a test notice, no task ran\n".getBytes(StandardCharsets.UTF_8), 0),
                SecretMask.NONE, notify.lines(), true);
        WebhookDelivery.Result result = delivery.send(url, TaskEndNotice.toJson(payload));
        ledger.recordEvent(app, "notify-test", url.shown() + ": " + result.describe(), helper.clock().instant());
        return new Outcome(url.shown(), result);
    }

    private Deploy sampleDeploy(String app) {
        Instant now = helper.clock().instant();
        return new Deploy(0, app, new DeployKey(0, "notify-test"), Deploy.Origin.MANUAL, "migrate:notify-test", "",
                now, Optional.empty());
    }

    private TaskRun sampleRun(String app) {
        Instant finished = helper.clock().instant();
        Instant started = finished.minus(Duration.ofMillis(1200));
        String command = ledger.latestExtracted(app).flatMap(d -> ledger.planOf(d.id()).task(Phase.RELEASE))
                .map(task -> task.command()).orElse("(the release task)");
        return new TaskRun(0, 0, app, Phase.RELEASE, command, RunState.FAILED, 1, Optional.of(1), Optional.of(started),
                Optional.of(finished), "dokku/" + app + ":latest", "", "", helper.host(), helper.pid(), "",
                "sample notice sent by dokku migrate:notify-test");
    }
}
