package io.mmdeploy.engine.diagnostics;

/** How bad a {@link Diagnostic} is: errors stop the run, warnings are shown and the run goes on. */
public enum Severity {
    ERROR,
    WARNING
}
