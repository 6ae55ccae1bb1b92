package dokkumigrate.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TaskRestorationTest {
    @Test
    void aReleaseEntryIsAppendedOnALineOfItsOwn() {
        assertEquals("web: x\nrelease: rake db:migrate\n", TaskRestoration.withRelease("web: x", "rake db:migrate"));
        assertEquals("web: x\nrelease: rake db:migrate\n", TaskRestoration.withRelease("web: x\n", "rake db:migrate"));
        assertEquals("release: rake db:migrate\n", TaskRestoration.withRelease(null, "rake db:migrate"));
    }

    @Test
    void aProcfileThatAlreadyHasAReleaseEntryCannotTakeASecond() {
        assertThrows(ExtractionException.class, () -> TaskRestoration.withRelease("release: a\n", "b"));
    }

    @Test
    void predeployIsSetUnderTheScriptsAndDokkuKeysTheFileAlreadyHasWhateverTheirCase() {
        String restored = TaskRestoration.withPredeploy("{\"Scripts\": {\"Dokku\": {}, \"x\": 1}, // note\n \"name\": \"a\"}",
                "rake assets");
        AppJsonDocument document = AppJsonDocument.parse(restored);
        assertEquals(Optional.of("rake assets"), document.predeploy());
        assertEquals("{\"Scripts\":{\"Dokku\":{\"predeploy\":\"rake assets\"},\"x\":1},\"name\":\"a\"}",
                LenientJson.MAPPER.valueToTree(LenientJson.readTree(restored, "app.json")).toString());
    }

    @Test
    void aMissingAppJsonOrScriptsObjectIsCreated() {
        assertEquals(Optional.of("./prep"), AppJsonDocument.parse(TaskRestoration.withPredeploy(null, "./prep")).predeploy());
        assertEquals(Optional.of("./prep"),
                AppJsonDocument.parse(TaskRestoration.withPredeploy("{\"name\": \"a\"}", "./prep")).predeploy());
    }
}
