package dokkumigrate.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.adapters.dokku.PropertyFileStore;
import dokkumigrate.platform.InvalidSetting;
import dokkumigrate.platform.Setting;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The lock an app's tasks run under: its group's, its database's, or its own. */
class LockChoiceTest {
    private static final List<String> DEFAULT = List.of("DATABASE_URL");
    private static final String SHOP_DB = "postgres://shop:s3cr3t@dokku-postgres-shop:5432/shop";

    @TempDir
    Path dir;

    private static LockChoice choose(String app, String url) {
        return LockChoice.of(app, "", DEFAULT, Map.of("DATABASE_URL", url));
    }

    @Test
    void twoAppsWithOneDatabaseButDifferentCredentialsShareALock() {
        LockChoice web = choose("web", SHOP_DB);
        LockChoice worker = choose("worker", "postgresql://reporting:other%40pass@DOKKU-POSTGRES-SHOP/shop?sslmode=disable");

        assertEquals(LockChoice.Basis.DATABASE, web.basis());
        assertEquals(web.key(), worker.key());
        assertTrue(web.key().matches("db\\.[0-9a-f]{16}"), web.key());
    }

    @Test
    void aPasswordHoldingAtSlashOrQuestionMarkDoesNotChangeTheDatabase() {
        assertEquals(choose("a", SHOP_DB).key(), choose("b", "postgres://shop:p@ss/w?rd@dokku-postgres-shop:5432/shop").key());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "postgres://shop:s3cr3t@dokku-postgres-shop:5432/shop_test",
            "postgres://shop:s3cr3t@dokku-postgres-other:5432/shop",
            "postgres://shop:s3cr3t@dokku-postgres-shop:5433/shop",
            "mysql://shop:s3cr3t@dokku-postgres-shop/shop"})
    void anotherDatabaseHostPortOrNameIsAnotherLock(String other) {
        assertNotEquals(choose("web", SHOP_DB).key(), choose("api", other).key());
    }

    @Test
    void aLockGroupWinsOverTheDatabase() {
        LockChoice choice = LockChoice.of("web", "main-db", DEFAULT, Map.of("DATABASE_URL", SHOP_DB));

        assertEquals(new LockChoice("group.main-db", LockChoice.Basis.GROUP, "lock-group main-db", Optional.empty()), choice);
    }

    @Test
    void lockByNoneKeepsTheAppsOwnLock() {
        LockChoice choice = LockChoice.of("web", "", List.of("none"), Map.of("DATABASE_URL", SHOP_DB));

        assertEquals("app.web", choice.key());
        assertEquals(LockChoice.Basis.APP, choice.basis());
        assertTrue(choice.notice().isEmpty());
    }

    @Test
    void lockByNamesTheKeysInOrderAndTheFirstSetOneCounts() {
        Map<String, String> config = Map.of("DATABASE_URL", "postgres://u:p@cache-db:5432/cache",
                "PRIMARY_DB", SHOP_DB);

        LockChoice choice = LockChoice.of("web", "", List.of("MISSING_URL", "PRIMARY_DB", "DATABASE_URL"), config);

        assertEquals(choose("other", SHOP_DB).key(), choice.key());
        assertEquals("database in PRIMARY_DB (" + choice.key() + ")", choice.reason());
    }

    @Test
    void anAppWithoutADatabaseUrlKeepsItsOwnLockWithoutANotice() {
        LockChoice choice = LockChoice.of("web", "", DEFAULT, Map.of("RAILS_ENV", "production"));

        assertEquals("app.web", choice.key());
        assertEquals("no lock-group, and no database in DATABASE_URL", choice.reason());
        assertTrue(choice.notice().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"not a url s3cr3t", "postgres:/shop-db/s3cr3t", "postgres://sh op:s3cr3t@/", "://s3cr3t@host/db"})
    void anUnreadableUrlFallsBackToTheAppsLockWithANoticeThatLeavesTheValueOut(String url) {
        LockChoice choice = choose("web", url);

        assertEquals("app.web", choice.key());
        assertTrue(choice.notice().orElseThrow().contains("The DATABASE_URL of web is not a URL"), choice.notice().get());
        assertFalse(choice.notice().get().contains("s3cr3t"), choice.notice().get());
        assertFalse(choice.reason().contains("s3cr3t"), choice.reason());
    }

    @Test
    void theKeyReasonAndNoticeNeverHoldTheAddressOrTheCredentials() {
        LockChoice choice = choose("web", SHOP_DB);
        for (String text : List.of(choice.key(), choice.reason(), choice.notice().orElse(""))) {
            for (String secret : List.of("dokku-postgres-shop", "s3cr3t", "5432", "/shop")) {
                assertFalse(text.contains(secret), text + " holds " + secret);
            }
        }
    }

    @Test
    void theDefaultPortOfTheSchemeIsTheSameDatabaseAsNoPort() {
        assertEquals(choose("a", "postgres://u@db/shop").key(), choose("b", "postgresql://v@db:5432/shop").key());
        assertEquals(choose("a", "mysql2://u@db/shop").key(), choose("b", "mysql://v@db:3306/shop").key());
    }

    @Test
    void theStoreReadsLockByAndAsksForTheConfigOnlyWhenTheLockDependsOnIt() {
        PropertyFileStore store = new PropertyFileStore(dir);
        AtomicInteger asked = new AtomicInteger();
        Map<String, String> config = Map.of("DATABASE_URL", SHOP_DB, "OTHER_URL", "postgres://u@other/x");

        assertEquals(choose("x", SHOP_DB).key(), store.lockChoice("web", () -> { asked.incrementAndGet(); return config; }).key());
        store.store(Optional.empty(), Setting.LOCK_BY, "OTHER_URL");
        assertEquals(choose("x", "postgres://u@other/x").key(), store.lockChoice("web", () -> config).key());
        store.store(Optional.of("web"), Setting.LOCK_BY, "none");
        assertEquals("app.web", store.lockChoice("web", () -> { asked.incrementAndGet(); return config; }).key());
        store.store(Optional.of("web"), Setting.LOCK_BY, "");
        store.store(Optional.of("web"), Setting.LOCK_GROUP, "main-db");
        assertEquals("group.main-db", store.lockChoice("web", () -> { asked.incrementAndGet(); return config; }).key());
        assertEquals(1, asked.get(), "config asked only while the lock depended on it");
    }

    @Test
    void lockByTakesNoneOrConfigKeysOnly() {
        assertTrue(Setting.LOCK_BY.accepts("none"));
        assertTrue(Setting.LOCK_BY.accepts("DATABASE_URL,REPLICA_DATABASE_URL"));
        for (String bad : List.of("", "DATABASE_URL,", "postgres://x", "A B", "none,DATABASE_URL")) {
            assertFalse(Setting.LOCK_BY.accepts(bad), bad);
        }
        PropertyFileStore store = new PropertyFileStore(dir);
        store.store(Optional.of("web"), Setting.LOCK_BY, "not valid!");
        InvalidSetting invalid = assertThrows(InvalidSetting.class, () -> store.lockChoice("web", Map::of));
        assertTrue(invalid.getMessage().contains("lock-by"), invalid.getMessage());
    }
}
