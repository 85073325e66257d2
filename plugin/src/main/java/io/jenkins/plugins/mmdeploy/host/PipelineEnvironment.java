package io.jenkins.plugins.mmdeploy.host;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The Pipeline's environment at the step (the step context's {@code EnvVars}: the build's variables, {@code withEnv},
 * {@code tool}, the node's PATH), which the engine's commands get under their own variables, as {@code sh} would.
 * Names compare case-insensitively, as in {@code EnvVars}, so a command's {@code PATH} replaces a Windows {@code Path}.
 *
 * @param variables the context's variables (a copy)
 */
public record PipelineEnvironment(SortedMap<String, String> variables) {

    public PipelineEnvironment {
        TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        copy.putAll(variables);
        variables = Collections.unmodifiableSortedMap(copy);
    }

    /** From the step context's variables; null (a context without them) is an empty environment. */
    public static PipelineEnvironment of(Map<String, String> contextVariables) {
        TreeMap<String, String> vars = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (contextVariables != null) {
            contextVariables.forEach((k, v) -> {
                if (k != null && v != null) {
                    vars.put(k, v);
                }
            });
        }
        return new PipelineEnvironment(vars);
    }

    /** A command's environment: the Pipeline's variables with the command's own over them (the engine's values win). */
    public Map<String, String> under(Map<String, String> commandVariables) {
        TreeMap<String, String> merged = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        merged.putAll(variables);
        merged.putAll(commandVariables);
        return merged;
    }

    /**
     * The branch this build builds, for the engine's branch check: multibranch's {@code BRANCH_NAME}. A change request
     * (pull request: {@code CHANGE_ID} is set) builds no environment's branch, even where a plugin sets
     * {@code BRANCH_NAME} to the request's source branch (Bitbucket's does), so it gets a name no git branch can have
     * and every mutating step refuses. Null when the job builds no branch (a plain Pipeline job): no check.
     */
    public String buildBranch() {
        String change = variables.get("CHANGE_ID");
        if (change != null && !change.isBlank()) {
            return "change request " + change.strip();
        }
        String branch = variables.get("BRANCH_NAME");
        return branch == null || branch.isBlank() ? null : branch;
    }
}
