package dokkumigrate.deploy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Work started on a thread of its own, so that slow calls to Dokku and Docker that do not depend
 * on each other overlap. A failure is rethrown where the result is awaited, as the exception the
 * work threw.
 */
public final class Background {
    private Background() {
    }

    /** Starts {@code work} on a daemon thread named after {@code what}. */
    public static <T> CompletableFuture<T> start(String what, Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(work.get());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "dokku-migrate: " + what);
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    /** Waits for the result; the work's own exception when it failed. */
    public static <T> T await(CompletableFuture<T> result) {
        try {
            return result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error cause) {
                throw cause;
            }
            throw e;
        }
    }
}
