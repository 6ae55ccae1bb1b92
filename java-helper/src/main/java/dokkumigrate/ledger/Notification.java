package dokkumigrate.ledger;

import java.time.Instant;
import java.util.Optional;

/**
 * How the webhook notice of a task run went, recorded against the run.
 *
 * @param target     the endpoint's scheme and host only (the URL is a secret)
 * @param attempts   POSTs made (0 when none could be: the deploy's notice budget was spent)
 * @param lastStatus the HTTP status of the last answer, if one came
 * @param lastError  why the notice was not delivered; empty when it was
 */
public record Notification(long runId, String target, int attempts, boolean delivered, Optional<Integer> lastStatus,
                           String lastError, Instant at) { }
