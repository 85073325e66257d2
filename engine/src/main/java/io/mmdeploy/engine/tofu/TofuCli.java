package io.mmdeploy.engine.tofu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.diagnostics.Diagnostic;
import io.mmdeploy.engine.port.Command;
import io.mmdeploy.engine.port.CommandResult;
import io.mmdeploy.engine.port.CommandRunner;
import io.mmdeploy.engine.port.StageLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Drives the {@code tofu} (or {@code terraform}) CLI through the engine's command port: never interactive,
 * never coloured, machine-readable where the CLI offers it. Progress streams to the stage log line by line;
 * a failure becomes a {@link DeployException} carrying tofu's own diagnostics (summary and detail), with a
 * held state lock and a stale plan told in mm-deploy's words.
 */
public final class TofuCli {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String STALE_PLAN = "Saved plan is stale";
    static final String PLAN_STATE_MISMATCH = "Saved plan does not match the given state";

    private final CommandRunner runner;
    private final TofuSettings settings;
    private final StageLog log;

    public TofuCli(CommandRunner runner, TofuSettings settings, StageLog log) {
        this.runner = runner;
        this.settings = settings;
        this.log = log;
    }

    public TofuSettings settings() {
        return settings;
    }

    /** {@code init} with the environment's backend config; {@code reconfigure} when the backend changed. */
    public void init(TofuRequest request, boolean reconfigure) {
        List<String> args = new ArrayList<>(List.of("init", "-input=false", "-no-color", "-json", settings.lockTimeoutFlag()));
        if (request.backendConfig() != null) {
            args.add("-backend-config=" + request.backendConfig());
        }
        if (reconfigure) {
            args.add("-reconfigure");
        }
        run(request, "init", args, false, Set.of(0));
    }

    /**
     * {@code plan -out} with the environment's var files and the request's target.
     *
     * @return true when the plan changes something (exit code 2 of {@code -detailed-exitcode})
     */
    public boolean plan(TofuRequest request, String planFile) {
        List<String> args = new ArrayList<>(List.of("plan", "-input=false", "-no-color", "-json", "-detailed-exitcode",
                settings.lockTimeoutFlag(), "-out=" + planFile));
        request.varFiles().forEach(f -> args.add("-var-file=" + f));
        if (request.target() != null) {
            args.add("-target=" + request.target());
        }
        return run(request, "plan", args, false, Set.of(0, 2)).exitCode() == 2;
    }

    /** {@code show -json <planfile>}: the plan as JSON. Not logged: it holds sensitive values in clear text. */
    public JsonNode showPlan(TofuRequest request, String planFile) {
        return json(request, "show", run(request, "show", List.of("show", "-no-color", "-json", planFile), true, Set.of(0)));
    }

    /** {@code apply <planfile>}: exactly the saved plan, nothing else. */
    public void apply(TofuRequest request, String planFile) {
        run(request, "apply", List.of("apply", "-input=false", "-no-color", "-json", settings.lockTimeoutFlag(), planFile),
                false, Set.of(0));
    }

    /** {@code output -json}: every root output with its value. Not logged: sensitive values come in clear text. */
    public JsonNode outputs(TofuRequest request) {
        return json(request, "output", run(request, "output", List.of("output", "-no-color", "-json"), true, Set.of(0)));
    }

    private CommandResult run(TofuRequest request, String op, List<String> args, boolean quiet, Set<Integer> success) {
        List<String> argv = new ArrayList<>();
        argv.add(settings.binary());
        argv.addAll(args);
        Command command = new Command(argv, Map.of(
                        "TF_IN_AUTOMATION", "1",
                        "TF_INPUT", "0",
                        // Empty values switch off flags a host may inject (tofu-cli.md §8).
                        "TF_CLI_ARGS", "",
                        "TF_CLI_ARGS_" + op, ""),
                request.dir(), settings.commandTimeout(), Set.of());
        log.info("$ " + String.join(" ", argv) + (request.dir().isEmpty() ? "" : "   (in " + request.dir() + ")"));
        UiStream stream = new UiStream(log, quiet);
        CommandResult result;
        try {
            result = runner.run(command, stream);
        } catch (IOException e) {
            throw DeployException.of("Cannot run " + settings.binary(),
                    e.getMessage() + "\nInstall OpenTofu (or Terraform) on this machine, or set the binary to its path.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeployException.of(settings.binary() + " " + op + " was interrupted", "The run was aborted; the process was stopped.");
        }
        if (!success.contains(result.exitCode())) {
            throw failure(request, op, result, stream);
        }
        return result;
    }

    private DeployException failure(TofuRequest request, String op, CommandResult result, UiStream stream) {
        List<Diagnostic> errors = new ArrayList<>(stream.errors());
        if (errors.isEmpty()) {
            UiStream.human(result.stderr()).stream().filter(Diagnostic::isError).forEach(errors::add);
        }
        if (errors.isEmpty()) {
            errors.add(Diagnostic.error(settings.binary() + " " + op + " failed with exit code " + result.exitCode(),
                    stream.tail().isEmpty() ? "It printed nothing that explains why." : String.join("\n", stream.tail())));
        }
        List<Diagnostic> told = new ArrayList<>();
        for (Diagnostic d : errors) {
            told.add(inOurWords(request, d));
        }
        return new DeployException(told);
    }

    private Diagnostic inOurWords(TofuRequest request, Diagnostic d) {
        if (d.summary().equals(StateLock.SUMMARY)) {
            return StateLock.parse(d.detail())
                    .map(lock -> lock.diagnostic(settings.binary(), request.dir(), settings.lockTimeoutText()))
                    .orElse(d);
        }
        if (d.summary().equals(STALE_PLAN) || d.summary().equals(PLAN_STATE_MISMATCH)) {
            return Diagnostic.error("Re-plan required: the approved plan is stale",
                    settings.binary() + " says \"" + d.summary() + "\": " + d.detail() + "\n"
                            + "The state changed after the plan was made, so it cannot be applied as approved."
                            + " Nothing was changed. Make a new plan and approve it again.");
        }
        return d;
    }

    private JsonNode json(TofuRequest request, String op, CommandResult result) {
        try {
            return JSON.readTree(result.stdout());
        } catch (IOException e) {
            throw DeployException.of(settings.binary() + " " + op + " -json printed no JSON",
                    // Never quote the text: it may hold sensitive values in clear.
                    "In " + (request.dir().isEmpty() ? "the workspace root" : request.dir()) + ", it printed "
                            + result.stdout().length() + " characters that do not parse as JSON.");
        }
    }
}
