package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.config.ApprovalPolicy;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.LoadedConfig;
import io.mmdeploy.engine.config.MigrationSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.flow.DeployFlow;
import io.mmdeploy.engine.flow.Phase;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.isolation.IsolationPreflight;
import io.mmdeploy.engine.isolation.IsolationViolation;
import io.mmdeploy.engine.lease.EnvironmentLease;
import io.mmdeploy.engine.lease.Lease;
import io.mmdeploy.engine.plan.DeployPlan;
import io.mmdeploy.engine.plan.DeployPlanner;
import io.mmdeploy.engine.release.ReleaseHistory;
import io.mmdeploy.engine.release.ReleaseJson;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.source.GitCommandSource;
import io.mmdeploy.engine.source.GitRepository;
import io.mmdeploy.engine.source.Revision;
import io.mmdeploy.engine.source.SourceTree;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * What every phase of a run shares: the config, the run's journal, the stages, and the rules at the door of a
 * mutation (isolation, the build's branch, the flow's guard, the environment's lease).
 */
final class RunContext {
    final StepHost host;
    final LoadedConfig loaded;
    final DeployConfig config;
    final RunJournal journal;
    final Stages stages;
    /** One for the run: it keeps what it last found isolated (see {@link #mayChange}). */
    private final IsolationPreflight isolation;
    /** The lease each environment's last phase in this process took: the next one renews it instead of taking it anew. */
    private final Map<String, Lease> held = new ConcurrentHashMap<>();
    private final Object sharing = new Object();
    /** The clients the phases share while a deploy run goes ({@link #shareClients}); null when each opens its own. */
    private Map<String, GoogleClients> shared;
    private Duration sharedWait;

    RunContext(StepHost host, LoadedConfig loaded, Stages stages) {
        this.host = host;
        this.loaded = loaded;
        this.config = loaded.config();
        this.journal = new RunJournal(host.workspace(), host.journalLock());
        this.stages = stages;
        this.isolation = new IsolationPreflight(host.workspace());
    }

    EnvironmentSpec env(String name) {
        return config.environment(name);
    }

    DeployFlow flow(EnvironmentSpec env) {
        return DeployFlow.of(config, env);
    }

    static ApprovalPolicy policy(EnvironmentSpec env) {
        return env.approval() == null ? ApprovalPolicy.none() : env.approval();
    }

    GoogleClients open(EnvironmentSpec env, Duration longestWait) {
        synchronized (sharing) {
            if (shared != null && longestWait.compareTo(sharedWait) <= 0) {
                return shared.computeIfAbsent(env.name(), name -> host.google().open(env, sharedWait)).retain();
            }
        }
        return host.google().open(env, longestWait);
    }

    /** The clients' sharing, ended by {@link #close}. */
    interface SharedClients extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Until the returned handle is closed, the phases of this process share one set of clients per environment (a deploy
     * run): a set per phase would start its own threads and, against Google, its own TLS connections each time. They
     * wait as long as the longest of the run's timeouts (the engine's own timeouts still decide); a phase that needs
     * longer opens its own.
     */
    SharedClients shareClients() {
        Duration longest = Stream.of(stages.settings().apiWait(), stages.settings().buildTimeout(), longestMigration())
                .max(Duration::compareTo).orElseThrow();
        synchronized (sharing) {
            shared = new HashMap<>();
            sharedWait = longest;
        }
        return () -> {
            Map<String, GoogleClients> opened;
            synchronized (sharing) {
                opened = shared;
                shared = null;
            }
            opened.values().forEach(GoogleClients::close);
        };
    }

    /** The longest a migration of the config may run (its timeout, or the default one). */
    Duration longestMigration() {
        return config.migrations().stream().map(MigrationSpec::timeout).filter(Objects::nonNull).max(Duration::compareTo)
                .orElse(MigrationSpec.DEFAULT_TIMEOUT);
    }

    GoogleClients open(EnvironmentSpec env) {
        return open(env, stages.settings().apiWait());
    }

    /** The journal, after the mutation rules and the flow's guard let the phase start. */
    RunJournal.Entry guard(EnvironmentSpec env, Phase phase) {
        return guard(env, phase, flow(env).prerequisites(phase));
    }

    /**
     * As {@link #guard(EnvironmentSpec, Phase)}, for a phase that waits for the builds' images itself (the migrations of a
     * run that builds in this process, {@link DeployFlow#migratesAsImagesReady}): the build phase need not have ended.
     */
    RunJournal.Entry guardAwaitingImages(EnvironmentSpec env, Phase phase) {
        return guard(env, phase, flow(env).startsAfter(phase));
    }

    private RunJournal.Entry guard(EnvironmentSpec env, Phase phase, List<Phase> needs) {
        mayChange(env);
        RunJournal.Entry entry = journal.read(env.name());
        FlowGuard.require(flow(env), env, phase, entry, needs);
        return entry;
    }

    /**
     * Before every mutation: the isolation preflight (a config that plan refuses is never applied) and, where the host
     * builds a branch, that branch is the one the environment deploys from.
     */
    void mayChange(EnvironmentSpec env) {
        isolation.require(config);
        String building = host.buildBranch();
        if (building != null && env.branch() != null && !building.equals(env.branch())) {
            throw DeployException.of("Refusing to change " + env.name() + " from branch " + building,
                    config.file() + " deploys " + env.name() + " from branch " + env.branch() + " only (environments." + env.name()
                            + ".branch); a build of " + building + " (a Replay or another branch's job included) never"
                            + " deploys it. Nothing was changed.");
        }
    }

    /**
     * Takes (or, for this run's next phase, takes over and renews) the environment's lease; null without a state bucket.
     * Phases of one run that start together renew the one lease this run holds, and so share a renewal under way.
     */
    Lease lease(EnvironmentSpec env, GoogleClients clients, RunJournal.Entry entry) throws InterruptedException {
        String release = entry.release() != null ? entry.release() : ReleaseRecord.newId(host.clock().instant(), "step");
        Lease lease = stages.acquireLease(env, clients, release, held.get(env.name()));
        if (lease != null) {
            held.put(env.name(), lease);
        }
        return lease;
    }

    /** Renews the lease on its own while a long phase runs (null: the environment keeps no lease). */
    Lease.KeptAlive keepAlive(Lease lease) {
        return Lease.keepAlive(lease, stages.log(EnvironmentLease.STAGE));
    }

    /** Gives the lease back if this run of this host holds it. */
    synchronized void releaseLease(EnvironmentSpec env, GoogleClients clients, RunJournal.Entry entry) {
        if (entry.release() == null) {
            return;
        }
        // Given back: the next phase takes it anew, without first trying to renew what is gone.
        held.remove(env.name());
        stages.lease(env, clients).ifPresent(lease -> lease.current()
                .filter(h -> h.release().equals(entry.release()) && h.holder().equals(host.holder()))
                .ifPresent(lease::giveBack));
    }

    /** Marks the phase failed in the run (with the first line of why), keeping its inputs for the rerun's comparison. */
    void failed(EnvironmentSpec env, Phase phase, RuntimeException e) {
        String why = e instanceof DeployException d && !d.diagnostics().isEmpty() ? d.diagnostics().get(0).summary() : e.getClass().getSimpleName();
        journal.update(env.name(), d -> {
            RunJournal.PhaseRecord before = d.phases.get(phase.id());
            d.phase(phase, RunJournal.FAILED, before == null ? null : before.inputs(), now(), why);
        });
    }

    /** The live release: the environment's last succeeded record. */
    Optional<ReleaseRecord> live(EnvironmentSpec env, GoogleClients clients) {
        return ReleaseHistory.read(stages.releases(env, clients).store()).lastSucceeded();
    }

    Instant now() {
        return host.clock().instant();
    }

    void writeRecord(ReleaseRecord record) {
        try {
            host.workspace().writeText(DeploySteps.RECORD_FILE, ReleaseJson.pretty(record) + "\n");
        } catch (IOException e) {
            throw DeployException.of("Cannot write " + DeploySteps.RECORD_FILE + " in " + host.workspace().describe(), String.valueOf(e.getMessage()));
        }
    }

    /** The fingerprints and tags of this revision; the plan's isolation preflight refuses before anything is built. */
    DeployPlan plan(EnvironmentSpec env) {
        Optional<? extends SourceTree> git = sourceTree();
        try {
            DeployPlan plan = new DeployPlanner(host.workspace(), git).plan(loaded, env.name(), null);
            if (!plan.isolated()) {
                throw IsolationViolation.refusal(plan.violations());
            }
            return plan;
        } finally {
            git.ifPresent(SourceTree::close);
        }
    }

    /** The checked-out revision, on this machine or an agent; empty outside git, or when the host has no launcher. */
    Optional<Revision> revision(EnvironmentSpec env) {
        if (host.localRoot() == null && host.commands() == null) {
            return Optional.empty();
        }
        Optional<? extends SourceTree> git = sourceTree();
        try {
            return git.map(g -> g.revision("HEAD", env.branch()));
        } finally {
            git.ifPresent(SourceTree::close);
        }
    }

    /**
     * Who wrote and committed what this run deploys: the commits since the live release's (see {@link SourceTree#people});
     * none outside git, or when the host has no launcher.
     */
    List<String> people(Optional<ReleaseRecord> live) {
        if (host.localRoot() == null && host.commands() == null) {
            return List.of();
        }
        String since = live.map(ReleaseRecord::commit).map(ReleaseRecord.Commit::sha).orElse(null);
        Optional<? extends SourceTree> git = sourceTree();
        try {
            return git.map(g -> g.people(since)).orElse(List.of());
        } finally {
            git.ifPresent(SourceTree::close);
        }
    }

    /** JGit where the workspace is on this machine; the git program through the host's launcher where it is not. */
    private Optional<? extends SourceTree> sourceTree() {
        return host.localRoot() != null
                ? GitRepository.find(host.localRoot())
                : GitCommandSource.find(stages.commands(), host.workspace().describe());
    }
}
