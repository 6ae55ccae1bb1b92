package dokkumigrate.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Generates many app.json variants (layouts, comments, trailing commas, CRLF, unicode, the predeploy
 * member first, in the middle, last or alone) and checks for each that removing the predeploy member
 * only deletes that member, one comma and whitespace, and that the result re-parses to the original
 * tree minus that key, with every comment still there (so the re-serialising fallback was not needed).
 */
class AppJsonRemovalPropertyTest {
    private static final int VARIANTS = 3000;

    enum Layout { PRETTY, COMPACT, SPACED }

    enum Position { FIRST, MIDDLE, LAST, ONLY }

    /** One generated document and what the generator knows about it. */
    record Variant(String text, String member, Optional<String> predeploy, Position position, Layout layout,
            List<String> comments) {
    }

    @Test
    void removingPredeployDeletesOnlyTheMemberAndOneCommaAndKeepsEverythingElse() {
        Map<Position, Integer> positions = new EnumMap<>(Position.class);
        Map<Layout, Integer> layouts = new EnumMap<>(Layout.class);
        int crlf = 0;
        int withComments = 0;
        for (int seed = 0; seed < VARIANTS; seed++) {
            Variant variant = new Generator(new Random(seed)).variant();
            try {
                check(variant);
            } catch (AssertionError e) {
                fail("variant " + seed + " failed: " + e.getMessage() + "\n--- text ---\n" + variant.text(), e);
            }
            positions.merge(variant.position(), 1, Integer::sum);
            layouts.merge(variant.layout(), 1, Integer::sum);
            crlf += variant.text().contains("\r\n") ? 1 : 0;
            withComments += variant.comments().isEmpty() ? 0 : 1;
        }
        for (Position position : Position.values()) {
            assertTrue(positions.getOrDefault(position, 0) > 100, "too few variants with predeploy " + position + ": " + positions);
        }
        for (Layout layout : Layout.values()) {
            assertTrue(layouts.getOrDefault(layout, 0) > 300, "too few " + layout + " variants: " + layouts);
        }
        assertTrue(crlf > 300, "too few CRLF variants: " + crlf);
        assertTrue(withComments > VARIANTS / 2, "too few variants with comments: " + withComments);
    }

    private static void check(Variant variant) {
        String original = variant.text();
        AppJsonDocument document = AppJsonDocument.parse(original);
        assertEquals(variant.predeploy(), document.predeploy());

        AppJsonDocument without = document.withoutPredeploy();
        String result = without.text();

        assertEquals(expectedTree(original), tree(result), "tree after removal");
        assertEquals(Optional.empty(), without.predeploy());
        assertEquals(document.postdeploy(), without.postdeploy());
        assertSame(without, without.withoutPredeploy(), "removing again changes nothing");
        for (String comment : variant.comments()) {
            assertEquals(1, occurrences(result, comment), "comment " + comment + " kept once");
        }
        assertTrue(isSubsequence(result, original), "only deletions");
        String deleted = withoutWhitespace(deleted(original, result));
        String member = withoutWhitespace(variant.member());
        String memberAndComma = withoutWhitespace(variant.member() + ",");
        if (variant.position() == Position.ONLY) {
            assertTrue(deleted.equals(member) || deleted.equals(memberAndComma),
                    "deleted the member and at most its trailing comma, not " + deleted);
        } else {
            assertEquals(memberAndComma, deleted, "deleted the member, one comma and whitespace");
        }
    }

    private static JsonNode tree(String text) {
        return LenientJson.readTree(text, "test");
    }

