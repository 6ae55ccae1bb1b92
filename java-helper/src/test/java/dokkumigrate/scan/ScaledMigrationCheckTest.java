package dokkumigrate.scan;

import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import dokkumigrate.run.ImageConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScaledMigrationCheckTest {

    private static final ImageConfig BUILDPACK_IMAGE = ImageConfig.of(List.of(), List.of("/start", "web"), "/app");
    private static final String RAILS_PROCFILE = """
            web: bundle exec rails db:migrate && bundle exec puma -C config/puma.rb
            worker: bundle exec sidekiq
            """;
    private static final String RAILS_ENTRYPOINT = """
            #!/bin/bash -e

            # Enable jemalloc for reduced memory usage and latency.
            if [ -z "${LD_PRELOAD+x}" ]; then
                LD_PRELOAD=$(find /usr/lib -name libjemalloc.so.2 -print -quit)
                export LD_PRELOAD
            fi

            # If running the rails server then create or migrate existing database
            if [ "${@: -2:1}" == "./bin/rails" ] && [ "${@: -1:1}" == "server" ]; then
              ./bin/rails db:prepare
            fi

            exec "${@}"
            """;

    private final ScaledMigrationCheck check = new ScaledMigrationCheck();

    private BootMigrationReport check(String scale, String procfile, Plan plan, BootImage image) {
        return check.check(BootScanInput.of("myapp", ProcessScale.parse(scale), Procfile.parse(procfile), plan, image));
    }

    private static BootMigrationFinding only(BootMigrationReport report) {
        assertEquals(1, report.findings().size(), () -> "expected one finding, got " + report.findings());
        return report.findings().get(0);
    }

    @Test
    void procfileMigrationAtScaleTwoIsAWarningWithTheExactFix() {
        BootMigrationFinding finding = only(check("web=2\nworker=1", RAILS_PROCFILE, Plan.EMPTY,
                BootImage.of(BUILDPACK_IMAGE, Map.of())));

        assertEquals(Severity.WARNING, finding.severity());
        assertEquals(MigrationMatch.Kind.MIGRATION, finding.kind());
        assertEquals(List.of(new ProcessCount("web", 2)), finding.processes());
        assertEquals(Location.procfileLine(1), finding.location());
        assertEquals("Procfile line 1", finding.location().describe());
        assertEquals(List.of(), finding.via());
        assertEquals("bundle exec rails db:migrate", finding.command());
        assertEquals("Rails", finding.stack());
        assertEquals("2 instances run it at once at boot: ActiveRecord::ConcurrentMigrationError / lock timeouts",
                finding.why());
        assertEquals(Optional.of("release: bundle exec rails db:migrate"), finding.fix().releaseLine());
        assertEquals(List.of(
                "add to the Procfile: release: bundle exec rails db:migrate",
                "change Procfile line 1 to: web: bundle exec puma -C config/puma.rb"), finding.fix().lines());
    }

    @Test
    void atScaleOneWithoutADeployTaskItIsANoticeForTheNextScale() {
        BootMigrationFinding finding = only(check("web=1\nworker=1", RAILS_PROCFILE, Plan.EMPTY,
                BootImage.of(BUILDPACK_IMAGE, Map.of())));

        assertEquals(Severity.NOTICE, finding.severity());
        assertEquals("1 instance runs it at boot and no deploy task migrates: works today, breaks on the next ps:scale",
                finding.why());
        assertEquals("add to the Procfile: release: bundle exec rails db:migrate", finding.fix().lines().get(0));
    }

    @Test
    void atScaleOneWithAMigratingReleaseTaskThereIsNothingToReport() {
        Plan plan = Plan.of(new Task(Phase.RELEASE, "bundle exec rails db:migrate"));
        assertTrue(check("web=1", RAILS_PROCFILE, plan, BootImage.of(BUILDPACK_IMAGE, Map.of())).isEmpty());
    }

    @Test
    void atScaleTwoWithAMigratingReleaseTaskOnlyTheBootMigrationGoes() {
        Plan plan = Plan.of(new Task(Phase.RELEASE, "bundle exec rails db:migrate"));
        BootMigrationFinding finding = only(check("web=2", RAILS_PROCFILE, plan, BootImage.of(BUILDPACK_IMAGE, Map.of())));

        assertEquals(Optional.empty(), finding.fix().releaseLine());
        assertEquals(List.of(
                "nothing to add: the release task (`bundle exec rails db:migrate`) already migrates once per deploy",
                "change Procfile line 1 to: web: bundle exec puma -C config/puma.rb"), finding.fix().lines());
    }

    @Test
    void aReleaseTaskThatDoesNotMigrateGetsTheMigrationPrepended() {
        Plan plan = Plan.of(new Task(Phase.RELEASE, "bin/notify-deploy"));
        BootMigrationFinding finding = only(check("web=2", RAILS_PROCFILE, plan, BootImage.of(BUILDPACK_IMAGE, Map.of())));

        assertEquals("change the Procfile's release line to: release: bundle exec rails db:migrate && bin/notify-deploy",
                finding.fix().lines().get(0));
    }

    @Test
    void theReleaseProcessTypeIsNeverAFinding() {
        String procfile = "release: bundle exec rails db:migrate\nweb: bundle exec puma\n";
        Plan plan = Plan.of(new Task(Phase.RELEASE, "bundle exec rails db:migrate"));
        assertTrue(check("release=2\nweb=2", procfile, plan, BootImage.of(BUILDPACK_IMAGE, Map.of())).isEmpty());
        assertTrue(check("release=1\nweb=1", procfile, Plan.EMPTY, BootImage.of(BUILDPACK_IMAGE, Map.of())).isEmpty());
    }

    @Test
    void aProcessScaledToZeroRunsNothing() {
        assertTrue(check("web=0\nworker=1", RAILS_PROCFILE, Plan.EMPTY, BootImage.of(BUILDPACK_IMAGE, Map.of()))
                .isEmpty());
    }

    @Test
    void withoutAProcfileEntryTheImageCmdRuns() {
        ImageConfig image = ImageConfig.of(List.of(),
                List.of("/bin/sh", "-c", "bundle exec rails db:migrate && bundle exec rails server -b 0.0.0.0"), "/app");
        BootMigrationFinding finding = only(check("web=3", "", Plan.EMPTY, BootImage.of(image, Map.of())));

        assertEquals(Location.imageCmd(), finding.location());
        assertEquals("image CMD", finding.location().describe());
        assertEquals(List.of(new ProcessCount("web", 3)), finding.processes());
        assertEquals("3 instances run it at once at boot: ActiveRecord::ConcurrentMigrationError / lock timeouts",
                finding.why());
        assertEquals(List.of(
                "add to the Procfile: release: bundle exec rails db:migrate",
                "change the Dockerfile CMD to: CMD bundle exec rails server -b 0.0.0.0"), finding.fix().lines());
    }

    @Test
    void anExecFormShellCmdIsRewrittenInExecForm() {
        ImageConfig image = ImageConfig.of(List.of(), List.of("sh", "-c", "npx prisma migrate deploy && node server.js"),
                "/app");
        BootMigrationFinding finding = only(check("web=2", "", Plan.EMPTY, BootImage.of(image, Map.of())));

        assertEquals("Prisma", finding.stack());
        assertEquals("2 instances run it at once at boot: concurrent migration errors / lock timeouts", finding.why());
        assertEquals(List.of(
                "add to the Procfile: release: npx prisma migrate deploy",
                "change the Dockerfile CMD to: CMD [\"sh\", \"-c\", \"node server.js\"]"), finding.fix().lines());
    }

    @Test
    void theProcfileCommandWinsOverTheImageCmd() {
        ImageConfig image = ImageConfig.of(List.of(), List.of("/bin/sh", "-c", "rails db:migrate && rails server"), "/app");
        assertTrue(check("web=2", "web: bundle exec puma", Plan.EMPTY, BootImage.of(image, Map.of())).isEmpty());
    }

    @Test
    void processesSharingAnEntrypointShareOneFindingAndAddUpTheirInstances() {
        ImageConfig image = ImageConfig.of(List.of("/app/docker-entrypoint.sh"), List.of("gunicorn", "app.wsgi"), "/app");
        String entrypoint = """
                #!/bin/sh
                set -e
                python manage.py migrate --noinput
                exec "$@"
                """;
        BootImage bootImage = BootImage.of(image, Map.of("/app/docker-entrypoint.sh", entrypoint));
        BootMigrationFinding finding = only(check("web=1\nworker=1", "worker: celery -A app worker", Plan.EMPTY,
                bootImage));

        assertEquals(Severity.WARNING, finding.severity());
        assertEquals(List.of(new ProcessCount("web", 1), new ProcessCount("worker", 1)), finding.processes());
        assertEquals(2, finding.instances());
        assertEquals(Location.imageFile("/app/docker-entrypoint.sh", 3), finding.location());
        assertEquals(List.of(Location.imageEntrypoint()), finding.via());
        assertEquals("Django", finding.stack());
        assertEquals("2 instances run it at once at boot: concurrent migration errors / lock timeouts", finding.why());
        assertEquals(List.of(
                "add to the Procfile: release: python manage.py migrate --noinput",
                "remove line 3 of /app/docker-entrypoint.sh: python manage.py migrate --noinput"), finding.fix().lines());
    }

    @Test
    void aScriptReachedTwiceByOneProcessIsReportedOnce() {
        ImageConfig image = ImageConfig.of(List.of("/app/entrypoint.sh"), List.of("/app/entrypoint.sh", "web"), "/app");
        String entrypoint = "#!/bin/sh\nbundle exec rake db:migrate\nexec bundle exec puma\n";
        BootMigrationReport report = check("web=2", "", Plan.EMPTY,
                BootImage.of(image, Map.of("/app/entrypoint.sh", entrypoint)));
        assertEquals(1, report.findings().size(), () -> report.findings().toString());
    }

    @Test
    void anEntrypointThatExecsItsArgumentsLeavesTheCommandToBeReadWhereItIsWritten() {
        ImageConfig image = ImageConfig.of(List.of("/entrypoint.sh"), List.of("./start.sh"), "/app");
        Map<String, String> scripts = Map.of(
                "/entrypoint.sh", "#!/bin/sh\nset -e\nexec \"$@\"\n",
                "/app/start.sh", "#!/bin/sh\nbundle exec rake db:migrate\nexec bundle exec puma\n");
        BootMigrationFinding finding = only(check("web=2", "", Plan.EMPTY, BootImage.of(image, scripts)));

        assertEquals(Location.imageFile("/app/start.sh", 2), finding.location());
        assertEquals(List.of(Location.imageCmd()), finding.via());
        assertEquals("remove line 2 of /app/start.sh: bundle exec rake db:migrate", finding.fix().lines().get(1));
    }

    @Test
    void railsEntrypointGuardMigratesForTheServerOnly() {
        ImageConfig image = ImageConfig.of(List.of("/rails/bin/docker-entrypoint"),
                List.of("./bin/thrust", "./bin/rails", "server"), "/rails");
        BootImage bootImage = BootImage.of(image, Map.of("/rails/bin/docker-entrypoint", RAILS_ENTRYPOINT));
        BootMigrationFinding finding = only(check("web=2\nworker=3", "worker: bundle exec sidekiq", Plan.EMPTY,
                bootImage));

        assertEquals(List.of(new ProcessCount("web", 2)), finding.processes());
        assertEquals(Location.imageFile("/rails/bin/docker-entrypoint", 11), finding.location());
        assertEquals("/rails/bin/docker-entrypoint:11", finding.location().describe());
        assertEquals("./bin/rails db:prepare", finding.command());
        assertEquals(1, finding.guards().size());
        assertTrue(finding.guards().get(0).certain());
        assertEquals(List.of(
                "add to the Procfile: release: ./bin/rails db:prepare",
                "remove lines 10-12 of /rails/bin/docker-entrypoint (the `if` block that runs `./bin/rails db:prepare`)",
                "or change the condition on line 10 of /rails/bin/docker-entrypoint so it no longer holds for this "
                        + "process's command"),
                finding.fix().lines());
    }

    @Test
    void railsEntrypointGuardSeesTheProcfileCommandAsItsArguments() {
        ImageConfig image = ImageConfig.of(List.of("/rails/bin/docker-entrypoint"),
                List.of("./bin/thrust", "./bin/rails", "server"), "/rails");
        BootImage bootImage = BootImage.of(image, Map.of("/rails/bin/docker-entrypoint", RAILS_ENTRYPOINT));

        BootMigrationFinding finding = only(check("web=2", "web: ./bin/rails server", Plan.EMPTY, bootImage));
        assertEquals(List.of(new ProcessCount("web", 2)), finding.processes());
        assertTrue(check("web=2", "web: bundle exec puma -C config/puma.rb", Plan.EMPTY, bootImage).isEmpty());
    }

    @Test
    void followsOneLevelOfScriptsAnEntrypointCalls() {
        ImageConfig image = ImageConfig.of(List.of("/docker-entrypoint.sh"), List.of("uvicorn", "app:app"), "/app");
        Map<String, String> scripts = Map.of(
                "/docker-entrypoint.sh", "#!/bin/sh\nset -e\nsh scripts/migrate.sh\nexec \"$@\"\n",
                "/app/scripts/migrate.sh", "#!/bin/sh\necho migrating\nalembic upgrade head\n./scripts/deeper.sh\n",
                "/app/scripts/deeper.sh", "#!/bin/sh\npython manage.py migrate\n");
        BootMigrationFinding finding = only(check("web=2", "", Plan.EMPTY, BootImage.of(image, scripts)));

        assertEquals(Location.imageFile("/app/scripts/migrate.sh", 3), finding.location());
        assertEquals(List.of(Location.imageEntrypoint(), Location.imageFile("/docker-entrypoint.sh", 3)), finding.via());
        assertEquals("Alembic", finding.stack());
        assertEquals(List.of(
                "add to the Procfile: release: alembic upgrade head",
                "remove line 3 of /app/scripts/migrate.sh: alembic upgrade head"), finding.fix().lines());
    }

    @Test
    void aScriptNamedInTheProcfileIsRead() {
        Map<String, String> scripts = Map.of("/app/bin/start-web",
                "#!/bin/bash\nnpx knex migrate:latest && exec node server.js\n");
        BootMigrationFinding finding = only(check("web=2", "web: bin/start-web", Plan.EMPTY,
                BootImage.of(BUILDPACK_IMAGE, scripts)));

        assertEquals(Location.imageFile("/app/bin/start-web", 2), finding.location());
        assertEquals(List.of(Location.procfileLine(1)), finding.via());
        assertEquals(List.of(
                "add to the Procfile: release: npx knex migrate:latest",
                "change line 2 of /app/bin/start-web to: exec node server.js"), finding.fix().lines());
    }

    @Test
    void aSwallowedConcurrentMigrationErrorIsItsOwnFinding() {
        ImageConfig image = ImageConfig.of(List.of("/app/bin/docker-entrypoint"), List.of("bundle", "exec", "puma"), "/app");
        Map<String, String> scripts = Map.of(
                "/app/bin/docker-entrypoint", "#!/bin/sh\nbin/boot-tasks\nexec \"$@\"\n",
                "/app/bin/boot-tasks", """
                        #!/usr/bin/env ruby
                        require_relative "../config/environment"
                        begin
                          Rake::Task["db:migrate"].invoke
                        rescue ActiveRecord::ConcurrentMigrationError
                          # another instance is migrating
                        end
                        """);
        BootMigrationReport report = check("web=2", "", Plan.EMPTY, BootImage.of(image, scripts));

        assertEquals(2, report.findings().size(), () -> report.findings().toString());
        BootMigrationFinding migration = report.findings().get(0);
        assertEquals(MigrationMatch.Kind.MIGRATION, migration.kind());
        assertEquals(Location.imageFile("/app/bin/boot-tasks", 4), migration.location());
        assertEquals(Optional.of("release: bin/rails db:migrate"), migration.fix().releaseLine());

        BootMigrationFinding swallowed = report.findings().get(1);
        assertEquals(MigrationMatch.Kind.SWALLOWS_CONCURRENT_MIGRATION_ERROR, swallowed.kind());
        assertEquals(Location.imageFile("/app/bin/boot-tasks", 5), swallowed.location());
        assertEquals("2 instances race to migrate at boot; rescuing ConcurrentMigrationError hides the race instead of "
                + "preventing it, and the losers boot before the schema is migrated", swallowed.why());
        assertEquals(List.of(
                "add to the Procfile: release: bin/rails db:migrate",
                "remove the rescue of ConcurrentMigrationError on line 5 of /app/bin/boot-tasks"), swallowed.fix().lines());
    }

    @Test
    void aMigrationGuardedByAnEnvironmentVariableNamesTheSettingThatSwitchesItOff() {
        ImageConfig image = ImageConfig.of(List.of("/entrypoint.sh"), List.of("gunicorn", "app.wsgi"), "/srv");
        String entrypoint = """
                #!/bin/sh
                if [ "$RUN_MIGRATIONS" = "true" ]; then
                  python manage.py migrate --noinput
                fi
                exec "$@"
                """;
        BootImage bootImage = BootImage.of(image, Map.of("/entrypoint.sh", entrypoint));
        BootMigrationFinding finding = only(check("web=2", "", Plan.EMPTY, bootImage));

        assertEquals(List.of(
                "add to the Procfile: release: python manage.py migrate --noinput",
                "remove lines 2-4 of /entrypoint.sh (the `if` block that runs `python manage.py migrate --noinput`)",
                "or, without editing the image, switch it off: dokku config:set myapp RUN_MIGRATIONS=false"),
                finding.fix().lines());

        BootScanInput switchedOff = new BootScanInput("myapp", ProcessScale.parse("web=2"), Procfile.EMPTY, Plan.EMPTY,
                bootImage, Optional.of(Map.of("RUN_MIGRATIONS", "false")));
        assertTrue(check.check(switchedOff).isEmpty());
    }

    @Test
    void aShellFormEntrypointIgnoresTheCommand() {
        ImageConfig image = ImageConfig.of(List.of("/bin/sh", "-c", "php artisan migrate --force; exec php-fpm"),
                List.of(), "/var/www");
        BootMigrationFinding finding = only(check("web=2", "web: bundle exec rails db:migrate", Plan.EMPTY,
                BootImage.of(image, Map.of())));

        assertEquals(Location.imageEntrypoint(), finding.location());
        assertEquals("Laravel", finding.stack());
        assertEquals("change the Dockerfile ENTRYPOINT to: ENTRYPOINT exec php-fpm", finding.fix().lines().get(1));
    }

    @Test
    void cleanAppsGiveNoFinding() {
        ImageConfig image = ImageConfig.of(List.of("/app/entrypoint.sh"), List.of("bundle", "exec", "puma"), "/app");
        String entrypoint = """
                #!/bin/sh
                # migrations run in the release phase: see the Procfile (rails db:migrate)
                echo "run migrate later"
                ruby /app/migrate/helper.rb
                cat migrations.txt
                ./bin/migrate-assets
                exec "$@"
                """;
        Map<String, String> scripts = Map.of("/app/entrypoint.sh", entrypoint,
                "/app/bin/migrate-assets", "#!/bin/sh\ncp -r /app/migrate /tmp/migrate\n");
        String procfile = """
                release: bundle exec rails db:migrate
                web: bin/start --no-migrate
                worker: bundle exec sidekiq # never rails db:migrate here
                """;
        assertTrue(check("web=4\nworker=2", procfile, Plan.of(new Task(Phase.RELEASE, "bundle exec rails db:migrate")),
                BootImage.of(image, scripts)).isEmpty());
    }

    @Test
    void dokkuLinesSpeakDokku() {
        BootMigrationReport report = check("web=2\nworker=1", RAILS_PROCFILE, Plan.EMPTY,
                BootImage.of(BUILDPACK_IMAGE, Map.of()));
        assertEquals(List.of(
                " !     web=2 migrates at boot: `bundle exec rails db:migrate` (Rails), Procfile line 1",
                "       2 instances run it at once at boot: ActiveRecord::ConcurrentMigrationError / lock timeouts",
                "       Fix: add to the Procfile: release: bundle exec rails db:migrate",
                "       Fix: change Procfile line 1 to: web: bundle exec puma -C config/puma.rb"), report.dokkuLines());
        assertTrue(report.hasWarnings());
    }

    @Test
    void dokkuLinesShowGuardsAndHowTheScriptIsReached() {
        ImageConfig image = ImageConfig.of(List.of("/rails/bin/docker-entrypoint"), List.of("./bin/rails", "server"),
                "/rails");
        BootMigrationReport report = check("web=1", "", Plan.EMPTY,
                BootImage.of(image, Map.of("/rails/bin/docker-entrypoint", RAILS_ENTRYPOINT)));
        assertEquals(List.of(
                "-----> Notice: web=1 migrates at boot: `./bin/rails db:prepare` (Rails), /rails/bin/docker-entrypoint:11",
                "       1 instance runs it at boot and no deploy task migrates: works today, breaks on the next ps:scale",
                "       Runs when: [ \"${@: -2:1}\" == \"./bin/rails\" ] && [ \"${@: -1:1}\" == \"server\" ] (line 10)",
                "       Reached from: image ENTRYPOINT",
                "       Fix: add to the Procfile: release: ./bin/rails db:prepare",
                "       Fix: remove lines 10-12 of /rails/bin/docker-entrypoint (the `if` block that runs "
                        + "`./bin/rails db:prepare`)",
                "       Fix: or change the condition on line 10 of /rails/bin/docker-entrypoint so it no longer holds "
                        + "for this process's command"), report.dokkuLines());
        assertEquals(List.of(), report.warnings());
    }
}
