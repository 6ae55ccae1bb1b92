package dokkumigrate.testsupport;

import dokkumigrate.adapters.process.ProcessRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Docker images for tests, built locally (there is no registry): a busybox image with the tools
 * a task needs ({@code sh}, {@code /bin/bash}, coreutils...), and images built from it.
 *
 * <p>Builds are idempotent: an image is reused when its tag exists and carries the hash of the
 * Dockerfile that built it, and rebuilt otherwise.
 */
public final class TestImages {

    /** The docker client tests use: DOCKER_BIN when set, as in Dokku, else {@code docker}. */
    public static final String DOCKER = System.getenv().getOrDefault("DOCKER_BIN", "docker");
    /** The busybox image's tag; bump the version when its Dockerfile changes meaning. */
    public static final String BUSYBOX_TAG = "dokku-migrate-test/busybox:1";

    private static final Path BUSYBOX_BINARY = Path.of("/usr/bin/busybox");
    private static final String HASH_LABEL = "dokku-migrate.test.dockerfile-sha256";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);
    private static final ProcessRunner PROCESSES = new ProcessRunner();

    /** Busybox has no bash applet: {@code /bin/bash} is ash behind a script (it has {@code [[ ]]} and pipefail). */
    private static final String BASH_SCRIPT = "#!/bin/sh\nexec /bin/sh \"$@\"\n";
    private static final String BUSYBOX_DOCKERFILE = String.join("\n",
            "FROM scratch",
            "COPY busybox /bin/busybox",
            "COPY bash /bin/bash",
            "RUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]",
            "RUN mkdir -p /tmp /usr/bin /usr/local/bin && chmod 1777 /tmp && ln -s /bin/busybox /usr/bin/env",
            "ENV PATH=/usr/local/bin:/usr/bin:/bin",
            "CMD [\"/bin/sh\"]",
            "");

    private TestImages() {
    }

    /**
     * Skips the calling test, with a clear message, when no Docker engine answers {@code docker info};
     * fails it instead under {@code CI=true}, where a missing engine is a broken set-up, not a reason
     * to pass.
     */
    public static void assumeDocker() {
        String reason = "no Docker engine answers `" + DOCKER + " info` (these tests run against a real engine)";
        if (!Engine.ANSWERS && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(reason + "; with CI=true this is a failure, not a skip");
        }
        Assumptions.assumeTrue(Engine.ANSWERS, "skipped: " + reason);
    }

    /** The busybox image, built from /usr/bin/busybox (statically linked) unless it exists already. */
    public static String busybox() {
        assumeDocker();
        if (isCurrent(BUSYBOX_TAG, BUSYBOX_DOCKERFILE)) {
            return BUSYBOX_TAG;
        }
        if (!Files.isExecutable(BUSYBOX_BINARY)) {
            throw new IllegalStateException("cannot build the test image: " + BUSYBOX_BINARY + " is missing");
        }
        Path context = createTempDirectory();
        try {
            Files.copy(BUSYBOX_BINARY, context.resolve("busybox"));
            writeExecutable(context.resolve("bash"), BASH_SCRIPT);
            Files.writeString(context.resolve("Dockerfile"), labelled(BUSYBOX_DOCKERFILE));
            ProcessRunner.Result built = PROCESSES.run(
                    List.of(DOCKER, "build", "--quiet", "--tag", BUSYBOX_TAG, context.toString()),
                    Map.of(), null, BUILD_TIMEOUT);
            requireOk(built, "docker build " + BUSYBOX_TAG);
            return BUSYBOX_TAG;
        } catch (IOException e) {
            throw new UncheckedIOException("preparing the busybox build context", e);
        } finally {
            deleteRecursively(context);
        }
    }

    /**
     * An image built from {@code dockerfile} (no build context: use RUN, not COPY), unless an image
     * with this tag was already built from the same text. Start it with
     * {@code "FROM " + TestImages.busybox()}.
     */
    public static String build(String tag, String dockerfile) {
        assumeDocker();
        if (isCurrent(tag, dockerfile)) {
            return tag;
        }
        ProcessRunner.Result built = PROCESSES.run(List.of(DOCKER, "build", "--quiet", "--tag", tag, "-"),
                Map.of(), labelled(dockerfile).getBytes(StandardCharsets.UTF_8), BUILD_TIMEOUT);
        requireOk(built, "docker build " + tag);
        return tag;
    }

    /** A fresh tag for {@code image}, for a test that changes it (e.g. commits into it); remove it with {@link #removeImage}. */
    public static String copyOf(String image, String repository) {
        String tag = repository + ":" + UUID.randomUUID().toString().substring(0, 12);
        requireOk(docker("image", "tag", image, tag), "docker image tag " + image + " " + tag);
        return tag;
    }

    /** Removes a tag (and the image, when nothing else uses it); a missing tag is fine. */
    public static void removeImage(String tag) {
        ProcessRunner.Result removed = docker("image", "rm", "--force", tag);
        if (!removed.ok() && !removed.stderr().toLowerCase(Locale.ROOT).contains("no such image")) {
            throw new IllegalStateException("docker image rm " + tag + " failed: " + removed.stderr());
        }
    }

    /** Whether a container with this id or name exists, running or not. */
    public static boolean containerExists(String containerId) {
        return docker("container", "inspect", containerId).ok();
    }

    /** Runs a docker command (60 s at most) and returns its result. */
    public static ProcessRunner.Result docker(String... args) {
        List<String> argv = new ArrayList<>(List.of(DOCKER));
        argv.addAll(List.of(args));
        return PROCESSES.run(argv, Map.of(), null, COMMAND_TIMEOUT);
    }

    /** Runs a docker command and returns its trimmed stdout; fails the test when it fails. */
    public static String dockerOk(String... args) {
        ProcessRunner.Result result = docker(args);
        requireOk(result, "docker " + String.join(" ", args));
        return result.stdoutTrimmed();
    }

    private static boolean isCurrent(String tag, String dockerfile) {
        ProcessRunner.Result inspected = docker("image", "inspect", "--format",
                "{{index .Config.Labels \"" + HASH_LABEL + "\"}}", tag);
        return inspected.ok() && inspected.stdoutTrimmed().equals(sha256(dockerfile));
    }

    private static String labelled(String dockerfile) {
        return dockerfile + "\nLABEL " + HASH_LABEL + "=" + sha256(dockerfile) + "\n";
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static void requireOk(ProcessRunner.Result result, String what) {
        if (!result.ok()) {
            throw new IllegalStateException(what + " failed (exit " + result.exitCode() + "): "
                    + result.stderr().strip() + " " + result.stdout().strip());
        }
    }

    private static Path createTempDirectory() {
        try {
            return Files.createTempDirectory("dokku-migrate-test-image");
        } catch (IOException e) {
            throw new UncheckedIOException("creating a build context", e);
        }
    }

    private static void writeExecutable(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("deleting " + directory, e);
        }
    }

    /** Whether a Docker engine answers, probed once per test JVM. */
    private static final class Engine {
        static final boolean ANSWERS = probe();

        private static boolean probe() {
            try {
                return PROCESSES.run(List.of(DOCKER, "info", "--format", "{{.ServerVersion}}"),
                        Map.of(), null, Duration.ofSeconds(20)).ok();
            } catch (UncheckedIOException e) {
                return false; // no docker client installed: no engine either
            }
        }
    }
}
