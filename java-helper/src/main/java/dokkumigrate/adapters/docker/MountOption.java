package dokkumigrate.adapters.docker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dokkumigrate.adapters.docker.CreateRequest.Untranslatable;

/**
 * One {@code --mount} option ({@code type=bind,source=/a,target=/b,readonly}) as an entry of the
 * engine's {@code HostConfig.Mounts}, for the keys the docker client documents for bind, volume
 * and tmpfs mounts. A quoted value or any other key is {@link Untranslatable}.
 */
final class MountOption {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MountOption() {
    }

    static ObjectNode parse(String value) throws Untranslatable {
        if (value.contains("\"") || value.isBlank()) {
            throw new Untranslatable("--mount " + value);
        }
        ObjectNode mount = JSON.createObjectNode().put("Type", "volume");
        for (String field : value.split(",")) {
            int equals = field.indexOf('=');
            String key = (equals >= 0 ? field.substring(0, equals) : field).strip().toLowerCase(java.util.Locale.ROOT);
            String val = equals >= 0 ? field.substring(equals + 1) : null;
            switch (key) {
                case "type" -> mount.put("Type", required(value, val));
                case "source", "src" -> mount.put("Source", required(value, val));
                case "target", "destination", "dst" -> mount.put("Target", required(value, val));
                case "readonly", "ro" -> mount.put("ReadOnly", val == null || bool(value, val));
                case "consistency" -> mount.put("Consistency", required(value, val));
                case "bind-propagation" -> mount.withObjectProperty("BindOptions").put("Propagation", required(value, val));
                case "volume-nocopy" -> mount.withObjectProperty("VolumeOptions").put("NoCopy", val == null || bool(value, val));
                case "volume-driver" -> mount.withObjectProperty("VolumeOptions").withObjectProperty("DriverConfig").put("Name", required(value, val));
                case "volume-opt" -> keyValue(value, mount.withObjectProperty("VolumeOptions").withObjectProperty("DriverConfig").withObjectProperty("Options"), val);
                case "volume-label" -> keyValue(value, mount.withObjectProperty("VolumeOptions").withObjectProperty("Labels"), val);
                case "tmpfs-size" -> mount.withObjectProperty("TmpfsOptions").put("SizeBytes",
                        CreateRequest.bytes("--mount tmpfs-size", required(value, val)));
                case "tmpfs-mode" -> mount.withObjectProperty("TmpfsOptions").put("Mode", octal(value, required(value, val)));
                default -> throw new Untranslatable("--mount " + value);
            }
        }
        if (!mount.has("Target")) {
            throw new Untranslatable("--mount " + value);
        }
        return mount;
    }

    private static String required(String option, String value) throws Untranslatable {
        if (value == null || value.isEmpty()) {
            throw new Untranslatable("--mount " + option);
        }
        return value;
    }

    private static boolean bool(String option, String value) throws Untranslatable {
        return switch (value) {
            case "1", "true" -> true;
            case "0", "false" -> false;
            default -> throw new Untranslatable("--mount " + option);
        };
    }

    private static void keyValue(String option, ObjectNode into, String value) throws Untranslatable {
        int equals = required(option, value).indexOf('=');
        if (equals <= 0) {
            throw new Untranslatable("--mount " + option);
        }
        into.put(value.substring(0, equals), value.substring(equals + 1));
    }

    private static long octal(String option, String value) throws Untranslatable {
        if (!value.matches("[0-7]{1,6}")) {
            throw new Untranslatable("--mount " + option);
        }
        return Long.parseLong(value, 8);
    }
}
