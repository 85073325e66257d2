package io.mmdeploy.engine.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.engine.config.ConfigLoader;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.gcp.fake.CapturedLog;
import io.mmdeploy.engine.gcp.fake.FakeGoogleCloud;
import io.mmdeploy.engine.port.local.LocalWorkspace;
import io.mmdeploy.engine.release.ReleaseHistory;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.release.ReleaseRecord.ImageRecord;
import io.mmdeploy.engine.release.ReleaseRecord.ServiceRelease;
import io.mmdeploy.engine.release.TestClock;
import io.mmdeploy.engine.testing.ExampleRepo;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention of staging's images on the fake Artifact Registry, with the real client. */
class ImageRetentionTest {
    static final Instant NOW = Instant.parse("2026-12-01T09:00:00Z");

    @TempDir
    Path dir;
    FakeGoogleCloud cloud;
    GoogleClients clients;
    DeployConfig config;
    EnvironmentSpec env;
    String agent;
    final CapturedLog log = new CapturedLog();

    @BeforeEach
    void start() throws Exception {
        ExampleRepo.copyInto(dir);
        config = new ConfigLoader(new LocalWorkspace(dir)).load(ExampleRepo.CONFIG, ExampleRepo.CONFIG).config();
        env = config.environment("staging");
        agent = env.registry().image("agent-service");
        cloud = FakeGoogleCloud.start();
        clients = cloud.clients(env.projectId(), Duration.ofMinutes(1));
    }

    @AfterEach
    void stop() {
        clients.close();
        cloud.close();
    }

    static String digest(int n) {
        return "sha256:" + String.format("%064x", n);
    }

    /** Tagged versions 1..13 days old, plus an untagged one 5 and one 45 days old. */
    void versions() {
        for (int day = 1; day <= 13; day++) {
            String tag = day == 12 ? "v1.4.0" : "fp-" + day;
            cloud.artifactRegistry.version(agent, digest(day), NOW.minus(Duration.ofDays(day)), tag);
        }
        cloud.artifactRegistry.version(agent, digest(105), NOW.minus(Duration.ofDays(5)).minusSeconds(60));
        cloud.artifactRegistry.version(agent, digest(145), NOW.minus(Duration.ofDays(45)));
    }

    ReleaseHistory history() {
        ReleaseRecord old = ReleaseRecord.started("20261118-090000-aaaaaaa", ReleaseRecord.Kind.DEPLOY, env, null, NOW.minus(Duration.ofDays(13)))
                .withServing(List.of(new ServiceRelease("agent", "agent-service-staging", new ImageRecord(agent, "fp-13", digest(13)), "r1", null)), null)
                .finished(ReleaseRecord.Outcome.succeeded(), NOW.minus(Duration.ofDays(13)));
        return new ReleaseHistory(List.of(old));
    }

    Map<String, ImageRetention.Decision> byDigest(ImageRetention.Plan plan) {
        return plan.decisions().stream().filter(d -> d.image().equals("agent-service"))
                .collect(Collectors.toMap(ImageRetention.Decision::digest, d -> d));
    }

    @Test
    void aRollbackTargetAndASemverTagOutliveTheNewestTenAndOldUntaggedVersionsGo() {
        versions();
        ImageRetention retention = new ImageRetention(clients.artifactRegistry(), new TestClock(NOW), log.stage(ImageRetention.STAGE));

        ImageRetention.Plan plan = retention.plan(config, env, history());
        Map<String, ImageRetention.Decision> agentPlan = byDigest(plan);

        assertThat(agentPlan).hasSize(15);
        assertThat(agentPlan.get(digest(13)).keep()).isTrue();
        assertThat(agentPlan.get(digest(13)).why()).isEqualTo("rollback target: release 20261118-090000-aaaaaaa");
        assertThat(agentPlan.get(digest(12)).why()).isEqualTo("semver tag v1.4.0");
        assertThat(agentPlan.get(digest(145)).keep()).isFalse();
        assertThat(agentPlan.get(digest(145)).why()).startsWith("untagged, 45 days old");
        assertThat(agentPlan.get(digest(105)).keep()).as("untagged but young, one of the newest").isTrue();
        assertThat(agentPlan.get(digest(11)).keep()).isFalse();
        assertThat(agentPlan.get(digest(11)).why()).isEqualTo("older than the 10 newest (#12)");
        assertThat(agentPlan.get(digest(1)).why()).isEqualTo("one of the 10 newest (#1)");
        assertThat(plan.deletions()).extracting(ImageRetention.Decision::digest).containsExactlyInAnyOrder(digest(10), digest(11), digest(145));
        assertThat(plan.text(false)).contains("dry run").contains("rollback target: release 20261118-090000-aaaaaaa");
        // A dry run deletes nothing.
        assertThat(cloud.artifactRegistry.hasVersion(agent, digest(145))).isTrue();
    }

    @Test
    void applyDeletesExactlyWhatThePlanDeletesWithTheirTags() throws Exception {
        versions();
        ImageRetention retention = new ImageRetention(clients.artifactRegistry(), new TestClock(NOW), log.stage(ImageRetention.STAGE));
        ImageRetention.Plan plan = retention.plan(config, env, history());

        retention.apply(plan, Duration.ofSeconds(30));

        for (int n : new int[] {10, 11, 145}) {
            assertThat(cloud.artifactRegistry.hasVersion(agent, digest(n))).as("deleted " + n).isFalse();
        }
        assertThat(cloud.artifactRegistry.digestOf(agent, "fp-11")).isEmpty();
        for (int n : new int[] {1, 9, 12, 13, 105}) {
            assertThat(cloud.artifactRegistry.hasVersion(agent, digest(n))).as("kept " + n).isTrue();
        }
        assertThat(retention.plan(config, env, history()).deletions()).as("a second run has nothing left to delete").isEmpty();
    }

    @Test
    void keepReleasesLimitsWhichRecordsProtectTheirImages() {
        versions();
        EnvironmentSpec limited = new EnvironmentSpec(env.name(), env.branch(), env.projectId(), env.projectNumber(), env.region(), env.registry(),
                env.credentialsId(), env.tofu(), env.serviceUrlsSecret(), env.serviceNameSuffix(), env.tags(), env.approval(), null, null,
                new io.mmdeploy.engine.config.RetentionPolicy(10, 30, 1), java.util.List.of(), null);
        ReleaseRecord newer = ReleaseRecord.started("20261130-090000-bbbbbbb", ReleaseRecord.Kind.DEPLOY, env, null, NOW.minus(Duration.ofDays(1)))
                .finished(ReleaseRecord.Outcome.succeeded(), NOW.minus(Duration.ofDays(1)));
        ReleaseHistory two = new ReleaseHistory(List.of(history().oldestFirst().get(0), newer));

        ImageRetention.Plan plan = new ImageRetention(clients.artifactRegistry(), new TestClock(NOW), log.stage(ImageRetention.STAGE))
                .plan(config, limited, two);

        assertThat(byDigest(plan).get(digest(13)).keep()).as("only the newest record protects its images").isFalse();
    }
}
