package io.mmdeploy.engine.config;

import io.mmdeploy.engine.diagnostics.Diagnostic;
import io.mmdeploy.engine.diagnostics.Severity;
import io.mmdeploy.engine.diagnostics.SourcePosition;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Binds a {@link YamlNode} tree to a {@link DeployConfig}, collecting every problem (unknown keys, missing
 * fields, wrong types, invalid names, broken references) instead of stopping at the first.
 */
final class ConfigReader {
    private static final Rule SHORT_NAME = rule("[a-z]([a-z0-9-]{0,47}[a-z0-9])?",
            "lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen, at most 49 characters");
    static final Rule CLOUD_RUN_NAME = rule("[a-z]([a-z0-9-]{0,47}[a-z0-9])?",
            "a Cloud Run name: lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen, at most 49 characters");
    private static final Rule ENV_NAME = rule("[a-z][a-z0-9-]{0,29}",
            "lowercase letters, digits and hyphens, starting with a letter, at most 30 characters");
    private static final Rule IMAGE_NAME = rule("[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*",
            "an image name: lowercase letters and digits, separated by '.', '_', '-' or '/'");
    private static final Rule HCL_IDENTIFIER = rule("[A-Za-z_][A-Za-z0-9_-]*",
            "an OpenTofu variable name: letters, digits, '_' and '-', not starting with a digit");
    private static final Rule BUILD_ARG = rule("[A-Za-z_][A-Za-z0-9_]*",
            "a build arg name: letters, digits and '_', not starting with a digit");
    private static final Rule PROJECT_ID = rule("[a-z][a-z0-9-]{4,28}[a-z0-9]",
            "a GCP project id: 6 to 30 lowercase letters, digits or hyphens, starting with a letter, not ending with a hyphen");
    private static final Rule PROJECT_NUMBER = rule("[1-9][0-9]{5,19}", "a GCP project number: digits only");
    private static final Rule REGION = rule("[a-z]+-[a-z]+[0-9]+", "a GCP region such as us-east4");
    private static final Rule SECRET_ID = rule("[A-Za-z0-9_-]{1,255}",
            "a Secret Manager secret id: letters, digits, '_' and '-', at most 255 characters");
    private static final Rule SUFFIX = rule("(-[a-z0-9]+)*", "empty, or hyphen-separated lowercase words such as -staging");
    private static final Rule HEALTH_PATH = rule("/[A-Za-z0-9._~/%-]*", "a URL path starting with '/'");
    private static final Rule TOFU_ADDRESS = rule(
            "(module\\.[A-Za-z_][A-Za-z0-9_-]*(\\[[^\\]]+\\])?\\.?)+|((module\\.[A-Za-z_][A-Za-z0-9_-]*(\\[[^\\]]+\\])?\\.)*(data\\.)?[A-Za-z_][A-Za-z0-9_-]*\\.[A-Za-z_][A-Za-z0-9_-]*(\\[[^\\]]+\\])?)",
            "a resource or module address such as module.gateway or google_cloud_run_v2_service.gateway");
    private static final Rule METHOD = rule(String.join("|", SmokeTestSpec.METHODS), "one of " + String.join(", ", SmokeTestSpec.METHODS));
    private static final Rule HEADER_NAME = rule("[A-Za-z0-9!#$%&'*+.^_`|~-]+", "an HTTP header name such as Authorization");
    private static final Rule JSON_POINTER = rule("(/[^/]*)+", "a JSON Pointer such as /data/__typename or /errors");
    private static final Rule BRANCH = rule("[A-Za-z0-9._/-]+", "a git branch name");
    private static final Rule THRESHOLD = rule("CRITICAL|HIGH", "CRITICAL (the default) or HIGH");
    private static final Rule ON_SCAN_TIMEOUT = rule("fail|warn", "fail (the default: a scan that did not finish blocks) or warn");
    private static final Rule VULNERABILITY_ID = rule("[A-Z][A-Z0-9]*-[A-Za-z0-9._:-]+",
            "a vulnerability id as Artifact Analysis names it, such as CVE-2024-3094 or GHSA-xxxx-xxxx-xxxx");
    private static final Pattern TAG_TEXT = Pattern.compile("[A-Za-z0-9_.-]*");
    private static final Set<String> TAG_PLACEHOLDERS = Set.of("{branch}", "{shortSha}", "{sha}", "{env}");

    private final String file;
    private final List<Diagnostic> diagnostics;
    private final Predicate<String> pathExists;

    /**
     * @param pathExists tells whether a path relative to the config's directory exists
     */
    ConfigReader(String file, List<Diagnostic> diagnostics, Predicate<String> pathExists) {
        this.file = file;
        this.diagnostics = diagnostics;
        this.pathExists = pathExists;
    }

    DeployConfig read(YamlNode root) {
        if (!(root instanceof YamlNode.Mapping)) {
            error(root, "", "Config is not a mapping",
                    "Expected a YAML mapping with the keys version, app, services, gateway, migrations and environments; found "
                            + root.kind() + ". Is this the right file?");
            return null;
        }
        Obj top = new Obj(root, "", List.of("version", "app", "services", "gateway", "migrations", "environments"));
        top.integer("version", false, 1, 1);
        String app = top.string("app", true, SHORT_NAME);
        List<ServiceSpec> services = top.list("services", true, (node, path) -> service(node, path));
        GatewaySpec gateway = top.has("gateway") ? gateway(top.get("gateway"), "gateway") : null;
        List<MigrationSpec> migrations = top.list("migrations", false, (node, path) -> migration(node, path));
        Map<String, EnvironmentSpec> environments = top.map("environments", true, ENV_NAME, this::environment);
        top.close();
        if (services != null && services.isEmpty()) {
            error(top.get("services"), "services", "No services", "services must list at least one service.");
        }
        if (environments != null && environments.isEmpty()) {
            error(top.get("environments"), "environments", "No environments", "environments must define at least one environment.");
        }
        if (hasErrors()) {
            return null;
        }
        DeployConfig config = new DeployConfig(file, app, services, gateway, migrations, environments);
        new ConfigConsistency(config, top.node, this, pathExists).check();
        return hasErrors() ? null : config;
    }

