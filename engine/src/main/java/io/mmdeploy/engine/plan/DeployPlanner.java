package io.mmdeploy.engine.plan;

import io.mmdeploy.engine.config.BuildSpec;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.LoadedConfig;
import io.mmdeploy.engine.config.ServiceSpec;
import io.mmdeploy.engine.diagnostics.Diagnostic;
import io.mmdeploy.engine.flow.DeployFlow;
import io.mmdeploy.engine.isolation.IsolationPreflight;
import io.mmdeploy.engine.isolation.IsolationViolation;
import io.mmdeploy.engine.port.Workspace;
import io.mmdeploy.engine.source.BuildFingerprint;
import io.mmdeploy.engine.source.ImageTags;
import io.mmdeploy.engine.source.Revision;
import io.mmdeploy.engine.source.SourceTree;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Computes a {@link DeployPlan}: the preflight, which images would be rebuilt (fingerprints now vs.
 * {@code since}), their tags, and the phases with their gates. Reads only the workspace's files and git.
 */
public final class DeployPlanner {
    private final Workspace workspace;
    private final Optional<SourceTree> git;

    /** @param git the app's history, empty when the workspace is not in a git work tree */
    public DeployPlanner(Workspace workspace, Optional<? extends SourceTree> git) {
        this.workspace = workspace;
        this.git = git.map(SourceTree.class::cast);
    }

    /**
     * @param since the revision whose images are already built (e.g. the last deployed commit); null to rebuild all
     */
    public DeployPlan plan(LoadedConfig loaded, String environmentName, String since) {
        DeployConfig config = loaded.config();
        EnvironmentSpec env = config.environment(environmentName);
        // One status of the config dir for every watched path: a status per path walks the tree each time (and through
        // the git program, it is a process each).
        List<String> dirty = git.map(g -> g.uncommitted("")).orElse(List.of());
        List<IsolationViolation> violations = new IsolationPreflight(workspace).check(config);
        List<Diagnostic> warnings = new ArrayList<>(loaded.warnings());
        Revision revision = git.map(g -> g.revision("HEAD", env.branch())).orElse(null);
        if (git.isEmpty()) {
            warnings.add(Diagnostic.warning("Not a git repository",
                    workspace.describe() + " is not inside a git work tree: there are no fingerprints, so every image would be built."));
        }
        if (revision != null && !revision.branch().equals(env.branch())) {
            warnings.add(Diagnostic.warning("Branch " + revision.branch() + " does not deploy to " + env.name(),
                    env.name() + " deploys from " + env.branch() + "; the tags below use the checked-out branch " + revision.branch() + "."));
        }
        ImageTags imageTags = new ImageTags(env);
        List<String> tags = revision == null ? List.of() : imageTags.forRevision(revision);
        List<ServicePlan> services = new ArrayList<>();
        for (ServiceSpec s : config.services()) {
            services.add(imagePlan(s.name(), s.build(), env.registry().image(s.image()), s.cloudRunService(env), since, tags, dirty, warnings));
        }
        ServicePlan gateway = config.gatewaySpec()
                .map(g -> imagePlan(g.name(), g.build(), env.registry().image(g.image()), g.cloudRunService(env), null, tags, dirty, warnings))
                .map(p -> new ServicePlan(p.name(), p.repository(), p.cloudRunService(), p.fingerprint(), null, true,
                        "built every deploy: the service URLs are baked in", p.tags()))
                .orElse(null);
        return new DeployPlan(env.name(), env.projectId(), revision, since, violations, services, gateway,
                DeployFlow.of(config, env).steps(), imageTags.alias(), warnings);
    }

    private ServicePlan imagePlan(String name, BuildSpec build, String repository, String runService, String since,
            List<String> tags, List<String> dirty, List<Diagnostic> warnings) {
        if (git.isEmpty()) {
            return new ServicePlan(name, repository, runService, null, null, true, "no git repository", tags);
        }
        SourceTree repo = git.get();
        String now = fingerprint(repo, "HEAD", build).orElse(null);
        for (String path : build.watch()) {
            List<String> under = uncommitted(repo, dirty, path);
            if (!under.isEmpty()) {
                warnings.add(Diagnostic.warning("Uncommitted changes in " + path,
                        name + ": " + under.size() + " uncommitted file(s) (e.g. " + under.get(0)
                                + ") are not part of the fingerprint; builds use the committed tree."));
                break;
            }
        }
        if (since == null) {
            return new ServicePlan(name, repository, runService, now, null, true, "no --since: build everything", tags);
        }
        String before = fingerprint(repo, since, build).orElse(null);
        boolean changed = before == null || !before.equals(now);
        String reason = before == null ? "not present at " + since : changed ? "changed since " + since : "unchanged since " + since + ": reuse";
        return new ServicePlan(name, repository, runService, now, before, changed, reason, tags);
    }

    /** The uncommitted files under a watched path, of the config dir's ({@code dirty}); a path outside it asks git. */
    private static List<String> uncommitted(SourceTree repo, List<String> dirty, String path) {
        String p = path.replaceFirst("^\\./", "").replaceFirst("/+$", "");
        if (p.startsWith("../") || p.equals("..")) {
            return repo.uncommitted(path);
        }
        return p.isEmpty() || p.equals(".") ? dirty : dirty.stream().filter(f -> f.equals(p) || f.startsWith(p + "/")).toList();
    }

    /** Empty when a watched path does not exist at that revision. */
    static Optional<String> fingerprint(SourceTree repo, String rev, BuildSpec build) {
        Map<String, String> ids = new LinkedHashMap<>();
        List<String> paths = new ArrayList<>(build.watch());
        paths.add(build.dockerfile());
        for (String path : paths) {
            Optional<String> id = repo.objectId(rev, path);
            if (id.isEmpty()) {
                return Optional.empty();
            }
            ids.put(path, id.get());
        }
        return Optional.of(BuildFingerprint.of(build, ids, Map.of()).value());
    }
}
