package dokkumigrate.deploy;

import dokkumigrate.ledger.TakenCopy;
import dokkumigrate.plan.Phase;
import dokkumigrate.plan.PlanExtractor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** The Procfile and app.json as the plugin found them and as an extraction leaves them. */
final class TakenCopies {
    private TakenCopies() {
    }

    static List<TakenCopy> of(Optional<String> procfile, Optional<String> appJson, PlanExtractor.Extraction extraction) {
        Optional<String> procfileLeft = switch (extraction.procfileChange()) {
            case UNCHANGED -> procfile;
            case REWRITTEN -> extraction.procfile();
            case NOW_EMPTY -> Optional.empty();
        };
        Optional<String> appJsonLeft = extraction.appJsonChanged() ? extraction.appJson() : appJson;
        return List.of(
                new TakenCopy(Phase.Source.PROCFILE, bytes(procfile), bytes(procfileLeft)),
                new TakenCopy(Phase.Source.APP_JSON, bytes(appJson), bytes(appJsonLeft)));
    }

    /** The copies of a deploy whose tasks were left to Dokku after all: nothing was taken out. */
    static List<TakenCopy> untouched(Optional<String> procfile, Optional<String> appJson) {
        return List.of(
                new TakenCopy(Phase.Source.PROCFILE, bytes(procfile), bytes(procfile)),
                new TakenCopy(Phase.Source.APP_JSON, bytes(appJson), bytes(appJson)));
    }

    static Optional<byte[]> bytes(Optional<String> text) {
        return text.map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    static Optional<String> text(Optional<byte[]> bytes) {
        return bytes.map(b -> new String(b, StandardCharsets.UTF_8));
    }

    /** The phase whose task lives in {@code file}. */
    static Phase phaseIn(Phase.Source file) {
        return file == Phase.Source.PROCFILE ? Phase.RELEASE : Phase.PREDEPLOY;
    }
}
