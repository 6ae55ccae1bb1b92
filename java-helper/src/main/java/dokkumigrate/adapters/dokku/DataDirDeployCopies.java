package dokkumigrate.adapters.dokku;

import dokkumigrate.platform.DeployCopies;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

/**
 * The per-deploy copies in Dokku's data directories, named after DOKKU_PID, and the plugin's mark
 * that it took a deploy's tasks over: {@code data/migrate/takeovers/APP/DOKKU_PID}, which the
 * trigger files test before they start the helper (internal-functions, fn-migrate-left-to-dokku).
 * The same directory holds the {@code DOKKU_PID.released} mark the post-release-builder file
 * writes for pre-deploy (fn-migrate-mark-released); a new take-over removes it with the other
 * marks, which only makes a later pre-deploy start the helper.
 */
public final class DataDirDeployCopies implements DeployCopies {
    private final Path dataRoot;
    private final long dokkuPid;

    public DataDirDeployCopies(Path libRoot, long dokkuPid) {
        this.dataRoot = libRoot.resolve("data");
        this.dokkuPid = dokkuPid;
    }

    /** Where the mark of an app's deploy is. */
    public Path takeoverMark(String app) {
        return dataRoot.resolve("migrate").resolve("takeovers").resolve(app).resolve(Long.toString(dokkuPid));
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
        Path copy = procfile(app);
        replace(copy, text);
        try {
            Files.deleteIfExists(copy.resolveSibling(copy.getFileName() + ".missing"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the .missing marker of " + copy, e);
        }
    }

    @Override
    public void markTakenOver(String app) {
        Path mark = takeoverMark(app);
        try {
            Files.createDirectories(mark.getParent(), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwxr-x---")));
            try (var older = Files.list(mark.getParent())) {
                for (Path other : (Iterable<Path>) older::iterator) {
                    if (!other.equals(mark)) {
                        Files.deleteIfExists(other);
                    }
                }
            }
            if (!Files.exists(mark)) {
                Files.createFile(mark, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + mark, e);
        }
    }

    @Override
    public void forgetTakeovers(String app) {
        Path directory = takeoverMark(app).getParent();
        try {
            if (Files.isDirectory(directory)) {
                try (var marks = Files.list(directory)) {
                    for (Path mark : (Iterable<Path>) marks::iterator) {
                        Files.deleteIfExists(mark);
                    }
                }
                Files.deleteIfExists(directory);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + directory, e);
        }
    }

    @Override
    public boolean isTakenOver(String app) {
        return Files.exists(takeoverMark(app));
    }

    @Override
    public void clearTakenOver(String app) {
        Path mark = takeoverMark(app);
        try {
            Files.deleteIfExists(mark);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + mark, e);
        }
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
        Optional<byte[]> content = DataFiles.read(file);
        if (content.isEmpty()) {
            return Optional.empty();
        }
        byte[] bytes = content.get();
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int offset = in.position();
            int line = 1;
            for (int i = 0; i < offset; i++) {
                line += bytes[i] == '\n' ? 1 : 0;
            }
            throw new IllegalArgumentException(String.format("%s line %d: not valid UTF-8 text (byte 0x%02x at offset %d); "
                    + "Dokku reads Procfile and app.json as UTF-8", file, line, bytes[offset] & 0xff, offset));
        }
        decoder.flush(out);
        return Optional.of(out.flip().toString());
    }

    private static void replace(Path file, String text) {
        DataFiles.replace(file, text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean present(String app) {
        for (Path copy : List.of(procfile(app), appJson(app))) {
            if (Files.exists(copy) || Files.exists(copy.resolveSibling(copy.getFileName() + ".missing"))) {
                return true;
            }
        }
        return false;
    }
}
