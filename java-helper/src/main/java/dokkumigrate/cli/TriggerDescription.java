package dokkumigrate.cli;

import dokkumigrate.adapters.dokku.DokkuEnvironment;

/** What started a release, as the ledger records it. */
final class TriggerDescription {
    private TriggerDescription() {
    }

    static String of(DokkuEnvironment environment) {
        StringBuilder text = new StringBuilder();
        environment.buildSource().ifPresent(source -> text.append("source=").append(source));
        environment.buildId().ifPresent(id -> text.append(text.isEmpty() ? "" : " ").append("build=").append(id));
        return text.toString();
    }
}
