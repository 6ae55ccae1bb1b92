package dokkumigrate.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SettingTest {

    @ParameterizedTest
    @ValueSource(strings = {"true", "false"})
    void enabledAcceptsTrueAndFalse(String value) {
        assertTrue(Setting.ENABLED.accepts(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "TRUE", "False", "yes", "no", "1", "0", "on", " true", "true\n"})
    void enabledRefusesAnythingElse(String value) {
        assertFalse(Setting.ENABLED.accepts(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "600", "3600", "86400", "2147483647", "0000000060"})
    void timeoutAcceptsWholeSecondsFromOne(String value) {
        assertTrue(Setting.TIMEOUT.accepts(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "-1", "1.5", "10m", "1e3", " 60", "60 ", "2147483648", "99999999999", "+60", "sixty"})
    void timeoutRefusesZeroNegativesFractionsUnitsAndOverflow(String value) {
        assertFalse(Setting.TIMEOUT.accepts(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "main-db", "db.primary", "shared_pg", "0db", "a123456789012345678901234567890123456789012345678901234567890bc"})
    void lockGroupAcceptsLowercaseNamesUpTo63Characters(String value) {
        assertTrue(Setting.LOCK_GROUP.accepts(value), value.length() + " characters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Main", "-db", ".db", "_db", "a b", "a/b", "../x", "db;rm", "é",
            "a1234567890123456789012345678901234567890123456789012345678901bc"})
    void lockGroupRefusesOtherNames(String value) {
        assertFalse(Setting.LOCK_GROUP.accepts(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"warn", "fail", "ignore"})
    void scaledMigrationsAcceptsItsThreeModes(String value) {
        assertTrue(Setting.SCALED_MIGRATIONS.accepts(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "WARN", "error", "off", "warn "})
    void scaledMigrationsRefusesOtherModes(String value) {
        assertFalse(Setting.SCALED_MIGRATIONS.accepts(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "4096", "1048576", "67108864"})
    void outputLimitAcceptsBytesUpTo64MiB(String value) {
        assertTrue(Setting.OUTPUT_LIMIT.accepts(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "-5", "1MB", "67108865", "2147483647", "1.0"})
    void outputLimitRefusesWhatCannotBeHeldInMemory(String value) {
        assertFalse(Setting.OUTPUT_LIMIT.accepts(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "50", "1000", "2147483647"})
    void keepRunsAcceptsPositiveCounts(String value) {
        assertTrue(Setting.KEEP_RUNS.accepts(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "-1", "all", "2147483648"})
    void keepRunsRefusesOtherValues(String value) {
        assertFalse(Setting.KEEP_RUNS.accepts(value));
    }

    @Test
    void everyDefaultIsValidExceptTheUnsetLockGroupNotifyUrlAndLedgerUrl() {
        for (Setting setting : Setting.values()) {
            if (setting == Setting.LOCK_GROUP || setting == Setting.NOTIFY_URL || setting == Setting.LEDGER_URL) {
                assertEquals("", setting.defaultValue());
            } else {
                assertTrue(setting.accepts(setting.defaultValue()), setting.key());
            }
            assertFalse(setting.description().isBlank(), setting.key());
        }
    }

    @Test
    void settingsAreFoundByTheirKey() {
        assertEquals(Optional.of(Setting.LOCK_GROUP), Setting.byKey("lock-group"));
        assertEquals(Optional.of(Setting.SCALED_MIGRATIONS), Setting.byKey("scaled-migrations"));
        assertEquals(Optional.empty(), Setting.byKey("LOCK_GROUP"));
        assertEquals(Optional.empty(), Setting.byKey("lock_group"));
        assertEquals(Optional.empty(), Setting.byKey(""));
    }

    @Test
    void validKeysListsEveryKeyInOrder() {
        assertEquals("enabled, timeout, lock-group, lock-by, scaled-migrations, output-limit, keep-runs, notify-url, "
                + "notify-on, notify-lines, ledger-url", Setting.validKeys());
    }
}
