package dokkumigrate.scan;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MigrationCommandsTest {

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

    private static final String OLDER_RAILS_ENTRYPOINT = """
            #!/bin/bash -e

            # If running the rails server then create or migrate existing database
            if [ "${1}" == "./bin/rails" ] && [ "${2}" == "server" ]; then
              ./bin/rails db:prepare
            fi

            exec "${@}"
            """;

    private final MigrationCommands commands = new MigrationCommands();

    private MigrationMatch single(String text) {
        List<MigrationMatch> matches = commands.find(text);
        assertEquals(1, matches.size(), () -> "expected one match in <" + text + ">, got " + matches);
        return matches.get(0);
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', textBlock = """
            rails db:migrate                                         | Rails
            bundle exec rails db:migrate                             | Rails
            bundle exec rake db:migrate                              | Rails
            bin/rails db:prepare                                     | Rails
            ./bin/rails db:setup                                     | Rails
            bin/rails db:migrate:with_data                           | Rails
            bundle exec rails db:create db:migrate                   | Rails
            RAILS_ENV=production bundle exec rake db:migrate         | Rails
            bundle exec hanami db migrate                            | Hanami
            python manage.py migrate --noinput                       | Django
            python3 -u manage.py migrate                             | Django
            ./manage.py migrate                                      | Django
            django-admin migrate                                     | Django
            python -m django migrate                                 | Django
            alembic upgrade head                                     | Alembic
            alembic -c alembic.ini upgrade head                      | Alembic
            python -m alembic upgrade head                           | Alembic
            flask db upgrade                                         | Flask-Migrate
            flask --app app db upgrade                               | Flask-Migrate
            php artisan migrate --force                              | Laravel
            php /var/www/html/artisan migrate:fresh                  | Laravel
            php bin/console doctrine:migrations:migrate -n           | Doctrine
            npx prisma migrate deploy                                | Prisma
            prisma migrate deploy                                    | Prisma
            npx prisma db push                                       | Prisma
            yarn prisma migrate deploy                               | Prisma
            pnpm exec prisma migrate deploy                          | Prisma
            knex migrate:latest                                      | Knex
            npx knex --knexfile knexfile.js migrate:latest           | Knex
            sequelize db:migrate                                     | Sequelize
            npx sequelize-cli db:migrate                             | Sequelize
            node_modules/.bin/sequelize db:migrate                   | Sequelize
            typeorm migration:run -d dist/data-source.js             | TypeORM
            npx typeorm-ts-node-commonjs migration:run -d src/ds.ts  | TypeORM
            node ./node_modules/typeorm/cli.js migration:run         | TypeORM
            mix ecto.migrate                                         | Ecto
            MIX_ENV=prod mix ecto.migrate                            | Ecto
            bin/my_app eval "MyApp.Release.migrate"                  | Ecto
            /app/bin/my_app eval 'MyApp.Release.migrate()'           | Ecto
            flyway -url=jdbc:postgresql://db/app migrate             | Flyway
            flyway migrate                                           | Flyway
            liquibase --changelog-file=changelog.xml update          | Liquibase
            migrate -path db/migrations -database $DATABASE_URL up   | golang-migrate
            migrate -source file://migrations -database "$DB" up 2   | golang-migrate
            goose -dir db/migrations postgres "$DATABASE_URL" up     | goose
            goose up                                                 | goose
            dbmate up                                                | dbmate
            diesel migration run                                     | Diesel
            sqlx migrate run                                         | SQLx
            dotnet ef database update                                | Entity Framework
            dotnet-ef database update                                | Entity Framework
            atlas migrate apply --url $DATABASE_URL                  | Atlas
            sqitch deploy                                            | Sqitch
            npm run migrate                                          | package.json script
            yarn db:migrate                                          | package.json script
            npm run db:migrate:deploy                                | package.json script
            make migrate                                             | Makefile target
            bin/migrate                                              | Phoenix release
            """)
    void recognisesEachStack(String command, String stack) {
        MigrationMatch match = single(command);
        assertEquals(stack, match.stack());
        assertEquals(command, match.command());
        assertEquals(Optional.of(command), match.releaseCommand());
        assertEquals(MigrationMatch.Kind.MIGRATION, match.kind());
    }

    @ParameterizedTest(name = "no match: {0}")
    @ValueSource(strings = {
            "ruby /app/migrate/helper.rb",
            "echo \"run migrate later\"",
            "echo rails db:migrate",
            "printf 'bundle exec rake db:migrate\\n'",
            "# db:migrate",
            "bundle exec puma # then rails db:migrate",
            "cat migrations.txt",
            "./bin/migrate-assets",
            "bin/start --no-migrate",
            "bundle exec rails server --migrate-later",
            "bundle exec rails db:migrate:status",
            "python manage.py makemigrations",
            "python manage.py showmigrations",
            "python manage.py migrate --plan",
            "flask db migrate -m 'message'",
            "alembic history",
            "php artisan migrate:status",
            "npx prisma migrate status",
            "npx prisma generate",
            "knex migrate:make add_users",
            "sequelize db:migrate:status",
            "typeorm migration:generate src/migrations/x",
            "goose status",
            "migrate -path db/migrations -database $DATABASE_URL version",
            "diesel migration generate create_users",
            "dotnet ef migrations add Init",
            "dotnet App.dll",
            "npm start",
            "npm install",
            "yarn build",
            "bundle exec sidekiq",
            "ls /app/db/migrate",
            "cp -r db/migrate /tmp/migrate",
            "grep -r db:migrate lib/",
            "java -jar app.jar --spring.flyway.enabled=false",
            "mix phx.server",
            "test -d /app/migrations",
            "exec \"$@\"",
    })
    void ignoresWordsThatOnlyMentionMigrating(String text) {
        assertEquals(List.of(), commands.find(text));
    }

    @Test
    void splitsCommandLinesOnShellOperatorsAndLines() {
        List<MigrationMatch> matches = commands.find("""
                set -e
                bundle exec rails db:migrate && bundle exec puma -C config/puma.rb
                python manage.py migrate; gunicorn app.wsgi
                npx prisma migrate deploy || exit 1
                mix ecto.migrate | tee /tmp/log
                """);
        assertEquals(List.of("bundle exec rails db:migrate", "python manage.py migrate", "npx prisma migrate deploy",
                        "mix ecto.migrate"),
                matches.stream().map(MigrationMatch::command).toList());
        assertEquals(List.of(2, 3, 4, 5), matches.stream().map(MigrationMatch::line).toList());
    }

    @Test
    void readsShellTextPassedToShC() {
        MigrationMatch match = single("sh -c 'bundle exec rails db:migrate && exec bundle exec puma'");
        assertEquals("Rails", match.stack());
        assertEquals("bundle exec rails db:migrate", match.command());
    }

    @Test
    void takesOffWrappers() {
        assertEquals("Rails", single("exec gosu app bundle exec rails db:migrate").stack());
        assertEquals("Django", single("wait-for-it db:5432 -- python manage.py migrate").stack());
        assertEquals("Django", single("dockerize -wait tcp://db:5432 -timeout 60s python manage.py migrate").stack());
        assertEquals("Alembic", single("poetry run alembic upgrade head").stack());
        assertEquals("Laravel", single("su-exec www-data php artisan migrate --force").stack());
        assertEquals("Rails", single("env RAILS_ENV=production bin/rails db:migrate").stack());
        assertEquals("Rails", single("timeout 300 bin/rails db:migrate").stack());
    }

    @Test
    void releaseCommandDropsALeadingExec() {
        MigrationMatch match = single("exec bundle exec rails db:migrate");
        assertEquals(Optional.of("bundle exec rails db:migrate"), match.releaseCommand());
    }

    @Test
    void skipsHereDocumentsAndCommentsInScripts() {
        String script = """
                #!/bin/sh
                # rails db:migrate runs in the release phase
                cat <<EOF > /tmp/notes
                bundle exec rails db:migrate
                EOF
                exec bundle exec puma
                """;
        assertEquals(List.of(), commands.find(script));
    }

    @Test
    void recognisesRailsEntrypointGuardOnlyForTheServer() {
        List<MigrationMatch> forServer = commands.find(RAILS_ENTRYPOINT, List.of("./bin/thrust", "./bin/rails", "server"));
        assertEquals(1, forServer.size());
        MigrationMatch match = forServer.get(0);
        assertEquals("./bin/rails db:prepare", match.command());
        assertEquals(11, match.line());
        assertEquals("Rails", match.stack());
        Guard guard = match.guards().get(0);
        assertEquals("[ \"${@: -2:1}\" == \"./bin/rails\" ] && [ \"${@: -1:1}\" == \"server\" ]", guard.condition());
        assertEquals(10, guard.line());
        assertTrue(guard.certain());

        assertEquals(List.of(), commands.find(RAILS_ENTRYPOINT, List.of("bundle", "exec", "sidekiq")));
        assertEquals(List.of(), commands.find(RAILS_ENTRYPOINT, List.of("./bin/rails", "console")));
    }

    @Test
    void recognisesTheOlderRailsGuard() {
        assertEquals(1, commands.find(OLDER_RAILS_ENTRYPOINT, List.of("./bin/rails", "server")).size());
        assertEquals(List.of(), commands.find(OLDER_RAILS_ENTRYPOINT, List.of("bundle", "exec", "sidekiq")));
        assertEquals(List.of(), commands.find(OLDER_RAILS_ENTRYPOINT, List.of("./bin/thrust", "./bin/rails", "server")));
    }

    @Test
    void recognisesAOneLineGuard() {
        String oneLine = "if [ \"${@: -2:1}\" == \"./bin/rails\" ] && [ \"${@: -1:1}\" == \"server\" ]; then "
                + "./bin/rails db:prepare; fi";
        assertEquals(1, commands.find(oneLine, List.of("./bin/rails", "server")).size());
        assertEquals(List.of(), commands.find(oneLine, List.of("bundle", "exec", "sidekiq")));
    }

    @Test
    void withoutArgumentsAGuardedCommandIsReportedWithItsUndecidedGuard() {
        MigrationMatch match = single(RAILS_ENTRYPOINT);
        assertFalse(match.guards().get(0).certain());
    }

    @Test
    void followsCaseArmsAndElseBranches() {
        String script = """
                case "$1" in
                  web) exec bundle exec puma ;;
                  migrate) exec bundle exec rails db:migrate ;;
                esac
                if [ "$1" = "worker" ]; then
                  exec bundle exec sidekiq
                else
                  bundle exec rake db:migrate
                fi
                """;
        assertEquals(List.of(), commands.find(script, List.of("web")));
        assertEquals(List.of("bundle exec rails db:migrate"), // its exec ends the script
                commands.find(script, List.of("migrate")).stream().map(MigrationMatch::command).toList());
        assertEquals(List.of("bundle exec rake db:migrate"),
                commands.find(script, List.of("other")).stream().map(MigrationMatch::command).toList());
    }

    @Test
    void functionsRunWhereTheyAreCalled() {
        String script = """
                migrate_db() {
                  bundle exec rails db:migrate
                }
                never_called() {
                  python manage.py migrate
                }
                if [ "$1" = "web" ]; then migrate_db; fi
                exec "$@"
                """;
        List<MigrationMatch> forWeb = commands.find(script, List.of("web"));
        assertEquals(List.of("bundle exec rails db:migrate"), forWeb.stream().map(MigrationMatch::command).toList());
        assertEquals(2, forWeb.get(0).line());
        assertEquals(List.of(), commands.find(script, List.of("worker")));
    }

    @Test
    void nothingRunsAfterAnUnconditionalExec() {
        assertEquals(List.of(), commands.find("exec \"$@\"\nbundle exec rails db:migrate\n", List.of("puma")));
    }

    @Test
    void anEnvironmentConditionIsUndecidedAndNamesTheSettingThatSwitchesItOff() {
        MigrationMatch match = single("""
                if [ "$RUN_MIGRATIONS" = "true" ]; then
                  python manage.py migrate --noinput
                fi
                """);
        Guard guard = match.guards().get(0);
        assertFalse(guard.certain());
        assertEquals(Optional.of(new Guard.EnvironmentSetting("RUN_MIGRATIONS", Optional.of("false"))),
                guard.switchedOffBy());
        assertEquals(Optional.of(new Guard.EnvironmentSetting("SKIP_MIGRATIONS", Optional.of("true"))),
                single("[ -z \"$SKIP_MIGRATIONS\" ] && true\nif [ -z \"$SKIP_MIGRATIONS\" ]; then rails db:migrate; fi")
                        .guards().get(0).switchedOffBy());
    }

    @Test
    void recognisesCommandsThatSwallowConcurrentMigrationError() {
        MigrationMatch swallowed = single("bundle exec rails runner 'begin; ActiveRecord::Tasks::DatabaseTasks.migrate; "
                + "rescue ActiveRecord::ConcurrentMigrationError; end'");
        assertEquals(MigrationMatch.Kind.MIGRATION, swallowed.kind());

        List<MigrationMatch> matches = commands.find("""
                bundle exec rails db:migrate 2>&1 | grep -v ConcurrentMigrationError || true
                """);
        assertEquals(List.of(MigrationMatch.Kind.MIGRATION, MigrationMatch.Kind.SWALLOWS_CONCURRENT_MIGRATION_ERROR),
                matches.stream().map(MigrationMatch::kind).toList());
        assertEquals("grep -v ConcurrentMigrationError", matches.get(1).command());
        assertEquals(Optional.empty(), matches.get(1).releaseCommand());
        assertEquals(List.of(), commands.find("echo 'ActiveRecord::ConcurrentMigrationError means two deploys raced'"));
    }

    @Test
    void stackOfReadsOneArgv() {
        assertEquals(Optional.of("Rails"), commands.stackOf(List.of("bundle", "exec", "rails", "db:migrate")));
        assertEquals(Optional.of("Rails"), commands.stackOf(List.of("/bin/sh", "-c", "rails db:migrate && rails s")));
        assertEquals(Optional.empty(), commands.stackOf(List.of("./bin/rails", "server")));
    }
}
