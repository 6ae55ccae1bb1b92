package dokkumigrate.adapters.dokku;

import dokkumigrate.platform.DeployCopies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/** The per-deploy copies in Dokku's data directories, named after DOKKU_PID. */
public final class DataDirDeployCopies implements DeployCopies {
    private final Path dataRoot;
    private final long dokkuPid;

    public DataDirDeployCopies(Path libRoot, long dokkuPid) {
        this.dataRoot = libRoot.resolve("data");
        this.dokkuPid = dokkuPid;
    }

    @Override
    public Optional<String> readProcfile(String app) {
        return read(procfile(app));
    }

    @Override
    public Optional<String> readAppJson(String app) {
        return read(appJson(app));
    }

    @Override
    public void writeProcfile(String app, String text) {
        replace(procfile(app), text);
    }

    @Override
    public void markProcfileMissing(String app) {
        Path copy = procfile(app);
        Path marker = copy.resolveSibling(copy.getFileName() + ".missing");
        try {
            if (!Files.exists(marker)) {
                Files.createFile(marker);
            }
            Files.deleteIfExists(copy);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot mark " + copy + " as missing", e);
        }
    }

    @Override
    public void writeAppJson(String app, String text) {
        replace(appJson(app), text);
    }

    @Override
    public String procfilePath(String app) {
        return procfile(app).toString();
    }

    @Override
    public String appJsonPath(String app) {
        return appJson(app).toString();
    }

    private Path procfile(String app) {
        return dataRoot.resolve("ps").resolve(app).resolve("Procfile." + dokkuPid);
    }

    private Path appJson(String app) {
        return dataRoot.resolve("app-json").resolve(app).resolve("app.json." + dokkuPid);
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IllegalArgumentException(file + " is not valid UTF-8 text", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Writes beside the file and renames over it, keeping its permissions: never a half-written copy. */
    private static void replace(Path file, String text) {
        try {
            Path temporary = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
            try {
                Files.writeString(temporary, text, StandardCharsets.UTF_8);
                try {
                    Files.setPosixFilePermissions(temporary, Files.getPosixFilePermissions(file));
                } catch (NoSuchFileException absent) {
                    Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
                }
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + file, e);
        }
    }
}
