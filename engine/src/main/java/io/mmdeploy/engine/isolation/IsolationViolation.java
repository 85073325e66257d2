package io.mmdeploy.engine.isolation;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.diagnostics.Diagnostic;
import io.mmdeploy.engine.diagnostics.Severity;
import io.mmdeploy.engine.diagnostics.SourcePosition;
import java.util.List;

/**
 * Two environments that share what must be theirs alone, or an environment that reaches into another's.
 *
 * @param rule a stable id of the rule that caught it (e.g. {@code shared-project})
 * @param environment the environment at fault
 * @param other the other environment involved; may name a project when no environment owns it
 * @param value the shared or foreign value
 * @param summary one line
 * @param detail what was found and how to fix it
 * @param file the file that holds the value
 */
public record IsolationViolation(String rule, String environment, String other, String value, String summary, String detail, String file) {

    /** The error that refuses a deploy for these violations (each one a diagnostic). */
    public static DeployException refusal(List<IsolationViolation> violations) {
        return new DeployException(violations.stream().map(IsolationViolation::toDiagnostic).toList());
    }

    public Diagnostic toDiagnostic() {
        return new Diagnostic(Severity.ERROR, summary, detail, file == null ? null : SourcePosition.file(file), "");
    }
}
