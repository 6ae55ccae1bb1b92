package dokkumigrate.adapters.docker;

import dokkumigrate.run.ImageKind;
import dokkumigrate.run.TaskRequest;
import java.util.ArrayList;
import java.util.List;

/** The arguments of {@code docker container create} for a task, in the order Dokku passes them. */
public final class ContainerArguments {

    /** Labels the runner puts on every task container, besides Dokku's own. */
    public static final String APP_LABEL = "com.dokku.app-name";
    public static final String DOKKU_PHASE_LABEL = "dokku_phase_script";
    public static final String PHASE_LABEL = "com.dokku.migrate.phase";
    public static final String CNB_LAUNCHER = "/cnb/lifecycle/launcher";
    /** Set in the docker client's environment (never in argv) when tracing is on. */
    public static final String TRACE_VARIABLE = "DOKKU_TRACE";

    private ContainerArguments() {
    }

    /**
     * Everything after {@code docker container create}: options, the image, then the command.
     * Config values never appear here: {@code request.dockerArgs()} names them ({@code --env=KEY})
     * and the docker client reads the values from its own environment.
     */
    public static List<String> forTask(TaskRequest request, ImageKind kind, List<String> command, boolean trace) {
        String phase = request.phase().label();
        List<String> args = new ArrayList<>();
        request.globalRunArgs().stream().filter(word -> !word.isBlank()).forEach(args::add);
        args.add("--label=" + APP_LABEL + "=" + request.app());
        args.addAll(request.dockerArgs());
        args.add("--label=" + DOKKU_PHASE_LABEL + "=" + phase);
        if (kind == ImageKind.HEROKUISH) {
            args.addAll(List.of("-v", "cache-" + request.app() + ":/tmp/cache"));
        }
        if (trace) {
            args.add("--env=" + TRACE_VARIABLE);
        }
        if (kind == ImageKind.CNB) {
            args.add("--entrypoint=" + CNB_LAUNCHER);
        }
        args.add("--label=" + TaskRequest.RUN_ID_LABEL + "=" + request.runId());
        args.add("--label=" + PHASE_LABEL + "=" + phase);
        args.add(request.image());
        args.addAll(command);
        return args;
    }
}