    private ServiceSpec service(YamlNode node, String path) {
        Obj o = new Obj(node, path, List.of("name", "build", "image", "health", "tfvarsVariable", "cloudRunName", "smokeTests"));
        if (o.node == null) {
            return null;
        }
        String name = o.string("name", true, SHORT_NAME);
        BuildSpec build = o.has("build") ? build(o.get("build"), path + ".build") : o.missing("build", "the image's build context");
        String image = o.stringOr("image", name, IMAGE_NAME);
        HealthSpec health = o.has("health") ? health(o.get("health"), path + ".health") : HealthSpec.defaults();
        String tfvars = o.string("tfvarsVariable", true, HCL_IDENTIFIER);
        String cloudRun = o.stringOr("cloudRunName", name, CLOUD_RUN_NAME);
        List<SmokeTestSpec> smoke = o.list("smokeTests", false, this::smokeTest);
        o.close();
        return new ServiceSpec(name, build, image, health, tfvars, cloudRun, smoke == null ? List.of() : smoke);
    }

    private BuildSpec build(YamlNode node, String path) {
        Obj o = new Obj(node, path, List.of("context", "dockerfile", "args", "watch"));
        if (o.node == null) {
            return null;
        }
        String context = o.path("context", true);
        String dockerfile = o.path("dockerfile", false);
        if (dockerfile == null && context != null) {
            dockerfile = context.equals(".") ? "Dockerfile" : context + "/Dockerfile";
        }
        Map<String, String> args = o.has("args") ? buildArgs(o.get("args"), path + ".args") : Map.of();
        List<String> watch = o.has("watch") ? o.pathList("watch") : context == null ? List.of() : List.of(context);
        o.close();
        return new BuildSpec(context, dockerfile, args == null ? Map.of() : args, watch == null ? List.of() : watch);
    }

    private Map<String, String> buildArgs(YamlNode node, String path) {
        if (!(node instanceof YamlNode.Mapping m)) {
            wrongType(node, path, "a mapping of build arg names to values");
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (YamlNode.Entry e : m.entries()) {
            String at = path + "." + e.key();
            if (!BUILD_ARG.pattern.matcher(e.key()).matches()) {
                invalid(e.line(), e.column(), at, "build arg name", e.key(), BUILD_ARG.expected);
            }
            if (e.value() instanceof YamlNode.Scalar s && s.value() instanceof Double d) {
                error(s, at, "Ambiguous number for build arg \"" + e.key() + "\"",
                        "YAML reads " + d + " as a number and would pass \"" + d + "\"; quote it to pass the text exactly.");
            } else if (e.value() instanceof YamlNode.Scalar s && s.value() != null) {
                out.put(e.key(), String.valueOf(s.value()));
            } else {
                wrongType(e.value(), at, "a string");
            }
        }
        return out;
    }

    private HealthSpec health(YamlNode node, String path) {
        Obj o = new Obj(node, path, List.of("kind", "path", "attempts", "delaySeconds"));
        if (o.node == null) {
            return null;
        }
        HealthSpec.Kind kind = o.choice("kind", HealthSpec.Kind.values(), HealthSpec.Kind::id, HealthSpec.Kind.HTTP);
        if (kind == HealthSpec.Kind.READY && o.has("path")) {
            error(o.get("path"), path + ".path", "A health path on a service without HTTP",
                    "kind: ready checks that the revision is Ready in Cloud Run and sends no request; remove path, or use kind: http.");
        }
        String hp = o.stringOr("path", HealthSpec.DEFAULT_PATH, HEALTH_PATH);
        Long attempts = o.integer("attempts", false, 1, 20);
        Long delay = o.integer("delaySeconds", false, 0, 600);
        o.close();
        return new HealthSpec(hp,
                attempts == null ? HealthSpec.DEFAULT_ATTEMPTS : attempts.intValue(),
                delay == null ? HealthSpec.DEFAULT_DELAY : Duration.ofSeconds(delay), kind == null ? HealthSpec.Kind.HTTP : kind);
    }

    private SmokeTestSpec smokeTest(YamlNode node, String path) {
        Obj o = new Obj(node, path, List.of("name", "method", "path", "headers", "body", "expect"));
        if (o.node == null) {
            return null;
        }
        String name = o.string("name", true, SHORT_NAME);
        String method = o.stringOr("method", "GET", METHOD);
        String urlPath = o.string("path", true, HEALTH_PATH);
        Map<String, SmokeTestSpec.HeaderValue> headers = o.map("headers", false, HEADER_NAME, (n, p, key) -> headerValue(n, p));
        String body = o.string("body", false, null);
        int status = 200;
        List<SmokeTestSpec.JsonExpectation> json = List.of();
        if (o.has("expect")) {
            Obj e = new Obj(o.get("expect"), path + ".expect", List.of("status", "json"));
            if (e.node != null) {
                Long expected = e.integer("status", false, 100, 599);
                status = expected == null ? 200 : expected.intValue();
                List<SmokeTestSpec.JsonExpectation> read = e.list("json", false, this::jsonExpectation);
                json = read == null ? List.of() : read;
                e.close();
            }
        }
        o.close();
        return new SmokeTestSpec(name, method, urlPath, headers == null ? Map.of() : headers, body, status, json);
    }

    private SmokeTestSpec.HeaderValue headerValue(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar s && s.value() instanceof String text) {
            return SmokeTestSpec.HeaderValue.plain(text);
        }
        Obj o = new Obj(node, path, List.of("secret", "prefix"));
        if (o.node == null) {
            return null;
        }
        String secret = o.string("secret", true, SECRET_ID);
        String prefix = o.string("prefix", false, null);
        o.close();
        return secret == null ? null : SmokeTestSpec.HeaderValue.fromSecret(secret, prefix);
    }

