package dokkumigrate.deploy;

/**
 * An operator's request that cannot be done as asked (no such run, no deployed image, a lock
 * held by a live process...). The message says why and what to do instead; the CLI prints it in
 * Dokku's error style and exits non-zero, having changed nothing.
 */
public final class Refused extends RuntimeException {
    public Refused(String message) {
        super(message);
    }
}
