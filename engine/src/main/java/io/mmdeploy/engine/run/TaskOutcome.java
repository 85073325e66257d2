package io.mmdeploy.engine.run;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.diagnostics.Diagnostic;
import java.util.ArrayList;
import java.util.List;

/** What one task of a {@link ParallelRunner} ended with: a value or a failure. */
public record TaskOutcome<T>(String name, T value, Throwable failure) {

    static <T> TaskOutcome<T> success(String name, T value) {
        return new TaskOutcome<>(name, value, null);
    }

    static <T> TaskOutcome<T> failure(String name, Throwable failure) {
        return new TaskOutcome<>(name, null, failure);
    }

    public boolean succeeded() {
        return failure == null;
    }

    /**
     * The values in task order, or one DeployException that carries the diagnostics of every failed task
     * (a task's own DeployException keeps its diagnostics; anything else is reported as unexpected).
     */
    public static <T> List<T> valuesOrThrow(List<TaskOutcome<T>> outcomes) {
        List<Diagnostic> problems = new ArrayList<>();
        List<T> values = new ArrayList<>();
        for (TaskOutcome<T> outcome : outcomes) {
            if (outcome.succeeded()) {
                values.add(outcome.value());
            } else if (outcome.failure() instanceof DeployException deploy) {
                problems.addAll(deploy.diagnostics());
            } else {
                problems.add(Diagnostic.error(
                        "Unexpected failure in " + outcome.name(),
                        outcome.failure().getClass().getSimpleName() + ": " + outcome.failure().getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            throw new DeployException(problems);
        }
        return values;
    }
}
