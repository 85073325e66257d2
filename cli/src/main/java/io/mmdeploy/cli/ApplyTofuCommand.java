package io.mmdeploy.cli;

import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.lease.Lease;
import io.mmdeploy.engine.steps.Stages;
import io.mmdeploy.engine.config.ApprovalPolicy;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.GatewaySpec;
import io.mmdeploy.engine.config.ServiceSpec;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.port.local.LocalWorkspace;
import io.mmdeploy.engine.source.GitRepository;
import io.mmdeploy.engine.tofu.ApplyTofu;
import io.mmdeploy.engine.tofu.PlanSummary;
import io.mmdeploy.engine.tofu.TofuRequest;
import io.mmdeploy.engine.tofu.TofuSettings;
import io.mmdeploy.engine.tofu.tfvars.ImageVarsWriter;
import io.mmdeploy.engine.tofu.tfvars.TfvarsChange;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mmdeploy apply-tofu}: write image references into the environment's tfvars (when given), plan, show the
 * summary, and apply exactly that plan, unless the environment's approval policy gates it. A gated plan is
 * applied later with {@code --approved-plan HASH}, which applies the saved plan only if its hash is that one.
 */
@Command(name = "apply-tofu", description = {
        "Plan and apply the environment's OpenTofu configuration: init, plan, summary, apply of exactly that plan, outputs.",
        "An environment with approval gates stops after the summary unless --auto-approve is given;"
                + " apply the reviewed plan later with --approved-plan HASH."})
final class ApplyTofuCommand extends CloudCommand {
    @Option(names = "--target", paramLabel = "ADDR", description = "Plan and apply only this resource address (e.g. the gateway's).")
    String target;

    @Option(names = "--plan-only", description = "Stop after the plan and its summary.")
    boolean planOnly;

    @Option(names = "--auto-approve", description = "Apply without stopping, even where the environment's policy has gates.")
    boolean autoApprove;

    @Option(names = "--approved-plan", paramLabel = "SHA256",
            description = "Apply the saved plan of an earlier run, only if its hash is this one; no new plan is made.")
    String approvedPlan;

    @Option(names = "--image", paramLabel = "SERVICE=REF",
            description = "Write this image reference (by digest) for a service or the gateway into the environment's tfvars before planning. Repeatable.")
    Map<String, String> images = new LinkedHashMap<>();

    @Option(names = "--commit-tfvars", paramLabel = "RELEASE",
            description = "Commit the tfvars change (alone) with a message naming the environment and this release id.")
    String commitRelease;

    @Option(names = "--binary", paramLabel = "PROGRAM", defaultValue = "${env:MMDEPLOY_TOFU:-tofu}",
            description = "tofu (default; or $MMDEPLOY_TOFU), terraform, or a path to either.")
    String binary;

    @Option(names = "--lock-timeout", paramLabel = "DURATION", defaultValue = "2m", converter = GoDuration.class,
            description = "How long to wait for the state lock, e.g. 30s, 5m (default: ${DEFAULT-VALUE}).")
    Duration lockTimeout;

    /** Writes tfvars and plans (and may apply): refused, like every step of a deploy, for a config that is not isolated. */
    @Override
    boolean mutates() {
        return true;
    }

    @Override
    public Integer call() throws Exception {
        if (approvedPlan != null && (!images.isEmpty() || planOnly)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--approved-plan applies a saved plan as it is: it cannot be combined with --image or --plan-only");
        }
        // Before tfvars are written or tofu runs: a config whose environments share a resource is never planned or applied.
        DeployConfig config = load().config();
        EnvironmentSpec environment = environment(config);
        LocalWorkspace workspace = options.config.workspace();
        PrintWriter out = spec.commandLine().getOut();
        Stages stages = stages(new TofuSettings(binary, lockTimeout, TofuSettings.DEFAULT_COMMAND_TIMEOUT));
        TofuRequest request = TofuRequest.of(environment, "").withTarget(target);
        ApplyTofu stage = stages.applyTofu(environment);

        if (!images.isEmpty()) {
            writeImages(config, environment, workspace, stages.log("tfvars"));
        }
        ApprovalPolicy.Gate gate = config.gatewaySpec().map(GatewaySpec::tofuTarget).filter(t -> t.equals(target)).isPresent()
                ? ApprovalPolicy.Gate.GATEWAY : ApprovalPolicy.Gate.SERVICES;
        boolean stopAtGate = approvedPlan == null && environment.approval().gated(gate) && !autoApprove;
        ApplyTofu.Outcome outcome;
        if (planOnly || stopAtGate) {
            outcome = stage.run(request, true, null);
        } else {
            // An apply changes the environment: it holds the environment's lease, as a deploy's apply does.
            try (GoogleClients clients = connect(environment, settings().apiWait()); Lease lease = holdLease(stages, environment, clients)) {
                outcome = stage.run(request, false, approvedPlan);
            }
        }
        PlanSummary summary = outcome.summary();
        out.println(output == Output.json ? summary.toJson() : summary.renderText());
        String applyLater = "mmdeploy apply-tofu --env " + environment.name() + (target == null ? "" : " --target " + target)
                + " --approved-plan " + summary.planHash();
        if (outcome.applied()) {
            out.println("Applied plan sha256 " + summary.planHash());
            outcome.outputs().redacted().forEach((name, value) -> out.println("  output " + name + " = " + value));
            outcome.outputs().serviceUrls().forEach((service, url) -> out.println("  url " + service + " " + url));
        } else if (planOnly) {
            out.println("Plan saved, not applied. To apply exactly this plan: " + applyLater);
        } else {
            out.println("Not applied: " + environment.name() + " requires approval before the " + gate.id() + " phase."
                    + " Review the plan above, then: " + applyLater);
        }
        out.flush();
        return 0;
    }

    private void writeImages(DeployConfig config, EnvironmentSpec environment, LocalWorkspace workspace, StageLog log) {
        Map<String, String> byVariable = new LinkedHashMap<>();
        images.forEach((name, ref) -> byVariable.put(config.service(name).map(ServiceSpec::tfvarsVariable)
                .or(() -> config.gatewaySpec().filter(g -> g.name().equals(name)).map(GatewaySpec::tfvarsVariable))
                .orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
                        "--image " + name + "=…: no service or gateway is named \"" + name + "\" in " + options.config.display())), ref));
        TfvarsChange change = new ImageVarsWriter(workspace, log).write(environment.tofu().imageVarFile(), byVariable);
        if (commitRelease != null && change.changed()) {
            try (GitRepository git = GitRepository.find(workspace.root()).orElseThrow(() -> new CommandLine.ParameterException(
                    spec.commandLine(), "--commit-tfvars: " + workspace.root() + " is not inside a git repository"))) {
                git.commitFile(change.file(), change.commitMessage(environment.name(), commitRelease))
                        .ifPresent(id -> log.info("Committed " + change.file() + " as " + id));
            }
        }
    }

    /** Go-style durations as tofu takes them: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, or bare seconds. */
    static final class GoDuration implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern FORM = Pattern.compile("(\\d+)(ms|s|m|h)?");

        @Override
        public Duration convert(String value) {
            Matcher m = FORM.matcher(value.strip());
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException("\"" + value + "\" is not a duration such as 30s, 5m or 1h");
            }
            long n = Long.parseLong(m.group(1));
            return switch (Optional.ofNullable(m.group(2)).orElse("s")) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            };
        }
    }
}
