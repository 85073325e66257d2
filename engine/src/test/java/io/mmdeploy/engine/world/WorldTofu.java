package io.mmdeploy.engine.world;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.GatewaySpec;
import io.mmdeploy.engine.config.MigrationSpec;
import io.mmdeploy.engine.config.ServiceSpec;
import io.mmdeploy.engine.gcp.fake.FakeCloudRun;
import io.mmdeploy.engine.port.Command;
import io.mmdeploy.engine.port.CommandResult;
import io.mmdeploy.engine.port.CommandRunner;
import io.mmdeploy.engine.release.TestClock;
import io.mmdeploy.engine.tofu.tfvars.TfvarsDocument;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * OpenTofu as the world sees it: {@code plan} compares the var files with the fake Cloud Run (a service whose image
 * or traffic differs from what the variables declare is planned to change, as the example infra's
 * {@code google_cloud_run_v2_service}/{@code _job} resources would be) and saves that in the plan file; {@code show
 * -json} prints it in OpenTofu's format; {@code apply} changes the fake Cloud Run: a new revision per changed image,
 * traffic to latest, jobs' images. A plan made before the state changed is stale, as in OpenTofu. It speaks
 * {@code -json} UI lines, exit codes and {@code -detailed-exitcode} like the real one.
 */
final class WorldTofu {
    static final String BINARY = "tofu";
    /** A sensitive output's value: it must never reach a log or a record. */
    static final String DB_PASSWORD = "world-db-password-9f3c2a";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DeployConfig config;
    private final FakeCloudRun cloudRun;
    private final TestClock clock;
    private final Map<String, AtomicInteger> serials = new ConcurrentHashMap<>();
    /** Every call, as {@code <op> <args>}. */
    final List<String> calls = new CopyOnWriteArrayList<>();
    /** Plans that fail (counted down), applies that change only this many resources then fail. */
    volatile int failPlans;
    volatile int failApplyAfter = -1;
    /** The next apply fails at the change of the Cloud Run resource whose name ends so (null: none). */
    volatile String failApplyOf;
    /**
     * The resource (by address) that plans replace, as when a changed field forces a new one; its apply gives the Cloud
     * Run service another URL (null: none).
     */
    volatile String replaceOf;
    /** How long each command takes (real time; the benchmark's profile), and an apply more per changed resource. */
    final Map<String, java.time.Duration> latency = new java.util.concurrent.ConcurrentHashMap<>();
    volatile java.time.Duration applyPerChange = java.time.Duration.ZERO;

    WorldTofu(DeployConfig config, FakeCloudRun cloudRun, TestClock clock) {
        this.config = config;
        this.cloudRun = cloudRun;
        this.clock = clock;
    }

    long applies() {
        return calls.stream().filter(c -> c.startsWith("apply ")).count();
    }

    /** The tofu of the checkout at {@code root}: its working directories are relative to it. */
    CommandRunner in(Path root) {
        return (command, onLine) -> run(root, command, onLine);
    }

    private CommandResult run(Path root, Command command, Consumer<String> onLine) throws IOException {
        List<String> argv = command.argv();
        String op = argv.get(1);
        List<String> args = argv.subList(2, argv.size());
        calls.add(op + " " + String.join(" ", args));
        Path dir = root.resolve(command.workingDir());
        List<String> out = new ArrayList<>();
        int exit;
        pause(latency.getOrDefault(op, java.time.Duration.ZERO));
        synchronized (this) {
            exit = switch (op) {
                case "init" -> {
                    // As tofu does with a backend configured: the backend's settings cached in the working directory.
                    Files.createDirectories(dir.resolve(".terraform"));
                    Files.writeString(dir.resolve(".terraform/terraform.tfstate"), "{\"backend\":{\"type\":\"gcs\"}}\n");
                    out.add(ui("info", "OpenTofu has been successfully initialized!", "init_output"));
                    yield 0;
                }
                case "plan" -> plan(dir, args, out);
                case "show" -> show(dir, args.get(args.size() - 1), out);
                case "apply" -> apply(dir, args.get(args.size() - 1), out);
                case "output" -> { out.add(outputs().toString()); yield 0; }
                default -> { out.add("unknown command " + op); yield 1; }
            };
        }
        out.forEach(onLine);
        return new CommandResult(exit, String.join("\n", out) + "\n", "");
    }

