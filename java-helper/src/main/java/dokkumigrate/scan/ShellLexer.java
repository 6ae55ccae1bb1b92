package dokkumigrate.scan;

import dokkumigrate.scan.ShellWord.Expansion;
import dokkumigrate.scan.ShellWord.Literal;
import dokkumigrate.scan.ShellWord.Part;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Splits POSIX shell text into words and control operators, the way a shell reads it: quotes,
 * escapes, {@code $...} expansions, comments, line continuations. Redirections and their targets
 * are dropped, and here-document bodies are skipped (they are data, not commands).
 * Never fails: malformed text (an unclosed quote) ends the word at the end of the text.
 */
final class ShellLexer {

    private static final String OPERATOR_CHARS = ";&|()<>";

    private final String source;
    private final List<ShellToken> tokens = new ArrayList<>();
    private final Deque<PendingHeredoc> pendingHeredocs = new ArrayDeque<>();
    private int pos;
    private int line = 1;
    /**
     * The words of a command line the way Dokku hands a Procfile command to
     * {@code docker container create} (fn-docker-args-split): quotes removed, nothing expanded,
     * operators kept as words of their own.
     */
    static List<String> words(String commandLine) {
        List<String> words = new ArrayList<>();
        for (ShellToken token : tokenize(commandLine)) {
            switch (token.type()) {
                case WORD -> words.add(token.word().text());
                case OPERATOR -> words.add(token.operator());
                case NEWLINE -> {
                }
            }
        }
        return words;
    }

    /** Inside {@code [[ ... ]]}, where {@code && || ( ) < >} belong to the test. */
    private boolean inDoubleBracket;

    private record PendingHeredoc(String delimiter, boolean stripTabs) {
    }

    private ShellLexer(String source) {
        this.source = source;
    }

    static List<ShellToken> tokenize(String source) {
        ShellLexer lexer = new ShellLexer(source);
        lexer.run();
        return List.copyOf(lexer.tokens);
    }

