package dokkumigrate.adapters.dokku;

import dokkumigrate.platform.Setting;
import dokkumigrate.platform.SettingsStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Dokku's property store: one file per property at {@code $DOKKU_LIB_ROOT/config/PLUGIN/APP/KEY},
 * with {@code --global} as the app of global values.
 */
public final class PropertyFileStore implements SettingsStore {
    private static final String PLUGIN = "migrate";
    private static final String GLOBAL = "--global";

    private final Path configRoot;

    public PropertyFileStore(Path configRoot) {
        this.configRoot = configRoot;
    }

    /** Reads any plugin's property; an empty file counts as unset. */
    public Optional<String> read(String plugin, Optional<String> app, String key) {
        Path file = configRoot.resolve(plugin).resolve(app.orElse(GLOBAL)).resolve(key);
        try {
            String value = Files.readString(file, StandardCharsets.UTF_8).strip();
            return value.isEmpty() ? Optional.empty() : Optional.of(value);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read property " + plugin + " " + key + " at " + file, e);
        }
    }

    @Override
    public Optional<String> stored(Optional<String> app, Setting setting) {
        return read(PLUGIN, app, setting.key());
    }

    @Override
    public void store(Optional<String> app, Setting setting, String value) {
        Path directory = configRoot.resolve(PLUGIN).resolve(app.orElse(GLOBAL));
        Path file = directory.resolve(setting.key());
        try {
            if (value.isEmpty()) {
                Files.deleteIfExists(file);
                return;
            }
            Files.createDirectories(directory);
            Path temporary = Files.createTempFile(directory, "." + setting.key(), ".tmp");
            try {
                // the value alone, as Dokku's PropertyWrite stores it (its PropertyGet does not strip)
                Files.writeString(temporary, value, StandardCharsets.UTF_8);
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write property " + setting.key() + " at " + file, e);
        }
    }

    @Override
    public void deleteApp(String app) {
        deleteTree(configRoot.resolve(PLUGIN).resolve(app));
    }

    @Override
    public void copyApp(String fromApp, String toApp) {
        Path from = configRoot.resolve(PLUGIN).resolve(fromApp);
        if (!Files.isDirectory(from)) {
            return;
        }
        Path to = configRoot.resolve(PLUGIN).resolve(toApp);
        try (Stream<Path> files = Files.list(from)) {
            Files.createDirectories(to);
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the properties of " + fromApp + " to " + toApp, e);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> paths = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path path : paths) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + root, e);
        }
    }
}