    private static void pause(java.time.Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private EnvironmentSpec env(Path dir, List<String> args) throws IOException {
        Map<String, String> vars = vars(dir, args);
        String project = vars.get("project_id");
        return config.environments().values().stream().filter(e -> e.projectId().equals(project)).findFirst().orElseThrow();
    }

    private Map<String, String> vars(Path dir, List<String> args) throws IOException {
        Map<String, String> vars = new LinkedHashMap<>();
        for (String a : args) {
            if (a.startsWith("-var-file=")) {
                String file = a.substring("-var-file=".length());
                vars.putAll(TfvarsDocument.parse(file, Files.readString(dir.resolve(file))).strings());
            }
        }
        return vars;
    }

    /** The resources as this world manages them: address → (Cloud Run name, variable, job or service). */
    /**
     * A resource of the example infra. {@code ownsTraffic}: its traffic is tofu's (the gateway); the services' resources
     * have {@code ignore_changes = [traffic]}, so the engine moves their traffic.
     */
    private record Managed(String address, String name, String variable, boolean job, boolean ownsTraffic) {}

    private List<Managed> managed(EnvironmentSpec env) {
        List<Managed> all = new ArrayList<>();
        for (ServiceSpec s : config.services()) {
            all.add(new Managed("google_cloud_run_v2_service.service[\"" + s.name() + "\"]",
                    FakeCloudRun.serviceName(env.projectId(), env.region(), s.cloudRunService(env)), s.tfvarsVariable(), false, false));
        }
        config.gatewaySpec().ifPresent((GatewaySpec g) -> all.add(new Managed(g.tofuTarget(),
                FakeCloudRun.serviceName(env.projectId(), env.region(), g.cloudRunService(env)), g.tfvarsVariable(), false, true)));
        for (MigrationSpec m : config.migrations()) {
            String variable = config.service(m.service()).orElseThrow().tfvarsVariable();
            all.add(new Managed("google_cloud_run_v2_job.migration[\"" + m.job() + "\"]",
                    FakeCloudRun.jobName(env.projectId(), env.region(), m.cloudRunJob(env)), variable, true, false));
        }
        return all;
    }

    private int plan(Path dir, List<String> args, List<String> out) throws IOException {
        if (failPlans > 0) {
            failPlans--;
            out.add(diagnostic("Error creating Service", "googleapi: Error 400: the world refused this plan"));
            return 1;
        }
        EnvironmentSpec env = env(dir, args);
        Map<String, String> vars = vars(dir, args);
        String target = args.stream().filter(a -> a.startsWith("-target=")).map(a -> a.substring(8)).findFirst().orElse(null);
        String planFile = args.stream().filter(a -> a.startsWith("-out=")).map(a -> a.substring(5)).findFirst().orElseThrow();
        ArrayNode changes = JSON.createArrayNode();
        for (Managed m : managed(env)) {
            if (target != null && !target.equals(m.address())) {
                continue;
            }
            String wanted = vars.get(m.variable());
            String now = m.job() ? cloudRun.jobImage(m.name()) : cloudRun.templateImage(m.name());
            boolean drift = m.ownsTraffic() && !cloudRun.trafficOnLatest(m.name());
            boolean replace = m.address().equals(replaceOf);
            if (!wanted.equals(now) || drift || replace) {
                ObjectNode c = changes.addObject();
                c.put("address", m.address());
                c.put("name", m.name());
                c.put("job", m.job());
                c.put("ownsTraffic", m.ownsTraffic());
                c.put("replace", replace);
                c.put("before", now);
                c.put("after", wanted);
                out.add(ui("info", m.address() + ": Plan to update", "planned_change"));
            }
        }
        ObjectNode plan = JSON.createObjectNode();
        plan.put("serial", serial(env).get());
        plan.put("project", env.projectId());
        plan.put("nonce", UUID.randomUUID().toString());
        plan.set("changes", changes);
        Path file = dir.resolve(planFile);
        Files.createDirectories(file.getParent());
        Files.writeString(file, plan.toString());
        out.add(ui("info", "Plan: 0 to add, " + changes.size() + " to change, 0 to destroy.", "change_summary"));
        return changes.isEmpty() ? 0 : 2;
    }

    private int show(Path dir, String planFile, List<String> out) throws IOException {
        JsonNode plan = JSON.readTree(Files.readString(dir.resolve(planFile)));
        ObjectNode shown = JSON.createObjectNode();
        shown.put("format_version", "1.2");
        shown.put("terraform_version", "1.12.6");
        ArrayNode rcs = shown.putArray("resource_changes");
        for (JsonNode c : plan.path("changes")) {
            ObjectNode rc = rcs.addObject();
            String address = c.path("address").asText();
            rc.put("address", address);
            rc.put("mode", "managed");
            rc.put("type", c.path("job").asBoolean() ? "google_cloud_run_v2_job" : "google_cloud_run_v2_service");
            rc.put("name", address.substring(address.indexOf('.') + 1).replaceAll("\\[.*", ""));
            ObjectNode change = rc.putObject("change");
            if (c.path("replace").asBoolean()) {
                change.putArray("actions").add("delete").add("create");
            } else {
                change.putArray("actions").add("update");
            }
            change.set("before", container(c.path("job").asBoolean(), c.path("before").asText()));
            change.set("after", container(c.path("job").asBoolean(), c.path("after").asText()));
            change.putObject("after_unknown");
            change.putObject("before_sensitive");
            change.putObject("after_sensitive");
        }
        shown.putObject("output_changes");
        out.add(shown.toString());
        return 0;
    }

    private static JsonNode container(boolean job, String image) {
        ObjectNode containers = JSON.createObjectNode();
        containers.putArray("containers").addObject().put("image", image);
        ObjectNode template = JSON.createObjectNode();
        template.putArray("template").add(job ? wrap(containers) : containers);
        return template;
    }

    private static JsonNode wrap(JsonNode inner) {
        ObjectNode outer = JSON.createObjectNode();
        outer.putArray("template").add(inner);
        return outer;
    }

    private int apply(Path dir, String planFile, List<String> out) throws IOException {
        JsonNode plan = JSON.readTree(Files.readString(dir.resolve(planFile)));
        String project = plan.path("project").asText();
        EnvironmentSpec env = config.environments().values().stream().filter(e -> e.projectId().equals(project)).findFirst().orElseThrow();
        AtomicInteger serial = serial(env);
        if (plan.path("serial").asInt() != serial.get()) {
            out.add(diagnostic("Saved plan is stale",
                    "The given plan file can no longer be applied because the state was changed by another operation after the plan was created."));
            return 1;
        }
        int applied = 0;
        pause(applyPerChange.multipliedBy(plan.path("changes").size()));
        for (JsonNode c : plan.path("changes")) {
            boolean failHere = failApplyOf != null && c.path("name").asText().endsWith(failApplyOf);
            if (failApplyAfter >= 0 && applied >= failApplyAfter || failHere) {
                failApplyAfter = -1;
                failApplyOf = null;
                serial.incrementAndGet();
                out.add(diagnostic("Error updating Service", "Error waiting to update Service " + c.path("name").asText()
                        + ": Revision is not ready and cannot serve traffic."));
                return 1;
            }
            deploy(c);
            if (c.path("replace").asBoolean()) {
                String name = c.path("name").asText();
                cloudRun.setUri(name, cloudRun.service(name).getUri().replace("127.0.0.1", "localhost"));
            }
            out.add(ui("info", c.path("address").asText() + ": Modifications complete", "apply_complete"));
            applied++;
        }
        if (applied > 0) {
            serial.incrementAndGet();
        }
        out.add(ui("info", "Apply complete! Resources: 0 added, " + applied + " changed, 0 destroyed.", "change_summary"));
        return 0;
    }

    /** An applied change: the job's image, or a service's new revision (its traffic too where tofu owns it). */
    private void deploy(JsonNode change) {
        String name = change.path("name").asText();
        String image = change.path("after").asText();
        if (change.path("job").asBoolean()) {
            cloudRun.setJobImage(name, image);
        } else if (change.path("ownsTraffic").asBoolean()) {
            cloudRun.deployImage(name, image, clock.instant());
        } else {
            cloudRun.deployRevision(name, image, clock.instant());
        }
    }

    private ObjectNode outputs() {
        ObjectNode outputs = JSON.createObjectNode();
        ObjectNode password = outputs.putObject("db_password");
        password.put("sensitive", true);
        password.put("type", "string");
        password.put("value", DB_PASSWORD);
        return outputs;
    }

    private AtomicInteger serial(EnvironmentSpec env) {
        return serials.computeIfAbsent(env.projectId(), k -> new AtomicInteger(1));
    }

    private static String ui(String level, String message, String type) {
        ObjectNode n = JSON.createObjectNode();
        n.put("@level", level);
        n.put("@message", message);
        n.put("@module", "tofu.ui");
        n.put("type", type);
        return n.toString();
    }

    private static String diagnostic(String summary, String detail) {
        ObjectNode n = JSON.createObjectNode();
        n.put("@level", "error");
        n.put("@message", "Error: " + summary);
        n.put("@module", "tofu.ui");
        n.put("type", "diagnostic");
        ObjectNode d = n.putObject("diagnostic");
        d.put("severity", "error");
        d.put("summary", summary);
        d.put("detail", detail);
        return n.toString();
    }

    static Set<String> secrets() {
        return Set.of(DB_PASSWORD);
    }
}
