package dokkumigrate.applied;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AppliedMigrationRecorderTest {
    private static final AppliedMigration USERS = new AppliedMigration("rails", "20240101000000", "AddUsers");
    private static final AppliedMigration POSTS = new AppliedMigration("rails", "20240102000000", "AddPosts");

    @Test
    void eachMigrationIsRecordedAsSoonAsItIsSeen() {
        List<List<AppliedMigration>> writes = new ArrayList<>();
        AppliedMigrationRecorder recorder = new AppliedMigrationRecorder(writes::add);

        recorder.accept(USERS);
        assertEquals(List.of(List.of(USERS)), writes);
        recorder.accept(POSTS);

        assertEquals(List.of(List.of(USERS), List.of(POSTS)), writes);
        assertEquals(2, recorder.recorded());
        assertTrue(recorder.flush().isEmpty());
    }

    @Test
    void aWriteTheLedgerRefusedIsTriedAgainWithTheNextOneAndAtTheEnd() {
        List<AppliedMigration> stored = new ArrayList<>();
        int[] refusals = {3};
        AppliedMigrationRecorder recorder = new AppliedMigrationRecorder(batch -> {
            if (refusals[0]-- > 0) {
                throw new IllegalStateException("database is locked");
            }
            stored.addAll(batch);
        });

        recorder.accept(USERS);
        recorder.accept(POSTS);
        assertEquals(List.of(), stored);
        assertEquals("database is locked", recorder.flush().map(Throwable::getMessage).orElse("none"),
                "a flush the ledger refuses says why");
        assertEquals(List.of(), stored);
        assertTrue(recorder.flush().isEmpty());
        assertEquals(List.of(USERS, POSTS), stored);
        assertEquals(2, recorder.recorded());
    }
}
