package dokkumigrate.deploy;

import dokkumigrate.platform.InvalidSetting;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.ledger.Notification;
import dokkumigrate.notify.NotifySettings;
import dokkumigrate.output.TerminalText;
import dokkumigrate.platform.SettingsStore;
import java.util.List;
import java.util.Optional;

/** {@code migrate:doctor}'s check of an app's webhook notices: the settings and how the last notice went. */
final class NotificationCheck {
    private static final String ID = "notifications";
    private static final String TITLE = "Notifications";

    private NotificationCheck() {
    }

    static Doctor.Check of(String app, SettingsStore settings, Ledger records) {
        NotifySettings notify;
        try {
            notify = settings.notifySettingsOf(app);
        } catch (InvalidSetting invalid) {
            return Doctor.Check.of(ID, TITLE, Doctor.Verdict.WARNING, "A notify property in force for " + app
                    + " is not valid, so no notice is sent (deploys go on).", List.of(invalid.getMessage()),
                    "Set it again with dokku migrate:set (see dokku migrate:report " + app + ")");
        }
        if (notify.url().isEmpty()) {
            return Doctor.Check.ok(ID, TITLE, "No notify-url is set: finished task runs are not sent anywhere "
                    + "(the post-migrate-task trigger still fires).", List.of());
        }
        String target = notify.url().get().shown();
        String settingsLine = "notify-url " + target + " (rest hidden), notify-on " + notify.on().label()
                + ", notify-lines " + notify.lines();
        Optional<Notification> last = records.latestNotification(app);
        if (last.isEmpty()) {
            return Doctor.Check.ok(ID, TITLE, "Notices go to " + target + "; none has been sent yet.",
                    List.of(settingsLine));
        }
        Notification notice = last.get();
        String how = "The last notice (run #" + notice.runId() + ", " + notice.at() + ", to " + notice.target() + ")";
        List<String> details = List.of(settingsLine, "attempts " + notice.attempts() + ", last status "
                + notice.lastStatus().map(String::valueOf).orElse("none")
                + (notice.lastError().isEmpty() ? "" : ", last error: " + TerminalText.escape(notice.lastError())));
        if (notice.delivered()) {
            return Doctor.Check.ok(ID, TITLE, how + " was delivered.", details);
        }
        return Doctor.Check.of(ID, TITLE, Doctor.Verdict.WARNING, how + " was not delivered.", details,
                "Check the endpoint and the URL, then send a sample: dokku migrate:notify-test " + app);
    }
}
