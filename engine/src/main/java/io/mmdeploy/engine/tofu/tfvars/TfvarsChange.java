package io.mmdeploy.engine.tofu.tfvars;

import java.util.List;

/**
 * What {@link ImageVarsWriter} changed in one file.
 *
 * @param file the tfvars file, relative to the workspace root
 * @param entries the variables it set, in request order; empty when everything was already current
 */
public record TfvarsChange(String file, List<Entry> entries) {

    public TfvarsChange {
        entries = List.copyOf(entries);
    }

    public boolean changed() {
        return !entries.isEmpty();
    }

    /** The commit message for this change: the environment and the release, then one line per variable. */
    public String commitMessage(String environment, String release) {
        StringBuilder out = new StringBuilder("mm-deploy: " + environment + " images for release " + release + "\n\n");
        entries.forEach(e -> out.append(e.variable()).append(" = ").append(e.after()).append('\n'));
        return out.toString();
    }

    /**
     * @param variable the tfvars variable
     * @param before its previous string value; null when it was missing or not a string
     * @param after the image reference written
     * @param appended true when the variable was missing and was added at the end
     */
    public record Entry(String variable, String before, String after, boolean appended) {}
}
