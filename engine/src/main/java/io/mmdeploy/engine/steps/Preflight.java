package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.config.ApprovalPolicy;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.LoadedConfig;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.isolation.IsolationPreflight;
import io.mmdeploy.engine.isolation.IsolationViolation;
import io.mmdeploy.engine.port.Workspace;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.source.GitRepository;
import io.mmdeploy.engine.source.ImageTags;
import io.mmdeploy.engine.source.Revision;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * mmPreflight: refuses a deploy whose environments are not isolated, before anything changes, and tells the
 * pipeline what it needs for the rest of the run: the release id, the approval policy, the alias tag. It starts the
 * run's {@link RunJournal} with that id, so that the release record of this run (mmRelease) carries the same one.
 */
public final class Preflight {
    /** The release id's suffix outside git. */
    static final String UNVERSIONED = "unversioned";

    private final Workspace workspace;
    private final Path localRoot;
    private final Clock clock;

    /** @param localRoot the workspace on this machine, for git; null when it is elsewhere (the id then has no commit) */
    public Preflight(Workspace workspace, Path localRoot, Clock clock) {
        this.workspace = workspace;
        this.localRoot = localRoot;
        this.clock = clock;
    }

    /** @throws DeployException with every isolation violation, when there is any */
    public Map<String, Object> run(LoadedConfig loaded, String environment) {
        DeployConfig config = loaded.config();
        EnvironmentSpec env = config.environment(environment);
        List<IsolationViolation> violations = new IsolationPreflight(workspace).check(config);
        if (!violations.isEmpty()) {
            throw new DeployException(violations.stream().map(IsolationViolation::toDiagnostic).toList());
        }
        String release = ReleaseRecord.newId(clock.instant(), revision(localRoot, env).map(Revision::shortSha).orElse(UNVERSIONED));
        new RunJournal(workspace).begin(env.name(), release);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("environment", env.name());
        out.put("violations", List.of());
        out.put("release", release);
        out.put("approval", approval(env));
        out.put("alias", new ImageTags(env).alias());
        return out;
    }

    /** The checked-out revision; empty when the workspace is elsewhere or not in git. */
    static Optional<Revision> revision(Path localRoot, EnvironmentSpec env) {
        if (localRoot == null) {
            return Optional.empty();
        }
        Optional<GitRepository> git = GitRepository.find(localRoot);
        try {
            return git.map(g -> g.revision("HEAD", env.branch()));
        } finally {
            git.ifPresent(GitRepository::close);
        }
    }

    /** The policy as docs/STEPS.md gives it: gates in phase order, timeout in minutes. */
    static Map<String, Object> approval(EnvironmentSpec env) {
        ApprovalPolicy policy = env.approval() == null ? ApprovalPolicy.none() : env.approval();
        Duration timeout = policy.timeout() == null ? ApprovalPolicy.DEFAULT_TIMEOUT : policy.timeout();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("gates", Arrays.stream(ApprovalPolicy.Gate.values()).filter(policy.gates()::contains).map(ApprovalPolicy.Gate::id).toList());
        out.put("timeoutMinutes", (int) timeout.toMinutes());
        out.put("submitters", policy.submitters());
        out.put("fourEyes", policy.fourEyes());
        return out;
    }
}
