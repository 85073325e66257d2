package io.jenkins.plugins.mmdeploy.release;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hudson.model.Run;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jenkins.model.RunAction2;

/**
 * "Deployment" on the build page: the release record of this build (environment, release id, each service's image
 * digest, revision and URL, plan counts, approvals, result). The action keeps the record exactly as the engine wrote
 * it (the JSON of {@code mm-release.json}); the views read it through the getters below.
 *
 * <p>The engine's ReleaseRecord type comes with the release issue; until then the JSON is the contract:
 * {@code {environment, release, result, failedPhase, services: {name: {image, digest, revision, url}},
 * plan: {create, update, replace, delete, noop}, approvals: [{phase, approver, approvedAt}]}}.
 */
public final class DeploymentAction implements RunAction2 {
    public static final String FILE_NAME = "mm-release.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String record;
    private transient JsonNode root;
    private transient Run<?, ?> run;

    /** @throws IllegalArgumentException when {@code record} is not a JSON object */
    public DeploymentAction(String record) {
        this.record = record;
        this.root = parse(record);
    }

    /** A service's row on the page. */
    public record ServiceRow(String name, String image, String digest, String revision, String url) {}

    /** An approval's row on the page. */
    public record ApprovalRow(String phase, String approver, String approvedAt) {}

    public String getRecord() {
        return record;
    }

    public String getEnvironment() {
        return text(root(), "environment");
    }

    public String getRelease() {
        return text(root(), "release");
    }

    public String getResult() {
        return text(root(), "result");
    }

    public String getFailedPhase() {
        return text(root(), "failedPhase");
    }

    public List<ServiceRow> getServices() {
        List<ServiceRow> rows = new ArrayList<>();
        JsonNode services = root().path("services");
        for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode s = e.getValue();
            rows.add(new ServiceRow(e.getKey(), text(s, "image"), text(s, "digest"), text(s, "revision"), text(s, "url")));
        }
        return rows;
    }

    /** Plan counts by kind of change, in the engine's order. */
    public Map<String, Long> getPlanCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root().path("plan").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            counts.put(e.getKey(), e.getValue().asLong());
        }
        return counts;
    }

    public List<ApprovalRow> getApprovals() {
        List<ApprovalRow> rows = new ArrayList<>();
        for (JsonNode a : root().path("approvals")) {
            rows.add(new ApprovalRow(text(a, "phase"), text(a, "approver"), text(a, "approvedAt")));
        }
        return rows;
    }

    public Run<?, ?> getRun() {
        return run;
    }

    @Override
    public String getIconFileName() {
        return "clipboard.png";
    }

    @Override
    public String getDisplayName() {
        return "Deployment";
    }

    @Override
    public String getUrlName() {
        return "deployment";
    }

    @Override
    public void onAttached(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        this.run = r;
    }

    private JsonNode root() {
        if (root == null) {
            root = parse(record); // after the build was loaded from disk
        }
        return root;
    }

    private static JsonNode parse(String json) {
        try {
            JsonNode node = JSON.readTree(json == null ? "" : json);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("a release record is a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a release record is a JSON object: " + e.getOriginalMessage(), e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? "" : value.asText();
    }
}