    private SmokeTestSpec.JsonExpectation jsonExpectation(YamlNode node, String path) {
        Obj o = new Obj(node, path, List.of("path", "equals", "absent"));
        if (o.node == null) {
            return null;
        }
        String pointer = o.string("path", true, JSON_POINTER);
        Object equals = null;
        if (o.has("equals")) {
            YamlNode v = o.get("equals");
            if (v instanceof YamlNode.Scalar s && s.value() != null) {
                equals = s.value();
            } else {
                error(v, path + ".equals", "Wrong type for \"equals\"", "Expected a string, number or boolean, found " + v.kind() + ".");
            }
        }
        Boolean absent = o.bool("absent", false);
        if (Boolean.TRUE.equals(absent) && o.has("equals")) {
            error(o.get("absent"), path + ".absent", "A value expected and absent at once",
                    "Give either equals: <value> or absent: true for " + pointer + ", not both.");
        }
        o.close();
        return pointer == null ? null : new SmokeTestSpec.JsonExpectation(pointer, equals, !Boolean.TRUE.equals(absent));
    }

    private WebhookSpec webhook(YamlNode node, String path) {
        Obj o = new Obj(node, path, List.of("format", "urlSecret", "credentialsId", "on"));
        if (o.node == null) {
            return null;
        }
        WebhookSpec.Format format = o.choice("format", WebhookSpec.Format.values(), WebhookSpec.Format::id, WebhookSpec.Format.SLACK);
        String secret = o.string("urlSecret", false, SECRET_ID);
        String credentials = o.string("credentialsId", false, null);
        if (o.has("urlSecret") == o.has("credentialsId")) {
            error(o.node, path, "A webhook needs exactly one URL source",
                    "Set urlSecret (a Secret Manager secret of the environment's project holding the URL) or credentialsId (a Jenkins"
                            + " secret text credential holding it), not " + (o.has("urlSecret") ? "both" : "neither") + ".");
        }
        Set<WebhookSpec.Event> events = EnumSet.allOf(WebhookSpec.Event.class);
        if (o.has("on")) {
            List<String> names = o.stringList("on");
            events = EnumSet.noneOf(WebhookSpec.Event.class);
            for (int i = 0; names != null && i < names.size(); i++) {
                String n = names.get(i);
                WebhookSpec.Event event = java.util.Arrays.stream(WebhookSpec.Event.values()).filter(e -> e.id().equals(n)).findFirst().orElse(null);
                if (event == null) {
                    YamlNode at = ((YamlNode.Sequence) o.get("on")).items().get(i);
                    String hint = Suggestions.closest(n, WebhookSpec.Event.ids()).map(x -> " Did you mean \"" + x + "\"?").orElse("");
                    error(at, path + ".on[" + i + "]", "Unknown event \"" + n + "\"",
                            "Expected one of: " + String.join(", ", WebhookSpec.Event.ids()) + "." + hint);
                } else {
                    events.add(event);
                }
            }
        }
        o.close();
        return format == null ? null : new WebhookSpec(format, secret, credentials, events);
    }

    private GatewaySpec gateway(YamlNode node, String path) {
        Obj o = new Obj(node, path, List.of("name", "build", "image", "serviceUrlArgs", "tfvarsVariable", "tofuTarget", "health", "cloudRunName",
                "smokeTests"));
        if (o.node == null) {
            return null;
        }
        String name = o.string("name", true, SHORT_NAME);
        BuildSpec build = o.has("build") ? build(o.get("build"), path + ".build") : o.missing("build", "the gateway's build context");
        String image = o.stringOr("image", name, IMAGE_NAME);
        Map<String, String> urlArgs = o.map("serviceUrlArgs", true, BUILD_ARG, (n, p, key) -> scalarString(n, p, SHORT_NAME));
        String tfvars = o.string("tfvarsVariable", true, HCL_IDENTIFIER);
        String target = o.string("tofuTarget", true, TOFU_ADDRESS);
        HealthSpec health = o.has("health") ? health(o.get("health"), path + ".health") : HealthSpec.defaults();
        String cloudRun = o.stringOr("cloudRunName", name, CLOUD_RUN_NAME);
        List<SmokeTestSpec> smoke = o.list("smokeTests", false, this::smokeTest);
        o.close();
        if (health != null && !health.http()) {
            error(o.get("health"), path + ".health.kind", "A gateway without HTTP",
                    "The gateway serves the app's API over HTTP; its health kind is http (the default).");
        }
        return new GatewaySpec(name, build, image, urlArgs == null ? Map.of() : urlArgs, tfvars, target, health, cloudRun,
                smoke == null ? List.of() : smoke);
    }

