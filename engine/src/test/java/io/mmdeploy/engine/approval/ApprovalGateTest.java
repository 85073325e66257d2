package io.mmdeploy.engine.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmdeploy.engine.config.ApprovalPolicy;
import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.RegistryPath;
import io.mmdeploy.engine.config.TagScheme;
import io.mmdeploy.engine.config.TofuSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApprovalGateTest {
    private static final Instant NOW = Instant.parse("2026-11-22T05:00:00Z");
    private final ApprovalGate gate = new ApprovalGate(Clock.fixed(NOW, ZoneOffset.UTC));

    static EnvironmentSpec environment(String name, ApprovalPolicy policy) {
        return new EnvironmentSpec(name, "main", "mindmirror-" + name, "123456789012", "europe-west1",
                RegistryPath.parse("europe-west1-docker.pkg.dev/mindmirror-" + name + "/mm").orElseThrow(), null,
                new TofuSpec("infra", List.of("infra/" + name + ".tfvars"), null), "service-urls-" + name, "",
                TagScheme.defaults(), policy);
    }

    private static final ApprovalPolicy PRODUCTION = new ApprovalPolicy(
            Set.of(Gate.SERVICES, Gate.GATEWAY), List.of("release-managers", "carol"), Duration.ofMinutes(30), true);

    @Test
    void environmentWithoutGatesPassesAtOnceAsAuto() {
        GateDecision decision = gate.decide(environment("staging", ApprovalPolicy.none()), "services", "3 to change");

        assertThat(decision.automatic()).isTrue();
        Approval approval = gate.pass(decision);
        assertThat(approval.toMap()).containsExactly(
                java.util.Map.entry("approver", "auto"),
                java.util.Map.entry("approvedAt", "2026-11-22T05:00:00Z"),
                java.util.Map.entry("phase", "services"));
    }

    @Test
    void policyThatHoldsOnlyOnePhaseLetsTheOtherPass() {
        ApprovalPolicy servicesOnly = new ApprovalPolicy(Set.of(Gate.SERVICES), List.of(), Duration.ofMinutes(5), false);
        EnvironmentSpec env = environment("production", servicesOnly);

        assertThat(gate.decide(env, "services", "s").automatic()).isFalse();
        assertThat(gate.decide(env, "gateway", "s").automatic()).isTrue();
    }

    @Test
    void gatedPhaseWaitsForTheListedSubmittersWithThePolicyTimeout() {
        GateDecision decision = gate.decide(environment("production", PRODUCTION), "gateway", "  Plan: 1 to change.  ");

        assertThat(decision.automatic()).isFalse();
        assertThat(decision.inputId()).isEqualTo("MmDeployProductionGateway");
        assertThat(decision.message()).isEqualTo("Plan: 1 to change.");
        assertThat(decision.submitterList()).isEqualTo("release-managers,carol");
        assertThat(decision.timeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(gate.deadline(decision, NOW)).isEqualTo(NOW.plus(Duration.ofMinutes(30)));
        assertThat(gate.timedOut(decision)).contains("gateway gate of production", "30m", "aborted");
        assertThatThrownBy(() -> gate.pass(decision)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void rollbackWaitsWheneverThePolicyHasAnyGateAndPassesWithoutOne() {
        ApprovalPolicy gatewayOnly = new ApprovalPolicy(Set.of(Gate.GATEWAY), List.of("carol"), Duration.ofMinutes(10), false);

        GateDecision held = gate.decide(environment("production", gatewayOnly), "rollback", "");
        assertThat(held.automatic()).isFalse();
        assertThat(held.phase()).isEqualTo(Gate.ROLLBACK);
        assertThat(held.inputId()).isEqualTo("MmDeployProductionRollback");
        assertThat(held.message()).isEqualTo("Roll back production?");
        assertThat(held.submitterList()).isEqualTo("carol");

        GateDecision free = gate.decide(environment("staging", ApprovalPolicy.none()), "rollback", "");
        assertThat(free.automatic()).isTrue();
        assertThat(gate.pass(free).toMap()).containsEntry("phase", "rollback").containsEntry("approver", "auto");
    }

    @Test
    void inputIdIsOnePerEnvironmentAndPhaseAndUrlSafe() {
        assertThat(ApprovalGate.inputId("prod-eu_2", Gate.SERVICES)).isEqualTo("MmDeployProdEu2Services");
        assertThat(ApprovalGate.inputId("production", Gate.SERVICES))
                .isNotEqualTo(ApprovalGate.inputId("production", Gate.GATEWAY))
                .matches("[A-Z][A-Za-z0-9]*");
    }

    @Test
    void emptySubmittersMeanAnyoneWhoMayBuildAndEmptySummaryGetsAQuestion() {
        ApprovalPolicy open = new ApprovalPolicy(Set.of(Gate.SERVICES), List.of(), null, false);
        GateDecision decision = gate.decide(environment("qa", open), "services", " ");

        assertThat(decision.submitterList()).isNull();
        assertThat(decision.message()).isEqualTo("Deploy services to qa?");
        assertThat(decision.timeout()).isEqualTo(ApprovalPolicy.DEFAULT_TIMEOUT);
    }

    private static final IdComparison IDS = IdComparison.caseInsensitive();
    private static final Involved NOBODY_INVOLVED = new Involved(List.of(), List.of());

    private static Answerer user(String id, String... groups) {
        return new Answerer(id, List.of(groups), true);
    }

    @Test
    void fourEyesRefusesTheStarterAndKeepsTheGateOpen() {
        GateDecision decision = gate.decide(environment("production", PRODUCTION), "services", "s");
        Involved startedByAlice = new Involved(List.of("Alice"), List.of());

        GateReview own = gate.review(decision, user("alice", "release-managers"), startedByAlice, IDS);
        assertThat(own.isAccepted()).isFalse();
        assertThat(own.refusal()).contains("alice started this build", "four eyes", "stays open");

        GateReview other = gate.review(decision, user("carol"), startedByAlice, IDS);
        assertThat(other.isAccepted()).isTrue();
        assertThat(other.approval()).isEqualTo(new Approval("carol", NOW, Gate.SERVICES));
    }

    @Test
    void fourEyesOnAPushTriggeredBuildRefusesTheAuthorsOfTheCommits() {
        GateDecision decision = gate.decide(environment("production", PRODUCTION), "services", "s");
        // A push starts the build: no user cause, but the commits deployed name who wrote them.
        Involved pushed = new Involved(List.of(), List.of("dave", "erin"));

        GateReview author = gate.review(decision, user("Erin", "release-managers"), pushed, IDS);
        assertThat(author.refusal()).contains("Erin wrote a commit this build deploys", "four eyes");
        assertThat(author.approval()).isNull();
        assertThat(gate.review(decision, user("frank", "release-managers"), pushed, IDS).isAccepted()).isTrue();
    }

    @Test
    void nobodySignedInNeverApprovesWhateverThePolicy() {
        ApprovalPolicy open = new ApprovalPolicy(Set.of(Gate.SERVICES), List.of(), Duration.ofMinutes(5), false);
        for (ApprovalPolicy policy : List.of(PRODUCTION, open)) {
            GateDecision decision = gate.decide(environment("production", policy), "services", "s");
            for (String nobody : new String[] {"anonymous", "SYSTEM", "", null}) {
                GateReview review = gate.review(decision, new Answerer(nobody, List.of("release-managers"), true), NOBODY_INVOLVED, IDS);
                assertThat(review.isAccepted()).as(policy + " / " + nobody).isFalse();
                assertThat(review.refusal()).contains("Only a signed-in user may approve");
            }
        }
    }

    @Test
    void submittersAreUsersOrGroupsComparedAsTheRealmCompares() {
        GateDecision decision = gate.decide(environment("production", PRODUCTION), "gateway", "s");

        assertThat(gate.review(decision, user("bob", "Release-Managers"), NOBODY_INVOLVED, IDS).isAccepted()).isTrue();
        assertThat(gate.review(decision, user("CAROL"), NOBODY_INVOLVED, IDS).isAccepted()).isTrue();
        GateReview outsider = gate.review(decision, user("mallory", "developers"), NOBODY_INVOLVED, IDS);
        assertThat(outsider.refusal()).isEqualTo("mallory is not among the approvers of the gateway gate of production "
                + "(release-managers, carol, as users or groups). The gate stays open.");

        IdComparison caseSensitive = new IdComparison() {
            @Override
            public boolean sameUser(String a, String b) {
                return a.equals(b);
            }

            @Override
            public boolean sameGroup(String a, String b) {
                return a.equals(b);
            }
        };
        assertThat(gate.review(decision, user("CAROL"), NOBODY_INVOLVED, caseSensitive).isAccepted()).isFalse();
        assertThat(gate.review(decision, user("bob", "Release-Managers"), NOBODY_INVOLVED, caseSensitive).isAccepted()).isFalse();
    }

    @Test
    void withoutSubmittersAnyoneWhoMayBuildApprovesAndWithoutFourEyesTheStarterToo() {
        ApprovalPolicy twoEyes = new ApprovalPolicy(Set.of(Gate.SERVICES), List.of(), Duration.ofMinutes(5), false);
        GateDecision decision = gate.decide(environment("production", twoEyes), "services", "s");
        Involved startedByAlice = new Involved(List.of("alice"), List.of("alice"));

        assertThat(gate.review(decision, user("alice"), startedByAlice, IDS).isAccepted()).isTrue();
        assertThat(gate.review(decision, new Answerer("viewer", List.of(), false), startedByAlice, IDS).refusal())
                .isEqualTo("viewer may not build this job, so may not approve the services gate of production. The gate stays open.");
    }

    @Test
    void aRejectionTakesSomeoneWhoCouldApproveFourEyesAside() {
        GateDecision decision = gate.decide(environment("production", PRODUCTION), "services", "s");

        assertThat(gate.mayReject(decision, user("alice", "release-managers"), IDS)).isEmpty();
        assertThat(gate.mayReject(decision, user("mallory"), IDS)).get().asString().contains("not among the approvers");
        assertThat(gate.mayReject(decision, user("anonymous"), IDS)).get().asString().contains("Only a signed-in user may reject");
    }

    @Test
    void thePromptNamesEnvironmentPhasePlanAndWhatChanges() {
        GateDecision decision = gate.decide(environment("production", PRODUCTION), "services", "s");
        GatePlan plan = new GatePlan("services", "sha256:ab12", "Plan: 0 to add, 2 to change", List.of("a: 1 -> 2", "b: 1 -> 2"), true,
                false, false, List.of());

        assertThat(gate.prompt(decision, plan)).isEqualTo("Approve the services plan for production: sha256:ab12, 2 images changed.");
        GateDecision rollback = gate.decide(environment("production", PRODUCTION), "rollback", "Roll back journal in production to previous");
        assertThat(gate.prompt(rollback, null)).isEqualTo("Roll back journal in production to previous");
    }

    @Test
    void unknownPhaseIsADiagnosticNamingTheKnownOnes() {
        assertThatThrownBy(() -> gate.decide(environment("production", PRODUCTION), "servics", "s"))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("Unknown approval phase \"servics\"")
                .hasMessageContaining("services, gateway");
    }
}
