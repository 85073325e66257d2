package io.mmdeploy.engine.tofu.tfvars;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.diagnostics.Diagnostic;
import io.mmdeploy.engine.diagnostics.Severity;
import io.mmdeploy.engine.diagnostics.SourcePosition;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed tfvars or backend config file: HCL native syntax restricted to literal attributes, as OpenTofu
 * evaluates them (no variables, no function calls, no blocks). Every attribute keeps the span of its
 * value in the original text, so that a writer can replace one value and leave every other byte as it was.
 */
public final class TfvarsDocument {
    private final String file;
    private final String text;
    private final List<TfvarsAttribute> attributes;

    private TfvarsDocument(String file, String text, List<TfvarsAttribute> attributes) {
        this.file = file;
        this.text = text;
        this.attributes = List.copyOf(attributes);
    }

    /**
     * Parses the text of {@code file}.
     *
     * @throws DeployException naming the file, line and column of the first syntax error
     */
    public static TfvarsDocument parse(String file, String text) {
        return new TfvarsDocument(file, text, new Parser(file, text).document());
    }

    public String file() {
        return file;
    }

    public String text() {
        return text;
    }

    public List<TfvarsAttribute> attributes() {
        return attributes;
    }

    public Optional<TfvarsAttribute> attribute(String name) {
        return attributes.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    /** The value of a top-level string attribute, when there is one. */
    public Optional<String> string(String name) {
        return attribute(name).map(TfvarsAttribute::stringValue);
    }

    /**
     * The text with each named top-level attribute set to a string, every other byte as it was: an existing
     * value is replaced in place (whatever its form), a missing name is appended at the end, in the file's
     * line-end style.
     */
    public String withStrings(Map<String, String> values) {
        StringBuilder out = new StringBuilder(text);
        List<TfvarsAttribute> byOffsetDescending = attributes.stream()
                .filter(a -> values.containsKey(a.name()))
                .sorted((a, b) -> Integer.compare(b.valueStart(), a.valueStart()))
                .toList();
        for (TfvarsAttribute a : byOffsetDescending) {
            out.replace(a.valueStart(), a.valueEnd(), HclStringLiteral.encode(values.get(a.name())));
        }
        String newline = text.contains("\r\n") ? "\r\n" : "\n";
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (attribute(e.getKey()).isPresent()) {
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
                out.append(newline);
            }
            out.append(e.getKey()).append(" = ").append(HclStringLiteral.encode(e.getValue())).append(newline);
        }
        return out.toString();
    }

