package dokkumigrate.scan;

/** A word, a control operator ({@code && || ; ;; & | ( )}) or a newline, with its source position. */
record ShellToken(Type type, String operator, ShellWord word, int start, int end, int line) {

    enum Type { WORD, OPERATOR, NEWLINE }

    static ShellToken word(ShellWord word) {
        return new ShellToken(Type.WORD, null, word, word.start(), word.end(), word.line());
    }

    static ShellToken operator(String operator, int start, int line) {
        return new ShellToken(Type.OPERATOR, operator, null, start, start + operator.length(), line);
    }

    static ShellToken newline(int start, int line) {
        return new ShellToken(Type.NEWLINE, "\n", null, start, start + 1, line);
    }

    boolean isOperator(String... candidates) {
        if (type != Type.OPERATOR) {
            return false;
        }
        for (String candidate : candidates) {
            if (candidate.equals(operator)) {
                return true;
            }
        }
        return false;
    }

    boolean isKeyword(String... keywords) {
        if (type != Type.WORD) {
            return false;
        }
        for (String keyword : keywords) {
            if (word.isKeyword(keyword)) {
                return true;
            }
        }
        return false;
    }

    /** A command separator: newline, {@code ;} or {@code &}. */
    boolean isSeparator() {
        return type == Type.NEWLINE || isOperator(";", "&");
    }
}
