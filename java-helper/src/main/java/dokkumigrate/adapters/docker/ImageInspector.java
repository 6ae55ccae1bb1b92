package dokkumigrate.adapters.docker;

import dokkumigrate.adapters.process.ProcessRunner;
import dokkumigrate.run.ImageConfig;
import dokkumigrate.scan.BootImage;
import dokkumigrate.scan.BootImageSource;
import dokkumigrate.scan.BootScriptCandidates;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads an image without starting it: its config with one {@code docker image inspect}, and
 * script files through a container that is created, never started, and always removed
 * ({@code docker container create}, {@code docker cp CONTAINER:PATH -}, {@code docker container rm}),
 * each over the engine's API or through the docker client ({@link DockerAccess}).
 */
public final class ImageInspector implements BootImageSource {

    /** Scripts larger than this are not read. */
    public static final long DEFAULT_MAX_SCRIPT_BYTES = 256 * 1024;
    /** The label on the containers this class creates, so a crash's leftovers can be found. */
    public static final String SCAN_LABEL = "com.dokku.migrate.image-scan";

    private static final String NEVER_STARTED = "/dokku-migrate-image-scan-never-started";
    private static final int BINARY_PROBE_BYTES = 8000;
    /** How many {@code docker cp} run at once. */
    private static final int PARALLEL_READS = 8;

    private final DockerEngine docker;
    private final long maxScriptBytes;
    private final ImageInspections inspections;
    private final BootScriptCandidates candidates = new BootScriptCandidates();

    public ImageInspector(ProcessRunner runner, String dockerBin) {
        this(runner, dockerBin, DEFAULT_MAX_SCRIPT_BYTES);
    }

    public ImageInspector(ProcessRunner runner, String dockerBin, long maxScriptBytes) {
        this(maxScriptBytes, ImageInspections.uncached(runner, dockerBin));
    }

    /**
     * @param inspections shared with the task runner of the same helper run, so the image is inspected
     *                    once; its connection to Docker is the one this inspector uses
     */
    public ImageInspector(ImageInspections inspections) {
        this(DEFAULT_MAX_SCRIPT_BYTES, inspections);
    }

    private ImageInspector(long maxScriptBytes, ImageInspections inspections) {
        this.inspections = Objects.requireNonNull(inspections, "inspections");
        this.docker = inspections.engine();
        this.maxScriptBytes = maxScriptBytes;
    }

