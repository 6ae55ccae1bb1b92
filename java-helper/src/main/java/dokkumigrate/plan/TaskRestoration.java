package dokkumigrate.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Puts a task back into a Procfile or app.json text when the original bytes are not known (the
 * plugin took it before it kept copies): the release entry is appended to the Procfile, and
 * {@code scripts.dokku.predeploy} is set in the app.json, which is then written out again
 * (comments and layout are not kept). Pure: the result is checked to hold the task.
 */
public final class TaskRestoration {
    private TaskRestoration() {
    }

    /** {@code procfile} (null: none) with a {@code release} entry running {@code command}. */
    public static String withRelease(String procfile, String command) {
        String text = procfile == null ? "" : procfile;
        if (!text.isEmpty() && !text.endsWith("\n")) {
            text += "\n";
        }
        String restored = text + PlanExtractor.RELEASE_PROCESS + ": " + command + "\n";
        requireTask(ProcfileDocument.parse(restored).command(PlanExtractor.RELEASE_PROCESS), command);
        return restored;
    }

    /** {@code appJson} (null: none) with {@code scripts.dokku.predeploy} set to {@code command}. */
    public static String withPredeploy(String appJson, String command) {
        JsonNode parsed = appJson == null || appJson.isBlank() ? null
                : LenientJson.readTree(appJson, AppJsonDocument.FILE_LABEL);
        ObjectNode root = parsed instanceof ObjectNode object ? object : LenientJson.MAPPER.createObjectNode();
        ObjectNode scripts = child(root, "scripts");
        ObjectNode dokku = child(scripts, "dokku");
        dokku.put(key(dokku, "predeploy").orElse("predeploy"), command);
        String restored = LenientJson.prettyPrint(root);
        requireTask(AppJsonDocument.parse(restored).predeploy(), command);
        return restored;
    }

    /** The object member {@code name} (matched without regard to case, as Dokku does), made an object if it is none. */
    private static ObjectNode child(ObjectNode parent, String name) {
        String key = key(parent, name).orElse(name);
        JsonNode existing = parent.get(key);
        if (existing instanceof ObjectNode object) {
            return object;
        }
        return parent.putObject(key);
    }

    private static Optional<String> key(ObjectNode object, String name) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
            String key = fields.next().getKey();
            if (key.equalsIgnoreCase(name)) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }

    private static void requireTask(Optional<String> found, String command) {
        if (!found.equals(Optional.of(command))) {
            throw new IllegalStateException("the restored file does not hold the task `" + command + "`");
        }
    }
}