    private static JsonNode expectedTree(String original) {
        ObjectNode expected = (ObjectNode) tree(original);
        ObjectNode dokku = (ObjectNode) expected.get("scripts").get("dokku");
        dokku.remove("predeploy");
        return expected;
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            count++;
        }
        return count;
    }

    private static boolean isSubsequence(String candidate, String text) {
        int j = 0;
        for (int i = 0; i < text.length() && j < candidate.length(); i++) {
            if (text.charAt(i) == candidate.charAt(j)) {
                j++;
            }
        }
        return j == candidate.length();
    }

    /** The characters of {@code original} not in {@code result}, as a sorted string (a multiset). */
    private static String deleted(String original, String result) {
        Map<Character, Integer> counts = new HashMap<>();
        original.chars().forEach(c -> counts.merge((char) c, 1, Integer::sum));
        result.chars().forEach(c -> counts.merge((char) c, -1, Integer::sum));
        StringBuilder deleted = new StringBuilder();
        counts.forEach((c, n) -> deleted.append(String.valueOf(c).repeat(Math.max(n, 0))));
        return sorted(deleted.toString());
    }

    private static String withoutWhitespace(String text) {
        return sorted(text.replaceAll("[ \t\r\n]", ""));
    }

    private static String sorted(String text) {
        char[] chars = text.toCharArray();
        Arrays.sort(chars);
        return new String(chars);
    }

    /** Writes random app.json texts from building blocks; every comment carries a unique marker. */
    static final class Generator {
        private final Random random;
        private final Layout layout;
        private final String newline;
        private final String indentUnit;
        private final List<String> comments = new ArrayList<>();
        private int nextComment;

        Generator(Random random) {
            this.random = random;
            this.layout = Layout.values()[random.nextInt(Layout.values().length)];
            this.newline = random.nextInt(3) == 0 ? "\r\n" : "\n";
            this.indentUnit = random.nextInt(4) == 0 ? "\t" : "  ".repeat(1 + random.nextInt(2));
        }

        Variant variant() {
            Optional<String> predeploy = random.nextInt(6) == 0 ? Optional.empty() : Optional.of(command());
            String member = "\"predeploy\"" + pick(":", ": ", " : ", ":\t") + predeploy.map(Generator::quoted).orElse("null");

            List<String> dokkuMembers = new ArrayList<>();
            int siblings = random.nextInt(4);
            for (int i = 0; i < siblings; i++) {
                String key = pick("postdeploy", "x-note", "prebuild", "PostDeployHint");
                String value = key.equals("postdeploy") ? quoted(command()) : value(2);
                dokkuMembers.add(quoted(key) + ": " + value);
            }
            dokkuMembers = distinctKeys(dokkuMembers);
            int at = random.nextInt(dokkuMembers.size() + 1);
            dokkuMembers.add(at, member);
            Position position = dokkuMembers.size() == 1 ? Position.ONLY
                    : at == 0 ? Position.FIRST : at == dokkuMembers.size() - 1 ? Position.LAST : Position.MIDDLE;

            List<String> scriptsMembers = new ArrayList<>();
            if (random.nextBoolean()) {
                scriptsMembers.add("\"postdeploy\": " + quoted(command()));
            }
            scriptsMembers.add(random.nextInt(scriptsMembers.size() + 1), "\"dokku\": " + object(dokkuMembers, 2));

            List<String> rootMembers = new ArrayList<>();
            int others = random.nextInt(5);
            for (int i = 0; i < others; i++) {
                rootMembers.add(quoted(pick("name", "description", "env", "formation", "x-custom", "cron", "healthchecks", "Ünïcode ☕"))
                        + ": " + value(1));
            }
            rootMembers = distinctKeys(rootMembers);
            rootMembers.add(random.nextInt(rootMembers.size() + 1), "\"scripts\": " + object(scriptsMembers, 1));

            String head = layout == Layout.PRETTY && random.nextBoolean() ? lineComment() + newline : "";
            String tail = random.nextBoolean() ? newline : "";
            if (layout == Layout.PRETTY && random.nextBoolean()) {
                tail = newline + lineComment() + newline;
            }
            String text = head + object(rootMembers, 0) + tail;
            return new Variant(text, member, predeploy.filter(c -> !c.isBlank()), position, layout, comments);
        }

        private String object(List<String> members, int depth) {
            boolean trailingComma = random.nextInt(5) == 0;
            StringBuilder text = new StringBuilder("{");
            String inner = newline + indentUnit.repeat(depth + 1);
            for (int i = 0; i < members.size(); i++) {
                boolean last = i == members.size() - 1;
                if (layout == Layout.PRETTY) {
                    text.append(inner);
                    if (random.nextInt(4) == 0) {
                        text.append(lineComment()).append(inner);
                    }
                } else if (layout == Layout.SPACED || i > 0 && random.nextBoolean()) {
                    text.append(' ');
                }
                if (random.nextInt(6) == 0) {
                    text.append(blockComment()).append(' ');
                }
                text.append(members.get(i));
                if (random.nextInt(6) == 0) {
                    text.append(' ').append(blockComment());
                }
                if (!last || trailingComma) {
                    text.append(',');
                }
                if (layout == Layout.PRETTY && random.nextInt(5) == 0) {
                    text.append(' ').append(lineComment());
                }
            }
            if (layout == Layout.PRETTY) {
                if (random.nextInt(6) == 0) {
                    text.append(inner).append(lineComment());
                }
                text.append(newline).append(indentUnit.repeat(depth));
            } else if (layout == Layout.SPACED) {
                text.append(' ');
            }
            return text.append('}').toString();
        }

        private String value(int depth) {
            return switch (depth > 3 ? random.nextInt(5) : random.nextInt(8)) {
                case 0 -> quoted(pick("shop", "Café ☕", "漢字 🚀", "a // not a comment", "b /* nor this */", "tab\\tquote\\\"",
                        "\\u00e9", "{\\\"looks\\\": [\\\"like json\\\"]}", ""));
                case 1 -> pick("0", "-12", "3.14", "1.50", "1e400", "-0.0", "12345678901234567890");
                case 2 -> pick("true", "false");
                case 3 -> "null";
                case 4 -> "[]";
                case 5 -> "[" + value(depth + 1) + ", " + value(depth + 1) + "]";
                case 6 -> "{\"nested\": " + value(depth + 1) + "}";
                default -> "{" + quoted(pick("a", "b")) + ": " + value(depth + 1) + ", \"z\": " + value(depth + 1) + "}";
            };
        }

        private String command() {
            return pick("bundle exec rake db:migrate", "python manage.py migrate --noinput", "./bin/migrate && echo ok",
                    "echo 'done: ü 🚀'", "sh -c \"a:b // c\"", "   ", "");
        }

        private String lineComment() {
            String marker = "// c" + nextComment++ + " note";
            comments.add(marker);
            return marker;
        }

        private String blockComment() {
            String marker = "/* c" + nextComment++ + " */";
            comments.add(marker);
            return marker;
        }

        /** Drops members whose key repeats one before it: duplicates would make the expected tree ambiguous. */
        private static List<String> distinctKeys(List<String> members) {
            Map<String, String> byKey = new LinkedHashMap<>();
            for (String member : members) {
                byKey.putIfAbsent(member.substring(0, member.indexOf(':')), member);
            }
            return new ArrayList<>(byKey.values());
        }

        private String pick(String... options) {
            return options[random.nextInt(options.length)];
        }

        private static String quoted(String text) {
            if (text.contains("\\")) {
                return "\"" + text + "\"";
            }
            return "\"" + text.replace("\"", "\\\"") + "\"";
        }
    }
}
