package dokkumigrate.cli;

import dokkumigrate.platform.Settings;

/** Warns, or stops the deploy, when a process that runs more than once migrates at boot. */
final class ScaledMigrationGate {
    private final Services services;

    ScaledMigrationGate(Services services) {
        this.services = services;
    }

    void check(String app, String imageTag, Settings settings) {
        if (settings.scaledMigrations() == Settings.ScaledMigrations.IGNORE) {
            return;
        }
        services.console();
    }
}
