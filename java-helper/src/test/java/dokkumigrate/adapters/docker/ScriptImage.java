package dokkumigrate.adapters.docker;

import dokkumigrate.testsupport.TestImages;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A busybox-based test image holding scripts (never run: the scans only read them), built with
 * {@link TestImages#build}: files are written by one {@code RUN} from base64, so any text
 * survives the Dockerfile's quoting.
 */
public final class ScriptImage {

    private final List<String> fileCommands = new ArrayList<>();
    private final List<String> instructions = new ArrayList<>();

    public static ScriptImage fromBusybox() {
        return new ScriptImage();
    }

    /** An executable file at an absolute path. */
    public ScriptImage file(String path, String content) {
        return file(path, content.getBytes(StandardCharsets.UTF_8));
    }

    public ScriptImage file(String path, byte[] content) {
        String directory = path.substring(0, path.lastIndexOf('/'));
        String base64 = Base64.getEncoder().encodeToString(content);
        fileCommands.add("mkdir -p " + (directory.isEmpty() ? "/" : directory)
                + " && echo " + base64 + " | base64 -d > " + path + " && chmod 755 " + path);
        return this;
    }

    public ScriptImage symlink(String link, String target) {
        fileCommands.add("mkdir -p " + link.substring(0, Math.max(1, link.lastIndexOf('/'))) + " && ln -s " + target + " " + link);
        return this;
    }

    /** A shell command run at build time (to make a file too large to spell out in the Dockerfile). */
    public ScriptImage run(String command) {
        fileCommands.add(command);
        return this;
    }

    public ScriptImage directory(String path) {
        fileCommands.add("mkdir -p " + path);
        return this;
    }

    /** A Dockerfile instruction written as is ({@code WORKDIR /app}, {@code CMD ["x"]}). */
    public ScriptImage instruction(String line) {
        instructions.add(line);
        return this;
    }

    public String dockerfile() {
        StringBuilder dockerfile = new StringBuilder("FROM ").append(TestImages.busybox()).append('\n');
        if (!fileCommands.isEmpty()) {
            dockerfile.append("RUN ").append(String.join(" && ", fileCommands)).append('\n');
        }
        instructions.forEach(line -> dockerfile.append(line).append('\n'));
        return dockerfile.toString();
    }

    /** Builds (or reuses, when built from the same text) the image under {@code tag}. */
    public String build(String tag) {
        return TestImages.build(tag, dockerfile());
    }
}