    private MigrationSpec migration(YamlNode node, String path) {
        Obj o = new Obj(node, path, List.of("job", "database", "service", "timeoutSeconds", "compatibleWithPrevious"));
        if (o.node == null) {
            return null;
        }
        String job = o.string("job", true, CLOUD_RUN_NAME);
        String database = o.stringOr("database", job, SHORT_NAME);
        String service = o.string("service", true, SHORT_NAME);
        Long timeout = o.integer("timeoutSeconds", false, 1, 86_400);
        Boolean compatible = o.bool("compatibleWithPrevious", false);
        o.close();
        return new MigrationSpec(job, database, service, timeout == null ? MigrationSpec.DEFAULT_TIMEOUT : Duration.ofSeconds(timeout),
                Boolean.TRUE.equals(compatible));
    }

    private EnvironmentSpec environment(YamlNode node, String path, String name) {
        Obj o = new Obj(node, path, List.of("branch", "project", "region", "registry", "credentialsId", "tofu",
                "serviceUrlsSecret", "serviceNameSuffix", "tags", "approval", "promoteFrom", "requirePromotion", "vulnerabilities",
                "retention", "notify", "rollout"));
        if (o.node == null) {
            return null;
        }
        String branch = o.string("branch", true, BRANCH);
        String projectId = null;
        String projectNumber = null;
        if (o.has("project")) {
            Obj p = new Obj(o.get("project"), path + ".project", List.of("id", "number"));
            if (p.node != null) {
                projectId = p.string("id", true, PROJECT_ID);
                projectNumber = p.numberText("number", true, PROJECT_NUMBER);
                p.close();
            }
        } else {
            o.missing("project", "a mapping with the GCP project's id and number");
        }
        String region = o.string("region", true, REGION);
        RegistryPath registry = null;
        String registryText = o.string("registry", true, null);
        if (registryText != null) {
            registry = RegistryPath.parse(registryText).orElse(null);
            if (registry == null) {
                YamlNode at = o.get("registry");
                invalid(at.line(), at.column(), path + ".registry", "Artifact Registry path", registryText,
                        "<region>-docker.pkg.dev/<project>/<repository>, e.g. us-east4-docker.pkg.dev/mindmirror-staging/mindmirror");
            }
        }
        String credentialsId = o.string("credentialsId", false, null);
        TofuSpec tofu = o.has("tofu") ? tofu(o.get("tofu"), path + ".tofu") : o.missing("tofu", "the OpenTofu dir, var files and backend config");
        String secret = o.stringOr("serviceUrlsSecret", "service-urls-" + name, SECRET_ID);
        String suffix = o.stringOr("serviceNameSuffix", "", SUFFIX);
        TagScheme tags = o.has("tags") ? tags(o.get("tags"), path + ".tags") : TagScheme.defaults();
        ApprovalPolicy approval = o.has("approval") ? approval(o.get("approval"), path + ".approval") : ApprovalPolicy.none();
        String promoteFrom = o.string("promoteFrom", false, ENV_NAME);
        Boolean requirePromotion = o.bool("requirePromotion", false);
        if (Boolean.TRUE.equals(requirePromotion) && !o.has("promoteFrom")) {
            error(o.get("requirePromotion"), path + ".requirePromotion", "requirePromotion without promoteFrom",
                    "requirePromotion: true refuses a commit that the environment named by promoteFrom did not deploy; add promoteFrom:"
                            + " <environment> (e.g. staging) or remove requirePromotion.");
        }
        PromotionSpec promotion = promoteFrom == null ? null : new PromotionSpec(promoteFrom, Boolean.TRUE.equals(requirePromotion));
        VulnerabilityPolicy vulnerabilities = o.has("vulnerabilities") ? vulnerabilities(o.get("vulnerabilities"), path + ".vulnerabilities") : null;
        RetentionPolicy retention = o.has("retention") ? retention(o.get("retention"), path + ".retention") : RetentionPolicy.defaults();
        List<WebhookSpec> notify = o.list("notify", false, this::webhook);
        RolloutPolicy rollout = o.has("rollout") ? rollout(o.get("rollout"), path + ".rollout") : null;
        o.close();
        return new EnvironmentSpec(name, branch, projectId, projectNumber, region, registry, credentialsId, tofu, secret, suffix, tags, approval,
                promotion, vulnerabilities, retention, notify == null ? List.of() : notify, rollout);
    }

    private RolloutPolicy rollout(YamlNode node, String path) {
        Obj o = new Obj(node, path, List.of("steps", "holdSeconds", "analysis"));
        if (o.node == null) {
            return null;
        }
        List<Integer> steps = o.has("steps") ? percentSteps(o.get("steps"), path + ".steps")
                : o.missing("steps", "the new revision's traffic at each step in percent, e.g. [10, 50, 100]");
        // A minute at least: Cloud Run writes its metrics once a minute, and Monitoring aligns no shorter.
        Long hold = o.integer("holdSeconds", false, 60, 6 * 3600);
        RolloutPolicy.Analysis analysis = o.has("analysis") ? analysis(o.get("analysis"), path + ".analysis") : RolloutPolicy.Analysis.defaults();
        o.close();
        if (steps == null || analysis == null) {
            return null;
        }
        return new RolloutPolicy(steps, hold == null ? RolloutPolicy.DEFAULT_HOLD : Duration.ofSeconds(hold), analysis);
    }

