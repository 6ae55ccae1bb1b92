package dokkumigrate.adapters.docker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dokkumigrate.plan.Phase;
import dokkumigrate.run.ImageConfig;
import dokkumigrate.run.ImageKind;
import dokkumigrate.run.TaskRequest;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * The {@code --change} instructions of {@code docker container commit} after a predeploy task:
 * the image keeps its own ENTRYPOINT and CMD (the task's command must not become the image's) and
 * gets Dokku's labels. This runner's run labels are blanked, so that containers later started from
 * the committed image are never mistaken for containers of the run. The app's config, which
 * {@code docker commit} would copy into the image's environment, is put back to what the image
 * had (or blanked), so no secret is baked into an image that may be pushed to a registry.
 */
public final class CommitChanges {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CommitChanges() {
    }

    /** The instructions, each to be passed after its own {@code --change}. */
    public static List<String> forImage(ImageConfig image, ImageKind kind, String app, Phase phase) {
        return forImage(image, kind, app, phase, List.of());
    }

    /**
     * The instructions, each to be passed after its own {@code --change}.
     *
     * @param configKeys the names of the app's config variables the task container was given
     */
    public static List<String> forImage(ImageConfig image, ImageKind kind, String app, Phase phase,
                                        Collection<String> configKeys) {
        List<String> changes = new ArrayList<>();
        for (String key : new TreeSet<>(configKeys)) {
            changes.add("ENV " + key + "=" + quoted(imageValue(image, key)));
        }
        if (kind != ImageKind.HEROKUISH) {
            if (!image.entrypoint().isEmpty()) {
                changes.add(instruction("ENTRYPOINT", image.entrypoint()));
            }
            if (!image.cmd().isEmpty()) {
                changes.add(instruction("CMD", image.cmd()));
            }
        }
        changes.add("LABEL org.label-schema.schema-version=1.0");
        changes.add("LABEL org.label-schema.vendor=dokku");
        changes.add("LABEL " + ContainerArguments.APP_LABEL + "=" + app);
        changes.add("LABEL com.dokku." + phase.label() + "-phase=true");
        changes.add("LABEL " + TaskRequest.RUN_ID_LABEL + "=\"\"");
        changes.add("LABEL " + ContainerArguments.PHASE_LABEL + "=\"\"");
        return changes;
    }

    private static String imageValue(ImageConfig image, String key) {
        String prefix = key + "=";
        return image.env().stream().filter(entry -> entry.startsWith(prefix))
                .map(entry -> entry.substring(prefix.length())).reduce((first, last) -> last).orElse("");
    }

    /** A Dockerfile ENV value in double quotes, with quotes, backslashes and dollars escaped. */
    static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "\\$") + "\"";
    }

    /**
     * A Dockerfile instruction that restores {@code words}: the shell form when they are
     * {@code ["/bin/sh","-c",cmd]}, the JSON form otherwise.
     */
    public static String instruction(String keyword, List<String> words) {
        if (words.size() == 3 && words.get(0).equals("/bin/sh") && words.get(1).equals("-c")) {
            return keyword + " " + words.get(2);
        }
        try {
            return keyword + " " + JSON.writeValueAsString(words);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write " + keyword + " as JSON", e);
        }
    }
}
