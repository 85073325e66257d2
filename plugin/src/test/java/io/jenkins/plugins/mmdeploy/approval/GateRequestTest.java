package io.jenkins.plugins.mmdeploy.approval;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.engine.approval.GateDecision;
import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gate as the build keeps it: settled once, by the first answer or the deadline, and shown as it ended. */
class GateRequestTest {
    private static final Instant OPENED = Instant.parse("2026-11-22T05:00:00Z");
    private static final GateDecision DECISION = new GateDecision("production", Gate.SERVICES, false, "MmDeployProductionServices",
            "Plan: 2 to change", List.of("release-managers", "carol"), Duration.ofMinutes(45), true);

    private static GateRequest open() {
        return new GateRequest("MmDeployProductionServices-1", DECISION, "sha256:ab12", "Approve the services plan for production: sha256:ab12.",
                "Plan: 2 to change\n  ~ agent", List.of("Alice Smith", "alice@corp.example"), false, OPENED);
    }

    @Test
    void theFirstAnswerSettlesTheGateAndALaterOneChangesNothing() {
        GateRequest gate = open();
        assertThat(gate.isOpen()).isTrue();
        assertThat(gate.getOutcome()).isEqualTo("waiting for approval until 2026-11-22T05:45:00Z");

        assertThat(gate.settle(GateRequest.APPROVED, "carol", OPENED.plusSeconds(60))).isTrue();
        assertThat(gate.settle(GateRequest.REJECTED, "mallory", OPENED.plusSeconds(61))).isFalse();
        assertThat(gate.settle(GateRequest.TIMED_OUT, null, OPENED.plusSeconds(3600))).isFalse();

        assertThat(gate.state()).isEqualTo(GateRequest.APPROVED);
        assertThat(gate.answeredBy()).isEqualTo("carol");
        assertThat(gate.getOutcome()).isEqualTo("approved by carol at 2026-11-22T05:01:00Z");
    }

    @Test
    void theOneTimeoutIsThePolicysCountedFromTheOpening() {
        GateRequest gate = open();

        assertThat(gate.deadline()).isEqualTo(OPENED.plus(Duration.ofMinutes(45)));
        assertThat(gate.settle(GateRequest.TIMED_OUT, null, gate.deadline())).isTrue();
        assertThat(gate.getOutcome()).isEqualTo("nobody approved it by 2026-11-22T05:45:00Z");
    }

    @Test
    void theDecisionComesBackAsTheEngineMadeItForReviewingAnAnswer() {
        GateDecision again = open().decision();

        assertThat(again.environment()).isEqualTo("production");
        assertThat(again.phase()).isEqualTo(Gate.SERVICES);
        assertThat(again.submitters()).containsExactly("release-managers", "carol");
        assertThat(again.fourEyes()).isTrue();
        assertThat(again.timeout()).isEqualTo(Duration.ofMinutes(45));
        assertThat(open().getApprovers()).isEqualTo("release-managers, carol");
        assertThat(open().people()).containsExactly("Alice Smith", "alice@corp.example");
    }

    @Test
    void aGateThatPassesByItselfIsNeverOpenForAnAnswer() {
        GateRequest automatic = new GateRequest("g-1", DECISION, "sha256:00", "p", "s", List.of(), true, OPENED);

        assertThat(automatic.isOpen()).isFalse();
        assertThat(automatic.settle(GateRequest.APPROVED, "carol", OPENED)).isFalse();
        assertThat(automatic.getOutcome()).startsWith("passed by itself");
    }
}
