package dokkumigrate.adapters.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dokkumigrate.plan.Phase;
import dokkumigrate.run.ImageConfig;
import dokkumigrate.run.ImageKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommitChangesTest {

    private static final List<String> DOKKU_LABELS = List.of(
            "LABEL org.label-schema.schema-version=1.0",
            "LABEL org.label-schema.vendor=dokku",
            "LABEL com.dokku.app-name=shop",
            "LABEL com.dokku.predeploy-phase=true",
            "LABEL com.dokku.migrate.run-id=\"\"",
            "LABEL com.dokku.migrate.phase=\"\"");

    private static ImageConfig image(List<String> entrypoint, List<String> cmd) {
        return new ImageConfig("sha256:1", List.of(), Map.of(), entrypoint, cmd, "/app");
    }

    @Test
    void restoresEntrypointAndCmdAsJson() {
        List<String> changes = CommitChanges.forImage(
                image(List.of("/docker-entrypoint.sh", "--quiet"), List.of("puma", "-C", "config/puma.rb")),
                ImageKind.DOCKERFILE, "shop", Phase.PREDEPLOY);
        assertEquals("ENTRYPOINT [\"/docker-entrypoint.sh\",\"--quiet\"]", changes.get(0));
        assertEquals("CMD [\"puma\",\"-C\",\"config/puma.rb\"]", changes.get(1));
        assertEquals(DOKKU_LABELS, changes.subList(2, changes.size()));
    }

    @Test
    void restoresShellFormAsShellForm() {
        assertEquals("CMD bundle exec puma \"quoted\"",
                CommitChanges.instruction("CMD", List.of("/bin/sh", "-c", "bundle exec puma \"quoted\"")));
        assertEquals("ENTRYPOINT [\"/bin/sh\",\"-c\"]", CommitChanges.instruction("ENTRYPOINT", List.of("/bin/sh", "-c")));
    }

    @Test
    void imageWithoutEntrypointOrCmdOnlyGetsLabels() {
        assertEquals(DOKKU_LABELS, CommitChanges.forImage(image(List.of(), List.of()), ImageKind.DOCKERFILE, "shop", Phase.PREDEPLOY));
    }

    @Test
    void herokuishImageOnlyGetsLabelsLikeInDokku() {
        assertEquals(DOKKU_LABELS, CommitChanges.forImage(image(List.of("/start"), List.of("web")),
                ImageKind.HEROKUISH, "shop", Phase.PREDEPLOY));
    }

    @Test
    void cnbImageGetsItsEntrypointBackFromTheLauncher() {
        assertEquals("ENTRYPOINT [\"/cnb/process/web\"]", CommitChanges.forImage(image(List.of("/cnb/process/web"), List.of()),
                ImageKind.CNB, "shop", Phase.PREDEPLOY).get(0));
    }
}
