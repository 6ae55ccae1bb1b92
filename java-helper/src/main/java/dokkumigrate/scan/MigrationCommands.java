package dokkumigrate.scan;

import java.util.List;
import java.util.Optional;

/**
 * Recognises the database migration commands of the common stacks in a command line or a
 * shell script: Rails/rake, Hanami, Django, Alembic, Flask-Migrate, Laravel, Doctrine, Yii,
 * Prisma, Knex, Sequelize, TypeORM, MikroORM, Drizzle, node-pg-migrate, db-migrate, Ecto
 * (mix and releases), Flyway, Liquibase, golang-migrate, goose, dbmate, tern, Atlas, Sqitch,
 * Diesel, SQLx, SeaORM, yoyo, Aerich, Entity Framework, and package.json scripts or make
 * targets named for migrating. Also a command that swallows
 * {@code ActiveRecord::ConcurrentMigrationError}.
 *
 * <p>Matches whole shell words of the commands the text runs: a word inside a path
 * ({@code ruby /app/migrate/helper.rb}), an argument of {@code echo}, a comment or a
 * here-document is not a command. Pure: no I/O.
 */
public final class MigrationCommands {

    private final ScriptAnalyser analyser = new ScriptAnalyser();
    private final MigrationCatalog catalog = new MigrationCatalog();

    /**
     * Every migration command in {@code text} (a command line, or a whole script), whatever
     * arguments the script gets: a command under a condition on them is reported with that
     * condition in {@link MigrationMatch#guards()}.
     */
    public List<MigrationMatch> find(String text) {
        return matches(analyser.shell(text, ShellContext.unknown()));
    }

    /**
     * The migration commands {@code script} runs when started with {@code arguments}: a
     * branch those arguments rule out is skipped, so Rails' {@code bin/docker-entrypoint}
     * migrates for {@code ./bin/rails server} and not for {@code bundle exec sidekiq}.
     */
    public List<MigrationMatch> find(String script, List<String> arguments) {
        return matches(analyser.shell(script, ShellContext.unknown().withPositionals(Optional.of(arguments))));
    }

    /** The stack whose migration command this one program invocation is ({@code ["rails", "db:migrate"]}). */
    public Optional<String> stackOf(List<String> argv) {
        Invocation invocation = Invocation.of(argv);
        if (invocation instanceof Invocation.Program program) {
            return catalog.recognise(program).map(MigrationCatalog.Recognised::stack);
        }
        return find(ShellQuoting.join(argv)).stream()
                .filter(MigrationMatch::isMigration)
                .map(MigrationMatch::stack)
                .findFirst();
    }

    private static List<MigrationMatch> matches(ScriptAnalysis analysis) {
        return analysis.hits().stream().map(ScriptAnalysis.Hit::match).toList();
    }
}
