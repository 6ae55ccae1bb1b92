package dokkumigrate.ledger;

import java.util.Optional;

/** How the webhook notice of each run went. */
public interface NotificationRecords {

    /** Records how the webhook notice of a run went (replacing an earlier record of the same run). */
    void recordNotification(Notification notification);

    /** How the webhook notice of a run went; empty when none was sent. */
    Optional<Notification> notification(long runId);

    /** The app's newest notice record, whatever its run. */
    Optional<Notification> latestNotification(String app);
}
