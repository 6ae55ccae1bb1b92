package dokkumigrate.scan;

/** How bad a boot-time migration is at the app's current scale. */
public enum Severity {
    /** More than one instance runs it at once: it breaks now. */
    WARNING,
    /** One instance runs it and no deploy task migrates: it works today and breaks on the next {@code ps:scale}. */
    NOTICE
}
