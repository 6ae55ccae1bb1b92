package dokkumigrate.adapters.docker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The arguments of {@code docker container create} as the body of the engine's
 * {@code POST /containers/create}, built the way the docker client builds it, for the options
 * this class knows exactly. Any other option (or a form of one it does not read exactly) makes
 * the whole create {@link Untranslatable}: the caller then runs the docker client for it, so an
 * option is never dropped or read differently.
 */
final class CreateRequest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SIZE = Pattern.compile("^(\\d+(?:\\.\\d+)?) ?([kKmMgGtTpP])?[iI]?[bB]?$");
    private static final Set<String> ULIMITS = Set.of("core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue",
            "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack");
    /** The boolean options; every other option this class knows takes a value. */
    private static final Set<String> BOOLEANS = Set.of("--tty", "-t", "--interactive", "-i", "--init",
            "--privileged", "--read-only", "--rm");

    private final Function<String, String> clientEnv;
    private final ObjectNode config = JSON.createObjectNode();
    private final ObjectNode host = JSON.createObjectNode();
    private final List<String> env = new ArrayList<>();
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final Set<String> volumes = new LinkedHashSet<>();
    private final List<String> binds = new ArrayList<>();
    private final List<ObjectNode> mounts = new ArrayList<>();
    private final List<String> networks = new ArrayList<>();
    private final List<String> aliases = new ArrayList<>();
    private final List<String> extraHosts = new ArrayList<>();
    private final List<ObjectNode> devices = new ArrayList<>();
    private final List<ObjectNode> ulimits = new ArrayList<>();
    private final Map<String, String> tmpfs = new LinkedHashMap<>();
    private final Map<String, String> logOptions = new LinkedHashMap<>();
    private final Map<String, String> sysctls = new LinkedHashMap<>();
    private final Map<String, List<String>> lists = new LinkedHashMap<>();
    private final Set<String> capabilities = new TreeSet<>();
    private String name;
    private String entrypoint;
    private String logDriver;
    private boolean tty;
    private boolean interactive;

    private CreateRequest(Function<String, String> clientEnv) {
        this.clientEnv = clientEnv;
    }

    /**
     * Reads {@code docker container create} arguments (options, the image, the command).
     *
     * @param clientEnv the docker client's environment, where {@code --env KEY} finds KEY's value (null if unset)
     * @throws Untranslatable when an option is not one this class translates exactly
     */
    static CreateRequest of(List<String> args, Function<String, String> clientEnv) throws Untranslatable {
        CreateRequest request = new CreateRequest(clientEnv);
        int i = 0;
        while (i < args.size() && args.get(i).startsWith("-") && args.get(i).length() > 1) {
            String arg = args.get(i++);
            if (arg.equals("--")) {
                break;
            }
            if (arg.startsWith("--")) {
                int equals = arg.indexOf('=');
                String flag = equals > 0 ? arg.substring(0, equals) : arg;
                if (BOOLEANS.contains(flag)) {
                    request.apply(flag, equals > 0 ? bool(flag, arg.substring(equals + 1)) : "true");
                } else if (equals > 0) {
                    request.apply(flag, arg.substring(equals + 1));
                } else if (i < args.size()) {
                    request.apply(flag, args.get(i++));
                } else {
                    throw new Untranslatable(flag + " without a value");
                }
                continue;
            }
            // shorthands: booleans may be grouped (-it), the last one may take the rest or the next argument
            for (int c = 1; c < arg.length(); c++) {
                String flag = "-" + arg.charAt(c);
                if (BOOLEANS.contains(flag)) {
                    if (c + 1 < arg.length() && arg.charAt(c + 1) == '=') {
                        request.apply(flag, bool(flag, arg.substring(c + 2)));
                        break;
                    }
                    request.apply(flag, "true");
                } else {
                    String rest = arg.substring(c + 1);
                    if (!rest.isEmpty()) {
                        request.apply(flag, rest.startsWith("=") ? rest.substring(1) : rest);
                    } else if (i < args.size()) {
                        request.apply(flag, args.get(i++));
                    } else {
                        throw new Untranslatable(flag + " without a value");
                    }
                    break;
                }
            }
        }
        if (i >= args.size()) {
            throw new Untranslatable("no image");
        }
        request.config.put("Image", args.get(i));
        request.command(args.subList(i + 1, args.size()));
        return request;
    }

    /** The {@code name} query parameter, or null. */
    String name() {
        return name;
    }

    /** Whether the container gets a TTY (its output is then one raw stream, not multiplexed frames). */
    boolean tty() {
        return tty;
    }

    /** The JSON body, as the docker client sends it for the same arguments. */
    byte[] body() {
        ObjectNode body = config.deepCopy();
        body.put("Tty", tty).put("OpenStdin", interactive).put("AttachStdin", interactive).put("StdinOnce", interactive)
                .put("AttachStdout", true).put("AttachStderr", true);
        strings(body.putArray("Env"), env);
        if (entrypoint != null) {
            body.putArray("Entrypoint").add(entrypoint);
        }
        ObjectNode labelNode = body.putObject("Labels");
        putAll(labelNode, labels);
        if (!volumes.isEmpty()) {
            ObjectNode volumeNode = body.putObject("Volumes");
            for (String volume : volumes) {
                volumeNode.putObject(volume);
            }
        }
        ObjectNode hostConfig = host.deepCopy();
        body.set("HostConfig", hostConfig);
        // what the client sends when no option sets them
        hostConfig.putObject("PortBindings");
        hostConfig.putObject("RestartPolicy").put("Name", "no").put("MaximumRetryCount", 0);
        for (String empty : List.of("BlkioWeightDevice", "BlkioDeviceReadBps", "BlkioDeviceWriteBps",
                "BlkioDeviceReadIOps", "BlkioDeviceWriteIOps", "Dns", "DnsOptions", "DnsSearch", "Devices", "Ulimits")) {
            hostConfig.putArray(empty);
        }
        for (String capability : capabilities) {
            list(capability.startsWith("+") ? "CapAdd" : "CapDrop").add(capability.substring(1));
        }
        for (Map.Entry<String, List<String>> list : lists.entrySet()) {
            strings(hostConfig.putArray(list.getKey()), list.getValue());
        }
        if (!binds.isEmpty()) {
            strings(hostConfig.putArray("Binds"), binds);
        }
        if (!mounts.isEmpty()) {
            hostConfig.putArray("Mounts").addAll(mounts);
        }
        if (!extraHosts.isEmpty()) {
            strings(hostConfig.putArray("ExtraHosts"), extraHosts);
        }
        hostConfig.putArray("Devices").addAll(devices);
        hostConfig.putArray("Ulimits").addAll(ulimits);
        if (!tmpfs.isEmpty()) {
            ObjectNode tmpfsNode = hostConfig.putObject("Tmpfs");
            putAll(tmpfsNode, tmpfs);
        }
        if (!sysctls.isEmpty()) {
            ObjectNode sysctlNode = hostConfig.putObject("Sysctls");
            putAll(sysctlNode, sysctls);
        }
        ObjectNode log = hostConfig.putObject("LogConfig");
        log.put("Type", logDriver == null ? "" : logDriver);
        ObjectNode logConfig = log.putObject("Config");
        putAll(logConfig, logOptions);
        String network = networks.isEmpty() ? "default" : networks.get(0);
        hostConfig.put("NetworkMode", network);
        if (!aliases.isEmpty()) {
            ObjectNode endpoint = body.putObject("NetworkingConfig").putObject("EndpointsConfig").putObject(network);
            strings(endpoint.putArray("Aliases"), aliases);
        }
        try {
            return JSON.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write a container's configuration as JSON", e);
        }
    }

    /** Applies one option; {@code value} is "true" or "false" for a boolean one. */
    private void apply(String flag, String value) throws Untranslatable {
        switch (flag) {
            case "--env", "-e" -> env(value);
            case "--label", "-l" -> put(labels, value);
            case "--name" -> name = value;
            case "--volume", "-v" -> volume(value);
            case "--mount" -> mounts.add(MountOption.parse(value));
            case "--network", "--net" -> network(value);
            case "--network-alias", "--net-alias" -> aliases.add(value);
            case "--add-host" -> extraHosts.add(value.indexOf('=') > 0 ? value.replaceFirst("=", ":") : value);
            case "--user", "-u" -> config.put("User", value);
            case "--workdir", "-w" -> config.put("WorkingDir", value);
            case "--hostname", "-h" -> config.put("Hostname", value);
            case "--domainname" -> config.put("Domainname", value);
            case "--stop-signal" -> config.put("StopSignal", value);
            case "--stop-timeout" -> config.put("StopTimeout", integer(flag, value));
            case "--entrypoint" -> entrypoint = value;
            case "--tty", "-t" -> tty = Boolean.parseBoolean(value);
            case "--interactive", "-i" -> interactive = Boolean.parseBoolean(value);
            case "--init" -> host.put("Init", Boolean.parseBoolean(value));
            case "--privileged" -> host.put("Privileged", Boolean.parseBoolean(value));
            case "--read-only" -> host.put("ReadonlyRootfs", Boolean.parseBoolean(value));
            case "--rm" -> host.put("AutoRemove", Boolean.parseBoolean(value));
            case "--cap-add" -> capability("+", "-", value);
            case "--cap-drop" -> capability("-", "+", value);
            case "--security-opt" -> securityOpt(value);
            case "--device" -> device(value);
            case "--dns" -> list("Dns").add(value);
            case "--dns-search" -> list("DnsSearch").add(value);
            case "--dns-option", "--dns-opt" -> list("DnsOptions").add(value);
            case "--link" -> list("Links").add(value);
            case "--group-add" -> list("GroupAdd").add(value);
            case "--volumes-from" -> list("VolumesFrom").add(value);
            case "--shm-size" -> host.put("ShmSize", bytes(flag, value));
            case "--ulimit" -> ulimit(value);
            case "--tmpfs" -> {
                int colon = value.indexOf(':');
                tmpfs.put(colon >= 0 ? value.substring(0, colon) : value, colon >= 0 ? value.substring(colon + 1) : "");
            }
            case "--log-driver" -> logDriver = value;
            case "--log-opt" -> put(logOptions, value);
            case "--sysctl" -> put(sysctls, value);
            case "--pid" -> host.put("PidMode", value);
            case "--ipc" -> host.put("IpcMode", value);
            case "--uts" -> host.put("UTSMode", value);
            case "--userns" -> host.put("UsernsMode", value);
            case "--cgroup-parent" -> host.put("CgroupParent", value);
            case "--cpu-shares", "-c" -> host.put("CpuShares", integer(flag, value));
            case "--pids-limit" -> host.put("PidsLimit", integer(flag, value));
            case "--oom-score-adj" -> host.put("OomScoreAdj", integer(flag, value));
            default -> throw new Untranslatable(flag);
        }
    }

    /** A boolean as Go's strconv.ParseBool reads it, as "true" or "false". */
    private static String bool(String flag, String value) throws Untranslatable {
        return switch (value) {
            case "1", "t", "T", "true", "TRUE", "True" -> "true";
            case "0", "f", "F", "false", "FALSE", "False" -> "false";
            default -> throw new Untranslatable(flag + "=" + value);
        };
    }

    private List<String> list(String key) {
        List<String> values = lists.get(key);
        if (values == null) {
            values = new ArrayList<>();
            lists.put(key, values);
        }
        return values;
    }

    private void command(List<String> words) {
        if (!words.isEmpty()) {
            strings(config.putArray("Cmd"), words);
        }
    }

    /** {@code KEY=VALUE} as given; {@code KEY} takes the value from the client's environment when set there. */
    private void env(String value) throws Untranslatable {
        int equals = value.indexOf('=');
        if (equals == 0 || value.isEmpty()) {
            throw new Untranslatable("--env " + value);
        }
        String inClient = equals < 0 ? clientEnv.apply(value) : null;
        env.add(inClient != null ? value + "=" + inClient : value);
    }

    /** {@code NAME:/path[:mode]} or {@code /host:/path[:mode]} bind; a bare {@code /path} is an anonymous volume. */
    private void volume(String value) throws Untranslatable {
        String[] parts = value.split(":", -1);
        if (parts.length == 1 && value.startsWith("/")) {
            volumes.add(value);
        } else if ((parts.length == 2 || parts.length == 3) && !parts[0].isEmpty() && parts[1].startsWith("/")
                && !parts[0].startsWith(".") && !parts[0].startsWith("~")) {
            binds.add(value);
        } else {
            throw new Untranslatable("--volume " + value);
        }
    }

    private void network(String value) throws Untranslatable {
        if (value.isEmpty() || value.contains("=") || value.contains(",") || !networks.isEmpty()) {
            throw new Untranslatable("--network " + value);
        }
        networks.add(value);
    }

    /** A capability as the client normalises it ({@code net_admin} is {@code CAP_NET_ADMIN}); sorted, as it sends them. */
    private void capability(String sign, String opposite, String value) throws Untranslatable {
        String normalised = value.strip().toUpperCase(Locale.ROOT);
        normalised = normalised.startsWith("CAP_") ? normalised : "CAP_" + normalised;
        // ALL, and a capability both added and dropped, follow rules of the client's own
        if (normalised.equals("CAP_ALL") || normalised.equals("CAP_") || capabilities.contains(opposite + normalised)) {
            throw new Untranslatable("--cap-add/--cap-drop " + value);
        }
        capabilities.add(sign + normalised);
    }

    private void securityOpt(String value) throws Untranslatable {
        String[] keyValue = value.split("[=:]", 2);
        if (keyValue[0].equals("seccomp") && keyValue.length == 2 && !keyValue[1].equals("unconfined")) {
            throw new Untranslatable("--security-opt " + value); // the client sends the profile file's content
        }
        list("SecurityOpt").add(value);
    }

    /** {@code /dev/host[:/dev/container][:permissions]}. */
    private void device(String value) throws Untranslatable {
        String[] parts = value.split(":", -1);
        if (!parts[0].startsWith("/") || parts.length > 3) {
            throw new Untranslatable("--device " + value);
        }
        String target = parts[0];
        String permissions = "rwm";
        if (parts.length == 2 && parts[1].matches("[rwm]{1,3}")) {
            permissions = parts[1];
        } else if (parts.length >= 2) {
            target = parts[1];
            if (parts.length == 3) {
                if (!parts[2].matches("[rwm]{1,3}")) {
                    throw new Untranslatable("--device " + value);
                }
                permissions = parts[2];
            }
        }
        ObjectNode device = JSON.createObjectNode().put("PathOnHost", parts[0]).put("PathInContainer", target)
                .put("CgroupPermissions", permissions);
        devices.add(device);
    }

    /** {@code NAME=SOFT[:HARD]}. */
    private void ulimit(String value) throws Untranslatable {
        Matcher m = Pattern.compile("([a-z]+)=(-?[0-9]{1,18})(?::(-?[0-9]{1,18}))?").matcher(value);
        if (!m.matches() || !ULIMITS.contains(m.group(1))) {
            throw new Untranslatable("--ulimit " + value);
        }
        long soft = Long.parseLong(m.group(2));
        long hard = m.group(3) == null ? soft : Long.parseLong(m.group(3));
        ulimits.add(JSON.createObjectNode().put("Name", m.group(1)).put("Soft", soft).put("Hard", hard));
    }

    /** {@code KEY=VALUE}, or {@code KEY} for an empty value, as the client's ConvertKVStringsToMap reads it. */
    private static void put(Map<String, String> map, String value) {
        int equals = value.indexOf('=');
        map.put(equals >= 0 ? value.substring(0, equals) : value, equals >= 0 ? value.substring(equals + 1) : "");
    }

    private static long integer(String flag, String value) throws Untranslatable {
        if (!value.matches("-?[0-9]{1,18}")) {
            throw new Untranslatable(flag + " " + value);
        }
        return Long.parseLong(value);
    }

    /** A size as go-units' RAMInBytes reads it: 64m, 1g, 512k, 1024 (binary multiples). */
    static long bytes(String flag, String value) throws Untranslatable {
        Matcher m = SIZE.matcher(value);
        if (!m.matches()) {
            throw new Untranslatable(flag + " " + value);
        }
        double size = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
        int power = "bkmgtp".indexOf(unit.isEmpty() ? "b" : unit);
        return (long) (size * Math.pow(1024, power));
    }

    private static void strings(ArrayNode array, Iterable<String> values) {
        for (String value : values) {
            array.add(value);
        }
    }

    private static void putAll(ObjectNode object, Map<String, String> values) {
        for (Map.Entry<String, String> entry : values.entrySet()) {
            object.put(entry.getKey(), entry.getValue());
        }
    }

    /** An option (or form of one) that only the docker client reads exactly. */
    static final class Untranslatable extends Exception {
        Untranslatable(String option) {
            super(option);
        }
    }
}
