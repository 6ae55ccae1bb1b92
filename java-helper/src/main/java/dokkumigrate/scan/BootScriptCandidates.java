package dokkumigrate.scan;

import dokkumigrate.run.ImageConfig;
import dokkumigrate.scan.ScriptAnalysis.ScriptCall;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which files of an image a process may run at boot, so they can be read from the image
 * (never run): the script the ENTRYPOINT or CMD names, scripts named in process commands, and
 * the scripts those call (one level). Nothing else: a script no process reaches cannot migrate
 * at boot, and an image whose processes name no script is not opened at all.
 */
public final class BootScriptCandidates {

    private final ScriptAnalyser analyser = new ScriptAnalyser();

    /**
     * The absolute paths to read first.
     *
     * @param processCommands the Procfile commands of the app's process types
     */
    public List<String> initial(ImageConfig config, Collection<String> processCommands) {
        Set<String> paths = new LinkedHashSet<>();
        if (!config.entrypoint().isEmpty()) {
            if (ImageConfig.isShellForm(config.entrypoint())) {
                callsIn(analyser.shell(config.entrypoint().get(2), ShellContext.unknown()), config, paths);
            } else {
                analyser.entrypointScript(config.entrypoint()).ifPresent(call -> paths.addAll(resolve(call.path(), config)));
            }
        }
        if (!config.cmd().isEmpty()) {
            callsIn(ImageConfig.isShellForm(config.cmd())
                    ? analyser.shell(config.cmd().get(2), ShellContext.unknown())
                    : analyser.argv(config.cmd(), ShellContext.unknown()), config, paths);
        }
        for (String command : processCommands) {
            callsIn(analyser.shell(command, ShellContext.unknown()), config, paths);
        }
        return List.copyOf(paths);
    }

    /** The absolute paths of the scripts {@code text} (the script at {@code path}) may run. */
    public List<String> calledBy(String path, String text, ImageConfig config) {
        Set<String> paths = new LinkedHashSet<>();
        ShellContext context = ShellContext.unknown().forScript(path, Optional.empty());
        callsIn(analyser.file(path, text, context), config, paths);
        return List.copyOf(paths);
    }

    private static void callsIn(ScriptAnalysis analysis, ImageConfig config, Set<String> paths) {
        for (ScriptCall call : analysis.calls()) {
            paths.addAll(resolve(call.path(), config));
        }
    }

    /**
     * Where a script a command names can be in the image, most likely first: an absolute path
     * as is; a relative path against the working directory; a bare name in the working
     * directory, then in each PATH directory.
     */
    public static List<String> resolve(String path, ImageConfig config) {
        if (path.startsWith("/")) {
            return List.of(normalise(path));
        }
        List<String> candidates = new ArrayList<>();
        candidates.add(absolute(path, config.workingDir()));
        if (!path.contains("/")) {
            for (String directory : config.pathDirectories()) {
                candidates.add(absolute(path, directory));
            }
        }
        return List.copyOf(new LinkedHashSet<>(candidates));
    }

    static String absolute(String path, String directory) {
        return normalise(path.startsWith("/") ? path : directory + "/" + path);
    }

    /** Removes {@code .}, {@code ..} and repeated slashes from an absolute path. */
    static String normalise(String path) {
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (!segments.isEmpty()) {
                    segments.remove(segments.size() - 1);
                }
            } else {
                segments.add(segment);
            }
        }
        return "/" + String.join("/", segments);
    }
}
