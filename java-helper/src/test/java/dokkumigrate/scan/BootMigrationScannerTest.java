package dokkumigrate.scan;

import dokkumigrate.adapters.docker.ImageInspector;
import dokkumigrate.adapters.docker.ScriptImage;
import dokkumigrate.adapters.process.ProcessRunner;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import dokkumigrate.plan.Task;
import dokkumigrate.testsupport.TestImages;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Boot-time migrations found in real images, built here from busybox. The scripts are only
 * read, never run, so they may call tools the images do not have.
 */
class BootMigrationScannerTest {

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

    private final BootMigrationScanner scanner =
            new BootMigrationScanner(new ImageInspector(new ProcessRunner(), TestImages.DOCKER));

    private static BootMigrationFinding only(BootMigrationReport report) {
        assertEquals(1, report.findings().size(), () -> "expected one finding, got " + report.dokkuLines());
        return report.findings().get(0);
    }

    private static String railsImage() {
        return ScriptImage.fromBusybox()
                .file("/rails/bin/docker-entrypoint", RAILS_ENTRYPOINT)
                .file("/rails/bin/rails", "#!/usr/bin/env ruby\nrequire_relative \"../config/boot\"\nrequire \"rails/commands\"\n")
                .instruction("WORKDIR /rails")
                .instruction("ENTRYPOINT [\"/rails/bin/docker-entrypoint\"]")
                .instruction("CMD [\"./bin/rails\", \"server\"]")
                .build("dokku-migrate-test/scan-rails-entrypoint:1");
    }

    @Test
    void aShellFormCmdThatMigrates() {
        String image = ScriptImage.fromBusybox()
                .instruction("WORKDIR /app")
                .instruction("CMD bundle exec rails db:migrate && bundle exec rails server -b 0.0.0.0")
                .build("dokku-migrate-test/scan-migrating-cmd:1");

        BootMigrationFinding finding = only(scanner.scan("shop", Procfile.EMPTY, ProcessScale.parse("web=2"),
                Plan.EMPTY, image));

        assertEquals(Severity.WARNING, finding.severity());
        assertEquals(List.of(new ProcessCount("web", 2)), finding.processes());
        assertEquals("image CMD", finding.location().describe());
        assertEquals("bundle exec rails db:migrate", finding.command());
        assertEquals("2 instances run it at once at boot: ActiveRecord::ConcurrentMigrationError / lock timeouts",
                finding.why());
        assertEquals(List.of(
                "add to the Procfile: release: bundle exec rails db:migrate",
                "change the Dockerfile CMD to: CMD bundle exec rails server -b 0.0.0.0"), finding.fix().lines());
    }

    @Test
    void anEntrypointScriptThatMigratesThenExecsTheCommand() {
        String image = ScriptImage.fromBusybox()
                .file("/usr/local/bin/docker-entrypoint.sh", """
                        #!/bin/sh
                        set -e
                        python manage.py migrate --noinput
                        exec "$@"
                        """)
                .instruction("WORKDIR /srv")
                .instruction("ENTRYPOINT [\"docker-entrypoint.sh\"]")
                .instruction("CMD [\"gunicorn\", \"app.wsgi\", \"--bind\", \"0.0.0.0:5000\"]")
                .build("dokku-migrate-test/scan-django-entrypoint:1");

        BootMigrationFinding finding = only(scanner.scan("blog", Procfile.parse("worker: celery -A app worker\n"),
                ProcessScale.parse("web=2\nworker=1"), Plan.EMPTY, image));

        assertEquals(List.of(new ProcessCount("web", 2), new ProcessCount("worker", 1)), finding.processes());
        assertEquals("/usr/local/bin/docker-entrypoint.sh:3", finding.location().describe());
        assertEquals(List.of(Location.imageEntrypoint()), finding.via());
        assertEquals("Django", finding.stack());
        assertEquals("3 instances run it at once at boot: concurrent migration errors / lock timeouts", finding.why());
        assertEquals(List.of(
                "add to the Procfile: release: python manage.py migrate --noinput",
                "remove line 3 of /usr/local/bin/docker-entrypoint.sh: python manage.py migrate --noinput"),
                finding.fix().lines());
    }

    @Test
    void railsEntrypointGuardMigratesForTheRailsServerOnly() {
        String image = railsImage();

        BootMigrationFinding finding = only(scanner.scan("shop", Procfile.parse("worker: bundle exec sidekiq\n"),
                ProcessScale.parse("web=2\nworker=3"), Plan.EMPTY, image));

        assertEquals(List.of(new ProcessCount("web", 2)), finding.processes());
        assertEquals("/rails/bin/docker-entrypoint:11", finding.location().describe());
        assertEquals("./bin/rails db:prepare", finding.command());
        assertEquals("[ \"${@: -2:1}\" == \"./bin/rails\" ] && [ \"${@: -1:1}\" == \"server\" ]",
                finding.guards().get(0).condition());
        assertEquals(List.of(
                "add to the Procfile: release: ./bin/rails db:prepare",
                "remove lines 10-12 of /rails/bin/docker-entrypoint (the `if` block that runs `./bin/rails db:prepare`)",
                "or change the condition on line 10 of /rails/bin/docker-entrypoint so it no longer holds for this "
                        + "process's command"),
                finding.fix().lines());
    }

