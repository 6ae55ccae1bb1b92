package dokkumigrate.adapters.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dokkumigrate.run.ImageConfig;
import dokkumigrate.run.ImageKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageConfigTest {

    private static final String INSPECTED = """
            [
              {
                "Id": "sha256:abc",
                "RepoTags": ["dokku/shop:latest"],
                "Config": {
                  "Env": ["PATH=/usr/bin:/bin", "USER=herokuishuser"],
                  "Cmd": ["/bin/sh", "-c", "/start web"],
                  "Entrypoint": null,
                  "Labels": {"com.dokku.app-name": "shop"}
                }
              }
            ]
            """;

    @Test
    void readsTheFieldsTheRunnerNeeds() {
        ImageConfig image = ImageInspections.parseConfig(INSPECTED);
        assertEquals("sha256:abc", image.id());
        assertEquals(List.of("PATH=/usr/bin:/bin", "USER=herokuishuser"), image.env());
        assertEquals(List.of("/bin/sh", "-c", "/start web"), image.cmd());
        assertEquals(List.of(), image.entrypoint());
        assertEquals(Map.of("com.dokku.app-name", "shop"), image.labels());
    }

    @Test
    void missingConfigMeansEmptyValues() {
        ImageConfig image = ImageInspections.parseConfig("[{\"Id\":\"sha256:1\",\"Config\":{\"Labels\":null}}]");
        assertEquals(new ImageConfig("sha256:1", List.of(), Map.of(), List.of(), List.of(), "/"), image);
    }

    @Test
    void herokuishWhenTheAppUserIsInTheEnvironment() {
        ImageConfig image = ImageInspections.parseConfig(INSPECTED);
        assertEquals(ImageKind.HEROKUISH, image.kind(ImageConfig.DEFAULT_HEROKUISH_USER));
        assertEquals(ImageKind.DOCKERFILE, image.kind("someoneelse"));
    }

    @Test
    void cnbWhenTheStackLabelIsSet() {
        ImageConfig image = new ImageConfig("sha256:1", List.of("USER=herokuishuser"),
                Map.of(ImageConfig.CNB_STACK_LABEL, "io.buildpacks.stacks.jammy"), List.of("/cnb/process/web"), List.of(), "/workspace");
        assertEquals(ImageKind.CNB, image.kind(ImageConfig.DEFAULT_HEROKUISH_USER));
        ImageConfig emptyLabel = new ImageConfig("sha256:1", List.of(), Map.of(ImageConfig.CNB_STACK_LABEL, ""), List.of(), List.of(), "/");
        assertEquals(ImageKind.DOCKERFILE, emptyLabel.kind(ImageConfig.DEFAULT_HEROKUISH_USER));
    }

    @Test
    void rejectsOutputThatIsNoImage() {
        assertThrows(IllegalArgumentException.class, () -> ImageInspections.parseConfig("[]"));
        assertThrows(IllegalArgumentException.class, () -> ImageInspections.parseConfig("not json"));
    }
}
