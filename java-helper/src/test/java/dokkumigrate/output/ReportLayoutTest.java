package dokkumigrate.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The layout of Dokku's ReportSingleApp (plugins/common/common.go). */
class ReportLayoutTest {
    @Test
    void rowsAreSortedByFlagAndPaddedToAtLeastThirtyOneCharacters() {
        assertEquals(List.of(
                "Ps computed restart policy:    on-failure:10",
                "Ps restart policy:             "),
                ReportLayout.rows(Map.of("--ps-restart-policy", "", "--ps-computed-restart-policy", "on-failure:10")));
    }

    @Test
    void aFlagLongerThanThirtyOneCharactersWidensTheColumn() {
        assertEquals(List.of(
                "Migrate computed scaled migrations: warn",
                "Migrate timeout:                    600"),
                ReportLayout.rows(Map.of("--migrate-timeout", "600", "--migrate-computed-scaled-migrations", "warn")));
    }

    @Test
    void dotsAndDashesBecomeSpacesAndValuesAreEscaped() {
        assertEquals("Status web 1:                  up\\e[2J", ReportLayout.rows(Map.of("--status-web.1", "up\u001b[2J"))
                .get(0));
        assertEquals("web migrate information", ReportLayout.heading("web", "migrate"));
    }
}
