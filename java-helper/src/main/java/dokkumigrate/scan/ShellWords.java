package dokkumigrate.scan;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line into words the way Dokku hands a Procfile command to
 * {@code docker container create} (fn-docker-args-split): quotes removed, nothing expanded,
 * operators kept as words of their own.
 */
final class ShellWords {

    private ShellWords() {
    }

    static List<String> split(String commandLine) {
        List<String> words = new ArrayList<>();
        for (ShellToken token : ShellLexer.tokenize(commandLine)) {
            switch (token.type()) {
                case WORD -> words.add(token.word().text());
                case OPERATOR -> words.add(token.operator());
                case NEWLINE -> {
                }
            }
        }
        return words;
    }
}