    /** Every top-level attribute whose value is a string, by name, in file order. */
    public Map<String, String> strings() {
        Map<String, String> out = new LinkedHashMap<>();
        for (TfvarsAttribute a : attributes) {
            if (a.value() instanceof String s) {
                out.put(a.name(), s);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** A recursive-descent reader of the literal subset of HCL native syntax. */
    private static final class Parser {
        private final String file;
        private final String s;
        private int pos;

        Parser(String file, String text) {
            this.file = file;
            this.s = text;
        }

        List<TfvarsAttribute> document() {
            List<TfvarsAttribute> out = new ArrayList<>();
            skipSpace(true);
            while (pos < s.length()) {
                int nameStart = pos;
                String name = identifier("a variable name");
                skipSpace(false);
                if (peek() == '{' || peek() == '"') {
                    throw error(nameStart, "Blocks are not allowed here",
                            "\"" + name + "\" starts a block; a tfvars file holds only name = value lines.");
                }
                if (peek() != '=') {
                    throw error(pos, "Missing equals sign", "Expected \"=\" after \"" + name + "\".");
                }
                pos++;
                skipSpace(false);
                int valueStart = pos;
                Object value = value();
                int valueEnd = pos;
                for (TfvarsAttribute seen : out) {
                    if (seen.name().equals(name)) {
                        throw error(nameStart, "Attribute redefined",
                                "\"" + name + "\" was already set on line " + seen.line() + "; each may be set only once.");
                    }
                }
                out.add(new TfvarsAttribute(name, value, line(nameStart), column(nameStart), valueStart, valueEnd));
                skipSpace(false);
                if (pos < s.length() && !atNewline()) {
                    throw error(pos, "Missing newline after argument",
                            "Expected the end of the line after the value of \"" + name + "\".");
                }
                skipSpace(true);
            }
            return out;
        }

        private Object value() {
            if (pos >= s.length()) {
                throw error(pos, "Missing value", "Expected a value, found the end of the file.");
            }
            char c = s.charAt(pos);
            if (c == '"') {
                return quoted();
            }
            if (c == '<' && s.startsWith("<<", pos)) {
                return heredoc();
            }
            if (c == '[') {
                return list();
            }
            if (c == '{') {
                return object();
            }
            if (c == '-' || Character.isDigit(c)) {
                return number();
            }
            if (isIdentStart(c)) {
                int start = pos;
                String word = identifier("a value");
                switch (word) {
                    case "true":
                        return Boolean.TRUE;
                    case "false":
                        return Boolean.FALSE;
                    case "null":
                        return null;
                    default:
                        skipSpace(false);
                        throw error(start, peek() == '(' ? "Function calls not allowed" : "Variables not allowed",
                                "\"" + word + "\": a tfvars file may hold only literal values.");
                }
            }
            throw error(pos, "Invalid expression", "Expected a value, found \"" + c + "\".");
        }

        private String quoted() {
            int start = pos;
            pos++;
            StringBuilder out = new StringBuilder();
            while (true) {
                if (pos >= s.length() || s.charAt(pos) == '\n' || s.charAt(pos) == '\r') {
                    throw error(start, "Unterminated string", "A quoted string must end on the line it starts.");
                }
                char c = s.charAt(pos);
                if (c == '"') {
                    pos++;
                    return out.toString();
                }
                if (c == '\\') {
                    out.append(escape());
                    continue;
                }
                if (templateIntroducer(out)) {
                    continue;
                }
                out.append(c);
                pos++;
            }
        }

        /** Handles {@code $${}, {@code %%{} (literal) and refuses {@code ${}, {@code %{} (templates). */
        private boolean templateIntroducer(StringBuilder out) {
            char c = s.charAt(pos);
            if (c != '$' && c != '%') {
                return false;
            }
            if (s.startsWith(c + "" + c + "{", pos)) {
                out.append(c).append('{');
                pos += 3;
                return true;
            }
            if (pos + 1 < s.length() && s.charAt(pos + 1) == '{') {
                throw error(pos, "Variables not allowed",
                        "A tfvars value may not contain a template (\"" + c + "{\"); write \"" + c + c + "{\" for the literal text.");
            }
            return false;
        }

        private String escape() {
            int start = pos;
            if (pos + 1 >= s.length()) {
                throw error(start, "Invalid escape sequence", "A backslash ends the file.");
            }
            char e = s.charAt(pos + 1);
            pos += 2;
            switch (e) {
                case 'n':
                    return "\n";
                case 'r':
                    return "\r";
                case 't':
                    return "\t";
                case '"':
                    return "\"";
                case '\\':
                    return "\\";
                case 'u':
                    return unicode(start, 4);
                case 'U':
                    return unicode(start, 8);
                default:
                    throw error(start, "Invalid escape sequence",
                            "\"\\" + e + "\" is not a valid escape; use \\n, \\r, \\t, \\\", \\\\, \\uNNNN or \\UNNNNNNNN.");
            }
        }

        private String unicode(int start, int digits) {
            if (pos + digits > s.length()) {
                throw error(start, "Invalid escape sequence", "Expected " + digits + " hex digits.");
            }
            String hex = s.substring(pos, pos + digits);
            try {
                int cp = Integer.parseInt(hex, 16);
                pos += digits;
                return new String(Character.toChars(cp));
            } catch (IllegalArgumentException ex) {
                throw error(start, "Invalid escape sequence", "\"" + hex + "\" is not a hex code point.");
            }
        }

        private String heredoc() {
            int start = pos;
            pos += 2;
            boolean indented = false;
            if (peek() == '-') {
                indented = true;
                pos++;
            }
            String marker = identifier("a heredoc marker");
            int eol = s.indexOf('\n', pos);
            if (eol < 0 || !s.substring(pos, eol).strip().isEmpty()) {
                throw error(start, "Invalid heredoc", "A heredoc marker must end its line.");
            }
            pos = eol + 1;
            List<String> lines = new ArrayList<>();
            while (true) {
                if (pos >= s.length()) {
                    throw error(start, "Unterminated heredoc", "No closing \"" + marker + "\" line was found.");
                }
                int end = s.indexOf('\n', pos);
                int lineEnd = end < 0 ? s.length() : end;
                String line = s.substring(pos, lineEnd);
                String bare = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
                if (bare.strip().equals(marker)) {
                    // The value ends with the marker; a CR before the newline belongs to the line end.
                    pos = lineEnd - (line.length() - bare.length());
                    break;
                }
                lines.add(bare);
                pos = end < 0 ? s.length() : end + 1;
            }
            if (indented) {
                int common = lines.stream().filter(l -> !l.isBlank())
                        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
                lines.replaceAll(l -> l.length() >= common ? l.substring(common) : l.stripLeading());
            }
            StringBuilder out = new StringBuilder();
            for (String line : lines) {
                out.append(line.replace("$${", "${").replace("%%{", "%{")).append('\n');
            }
            return out.toString();
        }

        private List<Object> list() {
            pos++;
            List<Object> out = new ArrayList<>();
            skipSpace(true);
            while (peek() != ']') {
                out.add(value());
                skipSpace(true);
                if (peek() == ',') {
                    pos++;
                    skipSpace(true);
                } else if (peek() != ']') {
                    throw error(pos, "Missing item separator", "Expected a comma or \"]\" in the list.");
                }
            }
            pos++;
            return Collections.unmodifiableList(out);
        }

        private Map<String, Object> object() {
            int open = pos;
            pos++;
            Map<String, Object> out = new LinkedHashMap<>();
            skipSpace(true);
            while (peek() != '}') {
                if (pos >= s.length()) {
                    throw error(open, "Unclosed object", "Expected \"}\" to close the object.");
                }
                int keyStart = pos;
                String key = peek() == '"' ? quoted() : identifier("an object key");
                skipSpace(false);
                if (peek() != '=' && peek() != ':') {
                    throw error(pos, "Missing key/value separator", "Expected \"=\" or \":\" after the key \"" + key + "\".");
                }
                pos++;
                skipSpace(false);
                Object v = value();
                if (out.containsKey(key)) {
                    throw error(keyStart, "Duplicate object key", "\"" + key + "\" appears twice in the same object.");
                }
                out.put(key, v);
                skipSpace(false);
                if (peek() == ',') {
                    pos++;
                } else if (!atNewline() && peek() != '}') {
                    throw error(pos, "Missing attribute separator", "Expected a newline or comma after the value of \"" + key + "\".");
                }
                skipSpace(true);
            }
            pos++;
            return Collections.unmodifiableMap(out);
        }

        private BigDecimal number() {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || ".eE+-".indexOf(s.charAt(pos)) >= 0)) {
                if ((s.charAt(pos) == '+' || s.charAt(pos) == '-') && "eE".indexOf(s.charAt(pos - 1)) < 0) {
                    break;
                }
                pos++;
            }
            try {
                return new BigDecimal(s.substring(start, pos));
            } catch (NumberFormatException ex) {
                throw error(start, "Invalid number", "\"" + s.substring(start, pos) + "\" is not a number.");
            }
        }

        private String identifier(String what) {
            int start = pos;
            if (pos >= s.length() || !isIdentStart(s.charAt(pos))) {
                throw error(pos, "Invalid name", "Expected " + what + (pos < s.length() ? ", found \"" + s.charAt(pos) + "\"." : "."));
            }
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_' || s.charAt(pos) == '-')) {
                pos++;
            }
            return s.substring(start, pos);
        }

        private static boolean isIdentStart(char c) {
            return Character.isLetter(c) || c == '_';
        }

        private char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        private boolean atNewline() {
            return peek() == '\n' || (peek() == '\r' && pos + 1 < s.length() && s.charAt(pos + 1) == '\n');
        }

        /** Skips blanks and comments; newlines too when {@code newlines}. A line comment stops before its newline. */
        private void skipSpace(boolean newlines) {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\uFEFF' || (newlines && (c == '\n' || c == '\r'))) {
                    pos++;
                } else if (c == '\r' && pos + 1 < s.length() && s.charAt(pos + 1) != '\n') {
                    pos++;
                } else if (c == '#' || s.startsWith("//", pos)) {
                    while (pos < s.length() && s.charAt(pos) != '\n' && s.charAt(pos) != '\r') {
                        pos++;
                    }
                } else if (s.startsWith("/*", pos)) {
                    int end = s.indexOf("*/", pos + 2);
                    if (end < 0) {
                        throw error(pos, "Unterminated comment", "A \"/*\" comment is never closed with \"*/\".");
                    }
                    pos = end + 2;
                } else {
                    return;
                }
            }
        }

        private int line(int offset) {
            int line = 1;
            for (int i = 0; i < offset && i < s.length(); i++) {
                if (s.charAt(i) == '\n') {
                    line++;
                }
            }
            return line;
        }

        private int column(int offset) {
            int lineStart = s.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
            if (offset == 0) {
                lineStart = 0;
            }
            return offset - lineStart + 1;
        }

        private DeployException error(int offset, String summary, String detail) {
            return new DeployException(new Diagnostic(Severity.ERROR, summary, detail,
                    new SourcePosition(file, line(offset), column(offset)), ""));
        }
    }
}
