package io.mmdeploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.run.v2.ServiceName;
import io.mmdeploy.engine.config.ConfigLoader;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.port.local.LocalWorkspace;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.release.ReleaseWorld;
import io.mmdeploy.engine.testing.ExampleRepo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The release commands on the bundled example's staging environment, with the Google clients pointed at the
 * in-process fakes through the commands' connector (the only difference from a real run: no ADC, fake endpoints).
 */
class ReleaseCommandsTest {
    private static final Pattern STACK_TRACE = Pattern.compile("(?m)^\\s+at [\\w.$<>]+\\(|\\.java:\\d+\\)|^Caused by: ");

    @TempDir
    Path dir;

    ExampleRepo repo;
    ReleaseWorld world;
    ReleaseRecord first;
    ReleaseRecord second;

    record Run(int exit, String out, String err) {}

    @BeforeEach
    void start() throws Exception {
        repo = ExampleRepo.copyInto(dir);
        DeployConfig config = new ConfigLoader(new LocalWorkspace(dir)).load(ExampleRepo.CONFIG, ExampleRepo.CONFIG).config();
        world = ReleaseWorld.start(config, config.environment("staging"));
        // A rollback holds the environment's lease in its state bucket.
        world.cloud.storage.addBucket("mindmirror-staging-tfstate", "1234567890");
        first = world.deploy(1);
        second = world.deploy(2, "users", "habits");
    }

    @AfterEach
    void stop() {
        world.close();
    }

