package io.mmdeploy.cli;

import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.LoadedConfig;
import io.mmdeploy.engine.diagnostics.Diagnostic;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mmdeploy validate}: checks the config file and reports every problem at once. */
@Command(name = "validate", description = "Check the deploy config: every error at once, with file, line and field.")
final class ValidateCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        LoadedConfig loaded = options.load();
        DeployConfig config = loaded.config();
        for (Diagnostic warning : loaded.warnings()) {
            spec.commandLine().getErr().println(warning.render());
        }
        spec.commandLine().getOut().printf("%s is valid: app %s, %d services%s, %d migration job(s), environments %s%n",
                options.display(), config.app(), config.services().size(),
                config.gatewaySpec().map(g -> ", gateway " + g.name()).orElse(""),
                config.migrations().size(), String.join(", ", config.environments().keySet()));
        return 0;
    }
}
