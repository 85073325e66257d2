package io.mmdeploy.cli;

import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.LoadedConfig;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.steps.DeployRun;
import io.mmdeploy.engine.steps.DeploySettings;
import io.mmdeploy.engine.approval.GatePlan;
import io.mmdeploy.engine.steps.DeploySteps;
import io.mmdeploy.engine.tofu.TofuSettings;
import java.io.Console;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mmdeploy deploy}: the whole deploy of one environment through the engine's flow ({@link DeployRun}), the same
 * steps the Jenkins pipeline calls. Gates are asked at the terminal; without one, a gate needs a plan reviewed earlier
 * ({@code --plan-only}) and approved by its hash ({@code --approve-plan}). Exit 0: succeeded, or stopped at a gate with
 * {@code --plan-only}; 1: failed or rejected; 2: wrong usage.
 */
@Command(name = "deploy", description = {
        "Deploy the environment end to end: preflight, images, plans, migrations, applies, URLs, gateway, health, release,"
                + " alias. A rerun continues from where an earlier run stopped.",
        "Approval gates are asked at the terminal; without one, review with --plan-only and rerun with --approve-plan GATE=HASH."})
final class DeployCommand extends CloudCommand {
    /** Gates that stand before a plan is applied; the rollback gate is not part of a deploy. */
    private static final Set<String> PLAN_GATES = Set.of(Gate.SERVICES.id(), Gate.GATEWAY.id());
    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

    /** Reads the operator's answer; null when no terminal is attached. */
    @FunctionalInterface
    interface Terminal {
        String readLine(String prompt);
    }

    @Option(names = "--plan-only", description = "Stop at the first gate nobody approved yet and print its plan hash and the command to continue.")
    boolean planOnly;

    @Option(names = "--approve-plan", paramLabel = "GATE=HASH",
            description = "Approve a plan reviewed earlier (--plan-only): GATE is services or gateway, HASH its full plan hash. Repeatable.")
    Map<String, String> approved = new LinkedHashMap<>();

    @Option(names = "--tofu", paramLabel = "PROGRAM", defaultValue = "${env:MMDEPLOY_TOFU:-tofu}",
            description = "tofu (default; or $MMDEPLOY_TOFU), terraform, or a path to either.")
    String tofu;

    @Option(names = "--lock-timeout", paramLabel = "DURATION", defaultValue = "2m", converter = ApplyTofuCommand.GoDuration.class,
            description = "How long tofu waits for the state lock, e.g. 30s, 5m (default: ${DEFAULT-VALUE}).")
    Duration lockTimeout;

    // Replaced by tests: a scripted terminal.
    Terminal terminal = terminal(System.console());

    @Override
    boolean mutates() {
        return true;
    }

    @Override
    public Integer call() throws Exception {
        for (String gate : approved.keySet()) {
            if (!PLAN_GATES.contains(gate)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--approve-plan " + gate + "=…: the gate is services or gateway");
            }
        }
        DeploySettings settings = settings();
        LoadedConfig loaded = load();
        String user = System.getProperty("user.name", "unknown");
        DeployRun.Approvals approvals = new DeployRun.Approvals();
        DeploySteps steps = new DeploySteps(host().withApprovals(approvals), loaded,
                new TofuSettings(tofu, lockTimeout, TofuSettings.DEFAULT_COMMAND_TIMEOUT), settings);
        // Progress is the engine's own log lines ([n/total] Phase ..., elapsed) on stderr.
        DeployRun run = new DeployRun(steps, approvals, this::ask, clock, log(DeployRun.STAGE), user, DeployRun.Progress.NONE);

        DeployRun.Result result = run.run(options.environment, planOnly, Map.copyOf(approved));
        print(result, text(result));
        if ("REJECTED".equals(result.status())) {
            throw DeployException.of("The " + result.waitingAt() + " plan of " + options.environment + " was rejected",
                    "Nothing after the gate ran; release " + result.release() + " is recorded as failed there. Run `"
                            + command(Map.of()) + "` again for a new plan.");
        }
        if ("WAITING".equals(result.status()) && output == Output.json) {
            // The text output has this line; with JSON on stdout it goes to stderr so stdout stays parseable.
            spec.commandLine().getErr().println("To continue: " + command(Map.of(result.waitingAt(), result.planHash())));
            spec.commandLine().getErr().flush();
        }
        return 0;
    }

    /** The gatekeeper: the operator at the terminal, or a refusal that says how to approve without one. */
    private Optional<String> ask(EnvironmentSpec env, Gate gate, GatePlan plan) {
        String hash = plan.planHash();
        if (terminal == null) {
            throw DeployException.of("The " + gate.id() + " plan of " + env.name() + " needs approval, and there is no terminal to ask",
                    "Review the plan with `" + planOnlyCommand() + "`, then rerun with --approve-plan " + gate.id() + "=<hash> (this run's "
                            + gate.id() + " plan is " + hash + "): `" + command(Map.of(gate.id(), hash)) + "`.");
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println(mask.mask(plan.summaryText()));
        List<String> changes = plan.imageChanges();
        err.println(changes.isEmpty() ? "Image changes: none" : "Image changes:");
        changes.forEach(c -> err.println("  " + mask.mask(String.valueOf(c))));
        err.flush();
        String answer = terminal.readLine("Approve the " + gate.id() + " plan " + hash.substring(0, Math.min(12, hash.length())) + " for "
                + env.name() + "? Type yes to approve: ");
        return answer != null && answer.strip().toLowerCase(Locale.ROOT).equals("yes")
                ? Optional.of(System.getProperty("user.name", "unknown")) : Optional.empty();
    }

    private String text(DeployRun.Result result) {
        StringBuilder text = new StringBuilder("Release " + result.release() + ": " + result.status());
        if (result.waitingAt() != null) {
            text.append(" at the ").append(result.waitingAt()).append(" gate, plan ").append(result.planHash());
        }
        text.append('\n');
        result.phases().forEach((phase, took) -> text.append(String.format(Locale.ROOT, "  %-16s %.1f s%n", phase, took.toMillis() / 1000.0)));
        if ("WAITING".equals(result.status())) {
            text.append("To continue after reviewing the plan: ").append(command(Map.of(result.waitingAt(), result.planHash()))).append('\n');
        }
        return text.toString();
    }

    /** This command line to run again: the same config, environment and credentials, the approvals given, and {@code more}. */
    private String command(Map<String, String> more) {
        List<String> argv = new ArrayList<>(List.of("mmdeploy", "deploy", "--env", options.environment));
        if (options.config.config != null) {
            argv.addAll(List.of("--config", options.config.display()));
        }
        if (google.keyFile != null) {
            argv.addAll(List.of("--credentials", google.keyFile.toString()));
        }
        if (!TofuSettings.DEFAULT_BINARY.equals(tofu)) {
            argv.addAll(List.of("--tofu", tofu));
        }
        Map<String, String> all = new LinkedHashMap<>(approved);
        all.putAll(more);
        all.forEach((gate, hash) -> argv.addAll(List.of("--approve-plan", gate + "=" + hash)));
        return String.join(" ", argv.stream().map(DeployCommand::quoted).toList());
    }

    private String planOnlyCommand() {
        return command(Map.of()) + " --plan-only";
    }

    private static String quoted(String word) {
        return SHELL_SAFE.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    private static Terminal terminal(Console console) {
        return console == null ? null : prompt -> console.readLine("%s", prompt);
    }
}