    @Test
    void railsEntrypointWithAReleaseTaskAtScaleOneIsFine() {
        Plan plan = Plan.of(new Task(Phase.RELEASE, "./bin/rails db:prepare"));
        assertTrue(scanner.scan("shop", Procfile.parse("release: ./bin/rails db:prepare\n"), ProcessScale.parse("web=1"),
                plan, railsImage()).isEmpty());
    }

    @Test
    void anEntrypointThatCallsAScriptThatMigrates() {
        String image = ScriptImage.fromBusybox()
                .file("/app/entrypoint.sh", """
                        #!/bin/sh
                        set -e
                        ./scripts/migrate.sh
                        exec "$@"
                        """)
                .file("/app/scripts/migrate.sh", """
                        #!/bin/sh
                        echo "applying migrations"
                        npx prisma migrate deploy
                        """)
                .instruction("WORKDIR /app")
                .instruction("ENTRYPOINT [\"/app/entrypoint.sh\"]")
                .instruction("CMD [\"node\", \"server.js\"]")
                .build("dokku-migrate-test/scan-nested-script:1");

        BootMigrationFinding finding = only(scanner.scan("api", Procfile.EMPTY, ProcessScale.parse("web=2"),
                Plan.EMPTY, image));

        assertEquals("/app/scripts/migrate.sh:3", finding.location().describe());
        assertEquals(List.of(Location.imageEntrypoint(), Location.imageFile("/app/entrypoint.sh", 3)), finding.via());
        assertEquals("Prisma", finding.stack());
        assertEquals(List.of(
                "add to the Procfile: release: npx prisma migrate deploy",
                "remove line 3 of /app/scripts/migrate.sh: npx prisma migrate deploy"), finding.fix().lines());
        assertEquals(List.of(
                " !     web=2 migrates at boot: `npx prisma migrate deploy` (Prisma), /app/scripts/migrate.sh:3",
                "       2 instances run it at once at boot: concurrent migration errors / lock timeouts",
                "       Reached from: image ENTRYPOINT -> /app/entrypoint.sh:3",
                "       Fix: add to the Procfile: release: npx prisma migrate deploy",
                "       Fix: remove line 3 of /app/scripts/migrate.sh: npx prisma migrate deploy"),
                scanner.scan("api", Procfile.EMPTY, ProcessScale.parse("web=2"), Plan.EMPTY, image).dokkuLines());
    }

    @Test
    void aProcfileAppWhoseWebCommandMigrates() {
        String image = ScriptImage.fromBusybox()
                .instruction("WORKDIR /app")
                .instruction("CMD [\"php-fpm\"]")
                .build("dokku-migrate-test/scan-procfile-app:1");

        BootMigrationFinding finding = only(scanner.scan("cms",
                Procfile.parse("# processes\nweb: php artisan migrate --force && php-fpm\nqueue: php artisan queue:work\n"),
                ProcessScale.parse("web=2\nqueue=2"), Plan.EMPTY, image));

        assertEquals("Procfile line 2", finding.location().describe());
        assertEquals("Laravel", finding.stack());
        assertEquals(List.of(
                "add to the Procfile: release: php artisan migrate --force",
                "change Procfile line 2 to: web: php-fpm"), finding.fix().lines());
    }

    @Test
    void cleanAppsGiveNoFinding() {
        String mentionsOnly = ScriptImage.fromBusybox()
                .file("/app/entrypoint.sh", """
                        #!/bin/sh
                        set -e
                        # migrations run in the release phase (bundle exec rails db:migrate), not here
                        echo "run migrate later"
                        ruby /app/migrate/helper.rb
                        cat migrations.txt
                        ./bin/migrate-assets
                        exec "$@"
                        """)
                .file("/app/bin/migrate-assets", "#!/bin/sh\ncp -r /app/migrate /tmp/migrate\n")
                .file("/app/migrate/helper.rb", "puts 'db:migrate is for the release task'\n")
                .instruction("WORKDIR /app")
                .instruction("ENTRYPOINT [\"/app/entrypoint.sh\"]")
                .instruction("CMD [\"bundle\", \"exec\", \"puma\"]")
                .build("dokku-migrate-test/scan-clean-mentions:1");
        Procfile procfile = Procfile.parse("""
                release: bundle exec rails db:migrate
                web: bin/start --no-migrate
                worker: bundle exec sidekiq # rails db:migrate runs in release
                """);
        Plan plan = Plan.of(new Task(Phase.RELEASE, "bundle exec rails db:migrate"));
        assertEquals(List.of(), scanner.scan("shop", procfile, ProcessScale.parse("web=3\nworker=2"), plan, mentionsOnly)
                .dokkuLines());

        String busybox = TestImages.busybox();
        assertEquals(List.of(), scanner.scan("static", Procfile.EMPTY, ProcessScale.parse("web=2"), Plan.EMPTY, busybox)
                .dokkuLines());

        assertEquals(List.of(), scanner.scan("shop", Procfile.parse("web: bundle exec puma -C config/puma.rb\n"),
                ProcessScale.parse("web=4"), Plan.EMPTY, railsImage()).dokkuLines());
    }
}
