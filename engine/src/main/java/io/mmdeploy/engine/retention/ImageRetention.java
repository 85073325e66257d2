package io.mmdeploy.engine.retention;

import com.google.api.gax.rpc.ApiException;
import com.google.devtools.artifactregistry.v1.ArtifactRegistryClient;
import com.google.devtools.artifactregistry.v1.DeleteVersionRequest;
import com.google.devtools.artifactregistry.v1.ListVersionsRequest;
import com.google.devtools.artifactregistry.v1.Tag;
import com.google.devtools.artifactregistry.v1.Version;
import com.google.devtools.artifactregistry.v1.VersionView;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.RetentionPolicy;
import io.mmdeploy.engine.config.ServiceSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.ApiFailure;
import io.mmdeploy.engine.images.ImageCatalog;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.release.ReleaseHistory;
import io.mmdeploy.engine.release.ReleaseRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * {@code mmdeploy retention}: which versions of an environment's images to keep and which to delete, through the
 * Artifact Registry client. The rules, first match wins: a version an image of the last K release records names is
 * kept (a rollback target never vanishes); a semver-tagged one is kept; an untagged one older than D days is deleted;
 * one of the N newest is kept; the rest is deleted.
 */
public final class ImageRetention {
    public static final String STAGE = "retention";
    private static final Pattern SEMVER = Pattern.compile("v?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z.-]+)?");
    private static final String ADMIN_ROLE = "roles/artifactregistry.repoAdmin";

    /**
     * One version's fate.
     *
     * @param image the image name in the registry
     * @param digest the version
     * @param why the rule that decided it
     */
    public record Decision(String image, String digest, Instant created, List<String> tags, boolean keep, String why, String versionName) {
        public Decision {
            tags = List.copyOf(tags);
        }
    }

    /** Every version of every image of the environment, decided. */
    public record Plan(String environment, RetentionPolicy policy, List<Decision> decisions) {
        public Plan {
            decisions = List.copyOf(decisions);
        }

        public List<Decision> deletions() {
            return decisions.stream().filter(d -> !d.keep()).toList();
        }

        public String text(boolean applied) {
            StringBuilder out = new StringBuilder("Retention in " + environment + ": keep the " + policy.keepLast() + " newest per image, delete"
                    + " untagged versions older than " + policy.untaggedDays() + " days, never a semver tag or an image of "
                    + (policy.keepReleases() == null ? "any stored release record" : "the last " + policy.keepReleases() + " release records")
                    + "\n");
            String image = null;
            for (Decision d : decisions) {
                if (!d.image().equals(image)) {
                    image = d.image();
                    out.append('\n').append(image).append(":\n");
                }
                out.append(String.format("  %-6s %s  %s  %s%s%n", d.keep() ? "keep" : applied ? "DELETED" : "delete", d.digest().substring(0, 19),
                        d.created().toString().substring(0, 10), d.why(), d.tags().isEmpty() ? "" : "  [" + String.join(", ", d.tags()) + "]"));
            }
            long deletions = deletions().size();
            out.append('\n').append(decisions.size() - deletions).append(" kept, ").append(deletions)
                    .append(applied ? " deleted.\n" : " to delete (dry run: --apply deletes them).\n");
            return out.toString();
        }
    }

    private final ArtifactRegistryClient registry;
    private final Clock clock;
    private final StageLog log;

    public ImageRetention(ArtifactRegistryClient registry, Clock clock, StageLog log) {
        this.registry = registry;
        this.clock = clock;
        this.log = log;
    }

