package io.mmdeploy.engine.tofu.tfvars;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.diagnostics.Diagnostic;
import io.mmdeploy.engine.diagnostics.Severity;
import io.mmdeploy.engine.diagnostics.SourcePosition;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.port.Workspace;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Writes image references (by digest) into an environment's tfvars file: each service's image variable is
 * set in place, a missing one is appended, and every other byte (comments, order, alignment, line ends)
 * stays as it was. The file is read back after writing and must give the same values, or the write fails.
 * It runs before {@code tofu plan}, never between plan and apply.
 */
public final class ImageVarsWriter {
    /** {@code host[:port]/path[:tag]@sha256:<64 hex>}, the distribution/reference grammar. */
    static final Pattern IMAGE_BY_DIGEST = Pattern.compile(
            "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?"
                    + "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
                    + "(?::\\w[\\w.-]{0,127})?@sha256:[a-f0-9]{64}");
    private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

    private final Workspace workspace;
    private final StageLog log;

    public ImageVarsWriter(Workspace workspace, StageLog log) {
        this.workspace = workspace;
        this.log = log;
    }

    /**
     * Sets the variables in {@code varFile}.
     *
     * @param varFile the tfvars file, relative to the workspace root
     * @param imageRefs tfvars variable → image reference by digest
     * @throws DeployException when a reference is not by digest, the file is not literal tfvars, or the
     *     written file does not read back the same
     */
    public TfvarsChange write(String varFile, Map<String, String> imageRefs) {
        checkReferences(varFile, imageRefs);
        try {
            String before = workspace.readText(varFile).orElseThrow(() -> DeployException.of("Var file not found",
                    varFile + " (the environment's first tofu.varFiles entry, where image references go) does not exist in "
                            + workspace.describe() + "; create it, or fix the path in the config."));
            TfvarsDocument doc = TfvarsDocument.parse(varFile, before);
            List<TfvarsChange.Entry> entries = new ArrayList<>();
            Map<String, String> toSet = new LinkedHashMap<>();
            imageRefs.forEach((name, ref) -> {
                String old = doc.attribute(name).map(TfvarsAttribute::stringValue).orElse(null);
                boolean present = doc.attribute(name).isPresent();
                if (!ref.equals(old)) {
                    toSet.put(name, ref);
                    entries.add(new TfvarsChange.Entry(name, old, ref, !present));
                }
            });
            if (toSet.isEmpty()) {
                log.info(varFile + ": every image reference is already current");
                return new TfvarsChange(varFile, List.of());
            }
            String after = doc.withStrings(toSet);
            workspace.writeText(varFile, after);
            proveRoundTrip(varFile, doc, imageRefs);
            for (TfvarsChange.Entry e : entries) {
                log.info(varFile + ": " + e.variable() + (e.appended() ? " added: " : " set: ") + e.after());
            }
            return new TfvarsChange(varFile, entries);
        } catch (IOException e) {
            throw DeployException.of("Cannot rewrite " + varFile, "In " + workspace.describe() + ": " + e.getMessage());
        }
    }

    private static void checkReferences(String varFile, Map<String, String> imageRefs) {
        List<Diagnostic> problems = new ArrayList<>();
        imageRefs.forEach((name, ref) -> {
            if (!VARIABLE_NAME.matcher(name).matches()) {
                problems.add(new Diagnostic(Severity.ERROR, "Invalid tfvars variable name",
                        "\"" + name + "\" is not an HCL identifier; check tfvarsVariable in the config.",
                        SourcePosition.file(varFile), name));
            } else if (ref == null || !IMAGE_BY_DIGEST.matcher(ref).matches()) {
                problems.add(new Diagnostic(Severity.ERROR, "Image reference is not by digest",
                        "\"" + ref + "\" for " + name + " must look like REGISTRY/PATH/IMAGE[:TAG]@sha256:<64 hex digits>;"
                                + " deploy what was pushed, by its digest, so that the plan names exactly one image.",
                        SourcePosition.file(varFile), name));
            }
        });
        if (!problems.isEmpty()) {
            throw new DeployException(problems);
        }
    }

    /** Reads the file back: the set variables must hold the new references, every other attribute its old value. */
    private void proveRoundTrip(String varFile, TfvarsDocument before, Map<String, String> imageRefs) throws IOException {
        TfvarsDocument reread = TfvarsDocument.parse(varFile, workspace.readText(varFile).orElse(""));
        List<String> mismatches = new ArrayList<>();
        imageRefs.forEach((name, ref) -> {
            if (!reread.string(name).filter(ref::equals).isPresent()) {
                mismatches.add(name + " reads back as " + reread.string(name).orElse("(missing)"));
            }
        });
        for (TfvarsAttribute a : before.attributes()) {
            if (imageRefs.containsKey(a.name())) {
                continue;
            }
            Object now = reread.attribute(a.name()).map(TfvarsAttribute::value).orElse("(missing)");
            if (!Objects.equals(a.value(), now)) {
                mismatches.add(a.name() + " changed from " + a.value() + " to " + now);
            }
        }
        List<String> expectedOrder = new ArrayList<>(before.attributes().stream().map(TfvarsAttribute::name).toList());
        imageRefs.keySet().stream().filter(n -> before.attribute(n).isEmpty()).forEach(expectedOrder::add);
        List<String> order = reread.attributes().stream().map(TfvarsAttribute::name).toList();
        if (!order.equals(expectedOrder)) {
            mismatches.add("the attributes now read " + order + ", expected " + expectedOrder);
        }
        if (!mismatches.isEmpty()) {
            throw DeployException.of("Image references did not round-trip in " + varFile,
                    String.join("\n", mismatches) + "\nThe file was written but does not read back as intended;"
                            + " restore it from git and report this as a bug.");
        }
    }
}
