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

    @Test
    void fourEyesRefusesTheStarterAndKeepsTheGateOpen() {
        GateDecision decision = gate.decide(environment("production", PRODUCTION), "services", "s");

        GateReview own = gate.review(decision, "alice", "Alice");
        assertThat(own.isAccepted()).isFalse();
        assertThat(own.refusal()).contains("alice started this deploy", "four eyes", "stays open");

        GateReview other = gate.review(decision, "carol", "alice");
        assertThat(other.isAccepted()).isTrue();
        assertThat(other.approval()).isEqualTo(new Approval("carol", NOW, Gate.SERVICES));
    }

    @Test
    void fourEyesRefusesAnonymousButAcceptsAnyoneWhenNoUserStartedTheDeploy() {
        GateDecision decision = gate.decide(environment("production", PRODUCTION), "services", "s");

        assertThat(gate.review(decision, null, "alice").refusal()).contains("anonymous");
        assertThat(gate.review(decision, "alice", null).accepted()).map(Approval::approver).contains("alice");
    }

    @Test
    void withoutFourEyesTheStarterMayApprove() {
        ApprovalPolicy twoEyes = new ApprovalPolicy(Set.of(Gate.SERVICES), List.of(), Duration.ofMinutes(5), false);
        GateDecision decision = gate.decide(environment("production", twoEyes), "services", "s");

        assertThat(gate.review(decision, "alice", "alice").isAccepted()).isTrue();
        assertThat(gate.review(decision, null, "alice").approval().approver()).isEqualTo("anonymous");
    }

    @Test
    void unknownPhaseIsADiagnosticNamingTheKnownOnes() {
        assertThatThrownBy(() -> gate.decide(environment("production", PRODUCTION), "servics", "s"))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("Unknown approval phase \"servics\"")
                .hasMessageContaining("services, gateway");
    }
}
