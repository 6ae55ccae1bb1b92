package dokkumigrate.plan;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dokkumigrate.plan.JsonMemberRemoval.MemberLocation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An app.json read as current Dokku reads it: comments and trailing commas allowed, a blank file
 * or a top-level {@code null} meaning "no app.json settings", and keys matched without regard to case
 * (Go's encoding/json does that), so {@code "Predeploy"} is the predeploy task too.
 *
 * <p>Only {@code scripts.dokku.predeploy} and {@code scripts.dokku.postdeploy} are interpreted; the
 * original text is kept so that {@link #withoutPredeploy()} changes nothing else.
 */
public final class AppJsonDocument {
    static final String FILE_LABEL = "app.json";

    private static final String SCRIPTS = "scripts";
    private static final String DOKKU = "dokku";
    private static final String PREDEPLOY = "predeploy";
    private static final String POSTDEPLOY = "postdeploy";

    /**
     * A {@code scripts.dokku} member as found in the text.
     *
     * @param path the keys leading to it as spelled in the file, e.g. {@code scripts.dokku.predeploy}
     * @param value the string value; empty for {@code null}
     */
    private record ScriptMember(List<String> path, Optional<String> value, MemberLocation location) {
    }

    private final String text;
    private final JsonNode tree;
    private final ScriptMember predeploy;
    private final ScriptMember postdeploy;

    private AppJsonDocument(String text, JsonNode tree, ScriptMember predeploy, ScriptMember postdeploy) {
        this.text = text;
        this.tree = tree;
        this.predeploy = predeploy;
        this.postdeploy = postdeploy;
    }

    /** Parses app.json text; see the class comment for what counts as valid. */
    public static AppJsonDocument parse(String text) {
        Objects.requireNonNull(text, "text");
        if (GoText.trimSpace(text).isEmpty()) {
            return new AppJsonDocument(text, null, null, null);
        }
        if (text.charAt(0) == '\uFEFF') {
            throw new ExtractionException(FILE_LABEL, 1, 1,
                    "starts with a byte order mark (BOM), which Dokku cannot parse; save it as UTF-8 without BOM", null);
        }
        JsonNode tree = LenientJson.readTree(text, FILE_LABEL);
        if (tree.isMissingNode()) {
            throw new ExtractionException(FILE_LABEL, 0, "holds only comments and no JSON value; Dokku cannot parse it");
        }
        try (JsonParser parser = LenientJson.parser(text)) {
            return new Scan(text, parser).document(tree);
        } catch (JsonProcessingException e) {
            throw LenientJson.malformed(e, FILE_LABEL);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text as given, byte for byte. */
    public String text() {
        return text;
    }

    /** {@code scripts.dokku.predeploy}; empty when absent, {@code null}, or blank. */
    public Optional<String> predeploy() {
        return command(predeploy);
    }

    /** {@code scripts.dokku.postdeploy}; empty when absent, {@code null}, or blank. */
    public Optional<String> postdeploy() {
        return command(postdeploy);
    }

    private static Optional<String> command(ScriptMember member) {
        if (member == null) {
            return Optional.empty();
        }
        return member.value().filter(value -> !GoText.trimSpace(value).isEmpty());
    }

    /**
     * This document without the {@code predeploy} member of {@code scripts.dokku} (whatever its value),
     * cut out with one neighbouring comma so everything else keeps its bytes; this document itself
     * when there is no such member. The cut text is re-parsed and must equal the original tree minus
     * that key; should it not, the tree is re-serialised instead (comments are then lost).
     */
    public AppJsonDocument withoutPredeploy() {
        if (predeploy == null) {
            return this;
        }
        JsonNode expected = treeWithout(predeploy);
        return JsonMemberRemoval.remove(text, predeploy.location())
                .map(cut -> verifiedOrReserialised(cut, expected))
                .orElseGet(() -> reserialised(expected));
    }

    /** {@code candidate} when it parses to {@code expected} with no predeploy left, else {@code expected} re-serialised. */
    static AppJsonDocument verifiedOrReserialised(String candidate, JsonNode expected) {
        try {
            AppJsonDocument document = parse(candidate);
            if (expected.equals(document.tree) && document.predeploy == null) {
                return document;
            }
        } catch (ExtractionException e) {
            // fall through to the re-serialised tree
        }
        return reserialised(expected);
    }

    private static AppJsonDocument reserialised(JsonNode tree) {
        return parse(LenientJson.prettyPrint(tree));
    }

    private JsonNode treeWithout(ScriptMember member) {
        JsonNode copy = tree.deepCopy();
        JsonNode parent = copy;
        for (String key : member.path().subList(0, member.path().size() - 1)) {
            parent = parent.get(key);
        }
        ((ObjectNode) parent).remove(member.path().get(member.path().size() - 1));
        return copy;
    }

    /** One walk over the token stream that finds the script members, their positions and wrong types. */
    private static final class Scan {
        private final String text;
        private final JsonParser parser;
        private ScriptMember predeploy;
        private ScriptMember postdeploy;

        Scan(String text, JsonParser parser) {
            this.text = text;
            this.parser = parser;
        }

        AppJsonDocument document(JsonNode tree) throws IOException {
            JsonToken root = parser.nextToken();
            if (root == JsonToken.START_OBJECT) {
                walkRoot();
            } else if (root != JsonToken.VALUE_NULL) {
                throw wrongType("the top level", "an object", root, parser.currentTokenLocation());
            }
            int end = (int) parser.currentLocation().getCharOffset();
            if (parser.nextToken() != null) {
                throw positioned(parser.currentTokenLocation(), "unexpected content after the top-level value");
            }
            int comment = LenientJson.lineCommentWithoutLineBreak(text, end);
            if (comment >= 0) {
                throw positionedAt(comment,
                        "the // comment at the end needs a line break after it; Dokku's parser rejects it otherwise");
            }
            return new AppJsonDocument(text, tree.isNull() ? null : tree, predeploy, postdeploy);
        }

        private void walkRoot() throws IOException {
            MemberTracker scripts = new MemberTracker("");
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                if (!key.equalsIgnoreCase(SCRIPTS)) {
                    skipValue();
                    continue;
                }
                scripts.seen(key, parser.currentTokenLocation());
                if (objectValue(List.of(key))) {
                    walkScripts(key);
                }
            }
        }

        private void walkScripts(String scriptsKey) throws IOException {
            MemberTracker dokku = new MemberTracker(scriptsKey);
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                if (!key.equalsIgnoreCase(DOKKU)) {
                    skipValue();
                    continue;
                }
                dokku.seen(key, parser.currentTokenLocation());
                if (objectValue(List.of(scriptsKey, key))) {
                    walkDokku(List.of(scriptsKey, key));
                }
            }
        }

        private void walkDokku(List<String> parentPath) throws IOException {
            String parent = String.join(".", parentPath);
            MemberTracker predeployKeys = new MemberTracker(parent);
            MemberTracker postdeployKeys = new MemberTracker(parent);
            int previousValueEnd = -1;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                int keyStart = (int) parser.currentTokenLocation().getCharOffset();
                if (key.equalsIgnoreCase(PREDEPLOY)) {
                    predeployKeys.seen(key, parser.currentTokenLocation());
                    predeploy = scriptMember(parentPath, key, keyStart, previousValueEnd);
                    previousValueEnd = predeploy.location().valueEnd();
                } else if (key.equalsIgnoreCase(POSTDEPLOY)) {
                    postdeployKeys.seen(key, parser.currentTokenLocation());
                    postdeploy = scriptMember(parentPath, key, keyStart, previousValueEnd);
                    previousValueEnd = postdeploy.location().valueEnd();
                } else {
                    previousValueEnd = skipValue();
                }
            }
        }

        private ScriptMember scriptMember(List<String> parentPath, String key, int keyStart, int previousValueEnd)
                throws IOException {
            List<String> path = new ArrayList<>(parentPath);
            path.add(key);
            JsonToken token = parser.nextToken();
            Optional<String> value;
            if (token == JsonToken.VALUE_STRING) {
                value = Optional.of(parser.getText());
            } else if (token == JsonToken.VALUE_NULL) {
                value = Optional.empty();
            } else {
                throw wrongType(String.join(".", path), "a string", token, parser.currentTokenLocation());
            }
            int valueEnd = (int) parser.currentLocation().getCharOffset();
            return new ScriptMember(List.copyOf(path), value, new MemberLocation(keyStart, valueEnd, previousValueEnd));
        }

        /** Reads a member's value that must be an object or null; true when it is an object. */
        private boolean objectValue(List<String> path) throws IOException {
            JsonToken token = parser.nextToken();
            if (token == JsonToken.START_OBJECT) {
                return true;
            }
            if (token == JsonToken.VALUE_NULL) {
                return false;
            }
            throw wrongType(String.join(".", path), "an object", token, parser.currentTokenLocation());
        }

        /** Skips the value after a key; returns the index just past it. */
        private int skipValue() throws IOException {
            JsonToken token = parser.nextToken();
            if (token == JsonToken.VALUE_STRING) {
                parser.finishToken();
            } else {
                parser.skipChildren();
            }
            return (int) parser.currentLocation().getCharOffset();
        }

        /** Line and column (both 1-based) of a character index, counted as Jackson counts them. */
        private ExtractionException positionedAt(int index, String reason) {
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < index; i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            return positioned(line, index - lineStart + 1, reason);
        }
    }

    /** Remembers where a key was first seen in one object, to reject a second one, whose meaning Dokku would guess. */
    private static final class MemberTracker {
        private final String parentPath;
        private String firstKey;
        private int firstLine;

        MemberTracker(String parentPath) {
            this.parentPath = parentPath;
        }

        void seen(String key, JsonLocation location) {
            if (firstKey != null) {
                String where = parentPath.isEmpty() ? "at the top level" : "in " + parentPath;
                throw positioned(location, "\"" + key + "\" appears twice " + where + " (first on line " + firstLine
                        + "); keep only one");
            }
            firstKey = key;
            firstLine = location.getLineNr();
        }
    }

    private static ExtractionException wrongType(String what, String expected, JsonToken found, JsonLocation location) {
        return positioned(location, what + " must be " + expected + ", not " + describe(found));
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.asString() == null ? token.name() : token.asString();
        };
    }

    private static ExtractionException positioned(JsonLocation location, String reason) {
        return positioned(location.getLineNr(), location.getColumnNr(), reason);
    }

    private static ExtractionException positioned(int line, int column, String reason) {
        return new ExtractionException(FILE_LABEL, line, column, reason, null);
    }
}
