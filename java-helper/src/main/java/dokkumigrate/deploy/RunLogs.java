package dokkumigrate.deploy;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The whole output of every run, one file per run at {@code logs/APP/RUN.log} (mode 0640, in
 * directories of mode 0750). The ledger keeps only a tail; these keep everything.
 */
public final class RunLogs {
    private final Path root;

    public RunLogs(Path root) {
        this.root = root;
    }

    /** The path the ledger records for a run (relative to the app's log directory). */
    public static String fileName(long runId) {
        return runId + ".log";
    }

    public Path file(String app, String fileName) {
        return root.resolve(app).resolve(fileName);
    }

    public OutputStream create(String app, String fileName) {
        Path directory = root.resolve(app);
        try {
            createPrivateDirectory(root);
            createPrivateDirectory(directory);
            Path file = directory.resolve(fileName);
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
            return Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the log file of " + app + " in " + directory, e);
        }
    }

    public void delete(String app, List<String> fileNames) {
        for (String name : fileNames) {
            try {
                Files.deleteIfExists(file(app, name));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove log " + name + " of " + app, e);
            }
        }
    }

    public void deleteApp(String app) {
        Path directory = root.resolve(app);
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the logs of " + app, e);
        }
    }

    public void renameApp(String oldApp, String newApp) {
        Path from = root.resolve(oldApp);
        if (!Files.exists(from)) {
            return;
        }
        try {
            Files.move(from, root.resolve(newApp), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move the logs of " + oldApp + " to " + newApp, e);
        }
    }

    public void copyApp(String fromApp, String toApp) {
        Path from = root.resolve(fromApp);
        if (!Files.exists(from)) {
            return;
        }
        Path to = root.resolve(toApp);
        try (Stream<Path> files = Files.list(from)) {
            createPrivateDirectory(to);
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.COPY_ATTRIBUTES);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the logs of " + fromApp + " to " + toApp, e);
        }
    }

    private static void createPrivateDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory);
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-x---"));
        }
    }
}