    private void run() {
        while (pos < source.length()) {
            char c = source.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\r') {
                pos++;
            } else if (c == '\\' && peek(1) == '\n') {
                pos += 2;
                line++;
            } else if (c == '\n') {
                tokens.add(ShellToken.newline(pos, line));
                pos++;
                line++;
                skipHeredocBodies();
            } else if (c == '#') {
                skipComment();
            } else if (inDoubleBracket && (c == '&' || c == '|' || c == '(' || c == ')' || c == '<' || c == '>')) {
                readTestOperatorAsWord();
            } else if (OPERATOR_CHARS.indexOf(c) >= 0) {
                readOperator();
            } else {
                readWord();
            }
        }
    }

    private char peek(int offset) {
        int at = pos + offset;
        return at < source.length() ? source.charAt(at) : '\0';
    }

    private void skipComment() {
        while (pos < source.length() && source.charAt(pos) != '\n') {
            pos++;
        }
    }

    private void readTestOperatorAsWord() {
        int start = pos;
        char c = source.charAt(pos);
        pos += (c == '&' || c == '|') && peek(1) == c ? 2 : 1;
        String text = source.substring(start, pos);
        tokens.add(ShellToken.word(new ShellWord(List.of(new Literal(text, false)), start, pos, line)));
    }

    private void readOperator() {
        int start = pos;
        String rest = source.substring(pos, Math.min(source.length(), pos + 3));
        for (String redirection : List.of("&>>", "<<<", "<<-", "&>", ">>", ">&", ">|", "<&", "<>", "<<", ">", "<")) {
            if (rest.startsWith(redirection)) {
                pos += redirection.length();
                readRedirectionTarget(redirection);
                return;
            }
        }
        for (String operator : List.of(";;&", ";;", ";&", "&&", "||", "|&", ";", "&", "|", "(", ")")) {
            if (rest.startsWith(operator)) {
                pos += operator.length();
                tokens.add(ShellToken.operator(operator, start, line));
                return;
            }
        }
        pos++;
    }

    /** Reads (and drops) the word after a redirection; a here-document's body is skipped later. */
    private void readRedirectionTarget(String redirection) {
        while (pos < source.length() && (source.charAt(pos) == ' ' || source.charAt(pos) == '\t')) {
            pos++;
        }
        if (pos >= source.length() || source.charAt(pos) == '\n' || OPERATOR_CHARS.indexOf(source.charAt(pos)) >= 0) {
            return;
        }
        ShellWord target = scanWord();
        if (redirection.equals("<<") || redirection.equals("<<-")) {
            pendingHeredocs.add(new PendingHeredoc(target.text(), redirection.equals("<<-")));
        }
    }

    private void skipHeredocBodies() {
        while (!pendingHeredocs.isEmpty()) {
            PendingHeredoc heredoc = pendingHeredocs.poll();
            while (pos < source.length()) {
                int lineEnd = source.indexOf('\n', pos);
                int end = lineEnd < 0 ? source.length() : lineEnd;
                String bodyLine = source.substring(pos, end);
                pos = lineEnd < 0 ? source.length() : lineEnd + 1;
                line++;
                String candidate = heredoc.stripTabs() ? bodyLine.replaceFirst("^\t+", "") : bodyLine;
                if (candidate.equals(heredoc.delimiter())) {
                    break;
                }
            }
        }
    }

    private void readWord() {
        int startLine = line;
        ShellWord word = scanWord();
        boolean fileDescriptor = word.isUnquoted() && !word.hasExpansion() && word.text().matches("\\d+")
                && pos < source.length() && (source.charAt(pos) == '<' || source.charAt(pos) == '>');
        if (fileDescriptor || word.parts().isEmpty() && word.start() == word.end()) {
            return;
        }
        if (word.isKeyword("[[") && atCommandStart()) {
            inDoubleBracket = true;
        } else if (word.isKeyword("]]")) {
            inDoubleBracket = false;
        }
        tokens.add(ShellToken.word(new ShellWord(word.parts(), word.start(), word.end(), startLine)));
    }

    private boolean atCommandStart() {
        if (tokens.isEmpty()) {
            return true;
        }
        ShellToken previous = tokens.get(tokens.size() - 1);
        return previous.type() != ShellToken.Type.WORD
                || previous.isKeyword("if", "then", "elif", "else", "while", "until", "do", "!", "{");
    }

    private ShellWord scanWord() {
        int start = pos;
        int startLine = line;
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        boolean literalQuoted = false;
        while (pos < source.length()) {
            char c = source.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || OPERATOR_CHARS.indexOf(c) >= 0) {
                break;
            }
            if (c == '\\') {
                if (peek(1) == '\n') {
                    pos += 2;
                    line++;
                    continue;
                }
                literalQuoted = flushIfQuotingChanges(parts, literal, literalQuoted, true);
                if (pos + 1 < source.length()) {
                    literal.append(source.charAt(pos + 1));
                }
                pos = Math.min(source.length(), pos + 2);
            } else if (c == '\'') {
                literalQuoted = flushIfQuotingChanges(parts, literal, literalQuoted, true);
                int close = source.indexOf('\'', pos + 1);
                int end = close < 0 ? source.length() : close;
                String text = source.substring(pos + 1, end);
                literal.append(text);
                countLines(text);
                pos = close < 0 ? source.length() : close + 1;
            } else if (c == '"') {
                flush(parts, literal, literalQuoted);
                literalQuoted = false;
                readDoubleQuoted(parts);
            } else if (c == '$' && peek(1) == '\'') {
                literalQuoted = flushIfQuotingChanges(parts, literal, literalQuoted, true);
                int close = source.indexOf('\'', pos + 2);
                int end = close < 0 ? source.length() : close;
                literal.append(source, pos + 2, end);
                pos = close < 0 ? source.length() : close + 1;
            } else if (c == '$' || c == '`') {
                Part expansion = readExpansion(false);
                if (expansion == null) {
                    literalQuoted = flushIfQuotingChanges(parts, literal, literalQuoted, false);
                    literal.append('$');
                } else {
                    flush(parts, literal, literalQuoted);
                    parts.add(expansion);
                }
            } else {
                literalQuoted = flushIfQuotingChanges(parts, literal, literalQuoted, false);
                literal.append(c);
                pos++;
            }
        }
        flush(parts, literal, literalQuoted);
        return new ShellWord(parts, start, pos, startLine);
    }

    private static boolean flushIfQuotingChanges(List<Part> parts, StringBuilder literal, boolean current, boolean next) {
        if (current != next && literal.length() > 0) {
            flush(parts, literal, current);
        }
        return next;
    }

    private static void flush(List<Part> parts, StringBuilder literal, boolean quoted) {
        if (literal.length() > 0) {
            parts.add(new Literal(literal.toString(), quoted));
            literal.setLength(0);
        }
    }

    private void readDoubleQuoted(List<Part> parts) {
        pos++;
        StringBuilder literal = new StringBuilder();
        boolean empty = true;
        while (pos < source.length()) {
            char c = source.charAt(pos);
            if (c == '"') {
                pos++;
                break;
            }
            if (c == '\\' && "\"\\$`\n".indexOf(peek(1)) >= 0) {
                if (peek(1) == '\n') {
                    line++;
                } else {
                    literal.append(peek(1));
                }
                pos += 2;
            } else if (c == '$' || c == '`') {
                Part expansion = readExpansion(true);
                if (expansion == null) {
                    literal.append('$');
                } else {
                    flush(parts, literal, true);
                    parts.add(expansion);
                    empty = false;
                }
            } else {
                if (c == '\n') {
                    line++;
                }
                literal.append(c);
                pos++;
            }
        }
        if (literal.length() > 0 || empty) {
            parts.add(new Literal(literal.toString(), true));
        }
    }

    /** Reads {@code $name}, {@code ${...}}, {@code $(...)}, {@code $((...))} or a backtick command; null for a lone {@code $}. */
    private Part readExpansion(boolean quoted) {
        char c = source.charAt(pos);
        if (c == '`') {
            int close = source.indexOf('`', pos + 1);
            int end = close < 0 ? source.length() : close;
            String body = source.substring(pos + 1, end);
            countLines(body);
            pos = close < 0 ? source.length() : close + 1;
            return new Expansion(Expansion.Kind.COMMAND, body, quoted);
        }
        char next = peek(1);
        if (next == '{') {
            int close = matching(pos + 1, '{', '}');
            String body = source.substring(pos + 2, Math.max(pos + 2, close));
            countLines(body);
            pos = Math.min(source.length(), close + 1);
            return new Expansion(Expansion.Kind.PARAMETER, body, quoted);
        }
        if (next == '(') {
            boolean arithmetic = peek(2) == '(';
            int close = matching(pos + 1, '(', ')');
            String body = source.substring(pos + 2, Math.max(pos + 2, close));
            countLines(body);
            pos = Math.min(source.length(), close + 1);
            if (arithmetic) {
                String inner = body.length() >= 2 ? body.substring(1, body.length() - 1) : body;
                return new Expansion(Expansion.Kind.ARITHMETIC, inner, quoted);
            }
            return new Expansion(Expansion.Kind.COMMAND, body, quoted);
        }
        if (Character.isLetter(next) || next == '_') {
            int end = pos + 1;
            while (end < source.length() && (Character.isLetterOrDigit(source.charAt(end)) || source.charAt(end) == '_')) {
                end++;
            }
            String name = source.substring(pos + 1, end);
            pos = end;
            return new Expansion(Expansion.Kind.PARAMETER, name, quoted);
        }
        if (Character.isDigit(next) || "@*#?$!-".indexOf(next) >= 0 && next != '\0') {
            pos += 2;
            return new Expansion(Expansion.Kind.PARAMETER, String.valueOf(next), quoted);
        }
        pos++;
        return null;
    }

    /** The index of the bracket closing the one at {@code open}, skipping quotes; the text's end if unclosed. */
    private int matching(int open, char opening, char closing) {
        int depth = 0;
        int i = open;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == '\'' && opening == '(') {
                int close = source.indexOf('\'', i + 1);
                i = close < 0 ? source.length() : close + 1;
                continue;
            }
            if (c == '"') {
                i = closingDoubleQuote(i);
                continue;
            }
            if (c == opening) {
                depth++;
            } else if (c == closing) {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
            i++;
        }
        return source.length();
    }

    private int closingDoubleQuote(int open) {
        int i = open + 1;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '"') {
                return i + 1;
            } else {
                i++;
            }
        }
        return source.length();
    }

    private void countLines(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
    }
}
