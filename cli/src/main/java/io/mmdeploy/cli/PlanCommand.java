package io.mmdeploy.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.mmdeploy.engine.config.LoadedConfig;
import io.mmdeploy.engine.isolation.IsolationViolation;
import io.mmdeploy.engine.plan.DeployPlan;
import io.mmdeploy.engine.plan.DeployPlanText;
import io.mmdeploy.engine.plan.DeployPlanner;
import io.mmdeploy.engine.source.GitRepository;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mmdeploy plan}: what a deploy would do, without touching the cloud. */
@Command(name = "plan", description = "Show the preflight, the images that would be built, and the phases with their gates. Touches no cloud.")
final class PlanCommand implements Callable<Integer> {
    enum Output { text, json }

    @Mixin
    EnvironmentOptions options;

    @Option(names = "--since", paramLabel = "REF", description = "Compare build fingerprints with this git revision; unchanged services are reused.")
    String since;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    Output output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LoadedConfig loaded = options.config.load();
        loaded.config().environment(options.environment);
        Optional<GitRepository> git = GitRepository.find(options.config.workspace().root());
        try {
            DeployPlan plan = new DeployPlanner(options.config.workspace(), git).plan(loaded, options.environment, since);
            if (output == Output.json) {
                ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
                        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                        .enable(SerializationFeature.INDENT_OUTPUT);
                spec.commandLine().getOut().println(json.writeValueAsString(plan));
            } else {
                spec.commandLine().getOut().print(new DeployPlanText(loaded.config()).render(plan));
            }
            spec.commandLine().getOut().flush();
            if (!plan.isolated()) {
                throw IsolationViolation.refusal(plan.violations());
            }
            return 0;
        } finally {
            git.ifPresent(GitRepository::close);
        }
    }
}
