package dokkumigrate.adapters.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.ledger.Deploy;
import dokkumigrate.ledger.DeployKey;
import dokkumigrate.ledger.TakenCopy;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.Plan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Procfile/app.json copies the ledger keeps for hand-back, in a real ledger file. */
class TakenCopiesTableTest {
    @TempDir
    Path dir;
    private SqliteLedger ledger;

    @BeforeEach
    void openLedger() {
        ledger = SqliteLedger.open(dir.resolve("ledger.db"), Duration.ofSeconds(5));
    }

    @AfterEach
    void closeLedger() {
        ledger.close();
    }

    private Deploy deploy(String app, long pid) {
        return ledger.recordPlan(app, new DeployKey(pid, "x"), Deploy.Origin.EXTRACTED, "", Plan.EMPTY);
    }

    private static Optional<byte[]> bytes(String text) {
        return Optional.of(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void copiesReadBackNewestFirstByteForByteWithAbsentFilesAsEmpty() {
        Deploy first = deploy("web", 1);
        Deploy second = deploy("web", 2);
        byte[] raw = {'r', 'e', 'l', 0, (byte) 0xff, '\r', '\n'};
        ledger.recordTakenCopies(first.id(), List.of(new TakenCopy(Phase.Source.PROCFILE, Optional.of(raw),
                Optional.empty())));
        ledger.recordTakenCopies(second.id(), List.of(new TakenCopy(Phase.Source.PROCFILE, bytes("a"), bytes("a")),
                new TakenCopy(Phase.Source.APP_JSON, Optional.empty(), Optional.empty())));
        ledger.markRolledOut(first.id(), Instant.now());

        List<TakenCopy.Recorded> procfiles = ledger.takenCopies("web", Phase.Source.PROCFILE, 10);

        assertEquals(List.of(second.id(), first.id()), procfiles.stream().map(TakenCopy.Recorded::deployId).toList());
        assertFalse(procfiles.get(0).rolledOut());
        assertTrue(procfiles.get(1).rolledOut());
        assertArrayEquals(raw, procfiles.get(1).copy().original().orElseThrow());
        assertTrue(procfiles.get(1).copy().stripped().isEmpty());
        assertTrue(procfiles.get(1).copy().changed());
        assertFalse(procfiles.get(0).copy().changed());
        TakenCopy appJson = ledger.takenCopies("web", Phase.Source.APP_JSON, 10).get(0).copy();
        assertTrue(appJson.original().isEmpty() && appJson.stripped().isEmpty());
        assertEquals(1, ledger.takenCopies("web", Phase.Source.PROCFILE, 1).size());
    }

    @Test
    void aCloneGetsTheCopiesAndDeletingAnAppRemovesThem() {
        Deploy deploy = deploy("web", 1);
        ledger.recordTakenCopies(deploy.id(), List.of(new TakenCopy(Phase.Source.PROCFILE, bytes("release: x\n"),
                Optional.empty())));

        ledger.cloneApp("web", "copy");
        ledger.deleteApp("web");

        assertEquals(List.of(), ledger.takenCopies("web", Phase.Source.PROCFILE, 10));
        List<TakenCopy.Recorded> cloned = ledger.takenCopies("copy", Phase.Source.PROCFILE, 10);
        assertEquals(1, cloned.size());
        assertArrayEquals("release: x\n".getBytes(StandardCharsets.UTF_8), cloned.get(0).copy().original().orElseThrow());
    }
}
