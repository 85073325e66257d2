package io.mmdeploy.engine.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The checks that span fields: duplicates, references between sections, names once the suffix is added. */
final class ConfigConsistency {
    private static final Pattern SEGMENT = Pattern.compile("([^.\\[]+)|\\[(\\d+)]");

    private final DeployConfig config;
    private final YamlNode root;
    private final ConfigReader reader;
    private final Predicate<String> pathExists;

    ConfigConsistency(DeployConfig config, YamlNode root, ConfigReader reader, Predicate<String> pathExists) {
        this.config = config;
        this.root = root;
        this.reader = reader;
        this.pathExists = pathExists;
    }

    /** A worker answers no HTTP: nothing may send it a request. */
    private void checkWorker(ServiceSpec s, String path) {
        if (s.health().http()) {
            return;
        }
        if (!s.smokeTests().isEmpty()) {
            error(path + ".smokeTests", "Smoke tests on the worker \"" + s.name() + "\"",
                    path + ".health has kind: ready (no HTTP), so there is no URL to send a smoke test to. Remove smokeTests, or use"
                            + " health kind: http if the service answers HTTP.");
        }
    }

    private void checkSmokeNames(List<SmokeTestSpec> tests, String path) {
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < tests.size(); i++) {
            Integer first = seen.putIfAbsent(tests.get(i).name(), i);
            if (first != null) {
                error(path + "[" + i + "].name", "Duplicate smoke test name \"" + tests.get(i).name() + "\"",
                        path + "[" + first + "] already uses it; the record names each check by its name.");
            }
        }
    }

    void check() {
        List<ServiceSpec> services = config.services();
        Map<String, Integer> names = new HashMap<>();
        Map<String, String> tfvars = new HashMap<>();
        for (int i = 0; i < services.size(); i++) {
            ServiceSpec s = services.get(i);
            Integer first = names.putIfAbsent(s.name(), i);
            if (first != null) {
                error("services[" + i + "].name", "Duplicate service name \"" + s.name() + "\"",
                        "services[" + first + "] already uses the name \"" + s.name() + "\"; service names must be unique.");
            }
            claimTfvars(tfvars, s.tfvarsVariable(), "services[" + i + "]");
            checkWorker(s, "services[" + i + "]");
            checkSmokeNames(s.smokeTests(), "services[" + i + "].smokeTests");
        }
        config.gatewaySpec().ifPresent(g -> {
            if (names.containsKey(g.name())) {
                error("gateway.name", "Gateway name \"" + g.name() + "\" is also a service name",
                        "services[" + names.get(g.name()) + "] is called \"" + g.name() + "\"; give the gateway its own name.");
            }
            claimTfvars(tfvars, g.tfvarsVariable(), "gateway");
            g.serviceUrlArgs().forEach((arg, service) -> {
                if (!names.containsKey(service)) {
                    String hint = Suggestions.closest(service, names.keySet()).map(x -> " Did you mean \"" + x + "\"?").orElse("");
                    error("gateway.serviceUrlArgs." + arg, "Build arg " + arg + " names an unknown service \"" + service + "\"",
                            "The services are " + String.join(", ", services.stream().map(ServiceSpec::name).toList()) + "." + hint);
                } else if (!services.get(names.get(service)).health().http()) {
                    error("gateway.serviceUrlArgs." + arg, "Build arg " + arg + " names the worker \"" + service + "\", which has no URL",
                            "services[" + names.get(service) + "] has health kind: ready (no HTTP), so it gets no URL in the URLs secret and the"
                                    + " gateway cannot call it. Expected a service that answers HTTP: "
                                    + String.join(", ", config.httpServices().stream().map(ServiceSpec::name).toList()) + ".");
                }
            });
            checkSmokeNames(g.smokeTests(), "gateway.smokeTests");
        });
        Map<String, Integer> jobs = new HashMap<>();
        for (int i = 0; i < config.migrations().size(); i++) {
            MigrationSpec m = config.migrations().get(i);
            if (!names.containsKey(m.service())) {
                String hint = Suggestions.closest(m.service(), names.keySet()).map(x -> " Did you mean \"" + x + "\"?").orElse("");
                error("migrations[" + i + "].service", "Migration runs the image of an unknown service \"" + m.service() + "\"",
                        "migrations[" + i + "].service must name one of the services." + hint);
            }
            Integer first = jobs.putIfAbsent(m.job(), i);
            if (first != null) {
                error("migrations[" + i + "].job", "Duplicate migration job \"" + m.job() + "\"",
                        "migrations[" + first + "] already runs the job \"" + m.job() + "\".");
            }
        }
        config.environments().values().forEach(this::checkNamesIn);
        config.environments().values().forEach(env -> checkSupplyChain(env, names.keySet()));
        checkPathsExist();
    }

    /** promoteFrom names another environment; an allowlist entry names images of this config. */
    private void checkSupplyChain(EnvironmentSpec env, java.util.Set<String> serviceNames) {
        String at = "environments." + env.name();
        if (env.promotion() != null) {
            String from = env.promotion().from();
            if (from.equals(env.name())) {
                error(at + ".promoteFrom", env.name() + " promotes from itself",
                        "promoteFrom names the environment whose deployed images this one takes (e.g. staging for production).");
            } else if (!config.environments().containsKey(from)) {
                String hint = Suggestions.closest(from, config.environments().keySet()).map(x -> " Did you mean \"" + x + "\"?").orElse("");
                error(at + ".promoteFrom", "promoteFrom names an unknown environment \"" + from + "\"",
                        "The environments are " + String.join(", ", config.environments().keySet()) + "." + hint);
            }
        }
        if (env.vulnerabilities() == null) {
            return;
        }
        List<String> images = new java.util.ArrayList<>(serviceNames);
        config.gatewaySpec().ifPresent(g -> images.add(g.name()));
        List<VulnerabilityPolicy.AllowedFinding> allowlist = env.vulnerabilities().allowlist();
        for (int i = 0; i < allowlist.size(); i++) {
            List<String> named = allowlist.get(i).images();
            for (int j = 0; j < named.size(); j++) {
                if (!images.contains(named.get(j))) {
                    String hint = Suggestions.closest(named.get(j), images).map(x -> " Did you mean \"" + x + "\"?").orElse("");
                    error(at + ".vulnerabilities.allowlist[" + i + "].images[" + j + "]", "Allowlist entry names an unknown image \""
                            + named.get(j) + "\"", "images are services or the gateway: " + String.join(", ", images) + "." + hint);
                }
            }
        }
    }

    /** Every file and directory the config names must be there before anything runs. */
    private void checkPathsExist() {
        for (int i = 0; i < config.services().size(); i++) {
            checkBuild("services[" + i + "].build", config.services().get(i).build());
        }
        config.gatewaySpec().ifPresent(g -> checkBuild("gateway.build", g.build()));
        for (EnvironmentSpec env : config.environments().values()) {
            String at = "environments." + env.name() + ".tofu";
            exists(at + ".dir", env.tofu().dir());
            for (int i = 0; i < env.tofu().varFiles().size(); i++) {
                exists(at + ".varFiles[" + i + "]", env.tofu().varFiles().get(i));
            }
            if (env.tofu().backendConfig() != null) {
                exists(at + ".backendConfig", env.tofu().backendConfig());
            }
        }
    }

    private void checkBuild(String at, BuildSpec build) {
        exists(at + ".context", build.context());
        exists(at + ".dockerfile", build.dockerfile());
        for (int i = 0; i < build.watch().size(); i++) {
            exists(at + ".watch[" + i + "]", build.watch().get(i));
        }
    }

    private void exists(String field, String path) {
        if (!pathExists.test(path)) {
            error(field, "Path not found: " + path,
                    field + " names \"" + path + "\", which does not exist next to " + config.file() + ".");
        }
    }

    private void claimTfvars(Map<String, String> claimed, String variable, String owner) {
        String first = claimed.putIfAbsent(variable, owner);
        if (first != null) {
            error(owner + ".tfvarsVariable", "Duplicate tfvars variable \"" + variable + "\"",
                    first + " already writes its image to \"" + variable + "\"; each image needs its own variable.");
        }
    }

    /** Cloud Run names are checked with the environment's suffix, since that is the name Cloud Run sees. */
    private void checkNamesIn(EnvironmentSpec env) {
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < config.services().size(); i++) {
            ServiceSpec s = config.services().get(i);
            checkRunName(env, s.cloudRunService(env), "services[" + i + "].cloudRunName", seen, "service");
        }
        config.gatewaySpec().ifPresent(g -> checkRunName(env, g.cloudRunService(env), "gateway.cloudRunName", seen, "service"));
        Map<String, String> jobs = new HashMap<>();
        for (int i = 0; i < config.migrations().size(); i++) {
            MigrationSpec m = config.migrations().get(i);
            checkRunName(env, m.cloudRunJob(env), "migrations[" + i + "].job", jobs, "job");
        }
        if (env.registry() != null && !env.registry().location().equals(env.region())) {
            reader.warning(locate("environments." + env.name() + ".registry"), "environments." + env.name() + ".registry",
                    "Registry is not in the environment's region",
                    "The registry is in " + env.registry().location() + " and Cloud Run in " + env.region()
                            + "; pulls across regions are slower and cost egress.");
        }
    }

    private void checkRunName(EnvironmentSpec env, String name, String field, Map<String, String> seen, String kind) {
        if (!ConfigReader.CLOUD_RUN_NAME.accepts(name)) {
            YamlNode at = locate(field);
            reader.invalid(at.line(), at.column(), field, "Cloud Run " + kind + " name in " + env.name(), name,
                    ConfigReader.CLOUD_RUN_NAME.expected() + " (the environment's serviceNameSuffix \"" + env.serviceNameSuffix() + "\" included)");
            return;
        }
        String first = seen.putIfAbsent(name, field);
        if (first != null) {
            error(field, "Cloud Run " + kind + " name \"" + name + "\" is used twice in " + env.name(),
                    first + " has the same Cloud Run " + kind + " name in environment " + env.name() + ".");
        }
    }

    private void error(String field, String summary, String detail) {
        reader.error(locate(field), field, summary, detail);
    }

    /** The node a field path points at, or the closest existing parent. */
    private YamlNode locate(String field) {
        YamlNode node = root;
        Matcher m = SEGMENT.matcher(field);
        while (m.find()) {
            YamlNode next = null;
            if (m.group(1) != null && node instanceof YamlNode.Mapping map) {
                next = map.entries().stream().filter(e -> e.key().equals(m.group(1))).map(YamlNode.Entry::value).findFirst().orElse(null);
            } else if (m.group(2) != null && node instanceof YamlNode.Sequence seq) {
                int index = Integer.parseInt(m.group(2));
                next = index < seq.items().size() ? seq.items().get(index) : null;
            }
            if (next == null) {
                return node;
            }
            node = next;
        }
        return node;
    }
}
