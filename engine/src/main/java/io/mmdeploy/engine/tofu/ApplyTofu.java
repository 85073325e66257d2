package io.mmdeploy.engine.tofu;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.port.SecretMask;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.port.Workspace;
import io.mmdeploy.engine.source.Sha256;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The mmApplyTofu stage: {@link #plan} runs init → plan → show and returns the summary (with the plan file's
 * hash); the caller decides whether a person must approve it; {@link #apply} then applies exactly the plan
 * whose hash was approved and reads the outputs. Image references are written before {@link #plan}
 * (ImageVarsWriter), never between plan and apply.
 */
public final class ApplyTofu {
    public static final String STAGE = "apply-tofu";

    /** The backend the working directory was last initialised with (hash of its config), next to the plans. */
    static final String BACKEND_MARKER = TofuRequest.STATE_DIR + "/backend.sha256";
    /** An init made ahead of the run's plans, by what it depended on: the plans skip theirs while it still holds. */
    static final String INIT_AHEAD = TofuRequest.STATE_DIR + "/init-ahead.sha256";
    /** What init leaves in the working directory when it configured a backend: gone means not initialised. */
    static final String INITIALISED_BACKEND = ".terraform/terraform.tfstate";
    static final String LOCK_FILE = ".terraform.lock.hcl";

    private final TofuCli cli;
    private final Workspace workspace;
    private final StageLog log;
    private final SecretMask mask;

    public ApplyTofu(TofuCli cli, Workspace workspace, StageLog log, SecretMask mask) {
        this.cli = cli;
        this.workspace = workspace;
        this.log = log;
        this.mask = mask;
    }

    /** The outcome of {@link #apply}: the hash that was applied and the outputs after it. */
    public record Applied(String planHash, TofuOutputs outputs) {}

    /**
     * What one mmApplyTofu call did (docs/STEPS.md).
     *
     * @param summary the plan's summary (for an apply of an approved plan: the one saved when it was made)
     * @param applied the plan was applied
     * @param outputs the outputs after the apply; null when nothing was applied
     */
    public record Outcome(PlanSummary summary, boolean applied, TofuOutputs outputs) {
        /** The step's result: planHash, summaryText, counts, changed, applied, outputs (sensitive ones redacted). */
        public Map<String, Object> toMap() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("planHash", summary.planHash());
            out.put("summaryText", summary.renderText());
            out.put("counts", summary.counts());
            out.put("changed", summary.changed());
            out.put("applied", applied);
            out.put("outputs", outputs == null ? Map.of() : outputs.redacted());
            return Collections.unmodifiableMap(out);
        }
    }

    /**
     * The step's three uses: with {@code approvedPlanHash}, apply that saved plan (no new plan); with
     * {@code planOnly}, plan and stop; with neither (an environment without a gate), plan and apply that plan.
     */
    public Outcome run(TofuRequest request, boolean planOnly, String approvedPlanHash) {
        if (approvedPlanHash != null) {
            if (planOnly) {
                throw DeployException.of("planOnly and approvedPlanHash together",
                        "approvedPlanHash applies a saved plan; planOnly makes a new one. Give one of them.");
            }
            Applied applied = apply(request, approvedPlanHash);
            return new Outcome(savedSummary(workspace, request, approvedPlanHash), true, applied.outputs());
        }
        PlanSummary summary = plan(request);
        if (planOnly) {
            return new Outcome(summary, false, null);
        }
        return new Outcome(summary, true, apply(request, summary.planHash()).outputs());
    }

    /** The summary written when the plan was made (what its approver is shown), checked to be that plan's. */
    public static PlanSummary savedSummary(Workspace workspace, TofuRequest request, String planHash) {
        try {
            String json = workspace.readText(request.inWorkspace(summaryFile(request))).orElseThrow(() -> DeployException.of(
                    "The approved plan's summary is missing", request.inWorkspace(summaryFile(request)) + " was written with the plan and is gone."));
            PlanSummary summary = PlanSummary.fromJson(json);
            if (!summary.planHash().equals(planHash)) {
                throw DeployException.of("The approved plan's summary is for another plan",
                        request.inWorkspace(summaryFile(request)) + " describes plan " + summary.planHash() + ", not " + planHash + ".");
            }
            return summary;
        } catch (IOException e) {
            throw DeployException.of("Cannot read the tofu files in " + workspace.describe(), String.valueOf(e.getMessage()));
        }
    }

    /**
     * init ahead of the plans (a deploy runs it beside the builds, every run): a {@link #plan} skips its own init while
     * the backend and the provider lock file are still the ones this init saw and the working directory is initialised.
     */
    public void init(TofuRequest request) {
        try {
            initialise(request);
            workspace.writeText(request.inWorkspace(INIT_AHEAD), initInputs(request) + "\n");
        } catch (IOException e) {
            throw DeployException.of("Cannot read or write the tofu files in " + workspace.describe(), String.valueOf(e.getMessage()));
        }
    }

    private void initialise(TofuRequest request) throws IOException {
        String backend = backendFingerprint(request);
        String initialised = workspace.readText(request.inWorkspace(BACKEND_MARKER)).orElse("").strip();
        boolean reconfigure = !backend.equals(initialised);
        if (reconfigure && !initialised.isEmpty()) {
            log.info("The backend config changed since the last init; re-initialising with -reconfigure");
        }
        cli.init(request, reconfigure);
        workspace.writeText(request.inWorkspace(BACKEND_MARKER), backend + "\n");
    }

    /** What an init depends on: the backend and the provider lock file. */
    private String initInputs(TofuRequest request) throws IOException {
        return Sha256.hex(backendFingerprint(request) + "\n" + workspace.readText(request.inWorkspace(LOCK_FILE)).orElse(""));
    }

    /** init (with -reconfigure when the backend changed; not again after {@link #init}) → plan -out → show -json → summary. */
    public PlanSummary plan(TofuRequest request) {
        try {
            String ahead = workspace.readText(request.inWorkspace(INIT_AHEAD)).orElse("").strip();
            boolean initialised = workspace.readText(request.inWorkspace(INITIALISED_BACKEND)).isPresent();
            if (!ahead.isEmpty() && ahead.equals(initInputs(request)) && initialised) {
                log.info("Initialised ahead of this run's plans (beside the builds): not again");
            } else {
                initialise(request);
            }

            warnAboutAutoLoadedFiles(request);
            String inputs = varFilesFingerprint(request);
            boolean changed = cli.plan(request, request.planFile());
            workspace.writeText(request.inWorkspace(inputsFile(request)), inputs + "\n");
            String planPath = request.inWorkspace(request.planFile());
            String hash = workspace.sha256(planPath).orElseThrow(() -> DeployException.of(
                    "No plan file after plan", cli.settings().binary() + " plan ended well but " + planPath + " does not exist."));
            PlanSummary summary = PlanSummary.of(cli.showPlan(request, request.planFile()), request, new PlanFile(planPath, hash), changed);
            workspace.writeText(request.inWorkspace(summaryFile(request)), summary.toJson());
            log.info(summary.headline());
            return summary;
        } catch (IOException e) {
            throw DeployException.of("Cannot read or write the tofu files in " + workspace.describe(), String.valueOf(e.getMessage()));
        }
    }

    /**
     * Applies the saved plan of this request if, and only if, its hash is the approved one and the backend and
     * var files are the ones it was planned from; then reads the outputs.
     */
    public Applied apply(TofuRequest request, String approvedPlanHash) {
        try {
            String planPath = request.inWorkspace(request.planFile());
            String hash = workspace.sha256(planPath).orElseThrow(() -> DeployException.of(
                    "No saved plan to apply",
                    planPath + " does not exist. Make a plan first (mmApplyTofu planOnly: true, or apply-tofu --plan-only)."));
            if (!hash.equals(approvedPlanHash)) {
                throw DeployException.of("The plan file is not the approved plan",
                        planPath + " has sha256 " + hash + ", but the approval was given to " + approvedPlanHash + ".\n"
                                + "The plan was made again or changed after approval. Re-plan and approve the new plan.");
            }
            String backend = backendFingerprint(request);
            if (!backend.equals(workspace.readText(request.inWorkspace(BACKEND_MARKER)).orElse("").strip())) {
                throw DeployException.of("Re-plan required: the backend changed after the plan",
                        "The working directory " + request.dir() + " was initialised with another backend config than "
                                + request.backendConfig() + " since this plan was made. Re-plan and approve again.");
            }
            String inputs = workspace.readText(request.inWorkspace(inputsFile(request))).orElse("").strip();
            if (!varFilesFingerprint(request).equals(inputs)) {
                throw DeployException.of("Re-plan required: the var files changed after the plan",
                        String.join(", ", request.varFiles().stream().map(request::inWorkspace).toList())
                                + " no longer hold what the plan was made from, so the approved plan would not deploy what they say"
                                + " (image references are written before the plan, never between plan and apply). Re-plan and approve again.");
            }
            log.info("Applying the approved plan " + planPath + " (sha256 " + hash + ")");
            cli.apply(request, request.planFile());
            TofuOutputs outputs = TofuOutputs.parse(cli.outputs(request), mask);
            log.info("Outputs: " + outputs);
            return new Applied(hash, outputs);
        } catch (IOException e) {
            throw DeployException.of("Cannot read the tofu files in " + workspace.describe(), String.valueOf(e.getMessage()));
        }
    }

    /**
     * tofu loads every {@code *.auto.tfvars} of its working directory on its own (tofu-cli.md §7): one that is not
     * this environment's var file may carry another environment's values into this plan.
     */
    private void warnAboutAutoLoadedFiles(TofuRequest request) throws IOException {
        for (String name : workspace.list(request.dir())) {
            boolean autoLoaded = name.endsWith(".auto.tfvars") || name.endsWith(".auto.tfvars.json")
                    || name.equals("terraform.tfvars") || name.equals("terraform.tfvars.json");
            if (autoLoaded && !request.varFiles().contains(name)) {
                log.warn(request.inWorkspace(name) + " is loaded by tofu automatically for every environment, " + request.environment()
                        + " included; keep per-environment values in a subdirectory (e.g. environments/) so that only -var-file loads them");
            }
        }
    }

    static String summaryFile(TofuRequest request) {
        return request.planFile().replaceAll("\\.tfplan$", ".summary.json");
    }

    /** The hash of the var files' content when the plan was made, kept beside the plan. */
    static String inputsFile(TofuRequest request) {
        return request.planFile().replaceAll("\\.tfplan$", ".varfiles.sha256");
    }

    private String varFilesFingerprint(TofuRequest request) throws IOException {
        StringBuilder content = new StringBuilder();
        for (String file : request.varFiles()) {
            content.append(file).append('\n').append(workspace.readText(request.inWorkspace(file)).orElseThrow(() -> DeployException.of(
                    "Var file not found", request.inWorkspace(file) + " is named by the environment " + request.environment()
                            + " (tofu.varFiles) but does not exist."))).append('\0');
        }
        return Sha256.hex(content.toString());
    }

    private String backendFingerprint(TofuRequest request) throws IOException {
        String config = request.backendConfig() == null ? ""
                : workspace.readText(request.inWorkspace(request.backendConfig())).orElseThrow(() -> DeployException.of(
                        "Backend config file not found",
                        request.inWorkspace(request.backendConfig()) + " is named by the environment " + request.environment()
                                + " (tofu.backendConfig) but does not exist."));
        return Sha256.hex(request.backendConfig() + "\n" + config);
    }
}
