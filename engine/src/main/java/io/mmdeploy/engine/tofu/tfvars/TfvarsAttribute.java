package io.mmdeploy.engine.tofu.tfvars;

/**
 * One top-level {@code name = value} of a tfvars (or backend config) file.
 *
 * @param name the variable name
 * @param value the decoded value: String, {@link java.math.BigDecimal}, Boolean, null, {@code List<Object>}
 *     or {@code Map<String, Object>}
 * @param line 1-based line of the name
 * @param column 1-based column of the name
 * @param valueStart offset of the value's first character in the file's text
 * @param valueEnd offset just past the value's last character
 */
public record TfvarsAttribute(String name, Object value, int line, int column, int valueStart, int valueEnd) {

    /** The value when it is a string, else null. */
    public String stringValue() {
        return value instanceof String s ? s : null;
    }
}
