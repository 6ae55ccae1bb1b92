package dokkumigrate.adapters.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dokkumigrate.adapters.process.ProcessRunner;
import dokkumigrate.testsupport.TestImages;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The create request built from docker's options must make the container the docker client makes
 * from the same options: both are created on the real engine and their configurations compared.
 */
class CreateRequestTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<String> containers = new ArrayList<>();
    private final List<String> volumes = new ArrayList<>();

    @AfterEach
    void removeWhatWasCreated() {
        containers.forEach(id -> TestImages.docker("container", "rm", "--force", "--volumes", id));
        volumes.forEach(volume -> TestImages.docker("volume", "rm", "--force", volume));
    }

    @Test
    void theRunnersOwnOptionsAndDokkusUsualOnesMakeTheSameContainerAsTheClient() throws Exception {
        String cache = "cache-" + UUID.randomUUID();
        String data = "data-" + UUID.randomUUID();
        volumes.addAll(List.of(cache, data));
        assertSameContainer(List.of("--label=org.label-schema.vendor=dokku", "--label=dokku",
                "--label=com.dokku.app-name=app", "--env=CONFIG_KEY", "--env=UNSET_KEY", "-e", "PLAIN=1", "-eGLUED=2",
                "--env", "EMPTY=", "-v", cache + ":/tmp/cache", "--volume=/etc/hostname:/host-name:ro", "-v", "/anonymous",
                "--mount", "type=volume,source=" + data + ",target=/data,readonly",
                "--mount", "type=tmpfs,target=/scratch,tmpfs-size=1m,tmpfs-mode=1770",
                "--mount=type=bind,src=/etc,dst=/host-etc,bind-propagation=rslave",
                "--init", "--user", "nobody", "-w", "/tmp", "--hostname", "task-host", "--domainname=example.org",
                "--add-host", "db:10.0.0.2", "--add-host=cache:10.0.0.3",
                "--cap-add", "NET_ADMIN", "--cap-drop=MKNOD", "--security-opt", "no-new-privileges",
                "--security-opt=label=disable", "--dns", "1.1.1.1", "--dns-search", "example.com", "--dns-option", "ndots:2",
                "--shm-size", "128m", "--ulimit", "nofile=1024:2048", "--ulimit=nproc=512", "--tmpfs", "/run:rw,size=64m",
                "--tmpfs=/cache2", "--log-driver", "json-file", "--log-opt", "max-size=10m", "--log-opt=max-file=3",
                "--device", "/dev/null:/dev/xnull:r", "--device=/dev/zero", "--stop-signal", "SIGINT", "--stop-timeout=5",
                "--read-only", "--group-add", "10", "--pids-limit", "100", "--cpu-shares=512", "--oom-score-adj", "100",
                "--sysctl", "net.core.somaxconn=1024", "--privileged=false", "--rm=false",
                "--label=com.dokku.migrate.run-id=7", "--label=dokku_phase_script=release",
                "--entrypoint=/bin/sh", TestImages.busybox(), "-c", "echo hi"),
                Map.of("CONFIG_KEY", "a value with \"quotes\" and $dollar"));
    }

    @Test
    void booleanGroupsNetworkModesAndTheImagesOwnEntrypointMatchTheClient() throws Exception {
        assertSameContainer(List.of("-it", "--network", "none", "--privileged", "--rm", "--entrypoint=",
                TestImages.busybox(), "/bin/true"), Map.of());
        assertSameContainer(List.of("-ti", "--net=host", "--tty=false", "--name", "migrate-test-" + UUID.randomUUID(),
                TestImages.busybox(), "true"), Map.of());
    }

    @Test
    void anyOtherOptionOrFormIsLeftToTheClient() {
        for (List<String> args : List.of(
                List.of("--env-file=/tmp/env", "image"),
                List.of("--memory-swappiness=10", "image"),
                List.of("-x", "image"),
                List.of("-ix", "image"),
                List.of("--security-opt", "seccomp=/etc/profile.json", "image"),
                List.of("--network", "name=front,alias=web", "image"),
                List.of("--network", "a", "--network", "b", "image"),
                List.of("-v", "./relative:/data", "image"),
                List.of("-v", "relative", "image"),
                List.of("--mount", "type=bind,src=/a,dst=/b,bind-recursive=disabled", "image"),
                List.of("--mount", "type=bind,\"src=/a\",dst=/b", "image"),
                List.of("--ulimit", "bogus=1", "image"),
                List.of("--shm-size", "lots", "image"),
                List.of("--device", "vendor.com/gpu=0", "image"),
                List.of("--tty=maybe", "image"),
                List.of("--cap-add", "ALL", "image"),
                List.of("--cap-add", "chown", "--cap-drop", "CAP_CHOWN", "image"),
                List.of("--env"),
                List.of("--init"))) {
            assertThrows(CreateRequest.Untranslatable.class, () -> CreateRequest.of(args, key -> null), args.toString());
        }
    }

    @Test
    void sizesAreReadAsTheClientReadsThem() throws Exception {
        assertEquals(64L * 1024 * 1024, CreateRequest.bytes("--shm-size", "64m"));
        assertEquals(64L * 1024 * 1024, CreateRequest.bytes("--shm-size", "64MB"));
        assertEquals(1536L * 1024 * 1024, CreateRequest.bytes("--shm-size", "1.5g"));
        assertEquals(512, CreateRequest.bytes("--shm-size", "512"));
    }

    /** Creates one container with the docker client and one with the request; their configurations must match. */
    private void assertSameContainer(List<String> args, Map<String, String> clientEnv) throws Exception {
        TestImages.assumeDocker();
        List<String> withoutName = withoutName(args);
        ProcessRunner.Result byClient = new ProcessRunner().run(concat(List.of(TestImages.DOCKER, "container", "create"),
                withoutName), clientEnv, null, null);
        assertEquals(0, byClient.exitCode(), byClient.stderr());
        containers.add(byClient.stdoutTrimmed());

        CreateRequest request = CreateRequest.of(args, key -> clientEnv.getOrDefault(key, System.getenv(key)));
        DockerEngine engine = DockerAccess.of("docker", new ProcessRunner()).engine();
        assertTrue(engine instanceof EngineApi, "the engine's API is used");
        ProcessRunner.Result byApi = engine.create(args, clientEnv);
        assertEquals(0, byApi.exitCode(), byApi.stderr());
        String apiId = byApi.stdoutTrimmed();
        containers.add(apiId);
        assertEquals(request.tty(), inspect(apiId).path("Config").path("Tty").asBoolean());
        if (request.name() != null) {
            assertEquals("/" + request.name(), inspect(apiId).path("Name").asText());
        }

        JsonNode expected = comparable(inspect(byClient.stdoutTrimmed()));
        JsonNode actual = comparable(inspect(apiId));
        assertEquals(expected.toPrettyString(), actual.toPrettyString(), "for " + args);
    }

    private static JsonNode inspect(String id) throws Exception {
        return JSON.readTree(TestImages.dockerOk("container", "inspect", id)).path(0);
    }

    /** The parts a create sets, without what differs between any two containers (ids, names, paths, times). */
    private static JsonNode comparable(JsonNode inspected) {
        ObjectNode config = inspected.path("Config").deepCopy();
        if (config.path("Hostname").asText().matches("[0-9a-f]{12}")) {
            config.remove("Hostname");
        }
        // the client does not always send --env options in their order (the keys are distinct here)
        List<String> env = new ArrayList<>();
        config.path("Env").forEach(entry -> env.add(entry.asText()));
        env.sort(null);
        config.set("Env", JSON.valueToTree(env));
        ObjectNode host = inspected.path("HostConfig").deepCopy();
        host.remove("ConsoleSize");
        // nor --volume options (it collects them in a map; each names another destination here)
        if (host.path("Binds").isArray()) {
            List<String> binds = new ArrayList<>();
            host.path("Binds").forEach(bind -> binds.add(bind.asText()));
            binds.sort(null);
            host.set("Binds", JSON.valueToTree(binds));
        }
        ObjectNode both = JSON.createObjectNode();
        both.set("Config", config);
        both.set("HostConfig", host);
        both.set("Networks", JSON.valueToTree(new ArrayList<>(iterableToList(inspected.path("NetworkSettings")
                .path("Networks").fieldNames()))));
        List<String> mounts = new ArrayList<>();
        inspected.path("Mounts").forEach(mount -> mounts.add(mount.path("Type").asText() + " "
                + mount.path("Destination").asText() + " " + mount.path("Mode").asText() + " " + mount.path("RW").asText()));
        mounts.sort(null);
        both.set("Mounts", JSON.valueToTree(mounts));
        return both;
    }

    private static List<String> iterableToList(java.util.Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        list.sort(null);
        return list;
    }

    /** A container name can be used once: the client's container gets none (the name is compared through the request). */
    private static List<String> withoutName(List<String> args) {
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--name")) {
                i++;
            } else {
                kept.add(args.get(i));
            }
        }
        return kept;
    }

    private static List<String> concat(List<String> first, List<String> rest) {
        List<String> all = new ArrayList<>(first);
        all.addAll(rest);
        return all;
    }
}
