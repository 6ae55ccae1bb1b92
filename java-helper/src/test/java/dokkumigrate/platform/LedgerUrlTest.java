package dokkumigrate.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class LedgerUrlTest {

    @Test
    void aFullUrlIsReadIntoItsParts() {
        LedgerUrl url = LedgerUrl.parse("postgresql://dokku@db.internal:6543/migrate?sslmode=verify-full").orElseThrow();

        assertEquals(new LedgerUrl("dokku", "db.internal", 6543, "migrate", Optional.of("verify-full")), url);
        assertEquals("db.internal:6543/migrate", url.server());
        assertEquals("postgresql://dokku@db.internal:6543/migrate?sslmode=verify-full", url.toString());
    }

    @Test
    void thePortDefaultsTo5432AndSslmodeToTheDriversDefault() {
        LedgerUrl url = LedgerUrl.parse("postgresql://dokku@10.0.0.5/migrate").orElseThrow();

        assertEquals(5432, url.port());
        assertEquals(Optional.empty(), url.sslMode());
        assertEquals("postgresql://dokku@10.0.0.5:5432/migrate", url.toString());
    }

    @Test
    void postgresSchemeUpperCaseHostAndATrailingDotAreWrittenOneWay() {
        assertEquals("postgresql://dokku@db.example.com:5432/migrate",
                LedgerUrl.parse("POSTGRES://dokku@DB.Example.COM./migrate").orElseThrow().toString());
    }

    @Test
    void anIpv6HostKeepsItsBrackets() {
        LedgerUrl url = LedgerUrl.parse("postgresql://dokku@[::1]:5433/migrate").orElseThrow();

        assertEquals("[::1]", url.host());
        assertEquals("postgresql://dokku@[::1]:5433/migrate", url.toString());
        // libpq's password file escapes the colons of an address
        assertEquals("\\:\\:1:5433:migrate:dokku:PASSWORD", url.pgpassLine());
    }

    @Test
    void percentEncodedUserAndDatabaseAreDecodedAndWrittenBackEncoded() {
        LedgerUrl url = LedgerUrl.parse("postgresql://app%40corp@db/mig%20rate%C3%A9+x").orElseThrow();

        assertEquals("app@corp", url.user());
        assertEquals("mig rateé+x", url.database());
        assertEquals("postgresql://app%40corp@db:5432/mig%20rate%C3%A9%2Bx", url.toString());
        assertEquals(url, LedgerUrl.parse(url.toString()).orElseThrow());
    }

    @Test
    void thePgpassLineEscapesColonsAndBackslashes() {
        LedgerUrl url = LedgerUrl.parse("postgresql://a%3Ab@db:5432/x%5Cy").orElseThrow();

        assertEquals("db:5432:x\\\\y:a\\:b:PASSWORD", url.pgpassLine());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "postgresql://dokku:s3cret@db:5432/migrate",
        "postgresql://dokku:@db:5432/migrate",
        "postgresql://dokku@db:5432/migrate?password=s3cret",
        "postgresql://dokku@db:5432/migrate?sslmode=require&password=s3cret",
    })
    void aPasswordIsRefusedWithThePgpassAdviceAndNeverQuoted(String text) {
        String problem = LedgerUrl.problem(text).orElseThrow();

        assertTrue(problem.startsWith("it holds a password, which must never be in a setting: "), problem);
        assertTrue(problem.contains("~/.pgpass") && problem.contains("PGPASSFILE"), problem);
        assertFalse(problem.contains("s3cret"), problem);
        assertEquals(Optional.empty(), LedgerUrl.parse(text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "mysql://dokku@db:3306/migrate | its scheme must be postgresql://",
        "https://dokku@db/migrate | its scheme must be postgresql://",
        "/var/lib/dokku/data/migrate/ledger.db | its scheme must be postgresql://",
        "db.internal:5432 | its scheme must be postgresql://",
        "postgresql:dokku@db/migrate | it is not a URL of the form",
        "postgresql://db:5432/migrate | it names no user",
        "postgresql://@db:5432/migrate | it names no user",
        "postgresql://dokku@:5432/migrate | it names no host",
        "postgresql://dokku@db:port/migrate | it names no host, or a host name with characters",
        "postgresql://dokku@db1:5432,db2:5432/migrate | it names several hosts",
        "postgresql://dokku@db_1:5432/migrate | it names no host",
        "postgresql://dokku:s3cret@db_1:5432/migrate | it holds a password",
        "postgresql://dokku@db:0/migrate | its port must be between 1 and 65535",
        "postgresql://dokku@db:70000/migrate | its port must be between 1 and 65535",
        "postgresql://dokku@db:5432 | it names no database",
        "postgresql://dokku@db:5432/ | it names no database",
        "postgresql://dokku@db:5432/a/b | its path must be one database name",
        "postgresql://dokku@db:5432/migrate#x | it has a #fragment",
        "postgresql://dokku@db:5432/migrate?sslmode=sometimes | its sslmode must be one of allow, disable, prefer, require, verify-ca, verify-full",
        "postgresql://dokku@db:5432/migrate?connect_timeout=5 | it has a query parameter other than sslmode",
        "postgresql://dokku@db:5432/migrate? | it has a query parameter other than sslmode",
        "postgresql://dokku@db:5432/mi grate | it holds a space or a control character",
        "postgresql://dokku@db:5432/mi%grate | it is not a URL (Malformed escape pair)",
        "garbage | its scheme must be postgresql://",
    })
    void otherValuesAreRefusedWithWhatIsWrong(String text, String expected) {
        String problem = LedgerUrl.problem(text).orElseThrow();

        assertTrue(problem.startsWith(expected), problem);
        assertEquals(Optional.empty(), LedgerUrl.parse(text));
    }

    @Test
    void aValueLongerThanTheLimitIsRefusedWithoutParsing() {
        String text = "postgresql://dokku@db:5432/" + "x".repeat(LedgerUrl.MAX_LENGTH);

        assertEquals(Optional.of("it is longer than 1024 characters"), LedgerUrl.problem(text));
    }
}
