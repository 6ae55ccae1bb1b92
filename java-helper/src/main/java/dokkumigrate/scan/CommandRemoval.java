package dokkumigrate.scan;

import java.util.List;
import java.util.Optional;

/**
 * Takes one command out of a line of shell text, with the operator that joined it to the
 * rest: {@code rails db:migrate && rails server} → {@code rails server}. A fallback after it
 * ({@code || true}) goes with it. Empty when removing it would leave broken shell (the only
 * command between {@code then} and {@code fi}).
 */
final class CommandRemoval {

    private CommandRemoval() {
    }

    /**
     * @param line  one line of shell text
     * @param start the command's first character in {@code line}
     * @param end   just past its last character
     * @return the line without the command (stripped; empty text when nothing is left), or
     *         empty when it cannot be removed on its own
     */
    static Optional<String> remove(String line, int start, int end) {
        List<ShellToken> tokens = ShellLexer.tokenize(line);
        int previous = -1;
        int next = tokens.size();
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).end() <= start) {
                previous = i;
            } else if (tokens.get(i).start() >= end) {
                next = i;
                break;
            }
        }
        int removeEnd = end;
        while (next < tokens.size() && tokens.get(next).isOperator("||", "|")) {
            int i = next + 1;
            while (i < tokens.size() && tokens.get(i).type() == ShellToken.Type.WORD) {
                removeEnd = tokens.get(i).end();
                i++;
            }
            next = i;
        }
        ShellToken before = previous >= 0 ? tokens.get(previous) : null;
        ShellToken after = next < tokens.size() ? tokens.get(next) : null;
        boolean openedByKeyword = before != null && before.isKeyword("then", "do", "else", "{");
        if (after != null && after.isOperator("&&", ";", "&")) {
            ShellToken following = next + 1 < tokens.size() ? tokens.get(next + 1) : null;
            boolean closesBlock = following == null || following.isKeyword("fi", "done", "}", "esac", "elif", "else")
                    || following.isOperator(";;");
            if (openedByKeyword && closesBlock) {
                return Optional.empty();
            }
            int resume = following == null ? line.length() : following.start();
            return Optional.of(clean(line.substring(0, start) + line.substring(resume)));
        }
        if (before != null && before.isOperator("&&", ";", "||", "|", "&")) {
            return Optional.of(clean(line.substring(0, before.start()) + line.substring(removeEnd)));
        }
        if (openedByKeyword || after != null && after.type() == ShellToken.Type.WORD) {
            return Optional.empty();
        }
        return Optional.of(clean(line.substring(0, start) + line.substring(removeEnd)));
    }

    /** Strips the text; a line left with only a comment is empty. */
    private static String clean(String text) {
        String stripped = text.strip();
        return stripped.startsWith("#") ? "" : stripped;
    }
}
