package dokkumigrate.applied;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How each framework reports a migration in its output, taken from its own source (the test
 * fixtures cite the file of each). A format is tried only on a line that holds its anchor, a
 * fixed string as specific as the framework's line allows (Laravel's "DONE" only at the end of
 * the line); its pattern then finds the line's migration.
 *
 * <p>{@link Kind#APPLIED} lines are printed once a migration is done. {@link Kind#STARTED} lines
 * are printed before it runs (Alembic, Prisma, Flyway, Diesel, Entity Framework): such a
 * migration counts as applied once the framework reports the next one or the task succeeds.
 */
enum Format {
    // activerecord/lib/active_record/migration.rb: announce "migrated (%.4fs)" -> "== VERSION Name: migrated (0.0021s) ==="
    RAILS("rails", ": migrated (", Kind.APPLIED,
            "== (\\d{1,20}) (\\S+): migrated \\([0-9.]+s\\) ?=*\\s*$", 1, 2),
    // umzug v2 src/index.js (sequelize-cli's migrator): "== NAME: migrated (0.012s)"
    SEQUELIZE("sequelize", ": migrated (", Kind.APPLIED,
            "(?:^|\\s)== ([^\\s:]+): migrated \\([0-9.]+s\\)\\s*$", 1, 0),
    // django/core/management/commands/migrate.py: "  Applying %s..." then " OK" (" FAKED" is not applied)
    DJANGO("django", "... OK", Kind.APPLIED,
            "(?<![A-Za-z])Applying ([A-Za-z_][\\w-]*\\.\\w+)\\.\\.\\. OK(?: \\([0-9.]+s\\))?\\s*$", 1, 0),
    // the same on a terminal: style.SUCCESS puts a colour code between "..." and " OK"
    DJANGO_COLOURED("django", "...\u001b[", Kind.APPLIED,
            "(?<![A-Za-z])Applying ([A-Za-z_][\\w-]*\\.\\w+)\\.\\.\\. OK(?: \\([0-9.]+s\\))?\\s*$", 1, 0),
    // prisma-engines schema-engine/connectors/sql-schema-connector/src/apply_migration.rs: "Applying migration `{migration_name}`"
    PRISMA("prisma", "Applying migration ", Kind.STARTED, "Applying migration `([^`]{1,200})`", 1, 0),
    // efcore src/EFCore.Relational/Properties/RelationalStrings.resx: "Applying migration '{migration}'."
    ENTITY_FRAMEWORK("entity-framework", "Applying migration ", Kind.STARTED, "Applying migration '([^']{1,200})'\\.", 1, 0),
    // alembic/runtime/migration.py: log.info("Running %s", step) -> "Running upgrade FROM -> TO, message"
    ALEMBIC("alembic", "Running upgrade ", Kind.STARTED,
            "Running upgrade (?:[0-9A-Za-z_, ]*) -> ([0-9A-Za-z_]*\\d[0-9A-Za-z_]*)(?:, (.*))?$", 1, 2),
    // diesel_migrations/src/migration_harness.rs: "Running migration {}"
    DIESEL("diesel", "Running migration ", Kind.STARTED, "Running migration (\\d[\\w.-]*)\\s*$", 1, 0),
    // ecto_sql lib/ecto/migration/runner.ex: "== Migrated VERSION in 0.0s"
    ECTO("ecto", "== Migrated ", Kind.APPLIED, "== Migrated (\\d+) in [0-9.]+s", 1, 0),
    // laravel/framework before 9.x, src/Illuminate/Database/Migrations/Migrator.php: "Migrated:  NAME (12.34ms)"
    LARAVEL_LEGACY("laravel", "Migrated:", Kind.APPLIED, "Migrated:\\s+(\\w+)(?: \\([0-9.,]+ ?m?s\\))?\\s*$", 1, 0),
    // flyway-core .../command/DbMigrate.java: "Migrating schema \"public\" to version \"1 - init\""
    FLYWAY("flyway", "Migrating schema ", Kind.STARTED,
            "Migrating schema \\S+ to version \"([^\" ]+)(?: - ([^\"]*))?\"", 1, 2),
    // typeorm src/migration/MigrationExecutor.ts: "Migration NAME has been  executed successfully." ("(fake) " is not applied)
    TYPEORM("typeorm", "Migration ", Kind.APPLIED, "Migration (\\S+) has been\\s+executed successfully\\.", 1, 0),
    // laravel/framework 9.x+, src/Illuminate/Console/View/Components/Task.php: "  NAME ........ 3.45ms DONE"
    LARAVEL("laravel", "DONE", Kind.APPLIED,
            "(?:^|\\s)(\\d{4}_\\d{2}_\\d{2}_\\d{6}_\\w+) [. ]*(?:\\S+(?: \\S+)? )?DONE\\s*$", 1, 0),
    // liquibase-standard .../changelog/ChangeSet.java: "ChangeSet FILE::ID::AUTHOR ran successfully in 12ms"
    LIQUIBASE("liquibase", "ChangeSet ", Kind.APPLIED, "ChangeSet (\\S+::\\S+::\\S+) ran successfully in \\d+ ?ms", 1, 0),
    // golang-migrate migrate.go + migration.go LogString: "VERSION/u IDENTIFIER (12.3ms)"
    GOLANG_MIGRATE("golang-migrate", "/u ", Kind.APPLIED,
            "(?:^|\\s)(\\d+)/u (\\S.*?) \\((?:[0-9.]+[a-z\\u00b5]+)+\\)\\s*$", 1, 2),
    // pressly/goose migration.go: log.Printf("OK   %s (%s)", filepath.Base(m.Source), finish)
    GOOSE("goose", "OK   ", Kind.APPLIED,
            "(?:^|\\s)OK {1,4}((\\d+)_\\S+)(?: \\((?:[0-9.]+[a-z\\u00b5]+)+\\))?\\s*$", 2, 1);

    /** When a framework prints its line: after the migration, or before it runs. */
    enum Kind { APPLIED, STARTED }

    final String framework;
    final byte[] anchor;
    final Kind kind;
    private final Pattern pattern;
    private final int idGroup;
    private final int nameGroup;

    Format(String framework, String anchor, Kind kind, String regex, int idGroup, int nameGroup) {
        this.framework = framework;
        this.anchor = anchor.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        this.kind = kind;
        this.pattern = Pattern.compile(regex);
        this.idGroup = idGroup;
        this.nameGroup = nameGroup;
    }

    /** Whether the anchor must end the line (but for spaces and colour codes). */
    boolean anchorEndsLine() {
        return this == LARAVEL;
    }

    /** The migration this line reports, or null. */
    AppliedMigration match(String line) {
        Matcher m = pattern.matcher(line);
        if (!m.find()) {
            return null;
        }
        String name = nameGroup == 0 || m.group(nameGroup) == null ? "" : m.group(nameGroup);
        return new AppliedMigration(framework, m.group(idGroup), name);
    }

    /** The distinct anchors, each with the formats it leads to, in the order above. */
    static List<Format> withAnchor(byte[] anchor) {
        return java.util.Arrays.stream(values()).filter(f -> java.util.Arrays.equals(f.anchor, anchor)).toList();
    }
}
