package io.mmdeploy.engine.diagnostics;

/**
 * Where in a file a diagnostic points. Line and column are 1-based; 0 means unknown.
 */
public record SourcePosition(String file, int line, int column) {

    public static SourcePosition file(String file) {
        return new SourcePosition(file, 0, 0);
    }

    /** {@code file:line:column}, leaving out what is unknown. */
    public String render() {
        if (line <= 0) {
            return file;
        }
        return column <= 0 ? file + ":" + line : file + ":" + line + ":" + column;
    }
}
