package dokkumigrate.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Cuts one member out of JSON text, together with the one comma that separated it from a neighbour,
 * and leaves every other character where it was. Positions come from Jackson's token locations;
 * only whitespace, comments and commas are looked at here, never the JSON values themselves.
 */
final class JsonMemberRemoval {
    /**
     * Where a member sits in the text.
     *
     * @param keyStart index of the opening quote of its key
     * @param valueEnd index just past its value
     * @param previousValueEnd index just past the value of the member before it in the same object, -1 if it is the first
     */
    record MemberLocation(int keyStart, int valueEnd, int previousValueEnd) {
    }

    private record Cut(int start, int end) {
    }

    private JsonMemberRemoval() {
    }

    /** The text without the member; empty if the text around it is not what Jackson reported (never seen). */
    static Optional<String> remove(String text, MemberLocation member) {
        List<Cut> cuts = new ArrayList<>();
        int commaAfter = commaAt(text, LenientJson.nextSignificant(text, member.valueEnd()));
        if (commaAfter >= 0) {
            if (isHorizontalSpace(text, member.valueEnd(), commaAfter)) {
                cuts.add(tidied(text, member.keyStart(), commaAfter + 1));
            } else {
                cuts.add(new Cut(commaAfter, commaAfter + 1));
                cuts.add(tidied(text, member.keyStart(), member.valueEnd()));
            }
        } else if (member.previousValueEnd() >= 0) {
            int commaBefore = commaAt(text, LenientJson.nextSignificant(text, member.previousValueEnd()));
            if (commaBefore < 0) {
                return Optional.empty();
            }
            if (isHorizontalSpace(text, commaBefore + 1, member.keyStart())) {
                cuts.add(withTrailingSpaceAtLineEnd(text, commaBefore, member.valueEnd()));
            } else {
                cuts.add(new Cut(commaBefore, commaBefore + 1));
                cuts.add(tidied(text, member.keyStart(), member.valueEnd()));
            }
        } else {
            cuts.add(tidied(text, member.keyStart(), member.valueEnd()));
        }
        return Optional.of(apply(text, cuts));
    }

    /**
     * Widens a cut over the spaces around it so no stray blanks are left: a member alone on its line
     * takes the whole line with it; one ending a shared line takes the spaces before it; otherwise the
     * spaces after it go (so {@code {"a": 1, "b": 2}} loses {@code "a": 1, }).
     */
    private static Cut tidied(String text, int start, int end) {
        int left = start;
        while (left > 0 && isHorizontalSpace(text.charAt(left - 1))) {
            left--;
        }
        int right = end;
        while (right < text.length() && isHorizontalSpace(text.charAt(right))) {
            right++;
        }
        int terminator = lineTerminatorLength(text, right);
        boolean atLineStart = left == 0 || text.charAt(left - 1) == '\n';
        if (terminator >= 0 && atLineStart) {
            return new Cut(left, right + terminator);
        }
        if (terminator >= 0) {
            return new Cut(left, right);
        }
        return new Cut(start, right);
    }

    /** For {@code , "key": value} on a shared line: only spaces left dangling at a line end go too. */
    private static Cut withTrailingSpaceAtLineEnd(String text, int start, int end) {
        int right = end;
        while (right < text.length() && isHorizontalSpace(text.charAt(right))) {
            right++;
        }
        return new Cut(start, lineTerminatorLength(text, right) >= 0 ? right : end);
    }

    /** 1 for {@code \n}, 2 for {@code \r\n}, 0 at the end of the text, -1 when not at a line end. */
    private static int lineTerminatorLength(String text, int index) {
        if (index >= text.length()) {
            return 0;
        }
        if (text.charAt(index) == '\n') {
            return 1;
        }
        return text.startsWith("\r\n", index) ? 2 : -1;
    }

    private static int commaAt(String text, int index) {
        return index < text.length() && text.charAt(index) == ',' ? index : -1;
    }

    private static boolean isHorizontalSpace(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isHorizontalSpace(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isHorizontalSpace(char c) {
        return c == ' ' || c == '\t';
    }

    private static String apply(String text, List<Cut> cuts) {
        List<Cut> lastFirst = new ArrayList<>(cuts);
        lastFirst.sort(Comparator.comparingInt(Cut::start).reversed());
        StringBuilder result = new StringBuilder(text);
        int limit = text.length();
        for (Cut cut : lastFirst) {
            int end = Math.min(cut.end(), limit);
            if (cut.start() < end) {
                result.delete(cut.start(), end);
            }
            limit = Math.min(limit, cut.start());
        }
        return result.toString();
    }
}
