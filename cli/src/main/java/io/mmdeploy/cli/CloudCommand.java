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
import io.mmdeploy.engine.approval.ApprovalLedger;
import io.mmdeploy.engine.lease.Lease;
import io.mmdeploy.engine.port.CommandRunner;
import io.mmdeploy.engine.port.Sleeper;
import io.mmdeploy.engine.port.local.LocalCommandRunner;
import io.mmdeploy.engine.port.local.LocalWorkspace;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.steps.DeploySettings;
import io.mmdeploy.engine.steps.GoogleConnection;
import io.mmdeploy.engine.steps.Stages;
import io.mmdeploy.engine.steps.StepHost;
import io.mmdeploy.engine.tofu.TofuSettings;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.Optional;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
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

    @Option(names = "--lease-wait", paramLabel = "SECONDS", defaultValue = "600",
            description = "A command that changes the environment: how long to wait for another run's lease on it before failing"
                    + " (default: ${DEFAULT-VALUE}).")
    long leaseWaitSeconds;

    @Option(names = "--break-lease", description = "Break a stale lease of another run (its holder is named in the log) instead of waiting.")
    boolean breakLease;

    /** Replaced by tests with one that hands out clients of the in-process fakes. */
    GoogleConnector connector;

    // Replaced by tests, as the connector is: the world's programs and clients, its clock, no real waiting.
    CommandRunner commands;
    GoogleConnection connection;
    Clock clock = Clock.systemUTC();
    Sleeper sleeper = Sleeper.real();

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

    /**
     * The engine's host for this command, as {@code mmdeploy deploy} and the Jenkins steps have theirs: the config's
     * directory, its programs, the masked log, the environment's clients (and, with a key file, its token for tofu).
     * The holder names this process, so two terminals of one user never pass for one run.
     */
    StepHost host() {
        LocalWorkspace workspace = options.config.workspace();
        String holder = "cli:" + System.getProperty("user.name", "unknown") + "@" + hostName() + "#" + ProcessHandle.current().pid();
        return new StepHost(workspace, workspace.root(), commands != null ? commands : new LocalCommandRunner(workspace.root()),
                events(), mask, connection != null ? connection : googleConnection(), clock, sleeper, ApprovalLedger.none(), holder, null);
    }

    DeploySettings settings() {
        if (leaseWaitSeconds < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--lease-wait must be 0 or more seconds, was " + leaseWaitSeconds);
        }
        return DeploySettings.defaults().withLeaseWait(Duration.ofSeconds(leaseWaitSeconds)).withBreakLease(breakLease);
    }

    /** The stages, from the engine's one factory: the same health check, timeouts and tofu runner as a deploy's. */
    Stages stages(TofuSettings tofu) {
        return new Stages(host(), tofu, settings());
    }

    Stages stages() {
        return stages(TofuSettings.defaults());
    }

    /**
     * Holds the environment's lease while a command changes it, as every run of the flow does: a second run waits or
     * fails naming the holder. Null when the environment keeps no state bucket.
     */
    Lease holdLease(Stages stages, EnvironmentSpec env, GoogleClients clients) throws InterruptedException {
        return stages.acquireLease(env, clients, ReleaseRecord.newId(clock.instant(), spec.name()));
    }

    /** The clients and, with a key file, its token for tofu, from --credentials or Application Default Credentials. */
    private GoogleConnection googleConnection() {
        return new GoogleConnection() {
            @Override
            public GoogleClients open(EnvironmentSpec environment, Duration longestWait) {
                return connect(environment, longestWait);
            }

            @Override
            public Optional<String> accessToken(EnvironmentSpec environment) {
                return connector != null ? Optional.empty() : google.accessToken(environment);
            }
        };
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
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
