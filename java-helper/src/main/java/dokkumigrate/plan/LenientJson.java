package dokkumigrate.plan;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JSON as current Dokku reads app.json (tailscale's hujson, then Go's encoding/json):
 * {@code //} and {@code /* *}{@code /} comments and trailing commas are allowed, nothing else is.
 */
final class LenientJson {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .build();

    /** Floats stay BigDecimal with their scale, so a re-serialised tree writes every number as it was. */
    static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    /** Jackson names where a structure started as "[Source: ...; line: L, column: C]". */
    private static final Pattern SOURCE_LOCATION = Pattern.compile("\\[Source: .*?; line: (\\d+), column: (\\d+)]");

    private LenientJson() {
    }

    static JsonParser parser(String text) {
        try {
            return FACTORY.createParser(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tree of the first value in {@code text}; a missing node when there is none. */
    static JsonNode readTree(String text, String fileLabel) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw malformed(e, fileLabel);
        }
    }

    static String prettyPrint(JsonNode tree) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(tree) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a tree that was just read", e);
        }
    }

    static ExtractionException malformed(JsonProcessingException e, String fileLabel) {
        JsonLocation location = e.getLocation();
        int line = location == null ? 0 : location.getLineNr();
        int column = location == null ? 0 : location.getColumnNr();
        String reason = e.getOriginalMessage() == null ? "unreadable JSON" : e.getOriginalMessage();
        Matcher source = SOURCE_LOCATION.matcher(reason);
        reason = source.replaceAll("line $1, column $2");
        return new ExtractionException(fileLabel, line, column, "not valid JSON: " + reason, e);
    }

    /** Index of the first character at or after {@code from} that is not JSON whitespace or a comment. */
    static int nextSignificant(String text, int from) {
        int i = from;
        for (int next = afterGapItem(text, i); next != i; next = afterGapItem(text, i)) {
            i = next;
        }
        return i;
    }

    /**
     * Where a {@code //} comment that runs to the end of the text without a line break starts, or -1.
     * hujson rejects such a comment, Jackson does not. {@code from} must be outside any string or comment.
     */
    static int lineCommentWithoutLineBreak(String text, int from) {
        int i = from;
        for (int next = afterGapItem(text, i); next != i; next = afterGapItem(text, i)) {
            if (text.startsWith("//", i) && text.indexOf('\n', i) < 0) {
                return i;
            }
            i = next;
        }
        return -1;
    }

    /** Just past the whitespace character or comment at {@code i}; {@code i} itself when there is neither. */
    private static int afterGapItem(String text, int i) {
        if (i >= text.length()) {
            return i;
        }
        char c = text.charAt(i);
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            return i + 1;
        }
        if (text.startsWith("//", i)) {
            int newline = text.indexOf('\n', i);
            return newline < 0 ? text.length() : newline + 1;
        }
        if (text.startsWith("/*", i)) {
            int close = text.indexOf("*/", i + 2);
            return close < 0 ? text.length() : close + 2;
        }
        return i;
    }
}
