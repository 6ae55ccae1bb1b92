package dokkumigrate.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void columnsAreLeftAlignedTwoSpacesApart() {
        Table table = new Table("Run", "State", "Command")
                .row(1, "succeeded", "rake db:migrate")
                .row(12, "failed", "x");

        assertEquals(List.of(
                "Run  State      Command",
                "1    succeeded  rake db:migrate",
                "12   failed     x"), table.lines());
    }

    @Test
    void aHeaderWiderThanItsCellsSetsTheWidth() {
        Table table = new Table("Deploy", "Origin").row(7, "extracted");

        assertEquals(List.of("Deploy  Origin", "7       extracted"), table.lines());
    }

    @Test
    void linesHaveNoTrailingSpaces() {
        Table table = new Table("A", "B", "C").row("wide value", "", "").row("x", "y", "");

        List<String> lines = table.lines();

        assertEquals(List.of("A           B  C", "wide value", "x           y"), lines);
    }

    @Test
    void controlCharactersInCellsAreEscapedAndCountedAsShown() {
        Table table = new Table("Command", "State")
                .row("echo \u001b[2J", "failed")
                .row("two\nlines\r", "ok");

        assertEquals(List.of(
                "Command       State",
                "echo \\e[2J    failed",
                "two\\nlines\\r  ok"), table.lines());
        for (String line : table.lines()) {
            assertFalse(line.contains("\u001b") || line.contains("\n") || line.contains("\r"), line);
        }
    }

    @Test
    void wideCharactersAreCountedByCodePoints() {
        Table table = new Table("Name", "Next")
                .row("\ud83d\ude80", "rocket")
                .row("caf\u00e9", "coffee")
                .row("\u65e5\u672c", "japan");

        assertEquals(List.of(
                "Name  Next",
                "\ud83d\ude80     rocket",
                "caf\u00e9  coffee",
                "\u65e5\u672c    japan"), table.lines());
    }

    @Test
    void cellsAreRenderedWithToString() {
        Table table = new Table("Exit", "Duration").row(null, 1.5);

        assertEquals(List.of("Exit  Duration", "null  1.5"), table.lines());
    }

    @Test
    void aRowMustHaveOneCellPerColumn() {
        Table table = new Table("Run", "State", "Command");

        IllegalArgumentException tooFew = assertThrows(IllegalArgumentException.class, () -> table.row(1, "ok"));
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                () -> table.row(1, "ok", "x", "extra"));

        assertEquals("expected 3 cells, got 2", tooFew.getMessage());
        assertEquals("expected 3 cells, got 4", tooMany.getMessage());
        assertTrue(table.isEmpty());
    }

    @Test
    void aTableWithoutRowsIsEmptyAndShowsItsHeader() {
        Table table = new Table("Run", "State");

        assertTrue(table.isEmpty());
        assertEquals(List.of("Run  State"), table.lines());
        assertFalse(table.row(1, "ok").isEmpty());
    }
}
