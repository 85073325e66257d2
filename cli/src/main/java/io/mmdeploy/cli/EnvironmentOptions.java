package io.mmdeploy.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code --config} and {@code --env}: what every deploy subcommand takes. */
public final class EnvironmentOptions {
    @Mixin
    public ConfigOptions config;

    @Option(names = {"-e", "--env"}, required = true, paramLabel = "ENV", description = "The environment, as named in the config.")
    public String environment;
}
