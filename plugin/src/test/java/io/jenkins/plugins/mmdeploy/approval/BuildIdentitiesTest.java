package io.jenkins.plugins.mmdeploy.approval;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.engine.approval.Answerer;
import io.mmdeploy.engine.approval.ApprovalGate;
import io.mmdeploy.engine.approval.GateDecision;
import io.mmdeploy.engine.approval.IdComparison;
import io.mmdeploy.engine.approval.Involved;
import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BuildIdentitiesTest {
    private static final GateDecision FOUR_EYES = new GateDecision("production", Gate.SERVICES, false, "MmDeployProductionServices",
            "Plan: 2 to change", List.of(), Duration.ofMinutes(45), true);
    /** What the realm's resolvers would say: the full name "Alice Smith" is user alice; nobody is "Bob Jones". */
    private static final Map<String, String> JENKINS_USERS = Map.of("Alice Smith", "alice");

    private static List<String> authors(List<String> people) {
        return BuildIdentities.authors(people, person -> Optional.ofNullable(JENKINS_USERS.get(person)));
    }

    @Test
    void eachPersonOfTheCommitsIsTakenAsWrittenAsTheJenkinsUserItNamesAndByTheLocalPartOfAnEmail() {
        assertThat(authors(List.of("Alice Smith", "asmith@corp.example", "Bob Jones", "bob@corp.example")))
                .containsExactly("Alice Smith", "alice", "asmith@corp.example", "asmith", "Bob Jones", "bob@corp.example", "bob");
    }

    @Test
    void onAPushTriggeredBuildTheAuthorOfADeployedCommitCannotApproveIt() {
        Involved involved = new Involved(List.of(), authors(List.of("Alice Smith", "asmith@corp.example", "Bob Jones", "bob@corp.example")));
        ApprovalGate gate = new ApprovalGate(Clock.systemUTC());

        for (String author : List.of("alice", "bob", "asmith")) {
            assertThat(gate.review(FOUR_EYES, new Answerer(author, List.of(), true), involved, IdComparison.caseInsensitive()).refusal())
                    .contains("wrote a commit this build deploys");
        }
        assertThat(gate.review(FOUR_EYES, new Answerer("carol", List.of(), true), involved, IdComparison.caseInsensitive()).isAccepted())
                .isTrue();
    }
}
