package dokkumigrate.deploy;

import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskRun;
import java.util.Optional;

/**
 * The once-per-revision rule of hosts that share one ledger: a build's release task does not run
 * when the app's newest release run, whatever its deploy, ran the same revision on another host and
 * succeeded (or was itself skipped by this rule, naming the host that ran it). The same host
 * deploying the same revision again runs it again, as Dokku would; a failed run elsewhere is
 * retried; a release without a build (a config change) and {@code migrate:run} run where they
 * happen. Asked under the app's lock, so the newest run cannot change meanwhile. With one host
 * (SQLite) every run is of this host, and the rule never applies.
 */
final class ReleasedElsewhere {
    /** How the detail of a run skipped by this rule begins. */
    static final String DETAIL_START = "the release of revision ";

    private ReleasedElsewhere() {
    }

    /**
     * The detail of the skipped run to record instead of running the deploy's release task, naming
     * the host and run that released its revision; empty when the task is to run here.
     */
    static Optional<String> detail(Ledger ledger, Deploy deploy, String host) {
        if (deploy.origin() != Deploy.Origin.EXTRACTED || deploy.revision().isEmpty()) {
            return Optional.empty();
        }
        Optional<TaskRun> latest = ledger.latestReleaseRun(deploy.app());
        if (latest.isEmpty() || latest.get().host().equals(host) || latest.get().deployId() == deploy.id()) {
            return Optional.empty();
        }
        TaskRun run = latest.get();
        boolean sameRevision = ledger.findDeploy(run.deployId())
                .map(ran -> ran.revision().equals(deploy.revision())).orElse(false);
        if (!sameRevision) {
            return Optional.empty();
        }
        if (run.state() == RunState.SUCCEEDED) {
            return Optional.of(DETAIL_START + deploy.revision() + " already ran on " + run.host() + ": run #" + run.id()
                    + " of deploy #" + run.deployId());
        }
        // a third host: the second one's skipped run names where the release ran
        boolean skippedByRule = run.state() == RunState.SKIPPED && run.detail().startsWith(DETAIL_START);
        return skippedByRule ? Optional.of(run.detail()) : Optional.empty();
    }
}
