package dokkumigrate.ledger;

import dokkumigrate.plan.Plan;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The ledger's deploys and their plans. Every method is atomic on its own. */
public interface DeployRecords {

    /**
     * Records the plan of a deploy. A second call for the same deploy replaces its plan as long
     * as none of its tasks has started; once one has, the recorded plan stands and is returned.
     *
     * @param revision the source revision the deploy releases, '' when unknown
     */
    Deploy recordPlan(String app, DeployKey key, Deploy.Origin origin, String trigger, String revision, Plan plan);

    Optional<Deploy> findDeploy(String app, DeployKey key);

    Optional<Deploy> findDeploy(long deployId);

    /** The app's standing plan: the deploy whose plan was last extracted from a build. */
    Optional<Deploy> latestExtracted(String app);

    /** The newest deploy of the app, whatever its origin. */
    Optional<Deploy> latestDeploy(String app);

    Plan planOf(long deployId);

    /** The newest deploys of an app, newest first. */
    List<Deploy> deploys(String app, int limit);

    /** Every app the ledger knows, sorted. */
    List<String> apps();

    void markRolledOut(long deployId, Instant at);
}
