package dokkumigrate.adapters.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.adapters.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which way to Docker the helper takes, from Dokku's DOCKER_BIN and the client's own settings. */
class DockerAccessTest {

    @TempDir
    Path home;

    @Test
    void plainDockerWithoutDockerHostSpeaksToTheDefaultSocket() {
        DockerAccess access = access("docker", Map.of("DOCKER_HOST", ""));

        assertTrue(access.usesEngineApi());
        assertEquals("engine socket /var/run/docker.sock", access.describe());
    }

    @Test
    void aUnixDockerHostIsTheSocketUsed() {
        DockerAccess access = access("docker", Map.of("DOCKER_HOST", "unix:///run/docker-other.sock"));

        assertTrue(access.usesEngineApi());
        assertEquals("engine socket /run/docker-other.sock", access.describe());
    }

    @Test
    void anotherDockerBinaryIsAlwaysRun() {
        DockerAccess access = access("/usr/local/bin/docker", Map.of("DOCKER_HOST", ""));

        assertFalse(access.usesEngineApi());
        assertEquals("docker client (DOCKER_BIN=/usr/local/bin/docker)", access.describe());
        assertTrue(access.engine() instanceof DockerCli);
    }

    @Test
    void anEngineThatIsNotOnALocalSocketIsLeftToTheClient() {
        for (String host : new String[] {"tcp://10.0.0.5:2376", "ssh://deploy@builder", "unix://relative.sock"}) {
            DockerAccess access = access("docker", Map.of("DOCKER_HOST", host));

            assertFalse(access.usesEngineApi(), host);
            assertEquals("docker client (DOCKER_HOST=" + host + ")", access.describe());
        }
    }

    @Test
    void aDockerContextChosenByVariableOrConfigIsLeftToTheClient() throws IOException {
        assertEquals("docker client (docker context remote)",
                access("docker", Map.of("DOCKER_HOST", "", "DOCKER_CONTEXT", "remote")).describe());
        assertTrue(access("docker", Map.of("DOCKER_HOST", "", "DOCKER_CONTEXT", "default")).usesEngineApi());

        Files.createDirectories(home.resolve(".docker"));
        Files.writeString(home.resolve(".docker/config.json"), "{\"auths\": {}, \"currentContext\": \"builder\"}");
        assertEquals("docker client (docker context builder)",
                access("docker", Map.of("DOCKER_HOST", "", "DOCKER_CONTEXT", "", "DOCKER_CONFIG", "",
                        "HOME", home.toString())).describe());
        Files.writeString(home.resolve(".docker/config.json"), "{\"auths\": {}}");
        assertTrue(access("docker", Map.of("DOCKER_HOST", "", "DOCKER_CONTEXT", "", "DOCKER_CONFIG", "",
                "HOME", home.toString())).usesEngineApi());
    }

    private static DockerAccess access(String dockerBin, Map<String, String> env) {
        return DockerAccess.of(dockerBin, new ProcessRunner(env));
    }
}
