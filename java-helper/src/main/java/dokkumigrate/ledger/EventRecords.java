package dokkumigrate.ledger;

import java.time.Instant;
import java.util.List;

/** What happened to an app outside a deploy's task runs (restart, scale, unlock, hand-back...). */
public interface EventRecords {

    void recordEvent(String app, String kind, String detail, Instant at);

    /** The app's newest events, newest first. */
    List<Event> events(String app, int limit);

    /** Something recorded about an app outside a deploy's task runs. */
    record Event(long id, String app, String kind, String detail, Instant at) { }
}