    public Plan plan(DeployConfig config, EnvironmentSpec env, ReleaseHistory history) {
        RetentionPolicy policy = env.retention();
        Map<String, String> referenced = referenced(history, policy);
        List<String> images = new ArrayList<>(config.services().stream().map(ServiceSpec::image).toList());
        config.gatewaySpec().ifPresent(g -> images.add(g.image()));
        Instant now = clock.instant();
        List<Decision> out = new ArrayList<>();
        for (String image : images.stream().distinct().toList()) {
            String pkg = ImageCatalog.packageName(env.registry(), image);
            List<Version> versions = versions(pkg);
            versions.sort(Comparator.comparing((Version v) -> v.getCreateTime().getSeconds()).reversed());
            int rank = 0;
            for (Version v : versions) {
                String digest = v.getName().substring(v.getName().lastIndexOf('/') + 1);
                List<String> tags = v.getRelatedTagsList().stream().map(Tag::getName).map(t -> t.substring(t.lastIndexOf('/') + 1)).toList();
                Instant created = Instant.ofEpochSecond(v.getCreateTime().getSeconds(), v.getCreateTime().getNanos());
                long days = Duration.between(created, now).toDays();
                rank++;
                String release = referenced.get(env.registry().image(image) + "@" + digest);
                String semver = tags.stream().filter(t -> SEMVER.matcher(t).matches()).findFirst().orElse(null);
                Decision d;
                if (release != null) {
                    d = new Decision(image, digest, created, tags, true, "rollback target: release " + release, v.getName());
                } else if (semver != null) {
                    d = new Decision(image, digest, created, tags, true, "semver tag " + semver, v.getName());
                } else if (tags.isEmpty() && days > policy.untaggedDays()) {
                    d = new Decision(image, digest, created, tags, false, "untagged, " + days + " days old (more than " + policy.untaggedDays() + ")",
                            v.getName());
                } else if (rank <= policy.keepLast()) {
                    d = new Decision(image, digest, created, tags, true, "one of the " + policy.keepLast() + " newest (#" + rank + ")", v.getName());
                } else {
                    d = new Decision(image, digest, created, tags, false, "older than the " + policy.keepLast() + " newest (#" + rank + ")", v.getName());
                }
                out.add(d);
            }
        }
        return new Plan(env.name(), policy, out);
    }

    /** Deletes what the plan deletes (with its tags); stops at the first refusal, naming what was already deleted. */
    public void apply(Plan plan, Duration wait) throws InterruptedException {
        List<String> deleted = new ArrayList<>();
        for (Decision d : plan.deletions()) {
            try {
                registry.deleteVersionAsync(DeleteVersionRequest.newBuilder().setName(d.versionName()).setForce(true).build())
                        .get(wait.toMillis(), TimeUnit.MILLISECONDS);
                deleted.add(d.image() + "@" + d.digest());
                log.info("deleted " + d.image() + "@" + d.digest() + " (" + d.why() + ")");
            } catch (ExecutionException | TimeoutException | ApiException e) {
                String why = e instanceof ExecutionException x && x.getCause() instanceof ApiException api ? api.getMessage() : e.toString();
                throw DeployException.of("Cannot delete " + d.image() + "@" + d.digest() + " in " + plan.environment(),
                        why + ". The deletion needs " + ADMIN_ROLE + " on the repository. Deleted before it: "
                                + (deleted.isEmpty() ? "nothing" : String.join(", ", deleted)) + ".");
            }
        }
    }

    /** {@code repository@digest} → the newest release among the last K that names it. */
    private static Map<String, String> referenced(ReleaseHistory history, RetentionPolicy policy) {
        Map<String, String> out = new LinkedHashMap<>();
        List<ReleaseRecord> records = history.newestFirst();
        if (policy.keepReleases() != null) {
            records = records.stream().limit(policy.keepReleases()).toList();
        }
        for (ReleaseRecord r : records) {
            r.serving().stream().map(ReleaseRecord.ServiceRelease::image).filter(i -> i != null && i.digest() != null)
                    .forEach(i -> out.putIfAbsent(i.repository() + "@" + i.digest(), r.id()));
            r.migrations().forEach(m -> out.putIfAbsent(m.image(), r.id()));
        }
        return out;
    }

    private List<Version> versions(String pkg) {
        try {
            List<Version> out = new ArrayList<>();
            registry.listVersions(ListVersionsRequest.newBuilder().setParent(pkg).setView(VersionView.FULL).setPageSize(500).build())
                    .iterateAll().forEach(out::add);
            return out;
        } catch (ApiException e) {
            if (ApiFailure.is(e, com.google.api.gax.rpc.StatusCode.Code.NOT_FOUND)) {
                return new ArrayList<>();
            }
            throw ApiFailure.of("list the versions of an image", pkg, "roles/artifactregistry.reader", e);
        }
    }
}
