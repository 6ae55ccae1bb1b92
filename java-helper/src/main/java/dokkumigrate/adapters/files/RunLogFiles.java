package dokkumigrate.adapters.files;

import dokkumigrate.deploy.RunLogs;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Run logs as files, one per run at {@code logs/APP/NAME} (mode 0640, in directories of mode 0750).
 * A name that is not a plain file name (empty, {@code .}, {@code ..}, or with a {@code /}) names no
 * log that can be read.
 */
public final class RunLogFiles implements RunLogs {
    private static final int CHUNK = 64 * 1024;

    private final Path root;

    public RunLogFiles(Path root) {
        this.root = root;
    }

    @Override
    public OutputStream create(String app, String name) {
        Path directory = root.resolve(app);
        try {
            createPrivateDirectory(root);
            createPrivateDirectory(directory);
            Path file = directory.resolve(name);
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
            return Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the log file of " + app + " in " + directory, e);
        }
    }

    @Override
    public boolean exists(String app, String name) {
        return readable(app, name).filter(Files::isRegularFile).isPresent();
    }

    @Override
    public boolean copyTo(String app, String name, OptionalLong tailLines, Sink sink) {
        Optional<Path> readable = readable(app, name);
        if (readable.isEmpty()) {
            return false;
        }
        Path file = readable.get();
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long start = tailLines.isPresent() ? startOfLastLines(in, tailLines.getAsLong()) : 0;
            in.seek(start);
            byte[] buffer = new byte[CHUNK];
            int read;
            while ((read = in.read(buffer)) > 0) {
                sink.write(buffer, 0, read);
            }
            return true;
        } catch (FileNotFoundException | NoSuchFileException e) {
            if (!Files.exists(file)) {
                return false;
            }
            throw new UncheckedIOException("cannot read the log file " + file, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the log file " + file, e);
        }
    }

    @Override
    public String location(String app, String name) {
        return root.resolve(app).resolve(name).toString();
    }

    @Override
    public void delete(String app, List<String> names) {
        for (String name : names) {
            try {
                Files.deleteIfExists(root.resolve(app).resolve(name));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove log " + name + " of " + app, e);
            }
        }
    }

    @Override
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

    @Override
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

    @Override
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

    /** The file of a log whose name is a plain file name, so that no name reads outside the app's logs. */
    private Optional<Path> readable(String app, String name) {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            return Optional.empty();
        }
        return Optional.of(root.resolve(app).resolve(name));
    }

    /** Where the last {@code lines} lines of the file start, reading it backwards a chunk at a time. */
    private static long startOfLastLines(RandomAccessFile in, long lines) throws IOException {
        long length = in.length();
        if (length == 0) {
            return 0;
        }
        long end = length;
        in.seek(length - 1);
        if (in.read() == '\n') {
            end--;
        }
        byte[] buffer = new byte[CHUNK];
        long seen = 0;
        long position = end;
        while (position > 0) {
            int size = (int) Math.min(buffer.length, position);
            position -= size;
            in.seek(position);
            in.readFully(buffer, 0, size);
            for (int i = size - 1; i >= 0; i--) {
                if (buffer[i] == '\n' && ++seen == lines) {
                    return position + i + 1;
                }
            }
        }
        return 0;
    }

    private static void createPrivateDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory);
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-x---"));
        }
    }
}
