package io.mmdeploy.engine.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.mmdeploy.engine.approval.Approval;
import io.mmdeploy.engine.config.ApprovalPolicy;
import io.mmdeploy.engine.gcp.fake.Fixtures;
import io.mmdeploy.engine.tofu.PlanSummary;
import java.time.Instant;
import java.util.Map;
import io.mmdeploy.engine.testing.ExampleRepo;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every record mm-deploy writes conforms to resources/mm-release.schema.json, and the schema is not vacuous. */
class ReleaseSchemaTest {
    private static JsonSchema schema;

    @BeforeAll
    static void loadSchema() throws Exception {
        try (InputStream in = Files.newInputStream(ExampleRepo.projectFile("resources/mm-release.schema.json"))) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
    }

    static Set<ValidationMessage> validate(String json) throws Exception {
        return schema.validate(new ObjectMapper().readTree(json));
    }

    @Test
    void storedRecordsOfDeploysAndRollbacksConform() throws Exception {
        try (ReleaseWorld world = ReleaseWorld.start(Fixtures.config(), Fixtures.staging())) {
            world.deploy(1);
            world.deploy(2, "users", "habits");
            world.recorder().start(world.env, world.commit(3));
            EnvironmentRollback rollback = world.rollback();
            rollback.execute(world.config, world.env, rollback.plan(world.config, world.env, new RollbackRequest("previous", null, false)));

            List<String> payloads = world.cloud.secretManager.payloads(Fixtures.PROJECT, "mm-releases-staging");
            assertThat(payloads).hasSize(7);
            for (String payload : payloads) {
                assertThat(validate(payload)).as(payload).isEmpty();
            }
        }
    }

    @Test
    void synthesisedRecordsOfEveryOutcomeConform() throws Exception {
        for (ReleaseRecord r : DeliveryMetricsTest.november().oldestFirst()) {
            assertThat(validate(ReleaseJson.compact(r))).as(r.id()).isEmpty();
        }
    }

    @Test
    void aRecordWithARealPlanSummaryAndAGateApprovalConforms() throws Exception {
        PlanSummary summary = new PlanSummary("staging", null, ".mm-deploy/staging.tfplan", "sha256:" + "c".repeat(64), true, "1.11.4",
                Map.of("create", 0, "update", 8, "delete", 0), List.of(new PlanSummary.ResourceChange("google_cloud_run_v2_service.agent",
                        PlanSummary.Action.UPDATE, null)), List.of(), Map.of());
        Approval passed = new Approval("alice", Instant.parse("2026-11-02T10:00:00Z"), ApprovalPolicy.Gate.SERVICES);
        ReleaseRecord record = ReleaseRecord.started("20261102-090000-abc1234", ReleaseRecord.Kind.DEPLOY, Fixtures.staging(), null,
                Instant.parse("2026-11-02T09:00:00Z"))
                .withEvidence(List.of(ReleaseRecord.PlanRecord.of("services", summary)), List.of(ReleaseRecord.Approval.of(passed)), List.of())
                .finished(ReleaseRecord.Outcome.succeeded(), Instant.parse("2026-11-02T10:05:00Z"));
        String json = ReleaseJson.compact(record);

        assertThat(validate(json)).isEmpty();
        ReleaseRecord read = ReleaseJson.read(json, "test");
        assertThat(read.plans().get(0).hash()).isEqualTo(summary.planHash());
        assertThat(read.plans().get(0).summary().path("counts").path("update").asInt()).isEqualTo(8);
        assertThat(read.approvals()).containsExactly(new ReleaseRecord.Approval("services", "alice", passed.approvedAt()));
    }

    @Test
    void theSchemaRefusesWhatIsNotARecord() throws Exception {
        ReleaseRecord done = DeliveryMetricsTest.november().find("20261101-090000-r1").orElseThrow();
        ObjectNode tree = (ObjectNode) DeliveryMetricsTest.tree(done);

        assertThat(validate(tree.deepCopy().put("schemaVersion", 2).toString())).isNotEmpty();
        assertThat(validate(tree.deepCopy().put("kind", "redeploy").toString())).isNotEmpty();
        ObjectNode unfinished = tree.deepCopy();
        unfinished.remove("finishedAt");
        assertThat(validate(unfinished.toString())).isNotEmpty();
        ObjectNode secretField = tree.deepCopy();
        secretField.put("databasePassword", "x");
        assertThat(validate(secretField.toString())).isNotEmpty();
        JsonNode rollback = DeliveryMetricsTest.tree(DeliveryMetricsTest.november().find("20261110-110000-rollback").orElseThrow());
        ObjectNode noDetail = (ObjectNode) rollback.deepCopy();
        noDetail.remove("rollback");
        assertThat(validate(noDetail.toString())).isNotEmpty();
    }
}
