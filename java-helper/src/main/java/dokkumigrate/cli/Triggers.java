package dokkumigrate.cli;

import dokkumigrate.adapters.dokku.DokkuEnvironment;
import dokkumigrate.adapters.sqlite.SqliteLedger;
import dokkumigrate.deploy.ReleaseTrigger;
import dokkumigrate.ledger.Ledger;
import dokkumigrate.ledger.LedgerUnreachable;
import dokkumigrate.output.Console;
import dokkumigrate.platform.AppImage;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The entry points Dokku calls with fixed positional arguments: the plugin's trigger files hand
 * them over as they got them. No option to parse and no help to generate, so they are dispatched
 * by hand and load no picocli class (its start-up is more than a trigger's own work); the
 * operator's {@code migrate:*} commands keep picocli. Each trigger checks its arguments, calls one
 * use case and maps what it returns to an exit status.
 */
final class Triggers {
    /** A trigger's name, the arguments it takes (as its usage line names them) and how many. */
    private record Usage(String name, String arguments, int least, int most) {
    }

    private static final List<Usage> USAGES = List.of(
            new Usage("install", "(none)", 0, 0),
            new Usage("post-extract", "APP [TMP_WORK_DIR [REV]]", 1, 3),
            new Usage("post-release-builder", "BUILDER_TYPE APP IMAGE", 3, 3),
            new Usage("pre-deploy", "APP [IMAGE_TAG]", 1, 2),
            new Usage("post-deploy", "APP [INTERNAL_PORT INTERNAL_IP_ADDRESS IMAGE_TAG]", 1, 4),
            new Usage("post-delete", "APP", 1, 1),
            new Usage("post-app-rename-setup", "OLD_APP NEW_APP", 2, 2),
            new Usage("post-app-clone-setup", "OLD_APP NEW_APP", 2, 2),
            new Usage("uninstall", "(none)", 0, 0));

    private Triggers() {
    }

    /** True when the first argument names a trigger. */
    static boolean handles(String[] args) {
        return args.length > 0 && usage(args[0]) != null;
    }

    /** Runs the trigger {@code args[0]} with the rest as its arguments; returns the exit status. */
    static int execute(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Usage usage = usage(args[0]);
        List<String> given = Arrays.asList(args).subList(1, args.length);
        try {
            if (given.size() < usage.least() || given.size() > usage.most()) {
                throw new UsageError("migrate " + usage.name() + ": expected arguments " + usage.arguments() + ", got "
                        + given.size());
            }
            return run(usage.name(), given, env, out, err);
        } catch (RuntimeException e) {
            return Failures.report(e, env, out, err);
        }
    }

    private static Usage usage(String name) {
        for (Usage usage : USAGES) {
            if (usage.name().equals(name)) {
                return usage;
            }
        }
        return null;
    }

    private static String argument(List<String> given, int index, String absent) {
        return index < given.size() ? given.get(index) : absent;
    }

    private static int run(String name, List<String> given, Map<String, String> env, PrintStream out, PrintStream err) {
        if (name.equals("post-deploy")) {
            return postDeploy(given, env, out, err);
        }
        DokkuEnvironment environment = DokkuEnvironment.from(env);
        try (Services services = new Services(environment, new Console(out, err, environment.quiet()))) {
            return switch (name) {
                case "install" -> install(services);
                case "post-extract" -> postExtract(services, AppNames.requireValid(given.get(0)),
                        argument(given, 2, ""));
                case "post-release-builder" -> releaseTrigger(services, AppNames.requireValid(given.get(1)),
                        image(given.get(2)));
                case "pre-deploy" -> {
                    String app = AppNames.requireValid(given.get(0));
                    // the image registry's post-release-builder was given, named as get_app_image_name does
                    yield releaseTrigger(services, app, services.platform().appImage(app, argument(given, 1, "latest")));
                }
                case "post-delete" -> {
                    services.appRecords().delete(AppNames.requireValid(given.get(0)));
                    yield 0;
                }
                case "post-app-rename-setup" -> {
                    services.appRecords().rename(AppNames.requireValid(given.get(0)), AppNames.requireValid(given.get(1)));
                    yield 0;
                }
                case "post-app-clone-setup" -> {
                    services.appRecords().copy(AppNames.requireValid(given.get(0)), AppNames.requireValid(given.get(1)));
                    yield 0;
                }
                case "uninstall" -> services.handBack().handBackEvery(services.platform()::appExists, "plugin:uninstall")
                        ? 0 : 1;
                default -> throw new IllegalArgumentException("no trigger " + name);
            };
        }
    }

    /** install: creates or migrates the ledger; run by the plugin's install and update triggers. Idempotent. */
    private static int install(Services services) {
        SqliteLedger ledger = services.sqliteLedger();
        String integrity = ledger.integrityCheck();
        if (!integrity.equals("ok")) {
            throw new UsageError("The ledger at " + ledger.path() + " failed its integrity check: " + integrity
                    + ". Keep it for inspection and restore it from a backup.");
        }
        services.console().detail("migrate: ledger " + ledger.path() + " at schema version " + ledger.schemaVersion());
        return 0;
    }

    /** post-extract APP [TMP_WORK_DIR [REV]]: fires once per build, after Dokku wrote its per-deploy copies. */
    private static int postExtract(Services services, String app, String rev) {
        if (!services.properties().settingsOf(app).enabled()) {
            return 0;
        }
        String trigger = TriggerDescription.of(services.environment());
        if (!rev.isEmpty()) {
            trigger = (trigger.isEmpty() ? "" : trigger + " ") + "rev=" + rev;
        }
        try {
            services.takeover().takeOver(app, services.environment().deployKey(), trigger, rev);
        } catch (Ledger.LedgerException e) {
            if (services.ledgerUrl().isPresent() && !(e instanceof LedgerUnreachable)) {
                // handed to Dokku's own runner, the tasks would run on every host: the deploy stops instead
                throw new LedgerUnreachable(e.getMessage() + " The deploy stops: with a shared ledger (ledger-url), "
                        + "the tasks are never left to Dokku's own runner, which would run them on every host.", e);
            }
            throw e;
        }
        return 0;
    }

    /**
     * post-release-builder BUILDER_TYPE APP IMAGE (current Dokku) and pre-deploy APP IMAGE_TAG
     * (which registry's post-release-builder still calls): the release's tasks, once.
     */
    private static int releaseTrigger(Services services, String app, AppImage image) {
        ReleaseTrigger.Outcome outcome = services.releaseTrigger().run(app, image, services.environment().deployKey(),
                TriggerDescription.of(services.environment()));
        return outcome == ReleaseTrigger.Outcome.ABORT ? 1 : 0;
    }

    private static AppImage image(String image) {
        if (image.isBlank()) {
            throw new UsageError("migrate post-release-builder: IMAGE is empty");
        }
        return new AppImage(image);
    }

    /**
     * post-deploy APP INTERNAL_PORT INTERNAL_IP IMAGE_TAG: fires after containers started, also on
     * restart, scale and config changes. Never fails: a failure here would leave old and new
     * containers running side by side, so problems are warnings.
     */
    private static int postDeploy(List<String> given, Map<String, String> env, PrintStream out, PrintStream err) {
        String app = given.get(0);
        Console console = new Console(out, err, false);
        try {
            AppNames.requireValid(app);
            DokkuEnvironment environment = DokkuEnvironment.from(env);
            try (Services services = new Services(environment, new Console(out, err, environment.quiet()))) {
                if (services.properties().settingsOf(app).enabled()) {
                    services.rollout().rolledOut(app, environment.deployKey(), argument(given, 3, ""),
                            environment.buildSource());
                }
            }
        } catch (RuntimeException e) {
            console.warn("migrate: could not record the rollout of " + app + ": " + e.getMessage());
            console.warn("The deploy itself is unaffected; check the ledger with: dokku migrate:doctor " + app);
        }
        return 0;
    }
}
