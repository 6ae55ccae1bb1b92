package dokkumigrate.scan;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A command found in a command line or script that migrates a database, or that swallows the
 * error concurrent migrations raise.
 *
 * @param kind           what was found
 * @param stack          the framework or tool ({@code Rails}, {@code Django}, {@code Prisma}, ...)
 * @param command        the command as written ({@code bundle exec rails db:migrate})
 * @param line           the line it starts on (1 for a one-line command)
 * @param releaseCommand the command to run once per deploy instead (a Procfile {@code release:}
 *                       command); empty when there is nothing to move (a swallowed error)
 * @param guards         the conditions it runs under, outermost first; empty when unconditional
 */
public record MigrationMatch(Kind kind, String stack, String command, int line, Optional<String> releaseCommand,
                             List<Guard> guards) {

    public enum Kind {
        /** The command migrates the database. */
        MIGRATION,
        /** The command hides {@code ActiveRecord::ConcurrentMigrationError} instead of preventing it. */
        SWALLOWS_CONCURRENT_MIGRATION_ERROR
    }

    public MigrationMatch {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(stack, "stack");
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(releaseCommand, "releaseCommand");
        guards = List.copyOf(guards);
    }

    public boolean isMigration() {
        return kind == Kind.MIGRATION;
    }
}