    /** As {@link MmDeploy#run}, with the commands built on the fakes' host. */
    Run run(String... args) {
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                K made = CommandLine.defaultFactory().create(cls);
                if (made instanceof ReleaseRecordsCommand command) {
                    command.connector = (env, wait) -> world.cloud.clients(env.projectId(), wait);
                    command.clock = world.clock;
                    command.sleeper = d -> { };
                }
                return made;
            }
        };
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter errWriter = new PrintWriter(err, true);
        CommandLine cli = new CommandLine(new MmDeploy(), factory);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(errWriter);
        MmDeploy.reporting(cli);
        String[] full = new String[args.length + 2];
        System.arraycopy(args, 0, full, 0, args.length);
        full[args.length] = "--config";
        full[args.length + 1] = repo.config().toString();
        return new Run(cli.execute(full), out.toString(), err.toString());
    }

    @Test
    void retentionIsADryRunUnlessApplyAndNeverDeletesAnImageOfARecord() {
        String agent = world.env.registry().image("agent-service");
        String recorded = second.serving("agent").orElseThrow().image().digest();
        world.cloud.artifactRegistry.version(agent, recorded, world.clock.instant().minus(Duration.ofDays(90)));
        String stale = "sha256:" + "e".repeat(64);
        world.cloud.artifactRegistry.version(agent, stale, world.clock.instant().minus(Duration.ofDays(60)));

        Run dry = run("retention", "--env", "staging");
        assertThat(dry.exit()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("delete " + stale.substring(0, 19)).contains("rollback target: release " + second.id())
                .contains("dry run");
        assertThat(world.cloud.artifactRegistry.hasVersion(agent, stale)).isTrue();

        Run applied = run("retention", "--env", "staging", "--apply");
        assertThat(applied.exit()).as(applied.err()).isZero();
        assertThat(applied.out()).contains("DELETED " + stale.substring(0, 19)).contains("1 deleted");
        assertThat(world.cloud.artifactRegistry.hasVersion(agent, stale)).isFalse();
        assertThat(world.cloud.artifactRegistry.hasVersion(agent, recorded)).isTrue();
    }

    @Test
    void releasesListsNewestFirst() {
        Run r = run("releases", "--env", "staging");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().skip(1).map(l -> l.split(" ")[0]).toList()).containsExactly(second.id(), first.id());
        assertThat(r.out()).contains("deploy   succeeded");
    }

    @Test
    void releaseShowsOneRecordAsTextAndAsTheStoredJson() throws Exception {
        Run text = run("release", "--env", "staging", first.id());
        assertThat(text.exit()).as(text.err()).isZero();
        assertThat(text.out()).contains("Release " + first.id() + " (deploy) of staging: succeeded", world.revision("agent", 1),
                "migration migrate-main-staging: execution");

        Run json = run("release", "--env", "staging", first.id(), "-o", "json");
        JsonNode record = new ObjectMapper().readTree(json.out());
        assertThat(record.get("id").asText()).isEqualTo(first.id());
        assertThat(record.get("schemaVersion").asInt()).isEqualTo(1);
    }

    @Test
    void anUnknownReleaseIsAClearErrorWithoutStackTrace() {
        Run r = run("release", "--env", "staging", "20200101-000000-nope");

        assertThat(r.exit()).isEqualTo(MmDeploy.FAILED);
        assertThat(r.err()).contains("No release 20200101-000000-nope in staging", second.id()).doesNotContainPattern(STACK_TRACE);
    }

    @Test
    void rollbackDryRunMovesNothingThenTheRollbackMovesEverything() {
        Run dry = run("rollback", "--env", "staging", "--dry-run");

        assertThat(dry.exit()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("back to release " + first.id(), "Dry run: nothing was moved.");
        assertThat(world.serving("agent")).isEqualTo(world.revision("agent", 2));

        Run done = run("rollback", "--env", "staging");

        assertThat(done.exit()).as(done.err()).isZero();
        assertThat(done.out()).containsPattern("Rollback \\S+-rollback succeeded: 7 service\\(s\\) moved, 9 alias\\(es\\) moved");
        assertThat(world.serving("agent")).isEqualTo(world.revision("agent", 1));
        assertThat(world.serving("mesh")).isEqualTo(world.revision("mesh", 1));
        assertThat(done.err()).contains("[health] 9 of 9 healthy");
        assertThat(run("releases", "--env", "staging").out()).contains("restores " + first.id(), "rolled back by");
    }

    @Test
    void rollbackAsJsonGivesThePlanOnADryRunAndTheRecordAfterwards() throws Exception {
        JsonNode plan = new ObjectMapper().readTree(run("rollback", "--env", "staging", "--dry-run", "-o", "json").out());
        assertThat(plan.get("toRelease").asText()).isEqualTo(first.id());
        assertThat(plan.get("direction").asText()).isEqualTo("BACK");
        assertThat(plan.get("moves").get(0).get("service").asText()).isEqualTo("mesh");

        Run done = run("rollback", "--env", "staging", "-o", "json");
        JsonNode result = new ObjectMapper().readTree(done.out());
        assertThat(result.get("record").get("kind").asText()).isEqualTo("rollback");
        assertThat(result.get("moved")).hasSize(7);
        assertThat(result.get("health").get("results")).hasSize(9);
    }

    @Test
    void rollbackOfOneServiceToARevision() {
        Run r = run("rollback", "--env", "staging", "--service", "agent", "--to", world.revision("agent", 1));

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(world.serving("agent")).isEqualTo(world.revision("agent", 1));
        assertThat(world.serving("journal")).isEqualTo(world.revision("journal", 2));
    }

    @Test
    void anUnhealthyRollbackExitsOne() {
        world.unhealthy.add(world.cloudRunService("meals"));

        Run r = run("rollback", "--env", "staging");

        assertThat(r.exit()).isEqualTo(MmDeploy.FAILED);
        assertThat(r.err()).contains("meals is not healthy after the rollback").doesNotContainPattern(STACK_TRACE);
    }

    @Test
    void metricsAsTextAndJson() throws Exception {
        Run text = run("metrics", "--env", "staging", "--days", "7");
        assertThat(text.exit()).as(text.err()).isZero();
        assertThat(text.out()).contains("2 successful deploy(s)", "0.0% (0 of 2)");

        JsonNode json = new ObjectMapper().readTree(run("metrics", "--env", "staging", "-o", "json").out());
        assertThat(json.get("successfulDeployments").asInt()).isEqualTo(2);
        // The fixture's commits are an hour older than each deploy's start, and each deploy takes 5 minutes.
        assertThat(json.get("medianLeadTimeSeconds").asLong()).isEqualTo(Duration.ofMinutes(65).toSeconds());
    }

    @Test
    void driftExitsOneAfterAConsoleRollbackAndZeroWhenInSync() throws Exception {
        Run clean = run("drift", "--env", "staging");
        assertThat(clean.exit()).as(clean.err()).isZero();
        assertThat(clean.out()).contains("staging serves exactly release " + second.id());

        world.traffic.routeAllTo(ServiceName.parse(world.serviceName("journal")), world.revision("journal", 1));
        Run drifted = run("drift", "--env", "staging");

        assertThat(drifted.exit()).isEqualTo(MmDeploy.FAILED);
        assertThat(drifted.out()).contains("journal: traffic is not on the recorded revision");
        JsonNode json = new ObjectMapper().readTree(run("drift", "--env", "staging", "-o", "json").out());
        assertThat(json.get("drifts").get(0).get("service").asText()).isEqualTo("journal");
    }
}
