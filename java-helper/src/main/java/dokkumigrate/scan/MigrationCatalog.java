package dokkumigrate.scan;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The migration commands of the common stacks, by program name and arguments. Reads one
 * program invocation (wrappers already removed, see {@link Invocation}); never a substring
 * of a longer word.
 */
final class MigrationCatalog {

    /** Rails/rake tasks that change the schema (not {@code db:migrate:status}). */
    private static final Pattern RAILS_SCHEMA_TASK = Pattern.compile(
            "db:migrate(?::(?!status\\b)[\\w:]+)?|db:prepare|db:setup|db:reset|db:schema:load|db:structure:load"
                    + "|data:migrate|db:migrate:with_data");
    /** Ruby code that migrates (in {@code rails runner}, or a Ruby script). */
    static final Pattern RUBY_MIGRATION_CODE = Pattern.compile(
            "ActiveRecord::Tasks::DatabaseTasks\\.(?:migrate|prepare_all)\\b|ActiveRecord::MigrationContext\\b[^\\n]*\\.migrate\\b"
                    + "|Rake::Task\\[\\s*[\"'](?:db:migrate|db:prepare|db:setup)[\"']\\s*\\]\\.(?:invoke|execute)");
    /** An Elixir release expression that migrates: {@code MyApp.Release.migrate}, {@code Ecto.Migrator.run}. */
    private static final Pattern ELIXIR_MIGRATION_CODE = Pattern.compile(
            "(?:^|[\\s.(])(?:Release\\.migrate\\b|Ecto\\.Migrator\\.(?:run|with_repo)\\b)|\\.Release\\.migrate\\b");
    /** A package.json script or make target that runs migrations ({@code migrate}, {@code db:migrate}, {@code migrate:deploy}). */
    private static final Pattern MIGRATE_TASK_NAME = Pattern.compile(
            "(?:[\\w-]+[:_.-])?migrat(?:e|ions?)(?:[:_.-](?:up|run|latest|deploy|prod|production|all|db))?");
    private static final Set<String> PACKAGE_MANAGERS = Set.of("npm", "pnpm", "yarn", "bun");
    private static final Set<String> PACKAGE_MANAGER_COMMANDS = Set.of("install", "i", "add", "remove", "ci", "build",
            "test", "start", "init", "create", "publish", "link", "pack", "audit", "outdated", "upgrade", "why", "info");

    /** A recognised migration command. */
    record Recognised(String stack) {
    }

    Optional<Recognised> recognise(Invocation.Program invocation) {
        return stackOf(invocation.program(), invocation.name(), invocation.arguments()).map(Recognised::new);
    }

    private Optional<String> stackOf(String program, String name, List<String> args) {
        List<String> positional = positional(args);
        String first = positional.isEmpty() ? "" : positional.get(0);
        String second = positional.size() > 1 ? positional.get(1) : "";
        return switch (name) {
            case "rails", "rake" -> when(args.stream().anyMatch(arg -> RAILS_SCHEMA_TASK.matcher(arg).matches())
                    || first.equals("runner") && args.stream().anyMatch(arg -> RUBY_MIGRATION_CODE.matcher(arg).find()),
                    "Rails");
            case "hanami" -> when(first.equals("db") && Set.of("migrate", "prepare", "setup").contains(second), "Hanami");
            case "manage.py", "django-admin", "django-admin.py" -> when(first.equals("migrate")
                    && !args.contains("--plan") && !args.contains("--check"), "Django");
            case "alembic" -> when(positional.contains("upgrade"), "Alembic");
            case "flask" -> when(adjacent(positional, "db", "upgrade"), "Flask-Migrate");
            case "artisan" -> when(first.matches("migrate(?::fresh|:refresh|:reset)?"), "Laravel");
            case "console" -> when(Set.of("doctrine:migrations:migrate", "d:m:m", "doctrine:schema:update").contains(first),
                    "Doctrine");
            case "yii" -> when(first.equals("migrate") || first.equals("migrate/up"), "Yii");
            case "prisma" -> when(first.equals("migrate") && Set.of("deploy", "dev", "reset").contains(second)
                    || first.equals("db") && second.equals("push"), "Prisma");
            case "knex" -> when(positional.contains("migrate:latest") || positional.contains("migrate:up"), "Knex");
            case "sequelize", "sequelize-cli" -> when(positional.contains("db:migrate"), "Sequelize");
            case "typeorm", "typeorm-ts-node-commonjs", "typeorm-ts-node-esm" ->
                    when(positional.contains("migration:run") || positional.contains("schema:sync"), "TypeORM");
            case "mikro-orm", "mikro-orm-esm" -> when(positional.contains("migration:up")
                    || positional.contains("schema:update"), "MikroORM");
            case "drizzle-kit" -> when(first.equals("migrate") || first.equals("push"), "Drizzle");
            case "node-pg-migrate", "db-migrate" -> when(first.equals("up"), name);
            case "mix" -> when(Set.of("ecto.migrate", "ecto.setup", "ecto.reset").contains(first)
                    || first.equals("run") && inlineCodeMigrates(args, Set.of("-e", "--eval")), "Ecto");
            case "flyway" -> when(positional.contains("migrate"), "Flyway");
            case "liquibase" -> when(positional.stream().anyMatch(word -> Set.of("update", "update-count", "updateCount",
                    "update-to-tag", "updateToTag").contains(word)), "Liquibase");
            case "migrate" -> golangMigrateOrReleaseScript(program, args, positional);
            case "goose" -> when(positional.stream().anyMatch(word -> Set.of("up", "up-by-one", "up-to").contains(word)),
                    "goose");
            case "dbmate" -> when(first.equals("up") || first.equals("migrate"), "dbmate");
            case "tern" -> when(first.equals("migrate"), "tern");
            case "atlas" -> when((first.equals("migrate") || first.equals("schema")) && second.equals("apply"), "Atlas");
            case "sqitch" -> when(first.equals("deploy"), "Sqitch");
            case "diesel" -> when(first.equals("migration") && second.equals("run")
                    || first.equals("database") && Set.of("setup", "reset").contains(second) || first.equals("setup"), "Diesel");
            case "sqlx" -> when(first.equals("migrate") && second.equals("run")
                    || first.equals("database") && Set.of("setup", "reset").contains(second), "SQLx");
            case "sea-orm-cli" -> when(first.equals("migrate")
                    && (second.isEmpty() || Set.of("up", "fresh", "refresh", "reset").contains(second)), "SeaORM");
            case "yoyo", "yoyo-migrate" -> when(first.equals("apply"), "yoyo");
            case "aerich" -> when(first.equals("upgrade"), "Aerich");
            case "dotnet" -> when(first.equals("ef") && second.equals("database") && positional.size() > 2
                    && positional.get(2).equals("update"), "Entity Framework");
            case "dotnet-ef" -> when(first.equals("database") && second.equals("update"), "Entity Framework");
            case "make", "just", "task" -> when(positional.stream().anyMatch(target -> MIGRATE_TASK_NAME.matcher(target).matches()),
                    name.equals("make") ? "Makefile target" : name + " task");
            default -> PACKAGE_MANAGERS.contains(name) ? packageScript(name, positional)
                    : releaseEval(args);
        };
    }

