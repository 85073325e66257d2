package io.mmdeploy.cli;

import io.mmdeploy.engine.port.local.LocalWorkspace;
import io.mmdeploy.engine.config.ConfigLoader;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.LoadedConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --config}: shared by every subcommand. The workspace is rooted at the config file's directory. */
public final class ConfigOptions {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "${env:MMDEPLOY_CONFIG}",
            description = "The deploy config (default: $MMDEPLOY_CONFIG, else mm-deploy.yaml); paths inside it are relative to its directory.")
    Path config;

    /**
     * Set by the launcher in the mm-deploy checkout itself: the example run when the current directory has no
     * config. Decided here rather than in the launcher so that the notice comes only when a config is loaded.
     */
    @Option(names = "--bundled-example", hidden = true, paramLabel = "FILE", defaultValue = "${env:MMDEPLOY_BUNDLED_EXAMPLE}")
    Path bundledExample;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    public Path file() {
        return chosen().toAbsolutePath().normalize();
    }

    public LocalWorkspace workspace() {
        Path parent = file().getParent();
        return new LocalWorkspace(parent == null ? Path.of(".") : parent);
    }

    /** Loads and validates the config, throwing a DeployException with every error. */
    public LoadedConfig load() {
        if (usingBundledExample()) {
            command.commandLine().getErr().println("mmdeploy: no " + DeployConfig.DEFAULT_FILE + " here; using the bundled example " + bundledExample);
            command.commandLine().getErr().flush();
        }
        return new ConfigLoader(workspace()).load(file().getFileName().toString(), display());
    }

    /** The file name as the user gave it, for messages. */
    public String display() {
        return chosen().toString();
    }

    private Path chosen() {
        if (config != null) {
            return config;
        }
        return usingBundledExample() ? bundledExample : Path.of(DeployConfig.DEFAULT_FILE);
    }

    private boolean usingBundledExample() {
        return config == null && bundledExample != null && Files.notExists(Path.of(DeployConfig.DEFAULT_FILE));
    }
}
