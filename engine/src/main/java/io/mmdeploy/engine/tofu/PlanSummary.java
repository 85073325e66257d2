package io.mmdeploy.engine.tofu;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.mmdeploy.engine.diagnostics.DeployException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a saved plan will do, read from {@code show -json} (tofu-cli.md §3): counts per action, the resources
 * under each, image changes of Cloud Run services and jobs, and the output changes. It carries the plan
 * file's hash, which is what an approval approves. Values are never copied in, except container image
 * references, and those only when not marked sensitive; outputs appear by name only.
 *
 * @param environment the environment planned
 * @param target the {@code -target} address, or null
 * @param planFile the saved plan, relative to the workspace root
 * @param planHash SHA-256 of the plan file
 * @param changed tofu's {@code -detailed-exitcode} said the plan changes something (outputs included)
 * @param engineVersion the tofu/terraform version that made the plan
 * @param counts action name ({@link Action#id()}) → number of resource instances, every action listed
 * @param changes every resource instance whose action is not no-op, in plan order
 * @param imageChanges container image changes, in plan order
 * @param outputChanges output name → action, for outputs that change
 */
public record PlanSummary(
        String environment,
        String target,
        String planFile,
        String planHash,
        boolean changed,
        String engineVersion,
        Map<String, Integer> counts,
        List<ResourceChange> changes,
        List<ImageChange> imageChanges,
        Map<String, String> outputChanges) {

    /** Lines of text the approval dialog shows before cutting. */
    public static final int DEFAULT_MAX_LINES = 60;
    static final String SENSITIVE = "(sensitive)";
    static final String UNKNOWN = "(known after apply)";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public PlanSummary {
        counts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(counts));
        changes = List.copyOf(changes);
        imageChanges = List.copyOf(imageChanges);
        outputChanges = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputChanges));
    }

    /** The action on one resource instance, from {@code change.actions}. */
    public enum Action {
        CREATE("create", "+"),
        UPDATE("update", "~"),
        REPLACE("replace", "-/+"),
        DELETE("delete", "-"),
        NOOP("noop", " "),
        READ("read", "<="),
        FORGET("forget", "x");

        private final String id;
        private final String symbol;

        Action(String id, String symbol) {
            this.id = id;
            this.symbol = symbol;
        }

        public String id() {
            return id;
        }

        /** Checks for "contains delete" rather than whole arrays, as the JSON format's docs advise. */
        static Action of(JsonNode actions) {
            List<String> a = new ArrayList<>();
            actions.forEach(x -> a.add(x.asText()));
            if (a.contains("delete") && a.contains("create")) {
                return REPLACE;
            }
            if (a.contains("forget")) {
                return FORGET;
            }
            if (a.contains("delete")) {
                return DELETE;
            }
            if (a.contains("create")) {
                return CREATE;
            }
            if (a.contains("update")) {
                return UPDATE;
            }
            return a.contains("read") ? READ : NOOP;
        }
    }

    /**
     * @param address the resource instance address
     * @param action what happens to it
     * @param reason tofu's {@code action_reason} (e.g. {@code replace_because_cannot_update}); "" for none
     */
    public record ResourceChange(String address, Action action, String reason) {}

    /**
     * @param address the Cloud Run resource
     * @param container the container's path in the resource (e.g. {@code template.containers[0]})
     * @param before the image before; {@code (none)} for a new container; {@code (sensitive)} when marked so
     * @param after the image after; {@code (known after apply)} when unknown
     */
    public record ImageChange(String address, String container, String before, String after) {}

    /** Reads the summary from {@code show -json} of the plan file. */
    public static PlanSummary of(JsonNode plan, TofuRequest request, PlanFile file, boolean changed) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Action a : Action.values()) {
            counts.put(a.id(), 0);
        }
        List<ResourceChange> changes = new ArrayList<>();
        List<ImageChange> images = new ArrayList<>();
        for (JsonNode rc : plan.path("resource_changes")) {
            JsonNode change = rc.path("change");
            Action action = Action.of(change.path("actions"));
            counts.merge(action.id(), 1, Integer::sum);
            String address = rc.path("address").asText();
            if (action != Action.NOOP) {
                changes.add(new ResourceChange(address, action, rc.path("action_reason").asText("")));
            }
            if (rc.path("type").asText().startsWith("google_cloud_run_v2_") && action != Action.NOOP) {
                images.addAll(imageChanges(address, change));
            }
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : plan.path("output_changes").properties()) {
            Action action = Action.of(e.getValue().path("actions"));
            if (action != Action.NOOP) {
                outputs.put(e.getKey(), action.id());
            }
        }
        return new PlanSummary(request.environment(), request.target(), file.path(), file.sha256(), changed,
                plan.path("terraform_version").asText(""), counts, changes, images, outputs);
    }

    /** Container images under {@code containers[]} anywhere in the resource (services nest once, jobs twice). */
    private static List<ImageChange> imageChanges(String address, JsonNode change) {
        Map<String, String> before = new LinkedHashMap<>();
        Map<String, String> after = new LinkedHashMap<>();
        collectImages(change.path("before"), change.path("before_sensitive"), null, "", before);
        collectImages(change.path("after"), change.path("after_sensitive"), change.path("after_unknown"), "", after);
        List<ImageChange> out = new ArrayList<>();
        for (Map.Entry<String, String> e : after.entrySet()) {
            String old = before.getOrDefault(e.getKey(), "(none)");
            if (!old.equals(e.getValue()) || old.equals(SENSITIVE)) {
                out.add(new ImageChange(address, e.getKey(), old, e.getValue()));
            }
        }
        before.keySet().stream().filter(k -> !after.containsKey(k))
                .forEach(k -> out.add(new ImageChange(address, k, before.get(k), "(none)")));
        return out;
    }

    private static void collectImages(JsonNode value, JsonNode sensitive, JsonNode unknown, String path, Map<String, String> out) {
        if (sensitive != null && sensitive.isBoolean() && sensitive.booleanValue()) {
            // A sensitive subtree: only the images under it are named, never with their values.
            markSensitive(value, path, out);
            return;
        }
        if (value.isObject()) {
            for (Map.Entry<String, JsonNode> e : value.properties()) {
                if (e.getKey().equals("secret_data")) {
                    continue;
                }
                String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                JsonNode s = sensitive == null ? null : sensitive.path(e.getKey());
                JsonNode u = unknown == null ? null : unknown.path(e.getKey());
                if (e.getKey().equals("containers") && e.getValue().isArray()) {
                    for (int i = 0; i < e.getValue().size(); i++) {
                        JsonNode c = e.getValue().get(i);
                        JsonNode cs = s == null ? null : s.path(i);
                        JsonNode cu = u == null ? null : u.path(i);
                        String cp = p + "[" + i + "]";
                        if (isTrue(cs) || isTrue(cs == null ? null : cs.path("image"))) {
                            out.put(cp, SENSITIVE);
                        } else if (c.path("image").isTextual()) {
                            out.put(cp, c.path("image").asText());
                        } else if (isTrue(cu) || isTrue(cu == null ? null : cu.path("image"))) {
                            out.put(cp, UNKNOWN);
                        }
                    }
                } else {
                    collectImages(e.getValue(), s, u, p, out);
                }
            }
        } else if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                collectImages(value.get(i), sensitive == null ? null : sensitive.path(i),
                        unknown == null ? null : unknown.path(i), path + "[" + i + "]", out);
            }
        }
    }

    private static void markSensitive(JsonNode value, String path, Map<String, String> out) {
        Map<String, String> found = new LinkedHashMap<>();
        collectImages(value, null, null, path, found);
        found.keySet().forEach(k -> out.put(k, SENSITIVE));
    }

    private static boolean isTrue(JsonNode n) {
        return n != null && n.isBoolean() && n.booleanValue();
    }

    public int count(Action action) {
        return counts.getOrDefault(action.id(), 0);
    }

    /** {@code Plan for staging: 1 to create, …}: one line for logs and step results. */
    public String headline() {
        return "Plan for " + environment + (target == null ? "" : " (target " + target + ")") + ": "
                + count(Action.CREATE) + " to create, " + count(Action.UPDATE) + " to update, "
                + count(Action.REPLACE) + " to replace, " + count(Action.DELETE) + " to delete, "
                + count(Action.NOOP) + " unchanged"
                + (count(Action.FORGET) > 0 ? ", " + count(Action.FORGET) + " to forget" : "")
                + (changed ? "" : " (no changes)");
    }

    /** The summary as plain text for the approval dialog: destroys and replaces first, cut after {@code maxLines}. */
    public String renderText(int maxLines) {
        List<String> lines = new ArrayList<>();
        lines.add(headline());
        List<ResourceChange> destroys = byAction(Action.DELETE);
        List<ResourceChange> replaces = byAction(Action.REPLACE);
        if (!destroys.isEmpty()) {
            lines.add("!! " + destroys.size() + " resource(s) will be DESTROYED:");
            destroys.forEach(c -> lines.add("!!   - " + c.address() + reason(c)));
        }
        if (!replaces.isEmpty()) {
            lines.add("!! " + replaces.size() + " resource(s) will be REPLACED (destroyed and created again):");
            replaces.forEach(c -> lines.add("!!   -/+ " + c.address() + reason(c)));
        }
        if (!imageChanges.isEmpty()) {
            lines.add("Image changes:");
            imageChanges.forEach(i -> lines.add("  " + i.address() + " " + i.container() + ": " + i.before() + " -> " + i.after()));
        }
        for (Action a : List.of(Action.CREATE, Action.UPDATE, Action.FORGET, Action.READ)) {
            List<ResourceChange> under = byAction(a);
            if (!under.isEmpty()) {
                lines.add(capitalized(a.id()) + ":");
                under.forEach(c -> lines.add("  " + a.symbol + " " + c.address() + reason(c)));
            }
        }
        if (!outputChanges.isEmpty()) {
            lines.add("Outputs: " + String.join(", ", outputChanges.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")").toList()));
        }
        lines.add("Plan file " + planFile + ", sha256 " + planHash);
        if (lines.size() > maxLines) {
            int cut = lines.size() - (maxLines - 1);
            List<String> kept = new ArrayList<>(lines.subList(0, maxLines - 1));
            kept.add("... " + cut + " more line(s) not shown; the release record holds the whole summary.");
            return String.join("\n", kept);
        }
        return String.join("\n", lines);
    }

    public String renderText() {
        return renderText(DEFAULT_MAX_LINES);
    }

    /** The summary as JSON, for the release record. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a PlanSummary always serialises", e);
        }
    }

    /** Reads back what {@link #toJson()} wrote. */
    public static PlanSummary fromJson(String json) {
        try {
            return JSON.readValue(json, PlanSummary.class);
        } catch (JsonProcessingException e) {
            throw DeployException.of("Unreadable plan summary", "It does not parse as a plan summary: " + e.getOriginalMessage());
        }
    }

    public List<ResourceChange> byAction(Action action) {
        return changes.stream().filter(c -> c.action() == action).toList();
    }

    private static String reason(ResourceChange c) {
        return c.reason().isEmpty() ? "" : " (" + c.reason().replace('_', ' ') + ")";
    }

    private static String capitalized(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