    /** Whole percentages, each above the one before, ending at 100. */
    private List<Integer> percentSteps(YamlNode node, String path) {
        String expected = "whole percentages from 1 to 100, each above the one before, the last 100, e.g. [10, 50, 100]";
        if (!(node instanceof YamlNode.Sequence seq) || seq.items().isEmpty()) {
            wrongType(node, path, expected);
            return null;
        }
        List<Integer> steps = new ArrayList<>();
        for (int i = 0; i < seq.items().size(); i++) {
            YamlNode item = seq.items().get(i);
            long value = item instanceof YamlNode.Scalar s && (s.value() instanceof Long || s.value() instanceof Integer)
                    ? ((Number) s.value()).longValue() : -1;
            int before = steps.isEmpty() ? 0 : steps.get(steps.size() - 1);
            if (value < 1 || value > 100 || value <= before) {
                error(item, path + "[" + i + "]", "Rollout step " + (i + 1) + " is not a usable percentage",
                        "Found " + (item instanceof YamlNode.Scalar s ? String.valueOf(s.value()) : "a " + item.getClass().getSimpleName().toLowerCase(Locale.ROOT))
                                + "; expected " + expected + ".");
                return null;
            }
            steps.add((int) value);
        }
        if (steps.get(steps.size() - 1) != 100) {
            error(node, path, "The last rollout step is not 100",
                    "The steps end at " + steps.get(steps.size() - 1) + " %: the new revision would never get all the traffic. End them with 100.");
            return null;
        }
        return steps;
    }

    private RolloutPolicy.Analysis analysis(YamlNode node, String path) {
        Obj o = new Obj(node, path, List.of("maxErrorPercent", "maxP95Millis", "minRequests"));
        if (o.node == null) {
            return null;
        }
        Double errors = o.decimal("maxErrorPercent", 0, 100);
        Long p95 = o.integer("maxP95Millis", false, 1, 600_000);
        Long minRequests = o.integer("minRequests", false, 0, 1_000_000_000);
        o.close();
        return new RolloutPolicy.Analysis(errors == null ? RolloutPolicy.Analysis.DEFAULT_MAX_ERROR_PERCENT : errors,
                p95 == null ? RolloutPolicy.Analysis.DEFAULT_MAX_P95 : Duration.ofMillis(p95),
                minRequests == null ? RolloutPolicy.Analysis.DEFAULT_MIN_REQUESTS : minRequests);
    }

    private VulnerabilityPolicy vulnerabilities(YamlNode node, String path) {
        Obj o = new Obj(node, path, List.of("threshold", "scanTimeoutSeconds", "onScanTimeout", "allowlist"));
        if (o.node == null) {
            return null;
        }
        String threshold = o.stringOr("threshold", VulnerabilityPolicy.Threshold.CRITICAL.id(), THRESHOLD);
        Long timeout = o.integer("scanTimeoutSeconds", false, 1, 24 * 3600);
        String onTimeout = o.stringOr("onScanTimeout", "fail", ON_SCAN_TIMEOUT);
        List<VulnerabilityPolicy.AllowedFinding> allowlist = o.list("allowlist", false, this::allowedFinding);
        o.close();
        if (threshold == null || onTimeout == null || allowlist == null) {
            return null;
        }
        return new VulnerabilityPolicy(VulnerabilityPolicy.Threshold.of(threshold),
                timeout == null ? VulnerabilityPolicy.DEFAULT_SCAN_TIMEOUT : Duration.ofSeconds(timeout), onTimeout.equals("warn"), allowlist);
    }

    private VulnerabilityPolicy.AllowedFinding allowedFinding(YamlNode node, String path) {
        Obj o = new Obj(node, path, List.of("id", "images", "reason", "expires"));
        if (o.node == null) {
            return null;
        }
        String id = o.string("id", true, VULNERABILITY_ID);
        List<String> images = o.has("images") ? o.stringList("images") : o.missing("images", "the services (or the gateway) it applies to");
        if (images != null && images.isEmpty()) {
            error(o.get("images"), path + ".images", "An allowlist entry for no image",
                    "images must name at least one service (or the gateway) whose image may carry " + id + ".");
        }
        String reason = o.string("reason", true, null);
        LocalDate expires = o.date("expires");
        o.close();
        if (id == null || images == null || images.isEmpty() || reason == null || expires == null) {
            return null;
        }
        return new VulnerabilityPolicy.AllowedFinding(id, images, reason, expires);
    }

    private RetentionPolicy retention(YamlNode node, String path) {
        Obj o = new Obj(node, path, List.of("keepLast", "untaggedDays", "keepReleases", "afterDeploy"));
        if (o.node == null) {
            return null;
        }
        Long keepLast = o.integer("keepLast", false, 1, 10_000);
        Long untaggedDays = o.integer("untaggedDays", false, 1, 3650);
        Long keepReleases = o.integer("keepReleases", false, 1, 100_000);
        Boolean afterDeploy = o.bool("afterDeploy", false);
        o.close();
        return new RetentionPolicy(keepLast == null ? RetentionPolicy.DEFAULT_KEEP_LAST : keepLast.intValue(),
                untaggedDays == null ? RetentionPolicy.DEFAULT_UNTAGGED_DAYS : untaggedDays.intValue(),
                keepReleases == null ? null : keepReleases.intValue(), Boolean.TRUE.equals(afterDeploy));
    }

