package dokkumigrate.adapters.dokku;

import dokkumigrate.ledger.DeployKey;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The environment Dokku exports to triggers and commands, read once. */
public record DokkuEnvironment(
        Path dokkuRoot,
        Path libRoot,
        long dokkuPid,
        boolean quiet,
        boolean trace,
        String dockerBin,
        List<String> globalRunArgs,
        Optional<String> buildSource,
        Optional<String> buildId,
        Path ledgerPath) {

    private static final Path KERNEL_HOST_NAME = Path.of("/proc/sys/kernel/hostname");

    public static DokkuEnvironment from(Map<String, String> env) {
        Path libRoot = Path.of(env.getOrDefault("DOKKU_LIB_ROOT", "/var/lib/dokku"));
        Path dataDir = libRoot.resolve("data").resolve("migrate");
        String globalRunArgs = env.getOrDefault("DOKKU_GLOBAL_RUN_ARGS",
                "--label=org.label-schema.schema-version=1.0 --label=org.label-schema.vendor=dokku --label=dokku");
        return new DokkuEnvironment(
                Path.of(env.getOrDefault("DOKKU_ROOT", "/home/dokku")),
                libRoot,
                parsePid(env.get("DOKKU_PID")),
                isSet(env.get("DOKKU_QUIET_OUTPUT")),
                isSet(env.get("DOKKU_TRACE")),
                env.getOrDefault("DOCKER_BIN", "docker"),
                Arrays.stream(globalRunArgs.split(" ")).filter(s -> !s.isEmpty()).toList(),
                Optional.ofNullable(env.get("DOKKU_BUILD_SOURCE")).filter(s -> !s.isBlank()),
                Optional.ofNullable(env.get("DOKKU_BUILD_ID")).filter(s -> !s.isBlank()),
                Optional.ofNullable(env.get("DOKKU_MIGRATE_LEDGER")).filter(s -> !s.isBlank()).map(Path::of)
                        .orElse(dataDir.resolve("ledger.db")));
    }

    public Path dataDir() {
        return libRoot.resolve("data").resolve("migrate");
    }

    public Path logDir() {
        return dataDir().resolve("logs");
    }

    public Path lockDir() {
        return dataDir().resolve("locks");
    }

    public Path propertyDir() {
        return libRoot.resolve("config");
    }

    /**
     * This Dokku invocation's identity. DOKKU_PID repeats across reboots and over time, so the
     * key adds the boot id and the process's start time when /proc knows them.
     */
    public DeployKey deployKey() {
        if (dokkuPid < 0) {
            throw new PlugnPlatform.PlatformException("DOKKU_PID is not set to a process id; "
                    + "run this through dokku, which exports it for every command");
        }
        return new DeployKey(dokkuPid, processInstance(dokkuPid));
    }

    /**
     * The kernel's name for this host, as {@code hostname} prints it: what the ledger records as the
     * host of a run. Read from /proc with no DNS lookup, so a slow or absent resolver cannot stall a
     * deploy, and a host in its own UTS namespace ({@code unshare --uts}) has its own name.
     */
    public String hostName() {
        return hostName(KERNEL_HOST_NAME);
    }

    static String hostName(Path kernelHostName) {
        try {
            String name = Files.readString(kernelHostName).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc not mounted: ask the JDK below
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static String processInstance(long pid) {
        try {
            String bootId = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // fields after the command name, which may itself hold spaces and parentheses
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return bootId + ":" + fields[19];
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static long parsePid(String value) {
        return value != null && value.matches("[0-9]{1,10}") ? Long.parseLong(value) : -1;
    }

    private static boolean isSet(String value) {
        return value != null && !value.isEmpty() && !value.equals("0") && !value.equals("false");
    }
}
