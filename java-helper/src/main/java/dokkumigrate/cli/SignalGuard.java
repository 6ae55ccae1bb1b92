package dokkumigrate.cli;

import dokkumigrate.deploy.ReleaseTrigger;

/**
 * While a task runs, SIGTERM, SIGINT and SIGHUP (an ssh disconnect during {@code git push}) stop
 * its container and record the run as interrupted before the JVM exits; then its end is told
 * (webhook notice within its bounds, post-migrate-task trigger).
 */
final class SignalGuard implements ReleaseTrigger.InterruptGuard {
    private final Thread hook;

    private SignalGuard(Thread hook) {
        this.hook = hook;
    }

    static SignalGuard install(Services services) {
        Thread hook = new Thread(() -> {
            long interrupted = services.inFlight().interrupt(services.ledger(),
                    "stopped by a signal to the helper (deploy interrupted or cancelled)",
                    services.processIdentity().clock().instant());
            if (interrupted != 0) {
                services.taskEnded().ended(interrupted);
            }
        }, "migrate-signal-guard");
        Runtime.getRuntime().addShutdownHook(hook);
        return new SignalGuard(hook);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already exiting and the hook is running: let it finish
        }
    }
}
