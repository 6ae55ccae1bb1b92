package dokkumigrate.scan;

import java.util.Locale;

/** The language a script is written in, from its {@code #!} line or else its file name. */
enum ScriptLanguage {
    SHELL, RUBY, PYTHON, NODE, PHP, OTHER;

    static ScriptLanguage of(String path, String text) {
        if (text.startsWith("#!")) {
            int end = text.indexOf('\n');
            String interpreter = (end < 0 ? text : text.substring(0, end)).toLowerCase(Locale.ROOT);
            if (interpreter.matches(".*\\b(ba|da|z|k|mk)?sh\\b.*")) {
                return SHELL;
            }
            if (interpreter.contains("ruby")) {
                return RUBY;
            }
            if (interpreter.contains("python")) {
                return PYTHON;
            }
            if (interpreter.matches(".*\\b(node|deno|bun|ts-node|tsx)\\b.*")) {
                return NODE;
            }
            if (interpreter.contains("php")) {
                return PHP;
            }
            return OTHER;
        }
        String name = path.toLowerCase(Locale.ROOT);
        if (name.endsWith(".rb") || name.endsWith(".rake")) {
            return RUBY;
        }
        if (name.endsWith(".py")) {
            return PYTHON;
        }
        if (name.matches(".*\\.(js|mjs|cjs|ts)$")) {
            return NODE;
        }
        if (name.endsWith(".php")) {
            return PHP;
        }
        return SHELL;
    }

    /** How a line comment starts. */
    String commentPrefix() {
        return this == NODE || this == PHP ? "//" : "#";
    }
}
