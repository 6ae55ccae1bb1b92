package dokkumigrate.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dokkumigrate.run.RunState;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class WebhookUrlTest {
    private static final String SLACK = "https://hooks.slack.com/services/T0001/B0001/s3cr3tT0k3n";

    @Test
    void onlyTheSchemeAndHostAreEverShown() {
        WebhookUrl url = WebhookUrl.parse(SLACK).orElseThrow();

        assertEquals("https://hooks.slack.com", url.shown());
        assertEquals("https://hooks.slack.com", url.toString());
        assertEquals("https://chat.example.com", WebhookUrl.parse("HTTPS://Chat.Example.com:8443/hooks/abc?token=x")
                .orElseThrow().shown());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "ftp://example.com/hook ; its scheme must be http or https",
            "hooks.slack.com/services/x ; its scheme must be http or https",
            "https:///path-only ; it names no host",
            "https://exa mple.com/ ; it holds a space or a control character",
            "https://user:pass@example.com/ ; it holds a user name or password",
            "http://[::1 ; it is not a URL",
            "https://under_score.example/ ; it names no host",
    })
    void aMalformedUrlIsRefusedWithAReasonThatDoesNotQuoteIt(String text, String reason) {
        Optional<String> problem = WebhookUrl.problem(text);

        assertTrue(problem.isPresent(), text);
        assertTrue(problem.get().startsWith(reason), problem.get());
        assertFalse(problem.get().contains(text), problem.get());
        assertEquals(Optional.empty(), WebhookUrl.parse(text));
    }

    @Test
    void anOverlongUrlOrAControlCharacterIsRefused() {
        assertTrue(WebhookUrl.problem("https://example.com/" + "a".repeat(WebhookUrl.MAX_LENGTH)).isPresent());
        assertTrue(WebhookUrl.problem("https://example.com/\n").isPresent());
        assertTrue(WebhookUrl.problem("https://example.com/\u007f").isPresent());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080/hook", "http://127.1.2.3/x", "http://localhost/x",
            "http://api.localhost/x", "http://[::1]:9000/x"})
    void plainHttpToLoopbackGetsNoWarning(String text) {
        WebhookUrl url = WebhookUrl.parse(text).orElseThrow();

        assertTrue(url.loopback(), text);
        assertEquals(Optional.empty(), url.warning());
    }

    @Test
    void plainHttpToAnotherHostIsWarnedAboutAndHttpsIsNot() {
        String warning = WebhookUrl.parse("http://chat.example.com/hooks/s3cr3t").orElseThrow().warning().orElseThrow();

        assertTrue(warning.contains("http:// to http://chat.example.com"), warning);
        assertTrue(warning.contains("unencrypted"), warning);
        assertFalse(warning.contains("s3cr3t"), warning);
        assertEquals(Optional.empty(), WebhookUrl.parse(SLACK).orElseThrow().warning());
        assertFalse(WebhookUrl.parse("http://10.0.0.1/x").orElseThrow().loopback());
    }

    @Test
    void notifyOnCoversFailuresByDefaultEveryEndWithAlwaysAndNothingWithNever() {
        for (RunState state : RunState.values()) {
            boolean failure = state == RunState.FAILED || state == RunState.TIMED_OUT || state == RunState.INTERRUPTED;
            boolean ended = failure || state == RunState.SUCCEEDED || state == RunState.SKIPPED;
            assertEquals(failure, NotifyOn.FAILURE.covers(state), state.label());
            assertEquals(ended, NotifyOn.ALWAYS.covers(state), state.label());
            assertFalse(NotifyOn.NEVER.covers(state), state.label());
        }
        assertEquals(Optional.of(NotifyOn.ALWAYS), NotifyOn.parse("always"));
        assertEquals(Optional.empty(), NotifyOn.parse("Always"));
        assertEquals(Optional.empty(), NotifyOn.parse("errors"));
    }

    @Test
    void notifyLinesIsAWholeNumberFromZeroToTheMaximum() {
        assertTrue(NotifySettings.isLines("0"));
        assertTrue(NotifySettings.isLines("1000"));
        assertFalse(NotifySettings.isLines("1001"));
        assertFalse(NotifySettings.isLines("-1"));
        assertFalse(NotifySettings.isLines("ten"));
        assertFalse(NotifySettings.isLines(""));
    }
}