    private TofuSpec tofu(YamlNode node, String path) {
        Obj o = new Obj(node, path, List.of("dir", "varFiles", "backendConfig"));
        if (o.node == null) {
            return null;
        }
        String dir = o.path("dir", true);
        List<String> varFiles = o.has("varFiles") ? o.pathList("varFiles") : o.missing("varFiles", "a list of var files, the first of which receives the image references");
        if (varFiles != null && varFiles.isEmpty()) {
            error(o.get("varFiles"), path + ".varFiles", "No var files", "varFiles must name at least one file.");
        }
        String backend = o.path("backendConfig", false);
        o.close();
        return new TofuSpec(dir, varFiles == null ? List.of() : varFiles, backend);
    }

    private TagScheme tags(YamlNode node, String path) {
        Obj o = new Obj(node, path, List.of("format", "semverFromGitTags", "alias"));
        if (o.node == null) {
            return null;
        }
        String format = o.stringOr("format", TagScheme.DEFAULT_FORMAT, null);
        Boolean semver = o.bool("semverFromGitTags", true);
        String alias = o.stringOr("alias", TagScheme.DEFAULT_ALIAS, null);
        if (o.has("format")) {
            checkTagTemplate(o.get("format"), path + ".format", format, true);
        }
        if (o.has("alias")) {
            checkTagTemplate(o.get("alias"), path + ".alias", alias, false);
        }
        o.close();
        return new TagScheme(format, semver, alias);
    }

    private void checkTagTemplate(YamlNode at, String path, String template, boolean perCommit) {
        if (template == null) {
            return;
        }
        String rest = template;
        for (String placeholder : TAG_PLACEHOLDERS) {
            rest = rest.replace(placeholder, "x");
        }
        if (rest.contains("{") || !TAG_TEXT.matcher(rest).matches() || rest.isEmpty()) {
            invalid(at.line(), at.column(), path, "image tag template", template,
                    "letters, digits, '.', '_', '-' and the placeholders {branch}, {shortSha}, {sha}, {env}");
        } else if (perCommit && !template.contains("{shortSha}") && !template.contains("{sha}")) {
            error(at, path, "Tag format is not unique per commit",
                    "\"" + template + "\" has neither {shortSha} nor {sha}, so two commits would get the same tag.");
        }
    }

    private ApprovalPolicy approval(YamlNode node, String path) {
        Obj o = new Obj(node, path, List.of("gates", "submitters", "timeoutMinutes", "fourEyes"));
        if (o.node == null) {
            return null;
        }
        Set<ApprovalPolicy.Gate> gates = EnumSet.noneOf(ApprovalPolicy.Gate.class);
        List<String> gateNames = o.has("gates") ? o.stringList("gates") : List.of();
        if (gateNames != null) {
            List<String> known = List.of(ApprovalPolicy.Gate.SERVICES.id(), ApprovalPolicy.Gate.GATEWAY.id());
            for (int i = 0; i < gateNames.size(); i++) {
                String g = gateNames.get(i);
                if (!known.contains(g)) {
                    YamlNode at = ((YamlNode.Sequence) o.get("gates")).items().get(i);
                    String hint = Suggestions.closest(g, known).map(s -> " Did you mean \"" + s + "\"?").orElse("");
                    error(at, path + ".gates[" + i + "]", "Unknown gate \"" + g + "\"",
                            "Expected one of: services, gateway." + hint);
                } else {
                    gates.add(ApprovalPolicy.Gate.valueOf(g.toUpperCase(Locale.ROOT)));
                }
            }
        }
        List<String> submitters = o.has("submitters") ? o.stringList("submitters") : List.of();
        Long timeout = o.integer("timeoutMinutes", false, 1, 7 * 24 * 60);
        Boolean fourEyes = o.bool("fourEyes", false);
        if (Boolean.TRUE.equals(fourEyes) && gates.isEmpty() && gateNames != null) {
            error(o.get("fourEyes"), path + ".fourEyes", "Four-eyes without a gate",
                    "fourEyes: true needs at least one gate to act on; add gates: [services, gateway] or remove fourEyes.");
        }
        o.close();
        return new ApprovalPolicy(gates, submitters == null ? List.of() : submitters,
                timeout == null ? ApprovalPolicy.DEFAULT_TIMEOUT : Duration.ofMinutes(timeout), fourEyes);
    }

    private String scalarString(YamlNode node, String path, Rule rule) {
        if (!(node instanceof YamlNode.Scalar s) || !(s.value() instanceof String text)) {
            wrongType(node, path, "a string");
            return null;
        }
        if (rule != null && !rule.pattern.matcher(text).matches()) {
            invalid(node.line(), node.column(), path, "value", text, rule.expected);
            return null;
        }
        return text;
    }

    // ---- diagnostics

    boolean hasErrors() {
        return diagnostics.stream().anyMatch(Diagnostic::isError);
    }

    void error(YamlNode at, String path, String summary, String detail) {
        diagnostics.add(new Diagnostic(Severity.ERROR, summary, detail, position(at), path));
    }

    void warning(YamlNode at, String path, String summary, String detail) {
        diagnostics.add(new Diagnostic(Severity.WARNING, summary, detail, position(at), path));
    }

    private SourcePosition position(YamlNode at) {
        return at == null ? SourcePosition.file(file) : new SourcePosition(file, at.line(), at.column());
    }

    private void wrongType(YamlNode node, String path, String expected) {
        diagnostics.add(new Diagnostic(Severity.ERROR, "Wrong type for \"" + lastSegment(path) + "\"",
                "Expected " + expected + ", found " + node.kind() + ".", position(node), path));
    }

