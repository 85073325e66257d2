package io.mmdeploy.engine.world;

import io.mmdeploy.engine.config.ConfigLoader;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.port.CommandRunner;
import io.mmdeploy.engine.port.local.LocalCommandRunner;
import io.mmdeploy.engine.port.local.LocalWorkspace;
import io.mmdeploy.engine.steps.DeployRun;
import io.mmdeploy.engine.steps.DeploySettings;
import io.mmdeploy.engine.steps.DeploySteps;
import io.mmdeploy.engine.steps.GoogleConnection;
import io.mmdeploy.engine.steps.RunJournal;
import io.mmdeploy.engine.steps.StepHost;
import io.mmdeploy.engine.testing.ExampleRepo;
import io.mmdeploy.engine.tofu.TofuSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * One workspace of the app in the world: a fresh clone, its own run journal, its own host (a terminal or a Jenkins
 * build, named by {@code holder}), the same cloud. What a host does is done through the engine's {@link DeploySteps}
 * and {@link DeployRun}, exactly as the CLI and the plugin do.
 */
public final class Checkout {
    final DeployWorld world;
    final Path root;
    final String holder;
    public final DeployRun.Approvals approvals = new DeployRun.Approvals();
    private DeploySettings settings = DeploySettings.defaults().withLeaseWait(Duration.ZERO);
    private boolean paced;
    /** Real milliseconds per simulated minute of a wait; 0: waits take no real time. */
    private double waitMsPerMinute;

    Checkout(DeployWorld world, Path root, String holder) {
        this.world = world;
        this.root = root;
        this.holder = holder;
    }

    public Checkout leaseWait(Duration wait) {
        settings = settings.withLeaseWait(wait);
        return this;
    }

    /** Its waits also take real time (1 ms a simulated second), so another thread can act while it waits. */
    public Checkout paced() {
        paced = true;
        return this;
    }

    /** Its waits take real time at the given scale (the benchmark's: 100 ms a simulated minute). */
    public Checkout waitsAt(double msPerMinute) {
        waitMsPerMinute = msPerMinute;
        return this;
    }

    public Checkout breakLease() {
        settings = settings.withBreakLease(true);
        return this;
    }

    public StepHost host() {
        CommandRunner local = new LocalCommandRunner(root);
        CommandRunner tofu = world.tofu.in(root);
        CommandRunner commands = (command, onLine) -> WorldTofu.BINARY.equals(command.argv().get(0))
                ? tofu.run(command, onLine) : local.run(command, onLine);
        GoogleConnection google = new GoogleConnection() {
            @Override
            public GoogleClients open(EnvironmentSpec environment, Duration longestWait) {
                return world.cloud.clients(environment.projectId(), longestWait);
            }

            @Override
            public Optional<String> accessToken(EnvironmentSpec environment) {
                return Optional.of(DeployWorld.TOKEN);
            }

            @Override
            public String registryToken(EnvironmentSpec environment) {
                return DeployWorld.registryToken(environment.name());
            }

            @Override
            public java.net.URI registryEndpoint(EnvironmentSpec environment) {
                java.net.URI loopback = world.registries.get(environment.name());
                return loopback != null ? loopback : GoogleConnection.super.registryEndpoint(environment);
            }
        };
        // Waiting moves the world's clock: retries and lease waits end by it, without sleeping.
        return new StepHost(new LocalWorkspace(root), root, commands, world.log, world.log.mask, google, world.clock, d -> {
            world.beforeWait();
            world.clock.advance(d);
            if (paced) {
                Thread.sleep(1 + d.toSeconds());
            } else if (waitMsPerMinute > 0) {
                Thread.sleep(Math.round(d.toMillis() / 60_000.0 * waitMsPerMinute));
            }
        }, approvals, holder, null);
    }

    /** The engine's steps as a host calls them (a Jenkins step each, or the CLI's commands). */
    public DeploySteps steps() {
        LocalWorkspace ws = new LocalWorkspace(root);
        return new DeploySteps(host(), new ConfigLoader(ws).load(ExampleRepo.CONFIG),
                new TofuSettings(WorldTofu.BINARY, Duration.ofSeconds(30), Duration.ofMinutes(5)), settings);
    }

    /** {@code mmdeploy deploy --env E}, gates answered by {@code gatekeeper}. */
    public DeployRun.Result deploy(String environment, DeployRun.Gatekeeper gatekeeper, DeployRun.Progress progress) throws InterruptedException {
        return run(gatekeeper, progress).run(environment, false, Map.of());
    }

    public DeployRun.Result deploy(String environment) throws InterruptedException {
        return deploy(environment, noTerminal(), DeployRun.Progress.NONE);
    }

    /** {@code mmdeploy deploy --plan-only} or {@code --approve-plan gate=hash}. */
    public DeployRun.Result deploy(String environment, boolean planOnly, Map<String, String> approved) throws InterruptedException {
        return run(noTerminal(), DeployRun.Progress.NONE).run(environment, planOnly, approved);
    }

    public DeployRun run(DeployRun.Gatekeeper gatekeeper, DeployRun.Progress progress) {
        return new DeployRun(steps(), approvals, gatekeeper, world.clock, world.log.stage(DeployRun.STAGE), holder, progress);
    }

    static DeployRun.Gatekeeper noTerminal() {
        return (env, gate, plan) -> {
            throw new AssertionError("no terminal in this test: the " + gate.id() + " gate must not ask");
        };
    }

    public RunJournal.Entry journal(String environment) {
        return new RunJournal(new LocalWorkspace(root)).read(environment);
    }

    public String read(String file) {
        try {
            return Files.readString(root.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