    /** The image's configuration, from one {@code docker image inspect}. */
    public ImageConfig inspect(String image) {
        ProcessRunner.Result result = inspections.inspect(image);
        if (!result.ok()) {
            throw new ImageInspectionException("cannot inspect image " + image + ": " + result.stderr().strip());
        }
        try {
            return ImageInspections.parseConfig(result.stdout());
        } catch (IllegalArgumentException e) {
            throw new ImageInspectionException("unexpected output from docker image inspect " + image + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Reads the image's config and the scripts its processes may run at boot: the ENTRYPOINT's
     * and CMD's scripts, scripts named in the process commands, then the scripts those call (one
     * level). Binary and oversized files are skipped.
     */
    @Override
    public BootImage read(String image, Collection<String> processCommands) {
        ImageConfig config = inspect(image);
        Map<String, String> scripts = new LinkedHashMap<>();
        Map<String, String> skipped = new LinkedHashMap<>();
        Set<String> tried = new HashSet<>();
        try (ImageFiles files = openFiles(image)) {
            readInto(files, candidates.initial(config, processCommands), tried, scripts, skipped);
            List<String> called = new ArrayList<>();
            for (Map.Entry<String, String> script : new ArrayList<>(scripts.entrySet())) {
                called.addAll(candidates.calledBy(script.getKey(), script.getValue(), config));
            }
            readInto(files, called, tried, scripts, skipped);
        }
        return new BootImage(config, scripts, skipped);
    }

    private static void readInto(ImageFiles files, List<String> paths, Set<String> tried, Map<String, String> scripts,
                                 Map<String, String> skipped) {
        List<String> fresh = paths.stream().filter(tried::add).toList();
        files.readAll(fresh).forEach((path, read) -> {
            if (read instanceof FileRead.Text text) {
                scripts.put(path, text.content());
            } else if (read instanceof FileRead.Skipped skip) {
                skipped.put(path, skip.reason());
            }
        });
    }

    /** Files of an image, read through a stopped container created on first use; close removes it. */
    public ImageFiles openFiles(String image) {
        return new ImageFiles(image);
    }

    /** The outcome of reading one file from an image. */
    public sealed interface FileRead {
        record Text(String content) implements FileRead {
        }

        record Missing() implements FileRead {
        }

        /** The file exists but is not a script to read. */
        record Skipped(String reason) implements FileRead {
        }
    }

    public final class ImageFiles implements AutoCloseable {
        private final String image;
        private String containerId;

        private ImageFiles(String image) {
            this.image = image;
        }

        /**
         * Reads files by absolute path, a few at a time (each read is one {@code docker cp});
         * the result keeps the order of {@code paths}.
         */
        public Map<String, FileRead> readAll(List<String> paths) {
            Map<String, FileRead> reads = new LinkedHashMap<>();
            if (paths.isEmpty()) {
                return reads;
            }
            container();
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL_READS, paths.size()));
            try {
                List<Future<FileRead>> pending = new ArrayList<>();
                for (String path : paths) {
                    pending.add(pool.submit(() -> read(path)));
                }
                for (int i = 0; i < paths.size(); i++) {
                    reads.put(paths.get(i), result(pending.get(i)));
                }
                return reads;
            } finally {
                pool.shutdownNow();
            }
        }

        private FileRead result(Future<FileRead> pending) {
            try {
                return pending.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ImageInspectionException("interrupted while reading from image " + image, e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException failure) {
                    throw failure;
                }
                throw new ImageInspectionException("reading from image " + image + " failed", e.getCause());
            }
        }

        /** Reads a file by absolute path; a symlink is followed. */
        public FileRead read(String absolutePath) {
            if (!absolutePath.startsWith("/")) {
                throw new IllegalArgumentException("an image path must be absolute: " + absolutePath);
            }
            String container = container();
            Process process = docker.copyFrom(container, absolutePath);
            ByteArrayOutputStream stderr = new ByteArrayOutputStream();
            Thread stderrPump = ProcessRunner.pump(process.getErrorStream(), stderr, "docker-cp-stderr");
            TarEntryReader.Entry entry;
            try (InputStream tar = process.getInputStream()) {
                entry = TarEntryReader.firstEntry(tar, maxScriptBytes);
                if (!(entry instanceof TarEntryReader.Empty)) {
                    process.destroy(); // what is left of the stream is padding, or a file not worth reading
                }
            } catch (IOException e) {
                process.destroyForcibly();
                throw new UncheckedIOException("reading " + absolutePath + " from image " + image, e);
            }
            int exitCode = waitFor(process, stderrPump);
            if (entry instanceof TarEntryReader.File file) {
                return asText(file.content());
            }
            if (entry instanceof TarEntryReader.TooLarge) {
                return new FileRead.Skipped("larger than " + maxScriptBytes + " bytes");
            }
            if (entry instanceof TarEntryReader.NotAFile) {
                return new FileRead.Skipped("not a regular file");
            }
            return missingOrFailure(absolutePath, exitCode, stderr.toString(StandardCharsets.UTF_8).strip());
        }

        private FileRead missingOrFailure(String absolutePath, int exitCode, String errors) {
            if (exitCode != 0 && (errors.contains("No such container:path") || errors.contains("Could not find the file")
                    || errors.contains("not a directory"))) {
                return new FileRead.Missing();
            }
            throw new ImageInspectionException("docker cp " + absolutePath + " from image " + image + " failed (exit "
                    + exitCode + "): " + errors);
        }

        private FileRead asText(byte[] content) {
            int probe = Math.min(content.length, BINARY_PROBE_BYTES);
            for (int i = 0; i < probe; i++) {
                if (content[i] == 0) {
                    return new FileRead.Skipped("binary");
                }
            }
            return new FileRead.Text(new String(content, StandardCharsets.UTF_8));
        }

        private synchronized String container() {
            if (containerId == null) {
                ProcessRunner.Result created = docker.create(List.of("--entrypoint", NEVER_STARTED, "--network", "none",
                        "--label", SCAN_LABEL + "=true", image), Map.of());
                if (!created.ok()) {
                    throw new ImageInspectionException("cannot create a container of image " + image + " to read its "
                            + "scripts: " + created.stderr().strip());
                }
                containerId = created.stdoutTrimmed();
            }
            return containerId;
        }

        /** Removes the container, if one was created. */
        @Override
        public synchronized void close() {
            if (containerId == null) {
                return;
            }
            ProcessRunner.Result removed = docker.remove(List.of(containerId));
            if (!removed.ok()) {
                throw new ImageInspectionException("cannot remove scan container " + containerId + ": "
                        + removed.stderr().strip());
            }
            containerId = null;
        }
    }

    private static int waitFor(Process process, Thread stderrPump) {
        try {
            int exitCode = process.waitFor();
            stderrPump.join();
            return exitCode;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ImageInspectionException("interrupted while reading from an image", e);
        }
    }


    /** Docker could not be asked, or answered with an error. */
    public static final class ImageInspectionException extends RuntimeException {
        public ImageInspectionException(String message) {
            super(message);
        }

        public ImageInspectionException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
