package dokkumigrate.scan;

import java.util.List;

/**
 * One shell word as written: its parts (literal text and {@code $...} expansions) and where it
 * sits in the source. Quotes are removed from literal parts; expansions are kept unevaluated.
 */
record ShellWord(List<Part> parts, int start, int end, int line) {

    ShellWord {
        parts = List.copyOf(parts);
    }

    /** A piece of a word. */
    sealed interface Part permits Literal, Expansion {
        boolean quoted();
    }

    /** Text taken literally ({@code quoted} when it came from quotes or an escape). */
    record Literal(String text, boolean quoted) implements Part {
    }

    /** {@code $NAME}, {@code ${...}} (body without braces), {@code $(...)} or a backtick command. */
    record Expansion(Kind kind, String body, boolean quoted) implements Part {
        enum Kind { PARAMETER, COMMAND, ARITHMETIC }

        String source() {
            return switch (kind) {
                case PARAMETER -> "${" + body + "}";
                case COMMAND -> "$(" + body + ")";
                case ARITHMETIC -> "$((" + body + "))";
            };
        }
    }

    /** The word's text with quotes removed and expansions shown as {@code ${...}} / {@code $(...)}. */
    String text() {
        StringBuilder text = new StringBuilder();
        for (Part part : parts) {
            text.append(part instanceof Literal literal ? literal.text() : ((Expansion) part).source());
        }
        return text.toString();
    }

    boolean hasExpansion() {
        return parts.stream().anyMatch(Expansion.class::isInstance);
    }

    /** True when no part was quoted or escaped: only such a word can be a shell keyword. */
    boolean isUnquoted() {
        return parts.stream().noneMatch(Part::quoted);
    }

    boolean isKeyword(String keyword) {
        return isUnquoted() && !hasExpansion() && text().equals(keyword);
    }

    /** {@code "$@"}, {@code $@}, {@code ${@}}: the positional parameters as separate words. */
    boolean isAllPositionals() {
        return parts.size() == 1 && parts.get(0) instanceof Expansion expansion
                && expansion.kind() == Expansion.Kind.PARAMETER && expansion.body().equals("@");
    }
}
