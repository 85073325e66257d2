package io.mmdeploy.engine.diagnostics;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A failure that carries its diagnostics. Hosts (CLI, Jenkins steps) render the diagnostics and never
 * print a stack trace for it: it is an expected outcome, not a bug.
 */
public class DeployException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<Diagnostic> diagnostics;

    public DeployException(List<Diagnostic> diagnostics) {
        super(render(diagnostics), null, false, false);
        if (diagnostics.isEmpty()) {
            throw new IllegalArgumentException("a DeployException needs at least one diagnostic");
        }
        this.diagnostics = List.copyOf(diagnostics);
    }

    public DeployException(Diagnostic diagnostic) {
        this(List.of(diagnostic));
    }

    public static DeployException of(String summary, String detail) {
        return new DeployException(Diagnostic.error(summary, detail));
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    private static String render(List<Diagnostic> diagnostics) {
        return diagnostics.stream().map(Diagnostic::render).collect(Collectors.joining("\n\n"));
    }
}
