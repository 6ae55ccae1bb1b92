package dokkumigrate.adapters.sqlite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which processes hold SQLite's file locks on a ledger, from the kernel's table of POSIX locks
 * ({@code /proc/locks}): so that "the ledger is locked" can name the process. Linux only; elsewhere,
 * or when the table cannot be read, nobody is named. Data only: the command line is the process's
 * own, raw; whoever prints it makes it safe for a terminal.
 */
final class FileLockers {
    private static final Path PROC_LOCKS = Path.of("/proc/locks");
    private static final int MAX_COMMAND = 120;

    private FileLockers() {
    }

    /** A process locking the ledger, and its command line (empty when unknown, cut at 120 characters). */
    record Locker(long pid, String command) {
        /** "pid 123 (sqlite3 /var/lib/dokku/data/migrate/ledger.db)", or "pid 123" when the command is unknown. */
        String describe() {
            return command.isEmpty() ? "pid " + pid : "pid " + pid + " (" + command + ")";
        }
    }

    /** Every other process locking the ledger (or its -shm, -wal files), writers first. */
    static List<Locker> of(Path ledger) {
        List<FileId> files = new ArrayList<>();
        for (String suffix : List.of("", "-shm", "-wal")) {
            FileId.of(Path.of(ledger + suffix)).ifPresent(files::add);
        }
        if (files.isEmpty()) {
            return List.of();
        }
        List<String> table;
        try {
            table = Files.readAllLines(PROC_LOCKS, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        long self = ProcessHandle.current().pid();
        Set<Long> writers = new LinkedHashSet<>();
        Set<Long> others = new LinkedHashSet<>();
        for (String line : table) {
            // "1: POSIX  ADVISORY  WRITE 4321 fe:00:2392301 120 120"; "1: -> POSIX ..." is a waiter
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 6 || fields[1].equals("->") || !fields[1].equals("POSIX")) {
                continue;
            }
            long pid;
            try {
                pid = Long.parseLong(fields[4]);
            } catch (NumberFormatException e) {
                continue;
            }
            if (pid == self || files.stream().noneMatch(file -> file.matches(fields[5]))) {
                continue;
            }
            (fields[3].equals("WRITE") ? writers : others).add(pid);
        }
        Set<Long> holders = new LinkedHashSet<>(writers);
        holders.addAll(others);
        return holders.stream().map(pid -> new Locker(pid, commandOf(pid))).toList();
    }

    private static String commandOf(long pid) {
        try {
            byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            String command = new String(cmdline, StandardCharsets.UTF_8).replace('\0', ' ').strip();
            return command.length() > MAX_COMMAND ? command.substring(0, MAX_COMMAND) + "..." : command;
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** A file as /proc/locks names it: device major and minor (hex) and inode. */
    private record FileId(long major, long minor, long inode) {
        static java.util.Optional<FileId> of(Path path) {
            try {
                long dev = (Long) Files.getAttribute(path, "unix:dev");
                long inode = (Long) Files.getAttribute(path, "unix:ino");
                long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
                long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
                return java.util.Optional.of(new FileId(major, minor, inode));
            } catch (IOException | RuntimeException e) {
                return java.util.Optional.empty();
            }
        }

        boolean matches(String procId) {
            String[] parts = procId.split(":");
            if (parts.length != 3) {
                return false;
            }
            try {
                return Long.parseLong(parts[0], 16) == major && Long.parseLong(parts[1], 16) == minor
                        && Long.parseLong(parts[2]) == inode;
            } catch (NumberFormatException e) {
                return false;
            }
        }
    }
}
