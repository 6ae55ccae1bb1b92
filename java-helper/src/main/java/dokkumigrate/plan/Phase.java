package dokkumigrate.plan;

import java.util.Locale;

/** A deployment task phase, in the order a deploy runs them. */
public enum Phase {
    /** app.json {@code scripts.dokku.predeploy}: its file-system changes are committed into the image. */
    PREDEPLOY("predeploy", Source.APP_JSON),
    /** Procfile {@code release}: runs in an ephemeral container. */
    RELEASE("release", Source.PROCFILE);

    private final String label;
    private final Source source;

    Phase(String label, Source source) {
        this.label = label;
        this.source = source;
    }

    public String label() {
        return label;
    }

    /** Where Dokku reads this phase's command from. */
    public Source source() {
        return source;
    }

    public static Phase parse(String text) {
        for (Phase phase : values()) {
            if (phase.label.equals(text.toLowerCase(Locale.ROOT))) {
                return phase;
            }
        }
        throw new IllegalArgumentException("unknown phase '" + text + "' (valid: predeploy, release)");
    }

    /** Where a deployment task is declared. */
    public enum Source {
        PROCFILE("Procfile"),
        APP_JSON("app.json");

        private final String label;

        Source(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }
}
