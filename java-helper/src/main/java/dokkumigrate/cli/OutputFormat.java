package dokkumigrate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dokkumigrate.output.Console;
import dokkumigrate.output.TerminalText;

/** The {@code --format} of status, report and doctor: Dokku's stdout layout, or one line of JSON. */
enum OutputFormat {
    STDOUT, JSON;

    /** The format {@code --format} names; any other value is a usage error. */
    static OutputFormat named(String value) {
        return switch (value) {
            case "stdout" -> STDOUT;
            case "json" -> JSON;
            default -> throw new UsageError("Invalid --format value '" + TerminalText.escape(value)
                    + "': use stdout or json");
        };
    }

    /** Prints {@code value} as one line of JSON. */
    static void printJson(Console console, Object value) throws JsonProcessingException {
        console.plain(new ObjectMapper().writeValueAsString(value));
    }
}