    void invalid(int line, int column, String path, String what, String found, String expected) {
        diagnostics.add(new Diagnostic(Severity.ERROR, "Invalid " + what + " \"" + found + "\"",
                "Found \"" + found + "\"; expected " + expected + ".", new SourcePosition(file, line, column), path));
    }

    private static String lastSegment(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }

    private static Rule rule(String regex, String expected) {
        return new Rule(Pattern.compile(regex), expected);
    }

    record Rule(Pattern pattern, String expected) {
        boolean accepts(String text) {
            return pattern.matcher(text).matches();
        }
    }

    interface ItemReader<T> {
        T read(YamlNode node, String path);
    }

    interface EntryReader<T> {
        T read(YamlNode node, String path, String key);
    }

    /** One mapping of the config at a path: typed getters that report problems, and unknown-key checks. */
    private final class Obj {
        final YamlNode.Mapping node;
        final String path;
        final List<String> known;
        final YamlNode original;

        Obj(YamlNode n, String path, List<String> known) {
            this.path = path;
            this.known = known;
            this.original = n;
            if (n instanceof YamlNode.Mapping m) {
                this.node = m;
            } else {
                this.node = null;
                wrongType(n, path.isEmpty() ? "(top level)" : path, "a mapping with the keys " + String.join(", ", known));
            }
        }

