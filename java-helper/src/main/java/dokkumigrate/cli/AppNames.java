package dokkumigrate.cli;

import dokkumigrate.platform.Platform;
import java.util.regex.Pattern;

/** Dokku's app naming rules (plugins/common IsValidAppName and its older variant), checked first. */
final class AppNames {
    private static final Pattern CURRENT = Pattern.compile("[a-z0-9][a-z0-9.-]*");
    private static final Pattern OLD = Pattern.compile("[a-z0-9][a-z0-9._-]*");

    private AppNames() {
    }

    static String requireValid(String app) {
        if (app == null || app.isEmpty()) {
            throw new UsageError("Please specify an app to run the command on");
        }
        if (!CURRENT.matcher(app).matches() && !OLD.matcher(app).matches()) {
            throw new UsageError("App name must begin with lowercase alphanumeric character, and may only contain "
                    + "lowercase alphanumerics, dots, and hyphens");
        }
        return app;
    }

    static String requireExisting(Platform platform, String app) {
        requireValid(app);
        if (!platform.appExists(app)) {
            throw new UsageError("App " + app + " does not exist");
        }
        return app;
    }

    /** As {@link #requireExisting}, for a command whose APP may be left out (null). */
    static void requireExistingIfGiven(Platform platform, String app) {
        if (app != null) {
            requireExisting(platform, app);
        }
    }
}
