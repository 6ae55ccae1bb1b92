package dokkumigrate.adapters.docker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dokkumigrate.adapters.process.ProcessRunner;
import dokkumigrate.run.ImageConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code docker image inspect IMAGE}, shared by the parts of one helper run that read an image
 * (the boot-migration scan and the task runner), together with the one connection to Docker they
 * all use ({@link DockerAccess}). A remembering instance asks Docker once per image and answers
 * from memory until {@link #forget} (a commit changes the image); an uncached one asks every time.
 */
public final class ImageInspections {
    private final DockerEngine engine;
    private final Map<String, ProcessRunner.Result> remembered;

    private ImageInspections(DockerEngine engine, boolean remember) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.remembered = remember ? new HashMap<>() : null;
    }

    /** Remembers each image's inspection for the life of this instance: one helper run. */
    public static ImageInspections remembering(ProcessRunner processes, String dockerBin) {
        return new ImageInspections(DockerAccess.of(dockerBin, processes).engine(), true);
    }

    /** Asks Docker at every call. */
    public static ImageInspections uncached(ProcessRunner processes, String dockerBin) {
        return new ImageInspections(DockerAccess.of(dockerBin, processes).engine(), false);
    }

    /** Asks Docker at every call, through {@code engine}. */
    static ImageInspections uncached(DockerEngine engine) {
        return new ImageInspections(engine, false);
    }

    /** How Docker is reached, for everything else the helper run asks of it. */
    DockerEngine engine() {
        return engine;
    }

    /** The image's JSON, as {@code docker image inspect IMAGE} prints it; failures are never remembered. */
    public ProcessRunner.Result inspect(String image) {
        if (remembered == null) {
            return ask(image);
        }
        // one at a time, so that two threads asking for the same image start one docker call
        synchronized (remembered) {
            ProcessRunner.Result known = remembered.get(image);
            if (known != null) {
                return known;
            }
            ProcessRunner.Result result = ask(image);
            if (result.ok()) {
                remembered.put(image, result);
            }
            return result;
        }
    }

    private ProcessRunner.Result ask(String image) {
        return engine.inspectImage(image);
    }

    /** Drops what is known of an image that has just changed. */
    public void forget(String image) {
        if (remembered != null) {
            synchronized (remembered) {
                remembered.remove(image);
            }
        }
    }

    /** Parses an image's JSON: the engine's object, or the client's array of one. */
    public static ImageConfig parseConfig(String json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("docker image inspect printed no valid JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode image = root != null && root.isArray() ? root.path(0) : root;
        if (image == null || !image.isObject()) {
            throw new IllegalArgumentException("docker image inspect printed no image");
        }
        JsonNode config = image.path("Config");
        return new ImageConfig(
                image.path("Id").asText(""),
                strings(config.path("Env")),
                labels(config.path("Labels")),
                strings(config.path("Entrypoint")),
                strings(config.path("Cmd")),
                config.path("WorkingDir").asText(""));
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
