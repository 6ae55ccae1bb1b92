package dokkumigrate.notify;

import dokkumigrate.ledger.Deploy;
import dokkumigrate.output.TerminalText;
import dokkumigrate.run.RunState;
import dokkumigrate.run.TaskRun;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON document POSTed to the {@code notify-url} for one task run (its shape is documented in
 * the README and stable: fields are only ever added). {@code text} is one readable line, so chat
 * webhooks (Slack, Mattermost, Discord's Slack-compatible endpoint) show it as it is. No config
 * value of the app appears in it: the output tail, command and detail pass through the
 * {@link SecretMask} first, then have their control characters escaped as {@code migrate:status}
 * escapes them.
 */
public final class Payload {
    /** At most this many characters of output are sent, the last ones. */
    public static final int MAX_TAIL_CHARS = 16 * 1024;
    private static final int MAX_TEXT_LINE = 300;

    private Payload() {
    }

    /**
     * The run's output as the ledger keeps it.
     *
     * @param tail       the last bytes of the output (at most the app's output-limit)
     * @param totalBytes how many bytes the task printed in all: more than the tail means the tail's
     *                   first line may be cut, so it is left out
     */
    public record Output(byte[] tail, long totalBytes) {
        public static final Output NONE = new Output(new byte[0], 0);
    }

    /** The document for a run of a deploy; {@code test} marks the sample of {@code migrate:notify-test}. */
    public static Map<String, Object> of(Deploy deploy, TaskRun run, Output output, SecretMask mask, int lines,
                                         boolean test) {
        List<String> tail = lines == 0 ? List.of() : lastLines(output, mask, lines);
        String command = TerminalText.escape(mask.apply(run.command()));
        String detail = TerminalText.escape(mask.apply(run.detail()));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("app", run.app());
        json.put("phase", run.phase().label());
        json.put("source", run.phase().source().label());
        json.put("command", command);
        json.put("state", run.state().label());
        json.put("exit_code", run.exitCode().orElse(null));
        json.put("duration_ms", run.duration().map(d -> d.toMillis()).orElse(null));
        json.put("run_id", run.id());
        json.put("deploy_id", deploy.id());
        json.put("origin", deploy.origin().label());
        json.put("trigger", TerminalText.escape(deploy.trigger()));
        json.put("image", run.image());
        json.put("image_id", run.imageId());
        json.put("host", run.host());
        json.put("started_at", run.startedAt().map(Object::toString).orElse(null));
        json.put("finished_at", run.finishedAt().map(Object::toString).orElse(null));
        json.put("detail", detail);
        json.put("output_tail", String.join("\n", tail));
        json.put("test", test);
        json.put("text", text(deploy, run, tail, detail, test));
        return json;
    }

    /**
     * "release task of shop failed (exit 1) on dokku-host, deploy #12: last line of output", the
     * detail standing in for the output when none is sent.
     */
    static String text(Deploy deploy, TaskRun run, List<String> tail, String detail, boolean test) {
        String outcome = switch (run.state()) {
            case SUCCEEDED -> "succeeded" + run.duration().map(d -> String.format(" in %.1fs", d.toMillis() / 1000.0))
                    .orElse("");
            case FAILED -> "failed" + run.exitCode().map(code -> " (exit " + code + ")").orElse("");
            case TIMED_OUT -> "timed out" + run.duration().map(d -> String.format(" after %.0fs", d.toMillis() / 1000.0))
                    .orElse("");
            case INTERRUPTED -> "was interrupted";
            default -> run.state().label();
        };
        String last = tail.stream().filter(line -> !line.isBlank()).reduce((a, b) -> b).orElse("");
        String why = run.state() == RunState.SUCCEEDED ? "" : !last.isEmpty() ? last : detail;
        if (why.length() > MAX_TEXT_LINE) {
            why = why.substring(0, MAX_TEXT_LINE) + "…";
        }
        return (test ? "[test] " : "") + run.phase().label() + " task of " + run.app() + " " + outcome + " on "
                + run.host() + ", deploy #" + deploy.id() + (why.isEmpty() ? "" : ": " + why);
    }

    /** The last {@code lines} whole lines of the output, masked, then escaped; at most {@link #MAX_TAIL_CHARS}. */
    static List<String> lastLines(Output output, SecretMask mask, int lines) {
        String text = mask.apply(new String(output.tail(), StandardCharsets.UTF_8));
        List<String> all = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        if (!all.isEmpty() && all.get(all.size() - 1).isEmpty()) {
            all.remove(all.size() - 1);
        }
        if (output.totalBytes() > output.tail().length && !all.isEmpty()) {
            all.remove(0); // the tail starts inside a line: part of a value could hide there, unmasked
        }
        List<String> kept = new ArrayList<>();
        int chars = 0;
        for (int i = all.size() - 1; i >= 0 && kept.size() < lines; i--) {
            String line = TerminalText.escape(all.get(i));
            chars += line.length() + 1;
            if (chars > MAX_TAIL_CHARS) {
                break;
            }
            kept.add(0, line);
        }
        return kept;
    }
}