    /**
     * {@code migrate -path db/migrations -database URL up} is golang-migrate; a bare
     * {@code bin/migrate} with no arguments is the script {@code mix phx.gen.release} writes.
     */
    private static Optional<String> golangMigrateOrReleaseScript(String program, List<String> args, List<String> positional) {
        if (positional.contains("up") || positional.contains("goto")) {
            return Optional.of("golang-migrate");
        }
        if (args.isEmpty() && program.contains("/")) {
            return Optional.of("Phoenix release");
        }
        return Optional.empty();
    }

    /**
     * {@code npm run migrate}, {@code yarn db:migrate}: a package.json script named for migrating;
     * {@code yarn prisma migrate deploy}: a package binary ({@code npm exec}/{@code npx} are
     * taken off by {@link Invocation}).
     */
    private Optional<String> packageScript(String manager, List<String> positional) {
        if (positional.isEmpty()) {
            return Optional.empty();
        }
        String command = positional.get(0);
        if (command.equals("run") || command.equals("run-script")) {
            return when(positional.size() > 1 && MIGRATE_TASK_NAME.matcher(positional.get(1)).matches(),
                    "package.json script");
        }
        if (manager.equals("npm") || PACKAGE_MANAGER_COMMANDS.contains(command)) {
            return Optional.empty();
        }
        Optional<String> binary = stackOf(command, command, positional.subList(1, positional.size()));
        return binary.isPresent() ? binary : when(MIGRATE_TASK_NAME.matcher(command).matches(), "package.json script");
    }

    /** {@code bin/my_app eval "MyApp.Release.migrate"} (an Elixir release). */
    private static Optional<String> releaseEval(List<String> args) {
        return when(!args.isEmpty() && Set.of("eval", "rpc").contains(args.get(0))
                && args.size() > 1 && ELIXIR_MIGRATION_CODE.matcher(args.get(1)).find(), "Ecto");
    }

    private static boolean inlineCodeMigrates(List<String> args, Set<String> codeOptions) {
        for (int i = 0; i + 1 < args.size(); i++) {
            if (codeOptions.contains(args.get(i)) && ELIXIR_MIGRATION_CODE.matcher(args.get(i + 1)).find()) {
                return true;
            }
        }
        return false;
    }

    private static boolean adjacent(List<String> words, String first, String second) {
        for (int i = 0; i + 1 < words.size(); i++) {
            if (words.get(i).equals(first) && words.get(i + 1).equals(second)) {
                return true;
            }
        }
        return false;
    }

    /** The arguments that are not options ({@code -x}, {@code --name=value}). */
    private static List<String> positional(List<String> args) {
        List<String> positional = new ArrayList<>();
        for (String arg : args) {
            if (arg.equals("--")) {
                continue;
            }
            if (!arg.startsWith("-")) {
                positional.add(arg);
            }
        }
        return positional;
    }

    private static Optional<String> when(boolean matches, String stack) {
        return matches ? Optional.of(stack) : Optional.empty();
    }

    /** Programs the catalog knows: a path-like word naming one of them is a tool, not a script to read. */
    static boolean isKnownProgram(String name) {
        return KNOWN_PROGRAMS.contains(name);
    }

    private static final Set<String> KNOWN_PROGRAMS = Set.of("rails", "rake", "bundle", "bundler", "ruby", "hanami",
            "manage.py", "django-admin", "alembic", "flask", "python", "python3", "gunicorn", "uvicorn", "celery",
            "artisan", "console", "php", "prisma", "knex", "sequelize", "sequelize-cli", "typeorm", "node", "npm",
            "npx", "yarn", "pnpm", "bun", "mix", "elixir", "iex", "flyway", "liquibase", "migrate", "goose", "dbmate",
            "diesel", "sqlx", "dotnet", "java", "puma", "unicorn", "sidekiq", "thrust", "thruster", "make", "nginx", "caddy", "httpd", "apache2-foreground", "php-fpm", "supervisord", "sleep", "true", "false");
}
