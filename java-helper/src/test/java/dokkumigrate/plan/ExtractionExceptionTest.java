package dokkumigrate.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class ExtractionExceptionTest {
    @Test
    void namesFileAndLine() {
        ExtractionException e = new ExtractionException("Procfile", 3, "process names must be unique");

        assertEquals("Procfile line 3: process names must be unique", e.getMessage());
        assertEquals(3, e.line());
        assertEquals(0, e.column());
        assertEquals("process names must be unique", e.reason());
    }

    @Test
    void namesTheColumnWhenKnown() {
        ExtractionException e = new ExtractionException("app.json", 4, 12, "not valid JSON: Unexpected character", null);

        assertEquals("app.json line 4, column 12: not valid JSON: Unexpected character", e.getMessage());
        assertEquals(12, e.column());
    }

    @Test
    void leavesOutAnUnknownPosition() {
        assertEquals("app.json: holds only comments", new ExtractionException("app.json", 0, "holds only comments").getMessage());
        ExtractionException columnWithoutLine = new ExtractionException("app.json", 0, 5, "x", null);
        assertEquals("app.json: x", columnWithoutLine.getMessage());
        assertEquals(0, columnWithoutLine.column());
    }

    @Test
    void withFileReportsTheSameProblemAgainstAPath() {
        IllegalStateException cause = new IllegalStateException("root");
        ExtractionException e = new ExtractionException("app.json", 2, 7, "scripts must be an object, not an array", cause);

        ExtractionException relabelled = e.withFile("/var/lib/dokku/data/app-json/shop/app.json.4242");

        assertEquals("/var/lib/dokku/data/app-json/shop/app.json.4242 line 2, column 7: scripts must be an object, not an array",
                relabelled.getMessage());
        assertEquals("/var/lib/dokku/data/app-json/shop/app.json.4242", relabelled.fileLabel());
        assertEquals(2, relabelled.line());
        assertEquals(7, relabelled.column());
        assertEquals(e.reason(), relabelled.reason());
        assertSame(cause, relabelled.getCause());
        assertArrayEquals(e.getStackTrace(), relabelled.getStackTrace());
        assertEquals("app.json", e.fileLabel(), "the original is unchanged");
    }

    @Test
    void comesFromTheParsersWithTheirLabels() {
        ExtractionException procfile = org.junit.jupiter.api.Assertions.assertThrows(ExtractionException.class,
                () -> ProcfileDocument.parse("oops"));
        ExtractionException appJson = org.junit.jupiter.api.Assertions.assertThrows(ExtractionException.class,
                () -> AppJsonDocument.parse("[]"));

        assertEquals("Procfile line 1: invalid line in procfile", procfile.getMessage());
        assertEquals("app.json line 1, column 1: the top level must be an object, not an array", appJson.getMessage());
    }
}
