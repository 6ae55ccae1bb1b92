package dokkumigrate.deploy;

import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.output.Console;
import java.util.Optional;

/**
 * post-deploy: marks the deploy whose tasks ran as rolled out, or records a restart, scale or
 * redeploy of the current image (post-deploy fires for those too, with no release before it).
 */
public final class Rollout {
    private final Ledger ledger;
    private final Console console;
    private final Helper helper;

    public Rollout(Ledger ledger, Console console, Helper helper) {
        this.ledger = ledger;
        this.console = console;
        this.helper = helper;
    }

    public void rolledOut(String app, DeployKey key, String imageTag) {
        Optional<Deploy> deploy = ledger.findDeploy(app, key);
        if (deploy.isPresent()) {
            ledger.markRolledOut(deploy.get().id(), helper.clock().instant());
            console.detail("migrate: deploy #" + deploy.get().id() + " of " + app + " rolled out");
        } else {
            ledger.recordEvent(app, "restart", "containers of image tag " + (imageTag.isEmpty() ? "latest" : imageTag)
                    + " (re)started without a release: restart, scale or redeploy", helper.clock().instant());
        }
    }
}
