package io.mmdeploy.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.mmdeploy.cli.host.TerminalEventSink;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.LoadedConfig;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.isolation.IsolationPreflight;
import io.mmdeploy.engine.port.EventSink;
import io.mmdeploy.engine.port.MaskingEventSink;
import io.mmdeploy.engine.port.SecretMask;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.port.Workspace;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What the Google-facing subcommands share: {@code --config}, {@code --env}, {@code --credentials},
 * {@code --output}; the engine's events go to stderr (masked), the result to stdout.
 */
abstract class CloudCommand implements Callable<Integer> {
    enum Output { text, json }

    @Mixin
    EnvironmentOptions options;

    @Mixin
    GoogleOptions google;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    Output output;

    @Spec
    CommandSpec spec;

    /** Replaced by tests with one that hands out clients of the in-process fakes. */
    GoogleConnector connector;

    final SecretMask mask = new SecretMask();

    /** The config, with {@code --env} checked; for a command that {@link #mutates}, also the isolation preflight. */
    LoadedConfig load() {
        LoadedConfig loaded = options.config.load();
        loaded.config().environment(options.environment);
        if (mutates()) {
            requireIsolated(options.config.workspace(), loaded.config());
        }
        return loaded;
    }

    /**
     * Whether this invocation changes anything (images, jobs, secrets, traffic, records). Such an invocation refuses a
     * config whose environments share a resource before its first cloud call, as the engine's steps do.
     */
    boolean mutates() {
        return false;
    }

    /** The engine's isolation preflight; every violation becomes one diagnostic. */
    static void requireIsolated(Workspace workspace, DeployConfig config) {
        new IsolationPreflight(workspace).require(config);
    }

    EnvironmentSpec environment(DeployConfig config) {
        return config.environment(options.environment);
    }

    GoogleClients connect(EnvironmentSpec env, Duration longestWait) {
        return (connector != null ? connector : google).connect(env, longestWait);
    }

    StageLog log(String stage) {
        return new StageLog(events(), stage);
    }

    /** The engine's events on stderr, masked (debug events with --debug). */
    EventSink events() {
        boolean debug = spec.root().userObject() instanceof MmDeploy root && root.debug;
        return new MaskingEventSink(new TerminalEventSink(spec.commandLine().getErr(), debug), mask);
    }

    /** One image as a line of the text output: service, built or reused, reference by digest, tags. */
    static String imageLine(ImageRef image) {
        return String.format("%-12s %-7s %s  (%s)%n", image.service(), image.built() ? "built" : "reused", image.ref(),
                String.join(", ", image.tags()));
    }

    /** Prints the result: {@code value} as JSON, or {@code text} as it is. */
    void print(Object value, String text) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (output == Output.json) {
            out.println(new ObjectMapper().registerModule(new JavaTimeModule())
                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(value));
        } else {
            out.print(text);
        }
        out.flush();
    }
}
