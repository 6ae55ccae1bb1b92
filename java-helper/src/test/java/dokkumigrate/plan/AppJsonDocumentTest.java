package dokkumigrate.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AppJsonDocumentTest {

    private static ExtractionException parseError(String text) {
        ExtractionException e = assertThrows(ExtractionException.class, () -> AppJsonDocument.parse(text));
        assertEquals("app.json", e.fileLabel());
        return e;
    }

    private static String withoutPredeploy(String text) {
        return AppJsonDocument.parse(text).withoutPredeploy().text();
    }

    private static JsonNode tree(String text) {
        return LenientJson.readTree(text, "test");
    }

    @Nested
    class Scripts {
        @Test
        void readsPredeployAndPostdeploy() {
            AppJsonDocument appJson = AppJsonDocument.parse("""
                    {
                      "name": "shop",
                      "scripts": {
                        "dokku": {
                          "predeploy": "bundle exec rake db:migrate",
                          "postdeploy": "curl -fsS https://example.com/deployed"
                        }
                      }
                    }
                    """);

            assertEquals(Optional.of("bundle exec rake db:migrate"), appJson.predeploy());
            assertEquals(Optional.of("curl -fsS https://example.com/deployed"), appJson.postdeploy());
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "{}",
            "{\"scripts\": {}}",
            "{\"scripts\": {\"postdeploy\": \"heroku-style, not dokku\"}}",
            "{\"scripts\": {\"dokku\": {}}}",
            "{\"scripts\": null}",
            "{\"scripts\": {\"dokku\": null}}",
            "{\"scripts\": {\"dokku\": {\"predeploy\": null}}}",
            "{\"scripts\": {\"dokku\": {\"predeploy\": \"\"}}}",
            "{\"scripts\": {\"dokku\": {\"predeploy\": \"  \\t \"}}}",
            "{\"predeploy\": \"at the top level it means nothing\"}",
            "{\"dokku\": {\"predeploy\": \"outside scripts it means nothing\"}}",
        })
        void findsNoPredeployWhereDokkuFindsNone(String text) {
            assertEquals(Optional.empty(), AppJsonDocument.parse(text).predeploy());
        }

        @Test
        void keepsThePredeployCommandExactlyAsWritten() {
            AppJsonDocument appJson = AppJsonDocument.parse(
                    "{\"scripts\": {\"dokku\": {\"predeploy\": \"  ./bin/migrate \\\"a b\\\"\\n\"}}}");

            assertEquals(Optional.of("  ./bin/migrate \"a b\"\n"), appJson.predeploy());
        }

        @Test
        void matchesKeysWithoutRegardToCaseAsGoDoes() {
            AppJsonDocument appJson = AppJsonDocument.parse(
                    "{\"Scripts\": {\"DOKKU\": {\"PreDeploy\": \"migrate\", \"POSTDEPLOY\": \"notify\"}}}");

            assertEquals(Optional.of("migrate"), appJson.predeploy());
            assertEquals(Optional.of("notify"), appJson.postdeploy());
        }

        @Test
        void decodesUnicodeAndEscapes() {
            AppJsonDocument appJson = AppJsonDocument.parse(
                    "{\"description\": \"Café ☕ 漢字\", \"scripts\": {\"dokku\": {\"predeploy\": \"echo \\u00e9 🚀 ü\"}}}");

            assertEquals(Optional.of("echo é 🚀 ü"), appJson.predeploy());
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "   ", "\n\n", "\u00A0\n"})
        void aBlankFileHasNoSettingsAsInDokku(String text) {
            AppJsonDocument appJson = AppJsonDocument.parse(text);

            assertEquals(Optional.empty(), appJson.predeploy());
            assertEquals(text, appJson.text());
            assertSame(appJson, appJson.withoutPredeploy());
        }

        @Test
        void aTopLevelNullHasNoSettingsAsInDokku() {
            AppJsonDocument appJson = AppJsonDocument.parse("null\n");

            assertEquals(Optional.empty(), appJson.predeploy());
            assertSame(appJson, appJson.withoutPredeploy());
        }
    }

    @Nested
    class Leniency {
        @Test
        void acceptsLineAndBlockCommentsEverywhereDokkuDoes() {
            AppJsonDocument appJson = AppJsonDocument.parse("""
                    // app.json for the shop
                    {
                      /* tasks */
                      "scripts": { // Dokku-specific
                        "dokku": {
                          "predeploy": /* yes, here too */ "rake db:migrate" // the migration
                        }
                      }
                    }
                    // end
                    """);

            assertEquals(Optional.of("rake db:migrate"), appJson.predeploy());
        }

        @Test
        void acceptsTrailingCommasAsHujsonDoes() {
            AppJsonDocument appJson = AppJsonDocument.parse(
                    "{\"scripts\": {\"dokku\": {\"predeploy\": \"m\",},}, \"list\": [1, 2,],}");

            assertEquals(Optional.of("m"), appJson.predeploy());
        }

        @Test
        void doesNotMistakeCommentMarkersInStringsForComments() {
            AppJsonDocument appJson = AppJsonDocument.parse(
                    "{\"scripts\": {\"dokku\": {\"predeploy\": \"curl http://x/* // y\"}}}");

            assertEquals(Optional.of("curl http://x/* // y"), appJson.predeploy());
        }

        @Test
        void allowsDuplicateKeysOutsideTheScriptsPath() {
            AppJsonDocument appJson = AppJsonDocument.parse(
                    "{\"env\": {\"A\": \"1\", \"A\": \"2\"}, \"scripts\": {\"dokku\": {\"predeploy\": \"m\"}}}");

            assertEquals(Optional.of("m"), appJson.predeploy());
        }
    }

    @Nested
    class Errors {
        @ParameterizedTest(name = "[{index}] {1}")
        @CsvSource(delimiter = '|', value = {
            "42 | a number",
            "4.5 | a number",
            "true | a boolean",
            "false | a boolean",
            "{\"cmd\": \"x\"} | an object",
            "[\"rake\", \"db:migrate\"] | an array",
        })
        void rejectsAPredeployThatIsNotAString(String value, String kind) {
            ExtractionException e = parseError("{\n  \"scripts\": {\n    \"dokku\": {\n      \"predeploy\": " + value + "\n    }\n  }\n}\n");

            assertEquals(4, e.line());
            assertEquals(20, e.column());
            assertEquals("scripts.dokku.predeploy must be a string, not " + kind, e.reason());
            assertEquals("app.json line 4, column 20: scripts.dokku.predeploy must be a string, not " + kind,
                    e.getMessage());
        }

        @Test
        void rejectsAPostdeployThatIsNotAStringBecauseDokkuRejectsTheWholeFile() {
            ExtractionException e = parseError("{\"scripts\": {\"dokku\": {\"postdeploy\": 1}}}");

            assertEquals("scripts.dokku.postdeploy must be a string, not a number", e.reason());
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "\"rake db:migrate\" | a string",
            "[] | an array",
            "7 | a number",
            "false | a boolean",
        })
        void rejectsScriptsThatIsNotAnObject(String value, String kind) {
            ExtractionException e = parseError("{\n\"name\": \"x\",\n\"scripts\": " + value + "}");

            assertEquals(3, e.line());
            assertEquals("scripts must be an object, not " + kind, e.reason());
        }

        @Test
        void rejectsScriptsDokkuThatIsNotAnObject() {
            ExtractionException e = parseError("{\"scripts\": {\n  \"dokku\": \"rake db:migrate\"\n}}");

            assertEquals(2, e.line());
            assertEquals(12, e.column());
            assertEquals("scripts.dokku must be an object, not a string", e.reason());
        }

        @Test
        void namesKeysAsSpelledInTheFile() {
            ExtractionException e = parseError("{\"Scripts\": {\"Dokku\": {\"PREDEPLOY\": 1}}}");

            assertEquals("Scripts.Dokku.PREDEPLOY must be a string, not a number", e.reason());
        }

        @ParameterizedTest
        @ValueSource(strings = {"[]", "[{\"scripts\": {}}]", "\"app\"", "12", "true"})
        void rejectsATopLevelThatIsNotAnObject(String text) {
            ExtractionException e = parseError(text);

            assertEquals(1, e.line());
            assertTrue(e.reason().startsWith("the top level must be an object, not "), e.reason());
        }

        @Test
        void rejectsATwiceDeclaredPredeployNamingBothLines() {
            ExtractionException e = parseError("""
                    {"scripts": {"dokku": {
                      "predeploy": "a",
                      "other": 1,
                      "Predeploy": null
                    }}}
                    """);

            assertEquals(4, e.line());
            assertEquals("\"Predeploy\" appears twice in scripts.dokku (first on line 2); keep only one", e.reason());
        }

        @Test
        void rejectsTwiceDeclaredScripts() {
            ExtractionException e = parseError("{\"scripts\": {},\n \"scripts\": {\"dokku\": {\"predeploy\": \"m\"}}}");

            assertEquals(2, e.line());
            assertTrue(e.reason().contains("appears twice at the top level"), e.reason());
        }

        @Test
        void reportsMalformedJsonWithLineAndColumn() {
            ExtractionException e = parseError("{\n  \"name\": \"shop\"\n  \"scripts\": {}\n}\n");

            assertEquals(3, e.line());
            assertEquals(3, e.column());
            assertTrue(e.getMessage().startsWith("app.json line 3, column 3: not valid JSON: Unexpected character ('\"'"),
                    e.getMessage());
            assertNotNull(e.getCause());
        }

        @Test
        void reportsAnUnclosedObjectWithoutJacksonInternals() {
            ExtractionException e = parseError("{\n  \"scripts\": {\n    \"dokku\": {}\n");

            assertEquals(4, e.line());
            assertTrue(e.reason().contains("expected close marker for Object"), e.reason());
            assertTrue(e.reason().contains("(start marker at line 2, column 14)"), e.reason());
            assertFalse(e.getMessage().contains("Source"), e.getMessage());
            assertFalse(e.getMessage().contains("REDACTED"), e.getMessage());
        }

        @ParameterizedTest
        @ValueSource(strings = {"{'single': 1}", "{unquoted: 1}", "{\"a\": 01}", "{\"a\": NaN}", "{\"a\": 1,,}",
            "{,}", "[1,,2]", "{\"a\": 1 /* unclosed", "{\"a\": \"line\nbreak\"}", "# yaml comment\n{}"})
        void rejectsWhatHujsonRejects(String text) {
            ExtractionException e = parseError(text);

            assertTrue(e.line() > 0, e.getMessage());
            assertTrue(e.reason().startsWith("not valid JSON: "), e.reason());
        }

        @Test
        void rejectsContentAfterTheTopLevelValue() {
            ExtractionException e = parseError("{}\n{}");

            assertEquals(2, e.line());
            assertEquals("unexpected content after the top-level value", e.reason());
        }

        @Test
        void rejectsAFileOfOnlyComments() {
            ExtractionException e = parseError("// nothing else\n");

            assertTrue(e.reason().contains("only comments"), e.reason());
        }

        @Test
        void rejectsAByteOrderMark() {
            ExtractionException e = parseError("\uFEFF{}");

            assertEquals(1, e.line());
            assertTrue(e.reason().contains("byte order mark"), e.reason());
        }

        @Test
        void rejectsAFinalLineCommentWithoutLineBreakAsHujsonDoes() {
            ExtractionException e = parseError("{\"a\": 1}\n/* ok */ // but no line break");

            assertEquals(2, e.line());
            assertEquals(10, e.column());
            assertTrue(e.reason().contains("needs a line break"), e.reason());
        }

        @Test
        void acceptsAFinalLineCommentWithLineBreak() {
            assertEquals(Optional.empty(), AppJsonDocument.parse("{\"a\": 1}\n// fine\n").predeploy());
        }
    }

    @Nested
    class WithoutPredeploy {
        @Test
        void removesTheFirstMemberAndItsComma() {
            assertEquals("""
                    {
                      "scripts": {
                        "dokku": {
                          "postdeploy": "notify",
                          "other": [1, 2]
                        }
                      }
                    }
                    """, withoutPredeploy("""
                    {
                      "scripts": {
                        "dokku": {
                          "predeploy": "rake db:migrate",
                          "postdeploy": "notify",
                          "other": [1, 2]
                        }
                      }
                    }
                    """));
        }

        @Test
        void removesAMiddleMemberAndItsComma() {
            assertEquals("""
                    {"scripts": {"dokku": {
                      "first": {"nested": true},
                      "last": null
                    }}}
                    """, withoutPredeploy("""
                    {"scripts": {"dokku": {
                      "first": {"nested": true},
                      "predeploy": "rake db:migrate",
                      "last": null
                    }}}
                    """));
        }

        @Test
        void removesTheLastMemberWithTheCommaBeforeIt() {
            assertEquals("""
                    {"scripts": {"dokku": {
                      "postdeploy": "notify"
                    }}}
                    """, withoutPredeploy("""
                    {"scripts": {"dokku": {
                      "postdeploy": "notify",
                      "predeploy": "rake db:migrate"
                    }}}
                    """));
        }

        @Test
        void removesTheOnlyMemberLeavingAnEmptyObject() {
            assertEquals("""
                    {"scripts": {"dokku": {
                    }}}
                    """, withoutPredeploy("""
                    {"scripts": {"dokku": {
                      "predeploy": "rake db:migrate"
                    }}}
                    """));
        }

        @ParameterizedTest(name = "[{index}] {0}")
        @CsvSource(delimiter = '|', value = {
            "{\"predeploy\": \"m\", \"postdeploy\": \"n\"} | {\"postdeploy\": \"n\"}",
            "{\"postdeploy\": \"n\", \"predeploy\": \"m\"} | {\"postdeploy\": \"n\"}",
            "{\"a\": 1, \"predeploy\": \"m\", \"b\": 2} | {\"a\": 1, \"b\": 2}",
            "{ \"predeploy\": \"m\", \"b\": 2 } | { \"b\": 2 }",
            "{ \"a\": 1, \"predeploy\": \"m\" } | { \"a\": 1 }",
            "{\"predeploy\": \"m\"} | {}",
            "{\"predeploy\": \"m\",} | {}",
            "{\"a\": 1,\"predeploy\": \"m\"} | {\"a\": 1}",
            "{\"a\":1,\"predeploy\":\"m\",\"b\":2} | {\"a\":1,\"b\":2}",
        })
        void removesFromSingleLineObjectsWithoutStrayBlanks(String dokku, String expected) {
            assertEquals("{\"scripts\": {\"dokku\": " + expected + "}}",
                    withoutPredeploy("{\"scripts\": {\"dokku\": " + dokku + "}}"));
        }

        @Test
        void keepsCommentsAroundTheMember() {
            assertEquals("""
                    {"scripts": {"dokku": {
                      // runs once per deploy
                      "postdeploy": "notify" /* after */
                    }}}
                    """, withoutPredeploy("""
                    {"scripts": {"dokku": {
                      // runs once per deploy
                      "predeploy": "rake db:migrate",
                      "postdeploy": "notify" /* after */
                    }}}
                    """));
        }

        @Test
        void keepsATrailingCommentOnTheMembersLine() {
            assertEquals("""
                    {"scripts": {"dokku": {
                      // the migration
                      "postdeploy": "notify"
                    }}}
                    """, withoutPredeploy("""
                    {"scripts": {"dokku": {
                      "predeploy": "rake db:migrate", // the migration
                      "postdeploy": "notify"
                    }}}
                    """));
        }

        @Test
        void removesOnlyTheCommaWhenACommentSeparatesItFromTheLastMember() {
            assertEquals("""
                    {"scripts": {"dokku": {
                      "postdeploy": "notify" // then
                    }}}
                    """, withoutPredeploy("""
                    {"scripts": {"dokku": {
                      "postdeploy": "notify", // then
                      "predeploy": "rake db:migrate"
                    }}}
                    """));
        }

        @Test
        void removesACommaThatFollowsACommentAfterTheValue() {
            assertEquals("{\"scripts\": {\"dokku\": {/* why */ \"b\": 2}}}",
                    withoutPredeploy("{\"scripts\": {\"dokku\": {\"predeploy\": \"m\" /* why */, \"b\": 2}}}"));
        }

        @Test
        void removesAMemberWrittenOverSeveralLines() {
            assertEquals("""
                    {"scripts": {"dokku": {
                      "postdeploy": "n"
                    }}}
                    """, withoutPredeploy("""
                    {"scripts": {"dokku": {
                      "predeploy":
                        "rake db:migrate",
                      "postdeploy": "n"
                    }}}
                    """));
        }

        @Test
        void keepsCrlfLineEndings() {
            String text = "{\r\n  \"scripts\": {\r\n    \"dokku\": {\r\n      \"predeploy\": \"m\",\r\n"
                    + "      \"postdeploy\": \"n\"\r\n    }\r\n  }\r\n}\r\n";

            assertEquals("{\r\n  \"scripts\": {\r\n    \"dokku\": {\r\n      \"postdeploy\": \"n\"\r\n    }\r\n  }\r\n}\r\n",
                    withoutPredeploy(text));
        }

        @Test
        void keepsTabIndentation() {
            assertEquals("{\"scripts\": {\"dokku\": {\n\t\t\"a\": 1\n\t}}}",
                    withoutPredeploy("{\"scripts\": {\"dokku\": {\n\t\t\"a\": 1,\n\t\t\"predeploy\": \"m\"\n\t}}}"));
        }

        @Test
        void removesAnEmptyOrNullPredeploySoDokkuSeesNoKeyAtAll() {
            assertEquals("{\"scripts\": {\"dokku\": {}}}", withoutPredeploy("{\"scripts\": {\"dokku\": {\"predeploy\": null}}}"));
            assertEquals("{\"scripts\": {\"dokku\": {}}}", withoutPredeploy("{\"scripts\": {\"dokku\": {\"predeploy\": \"  \"}}}"));
        }

        @Test
        void removesACaseVariantKey() {
            assertEquals("{\"Scripts\": {\"Dokku\": {\"x\": 1}}}",
                    withoutPredeploy("{\"Scripts\": {\"Dokku\": {\"PreDeploy\": \"m\", \"x\": 1}}}"));
        }

        @Test
        void removesAKeyWrittenWithEscapes() {
            assertEquals("{\"scripts\": {\"dokku\": {\"x\": 1}}}",
                    withoutPredeploy("{\"scripts\": {\"dokku\": {\"pre\\u0064eploy\": \"m\", \"x\": 1}}}"));
        }

        @Test
        void leavesPredeployKeysElsewhereAlone() {
            String text = "{\"predeploy\": \"top\", \"scripts\": {\"predeploy\": \"s\", \"dokku\": {\"predeploy\": \"m\"},"
                    + " \"x\": {\"dokku\": {\"predeploy\": \"deep\"}}}}";

            assertEquals("{\"predeploy\": \"top\", \"scripts\": {\"predeploy\": \"s\", \"dokku\": {},"
                    + " \"x\": {\"dokku\": {\"predeploy\": \"deep\"}}}}", withoutPredeploy(text));
        }

        @Test
        void keepsUnknownTopLevelKeysByteForByte() {
            String before = "{\n  \"name\": \"Shop ☕\",\n  \"x-custom\": {\"weird\":[1,2.50,-0.0,1e400,{\"\":null}]},\n"
                    + "  \"healthchecks\": {\"web\": [{\"type\": \"startup\", \"attempts\":   3}]},\n";
            String after = "  \"formation\": {\"web\": {\"quantity\": 2}}, // scale\n  \"cron\": []\n}\n";
            String text = before + "  \"scripts\": {\"dokku\": {\"predeploy\": \"m\"}},\n" + after;

            assertEquals(before + "  \"scripts\": {\"dokku\": {}},\n" + after, withoutPredeploy(text));
        }

        @Test
        void keepsUnicodeAndEscapesElsewhere() {
            String text = "{\"description\": \"Café ☕ 漢字 🚀 \\u00e9\\n\", \"scripts\": {\"dokku\": "
                    + "{\"predeploy\": \"echo 🚀\", \"postdeploy\": \"echo ü\"}}}";

            assertEquals("{\"description\": \"Café ☕ 漢字 🚀 \\u00e9\\n\", \"scripts\": {\"dokku\": "
                    + "{\"postdeploy\": \"echo ü\"}}}", withoutPredeploy(text));
        }

        @Test
        void returnsTheSameDocumentWithoutAPredeployMember() {
            AppJsonDocument appJson = AppJsonDocument.parse("{\"scripts\": {\"dokku\": {\"postdeploy\": \"n\"}}}");

            assertSame(appJson, appJson.withoutPredeploy());
        }

        @Test
        void keepsPostdeployReadable() {
            AppJsonDocument without = AppJsonDocument.parse(
                    "{\"scripts\": {\"dokku\": {\"predeploy\": \"m\", \"postdeploy\": \"n\"}}}").withoutPredeploy();

            assertEquals(Optional.empty(), without.predeploy());
            assertEquals(Optional.of("n"), without.postdeploy());
        }

        @Test
        void matchesTheFixture() throws IOException {
            String text = ProcfileDocumentTest.resource("commented.app.json");

            assertEquals(ProcfileDocumentTest.resource("commented.app.without-predeploy.json"), withoutPredeploy(text));
        }
    }

    @Nested
    class Fallback {
        private final String original = "{\n  // comment\n  \"name\": \"shop\",\n  \"scripts\": {\"dokku\": {\"predeploy\": \"m\", \"postdeploy\": \"n\"}}\n}\n";

        private JsonNode expectedTree() {
            ObjectNode expected = (ObjectNode) tree(original);
            ((ObjectNode) expected.get("scripts").get("dokku")).remove("predeploy");
            return expected;
        }

        @Test
        void keepsACutTextThatParsesToTheExpectedTree() {
            String cut = "{\n  // comment\n  \"name\": \"shop\",\n  \"scripts\": {\"dokku\": {\"postdeploy\": \"n\"}}\n}\n";

            assertEquals(cut, AppJsonDocument.verifiedOrReserialised(cut, expectedTree()).text());
        }

        @Test
        void reserialisesTheTreeWhenTheCutTextDoesNotParse() {
            AppJsonDocument result = AppJsonDocument.verifiedOrReserialised("{\"name\": \"shop\",, }", expectedTree());

            assertEquals("""
                    {
                      "name" : "shop",
                      "scripts" : {
                        "dokku" : {
                          "postdeploy" : "n"
                        }
                      }
                    }
                    """, result.text());
            assertEquals(expectedTree(), tree(result.text()));
        }

        @Test
        void reserialisesTheTreeWhenTheCutTextParsesToAnotherTree() {
            AppJsonDocument result = AppJsonDocument.verifiedOrReserialised(
                    "{\"name\": \"shop\", \"scripts\": {\"dokku\": {}}}", expectedTree());

            assertEquals(expectedTree(), tree(result.text()));
            assertEquals(Optional.of("n"), result.postdeploy());
        }

        @Test
        void reserialisesTheTreeWhenThePredeployIsStillThere() {
            String stillThere = "{\"name\": \"shop\", \"scripts\": {\"dokku\": {\"postdeploy\": \"n\", \"PREDEPLOY\": null}}}";

            AppJsonDocument result = AppJsonDocument.verifiedOrReserialised(stillThere, expectedTree());

            assertFalse(result.text().contains("PREDEPLOY"), result.text());
            assertEquals(expectedTree(), tree(result.text()));
        }

        @Test
        void reserialisingKeepsNumbersExactly() {
            JsonNode numbers = tree("{\"a\": 1.50, \"b\": 12345678901234567890.123456789, \"c\": -0.0, \"d\": 1e400}");

            AppJsonDocument result = AppJsonDocument.verifiedOrReserialised("broken", numbers);

            assertEquals(numbers, tree(result.text()));
            assertTrue(result.text().contains("1.50"), result.text());
            assertTrue(result.text().contains("12345678901234567890.123456789"), result.text());
        }
    }
}
