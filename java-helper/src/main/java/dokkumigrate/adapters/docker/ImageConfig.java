package dokkumigrate.adapters.docker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What this runner needs to know about an image, read from one {@code docker image inspect}.
 *
 * @param id         the image id ({@code sha256:...})
 * @param env        {@code Config.Env}, as {@code KEY=value} entries
 * @param labels     {@code Config.Labels}
 * @param entrypoint {@code Config.Entrypoint}; empty when the image has none
 * @param cmd        {@code Config.Cmd}; empty when the image has none
 */
public record ImageConfig(
        String id,
        List<String> env,
        Map<String, String> labels,
        List<String> entrypoint,
        List<String> cmd) {

    /** The label pack/CNB puts on the images it builds. */
    public static final String CNB_STACK_LABEL = "io.buildpacks.stack.id";
    /** The user herokuish images run as, unless the app's DOKKU_APP_USER says otherwise. */
    public static final String DEFAULT_HEROKUISH_USER = "herokuishuser";

    private static final ObjectMapper JSON = new ObjectMapper();

    public ImageConfig {
        Objects.requireNonNull(id, "id");
        env = List.copyOf(env);
        labels = Map.copyOf(labels);
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
    }

    /** Parses the output of {@code docker image inspect IMAGE} (a JSON array of one image). */
    public static ImageConfig fromInspectJson(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("docker image inspect printed no valid JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode image = root.isArray() ? root.path(0) : root;
        if (!image.isObject()) {
            throw new IllegalArgumentException("docker image inspect printed no image");
        }
        JsonNode config = image.path("Config");
        return new ImageConfig(
                image.path("Id").asText(""),
                strings(config.path("Env")),
                labels(config.path("Labels")),
                strings(config.path("Entrypoint")),
                strings(config.path("Cmd")));
    }

    /**
     * How the image was built, decided as Dokku decides it: a CNB stack label makes it CNB;
     * {@code USER=<appUser>} in its environment makes it herokuish; anything else is a Dockerfile image.
     *
     * @param appUser the app's DOKKU_APP_USER, or {@link #DEFAULT_HEROKUISH_USER}
     */
    public ImageKind kind(String appUser) {
        if (!labels.getOrDefault(CNB_STACK_LABEL, "").isEmpty()) {
            return ImageKind.CNB;
        }
        if (env.contains("USER=" + appUser)) {
            return ImageKind.HEROKUISH;
        }
        return ImageKind.DOCKERFILE;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        if (array.isArray()) {
            array.forEach(value -> values.add(value.asText()));
        }
        return values;
    }

    private static Map<String, String> labels(JsonNode object) {
        Map<String, String> values = new LinkedHashMap<>();
        if (object.isObject()) {
            object.properties().forEach(field -> values.put(field.getKey(), field.getValue().asText()));
        }
        return values;
    }
}
