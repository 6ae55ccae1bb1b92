package dokkumigrate.adapters.docker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A container's {@code .State}, as {@code docker container inspect --format '{{json .State}}'} prints it.
 *
 * @param status    created, running, paused, restarting, removing, exited or dead
 * @param exitCode  the exit code of its process (meaningful once it has ended)
 * @param error     why the engine could not start its process, empty otherwise
 * @param oomKilled whether the kernel killed it for lack of memory
 */
record ContainerState(String status, int exitCode, String error, boolean oomKilled) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static ContainerState fromJson(String json) {
        JsonNode state;
        try {
            state = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("docker container inspect printed no valid JSON: " + e.getOriginalMessage(), e);
        }
        if (state == null || !state.isObject()) {
            throw new IllegalArgumentException("docker container inspect printed no container state");
        }
        return new ContainerState(
                state.path("Status").asText(""),
                state.path("ExitCode").asInt(-1),
                state.path("Error").asText(""),
                state.path("OOMKilled").asBoolean(false));
    }

    /** The engine could not start the process (e.g. its executable does not exist), or never tried. */
    boolean neverStarted() {
        return !error.isEmpty() || status.equals("created");
    }

    /** The process has not ended yet. */
    boolean running() {
        return !neverStarted() && !status.equals("exited") && !status.equals("dead");
    }
}
