package dokkumigrate.cli;

import dokkumigrate.deploy.NotifyTest;
import dokkumigrate.notify.WebhookDelivery;
import dokkumigrate.output.Console;
import dokkumigrate.output.TerminalText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** migrate:notify-test APP: sends a sample notice to the app's notify-url and says what the endpoint answered. */
@Command(name = "notify-test",
        customSynopsis = "dokku migrate:notify-test APP",
        description = {"Send a sample notice (a failed release task, marked \"test\": true) to the app's notify-url, "
                + "whatever notify-on says, and show what the endpoint answered.",
                "It is sent as a real notice is: at most 3 attempts of 5 seconds, 15 seconds in all. Exits non-zero "
                + "when it was not delivered (no 2xx answer)."})
final class NotifyTestCommand extends OperatorCommand {
    /** The part of the endpoint's answer shown. */
    private static final int SHOWN_ANSWER = 200;

    @Parameters(index = "0", paramLabel = "APP", description = "The app whose notify-url to test.")
    private String app;

    @Override
    int run(Services services) {
        AppNames.requireExisting(services.platform(), app);
        Console console = services.console();
        NotifyTest test = services.notifyTest();
        NotifyTest.Outcome outcome = test.send(app);
        WebhookDelivery.Result result = outcome.result();
        String answer = result.answerBody().strip();
        if (answer.length() > SHOWN_ANSWER) {
            answer = answer.substring(0, SHOWN_ANSWER) + "…";
        }
        String said = answer.isEmpty() ? "" : ", answer: " + TerminalText.escape(answer);
        if (result.delivered()) {
            console.step("Test notice for " + app + " sent to " + outcome.target());
            console.detail("The endpoint answered " + result.describe() + said);
            return 0;
        }
        console.warn("Test notice for " + app + " to " + outcome.target() + " not delivered: "
                + TerminalText.escape(result.describe()) + said);
        console.warn("Check the endpoint and the URL (dokku migrate:set " + app + " notify-url URL), then try again.");
        return 1;
    }
}
