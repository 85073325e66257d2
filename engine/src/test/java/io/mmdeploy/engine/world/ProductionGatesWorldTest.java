package io.mmdeploy.engine.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmdeploy.engine.approval.RecordedApproval;
import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.steps.DeployRun;
import io.mmdeploy.engine.steps.DeploySteps;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Production's two gates: nothing in production changes before a person approved exactly the plan that runs. */
class ProductionGatesWorldTest {
    @TempDir
    Path dir;
    DeployWorld world;

    @BeforeEach
    void start() throws Exception {
        world = DeployWorld.start(dir, "main");
    }

    @AfterEach
    void stop() {
        world.close();
    }

    /** What production looks like: its serving images, its job executions, its URLs secret versions. */
    record Snapshot(Map<String, String> serving, long executions, int urlVersions, long applies) {}

    Snapshot snapshot() {
        return new Snapshot(world.serving("production"), world.migrationExecutions(), world.urlsSecretVersions("production").size(),
                world.tofu.applies());
    }

    @Test
    void bothGatesApprovedAtTheTerminalDeployEverythingAndTheRecordNamesTheApprovers() throws Exception {
        List<String> asked = new ArrayList<>();
        List<Long> executionsWhenAsked = new ArrayList<>();
        DeployRun.Result result = world.checkout("cli:ana@laptop").deploy("production", (env, gate, plan) -> {
            asked.add(gate.id() + " " + plan.planHash());
            executionsWhenAsked.add(world.migrationExecutions());
            return Optional.of("rita");
        }, DeployRun.Progress.NONE);

        assertThat(result.status()).isEqualTo("SUCCEEDED");
        assertThat(asked).hasSize(2).first().asString().startsWith("services ");
        assertThat(executionsWhenAsked).as("no migration ran before gate 1").first().isEqualTo(0L);
        ReleaseRecord record = world.assertConverged("production");
        assertThat(record.approvals()).extracting(ReleaseRecord.Approval::phase, ReleaseRecord.Approval::approver)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("services", "rita"), org.assertj.core.groups.Tuple.tuple("gateway", "rita"));
        world.assertNoSecretLeaked();
    }

    @Test
    void eachGateNamesThePeopleOfTheCommitsSinceTheLiveReleaseForFourEyes() throws Exception {
        List<List<String>> first = new ArrayList<>();
        world.checkout("cli:ana@laptop").deploy("production", (env, gate, plan) -> {
            first.add(plan.people());
            return Optional.of("rita");
        }, DeployRun.Progress.NONE);
        // No live release yet: HEAD's own commit, not everyone who ever committed.
        assertThat(first).isNotEmpty().allSatisfy(p -> assertThat(p).containsExactly("mm-deploy tests", "tests@mm-deploy.invalid"));

        world.commit("services/agent/app/main.py", "print('agent v2')\n", "agent: v2", new PersonIdent("Dana Scully", "dana@corp.example"));
        List<List<String>> second = new ArrayList<>();
        DeployRun.Result result = world.checkout("cli:ana@laptop").deploy("production", (env, gate, plan) -> {
            second.add(plan.people());
            return Optional.of("rita");
        }, DeployRun.Progress.NONE);

        assertThat(result.status()).isEqualTo("SUCCEEDED");
        assertThat(second).isNotEmpty().allSatisfy(p -> assertThat(p)
                .containsExactly("Dana Scully", "dana@corp.example", "mm-deploy tests", "tests@mm-deploy.invalid"));
    }

    @Test
    void nothingInProductionChangesBeforeGateOneMigrationsIncludedAndTheRunHoldsNoLeaseThere() throws Exception {
        Snapshot before = snapshot();
        Checkout ana = world.checkout("cli:ana@laptop");

        DeployRun.Result waiting = ana.deploy("production", true, Map.of());

        assertThat(waiting.status()).isEqualTo("WAITING");
        assertThat(waiting.waitingAt()).isEqualTo("services");
        assertThat(snapshot()).isEqualTo(before);
        assertThat(world.leaseOf("production")).as("a run waiting at a gate holds no lease").isNull();

        // The operator reviewed that plan; approving its hash continues the same run to the next gate.
        DeployRun.Result atGateway = ana.deploy("production", true, Map.of("services", waiting.planHash()));
        assertThat(atGateway.release()).isEqualTo(waiting.release());
        assertThat(atGateway.waitingAt()).isEqualTo("gateway");
        assertThat(world.migrationExecutions()).isEqualTo(2);
        ana.deploy("production", false, Map.of("services", waiting.planHash(), "gateway", atGateway.planHash()));
        world.assertConverged("production");
    }

    @Test
    void aPlanMadeStaleWhileItsGateWaitedIsPlannedAgainAndAskedAgainAndItsOldApprovalAppliesNothing() throws Exception {
        DeployRun.Gatekeeper yes = (env, gate, plan) -> Optional.of("rita");
        world.checkout("cli:ana@laptop").deploy("production", yes, DeployRun.Progress.NONE);
        world.commit("services/agent/app/main.py", "print('agent v2')\n", "agent: v2");
        Checkout ana = world.checkout("cli:ana@laptop");
        DeployRun.Result waiting = ana.deploy("production", true, Map.of());
        assertThat(waiting.waitingAt()).isEqualTo("services");

        // While ana's gate waits (holding no lease), another run deploys production: ana's plan is now stale.
        world.commit("services/journal/app/main.py", "print('journal v2')\n", "journal: v2");
        world.checkout("cli:bob@desk").deploy("production", yes, DeployRun.Progress.NONE);
        Snapshot afterBob = snapshot();

        assertThatThrownBy(() -> ana.deploy("production", false, Map.of("services", waiting.planHash())))
                .isInstanceOf(DeployException.class).hasMessageContaining("is not the plan of this run")
                .hasMessageContaining("Review the new plan (--plan-only) and approve its hash. Nothing after the gate ran.");
        assertThat(snapshot()).as("the approval of the stale plan changed nothing").isEqualTo(afterBob);
        // The refused run is recorded FAILED; the next one plans against what is live now and asks for that plan.
        DeployRun.Result again = ana.deploy("production", true, Map.of());

        assertThat(again.waitingAt()).as("planned again and asked again").isEqualTo("services");
        assertThat(again.planHash()).isNotEqualTo(waiting.planHash());

        List<String> asked = new ArrayList<>();
        DeployRun.Result done = ana.deploy("production", (env, gate, plan) -> {
            asked.add(gate.id() + " " + plan.planHash());
            return Optional.of("rita");
        }, DeployRun.Progress.NONE);
        assertThat(done.status()).isEqualTo("SUCCEEDED");
        assertThat(asked).first().isEqualTo("services " + again.planHash());
        assertThat(world.newestRecord("production").id()).isEqualTo(done.release());
    }

    @Test
    void aRejectedGateLeavesSchemaAndTrafficUntouchedAndIsRecorded() throws Exception {
        Snapshot before = snapshot();

        DeployRun.Result rejected = world.checkout("cli:ana@laptop").deploy("production", (env, gate, plan) -> Optional.empty(),
                DeployRun.Progress.NONE);

        assertThat(rejected.status()).isEqualTo("REJECTED");
        assertThat(snapshot()).isEqualTo(before);
        assertThat(world.cloud.cloudRun.executions()).isEmpty();
        ReleaseRecord record = world.newestRecord("production");
        assertThat(record.outcome().failedPhase()).isEqualTo("gate-services");
        assertThat(world.leaseOf("production")).isNull();
    }

    @Test
    void aHashWithoutARecordedApprovalIsRefusedAndApprovingPlanANeverAppliesPlanB() throws Exception {
        Checkout jenkins = world.checkout("jenkins:deploy/main#7");
        DeploySteps steps = jenkins.steps();
        steps.preflight("production");
        steps.release("production", "start", null, null, "deploy");
        steps.buildImages("production", null, null);
        String planA = steps.applyTofu("production", null, true, null).planHash();
        Snapshot before = snapshot();

        // A hash alone (what a hand-written Jenkinsfile or a Replay could pass) is not an approval.
        assertThatThrownBy(() -> steps.runMigrations("production")).isInstanceOf(DeployException.class)
                .hasMessageContaining("has no recorded approval").hasMessageContaining("a plan hash alone is not an approval");
        assertThatThrownBy(() -> steps.applyTofu("production", null, false, planA)).isInstanceOf(DeployException.class)
                .hasMessageContaining("Refusing Services apply in production: Migrations has not run");
        assertThat(snapshot()).isEqualTo(before);

        // Plan A is approved; then the inputs change and plan B is made. A's approval never applies B.
        jenkins.approvals.record(new RecordedApproval("production", Gate.SERVICES, planA, "rita", world.clock.instant()));
        world.tofu.calls.clear();
        world.commit("services/agent/app/main.py", "print('agent v2')\n", "agent: v2");
        Checkout later = world.checkout("jenkins:deploy/main#8");
        DeploySteps stepsB = later.steps();
        later.approvals.record(new RecordedApproval("production", Gate.SERVICES, planA, "rita", world.clock.instant()));
        stepsB.preflight("production");
        assertThatThrownBy(() -> stepsB.release("production", "start", null, null, "deploy")).isInstanceOf(DeployException.class)
                .hasMessageContaining("jenkins:deploy/main#7");
        // #7 gives up (its build was aborted): its lease goes with its record.
        steps.release("production", "finish", "FAILED", "Services apply", null);
        stepsB.release("production", "start", null, null, "deploy");
        stepsB.buildImages("production", null, null);
        String planB = stepsB.applyTofu("production", null, true, null).planHash();
        assertThat(planB).isNotEqualTo(planA);
        // Only A is approved: B's migrations and apply are refused, and so is applying B under A's hash.
        assertThatThrownBy(() -> stepsB.runMigrations("production")).isInstanceOf(DeployException.class)
                .hasMessageContaining("the services plan " + planB.substring(0, 12) + " has no recorded approval");
        assertThatThrownBy(() -> stepsB.applyTofu("production", null, false, planA)).isInstanceOf(DeployException.class)
                .hasMessageContaining("Refusing Services apply in production");
        assertThat(world.tofu.applies()).isZero();
        assertThat(world.cloud.cloudRun.executions()).isEmpty();
    }
}
