package dokkumigrate.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.io.FileOutputStream;
import java.io.FileDescriptor;

/** Entry point of the helper jar: every trigger and {@code migrate:*} command lands here. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        // a trigger goes to its use case from here: MigrateHelper is picocli, which a trigger never loads
        int exitCode = Triggers.handles(args) ? Triggers.execute(args, System.getenv(), out, err)
                : MigrateHelper.execute(args, System.getenv(), out, err);
        out.flush();
        err.flush();
        System.exit(exitCode);
    }
}