        String at(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        boolean has(String key) {
            return node != null && node.entries().stream().anyMatch(e -> e.key().equals(key));
        }

        YamlNode get(String key) {
            return node.entries().stream().filter(e -> e.key().equals(key)).map(YamlNode.Entry::value).findFirst().orElse(null);
        }

        <T> T missing(String key, String expected) {
            diagnostics.add(new Diagnostic(Severity.ERROR, "Missing required field \"" + key + "\"",
                    (path.isEmpty() ? "The config" : path) + " must set \"" + key + "\": " + expected + ".",
                    position(node == null ? original : node), at(key)));
            return null;
        }

        String string(String key, boolean required, Rule rule) {
            if (!has(key)) {
                return required ? missing(key, rule == null ? "a string" : rule.expected) : null;
            }
            YamlNode v = get(key);
            if (!(v instanceof YamlNode.Scalar s) || !(s.value() instanceof String text)) {
                wrongType(v, at(key), rule == null ? "a string" : "a string: " + rule.expected);
                return null;
            }
            if (text.isBlank() && required) {
                error(v, at(key), "Empty value for \"" + key + "\"", "\"" + key + "\" must not be empty.");
                return null;
            }
            if (rule != null && !rule.accepts(text)) {
                invalid(v.line(), v.column(), at(key), describe(key), text, rule.expected);
                return null;
            }
            return text;
        }

        String stringOr(String key, String fallback, Rule rule) {
            if (!has(key)) {
                return fallback;
            }
            return string(key, false, rule);
        }

        /** A number that YAML may have read as an integer (e.g. a project number). */
        String numberText(String key, boolean required, Rule rule) {
            if (has(key) && get(key) instanceof YamlNode.Scalar s && (s.value() instanceof Long || s.value() instanceof Integer || s.value() instanceof BigInteger)) {
                String text = String.valueOf(s.value());
                if (!rule.accepts(text)) {
                    invalid(s.line(), s.column(), at(key), describe(key), text, rule.expected);
                    return null;
                }
                return text;
            }
            return string(key, required, rule);
        }

        /** A path relative to the config file's directory, which may not leave it. */
        String path(String key, boolean required) {
            String p = string(key, required, null);
            if (p == null) {
                return null;
            }
            return checkPath(get(key), at(key), p);
        }

        List<String> pathList(String key) {
            List<String> raw = stringList(key);
            if (raw == null) {
                return null;
            }
            List<String> out = new ArrayList<>();
            YamlNode.Sequence seq = (YamlNode.Sequence) get(key);
            for (int i = 0; i < raw.size(); i++) {
                String p = checkPath(seq.items().get(i), at(key) + "[" + i + "]", raw.get(i));
                if (p != null) {
                    out.add(p);
                }
            }
            return out;
        }

        private String checkPath(YamlNode at, String field, String p) {
            String normal = p.replace('\\', '/');
            while (normal.length() > 1 && normal.endsWith("/")) {
                normal = normal.substring(0, normal.length() - 1);
            }
            if (normal.startsWith("./") && normal.length() > 2) {
                normal = normal.substring(2);
            }
            boolean escapes = normal.startsWith("/") || normal.matches("^[A-Za-z]:.*")
                    || List.of(normal.split("/")).contains("..");
            if (escapes || normal.isEmpty()) {
                invalid(at.line(), at.column(), field, "path", p,
                        "a path relative to the directory of " + file + " that stays inside it (no leading '/', no '..')");
                return null;
            }
            return normal;
        }

        List<String> stringList(String key) {
            YamlNode v = get(key);
            if (!(v instanceof YamlNode.Sequence seq)) {
                wrongType(v, at(key), "a list of strings");
                return null;
            }
            List<String> out = new ArrayList<>();
            boolean ok = true;
            for (int i = 0; i < seq.items().size(); i++) {
                YamlNode item = seq.items().get(i);
                if (item instanceof YamlNode.Scalar s && s.value() instanceof String text && !text.isBlank()) {
                    out.add(text);
                } else {
                    wrongType(item, at(key) + "[" + i + "]", "a non-empty string");
                    ok = false;
                }
            }
            return ok ? out : null;
        }

        Long integer(String key, boolean required, long min, long max) {
            if (!has(key)) {
                return required ? missing(key, "a whole number") : null;
            }
            YamlNode v = get(key);
            if (!(v instanceof YamlNode.Scalar s) || !(s.value() instanceof Long || s.value() instanceof Integer)) {
                wrongType(v, at(key), "a whole number from " + min + " to " + max);
                return null;
            }
            long n = ((Number) s.value()).longValue();
            if (n < min || n > max) {
                error(v, at(key), "Value out of range for \"" + key + "\"",
                        "Found " + n + "; expected a whole number from " + min + " to " + max + ".");
                return null;
            }
            return n;
        }

        /** A number with or without decimals (YAML reads 1 as a whole number, 0.5 as a decimal); null when absent. */
        Double decimal(String key, double min, double max) {
            if (!has(key)) {
                return null;
            }
            YamlNode v = get(key);
            if (!(v instanceof YamlNode.Scalar s) || !(s.value() instanceof Number n)) {
                wrongType(v, at(key), "a number from " + min + " to " + max);
                return null;
            }
            double d = n.doubleValue();
            if (!(d >= min && d <= max)) {
                error(v, at(key), "Value out of range for \"" + key + "\"", "Found " + n + "; expected a number from " + min + " to " + max + ".");
                return null;
            }
            return d;
        }

        /** A calendar day, {@code YYYY-MM-DD} (YAML may have read it as text or as a date). */
        LocalDate date(String key) {
            if (!has(key)) {
                return missing(key, "a date, YYYY-MM-DD");
            }
            YamlNode v = get(key);
            String text = v instanceof YamlNode.Scalar s && s.value() != null ? String.valueOf(s.value()) : null;
            try {
                return LocalDate.parse(text == null ? "" : text);
            } catch (DateTimeParseException e) {
                invalid(v.line(), v.column(), at(key), "date", String.valueOf(text), "a date, YYYY-MM-DD, such as 2027-01-31");
                return null;
            }
        }

        /** One of a fixed set of words; the fallback when absent, null (and an error) when another word. */
        <E> E choice(String key, E[] values, java.util.function.Function<E, String> id, E fallback) {
            if (!has(key)) {
                return fallback;
            }
            List<String> ids = java.util.Arrays.stream(values).map(id).toList();
            String text = string(key, true, null);
            if (text == null) {
                return null;
            }
            for (E v : values) {
                if (id.apply(v).equals(text)) {
                    return v;
                }
            }
            YamlNode at = get(key);
            String hint = Suggestions.closest(text, ids).map(x -> " Did you mean \"" + x + "\"?").orElse("");
            invalid(at.line(), at.column(), at(key), key, text, "one of " + String.join(", ", ids) + hint);
            return null;
        }

        Boolean bool(String key, boolean fallback) {
            if (!has(key)) {
                return fallback;
            }
            YamlNode v = get(key);
            if (v instanceof YamlNode.Scalar s && s.value() instanceof Boolean b) {
                return b;
            }
            wrongType(v, at(key), "true or false");
            return fallback;
        }

        <T> List<T> list(String key, boolean required, ItemReader<T> reader) {
            if (!has(key)) {
                return required ? missing(key, "a list") : List.of();
            }
            YamlNode v = get(key);
            if (!(v instanceof YamlNode.Sequence seq)) {
                wrongType(v, at(key), "a list");
                return null;
            }
            List<T> out = new ArrayList<>();
            for (int i = 0; i < seq.items().size(); i++) {
                T item = reader.read(seq.items().get(i), at(key) + "[" + i + "]");
                if (item != null) {
                    out.add(item);
                }
            }
            return out;
        }

        <T> Map<String, T> map(String key, boolean required, Rule keyRule, EntryReader<T> reader) {
            if (!has(key)) {
                return required ? missing(key, "a mapping") : Map.of();
            }
            YamlNode v = get(key);
            if (!(v instanceof YamlNode.Mapping m)) {
                wrongType(v, at(key), "a mapping");
                return null;
            }
            Map<String, T> out = new LinkedHashMap<>();
            for (YamlNode.Entry e : m.entries()) {
                String childPath = at(key) + "." + e.key();
                if (!keyRule.accepts(e.key())) {
                    invalid(e.line(), e.column(), childPath, "name", e.key(), keyRule.expected);
                    continue;
                }
                T value = reader.read(e.value(), childPath, e.key());
                if (value != null) {
                    out.put(e.key(), value);
                }
            }
            return out;
        }

        void close() {
            if (node == null) {
                return;
            }
            Set<String> seen = new LinkedHashSet<>();
            for (YamlNode.Entry e : node.entries()) {
                if (!known.contains(e.key()) && seen.add(e.key())) {
                    String hint = Suggestions.closest(e.key(), known).map(s -> " Did you mean \"" + s + "\"?").orElse("");
                    diagnostics.add(new Diagnostic(Severity.ERROR, "Unknown key \"" + e.key() + "\"",
                            (path.isEmpty() ? "The top level" : path) + " has no key \"" + e.key() + "\"." + hint
                                    + "\nKnown keys: " + String.join(", ", known) + ".",
                            new SourcePosition(file, e.line(), e.column()), at(e.key())));
                }
            }
        }

        private String describe(String key) {
            return switch (key) {
                case "name", "app", "database" -> "name";
                case "cloudRunName" -> "Cloud Run service name";
                case "job" -> "Cloud Run job name";
                case "id" -> "GCP project id";
                case "number" -> "GCP project number";
                case "serviceUrlsSecret" -> "secret name";
                case "tfvarsVariable" -> "tfvars variable name";
                default -> key;
            };
        }
    }
}
