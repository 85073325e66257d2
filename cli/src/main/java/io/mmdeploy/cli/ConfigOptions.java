package io.mmdeploy.cli;

import io.mmdeploy.engine.port.local.LocalWorkspace;
import io.mmdeploy.engine.config.ConfigLoader;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.LoadedConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config}: shared by every subcommand. The workspace is rooted at the config file's directory. */
public final class ConfigOptions {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "${env:MMDEPLOY_CONFIG:-" + DeployConfig.DEFAULT_FILE + "}",
            description = "The deploy config (default: $MMDEPLOY_CONFIG, else mm-deploy.yaml); paths inside it are relative to its directory.")
    Path config;

    public Path file() {
        return config.toAbsolutePath().normalize();
    }

    public LocalWorkspace workspace() {
        Path parent = file().getParent();
        return new LocalWorkspace(parent == null ? Path.of(".") : parent);
    }

    /** Loads and validates the config, throwing a DeployException with every error. */
    public LoadedConfig load() {
        return new ConfigLoader(workspace()).load(file().getFileName().toString(), display());
    }

    /** The file name as the user gave it, for messages. */
    public String display() {
        return config.toString();
    }
}
