package io.mmdeploy.engine.init;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.mmdeploy.engine.config.RegistryPath;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.init.ConfigProposal.Question;
import io.mmdeploy.engine.port.Workspace;
import io.mmdeploy.engine.tofu.tfvars.TfvarsDocument;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code mmdeploy init}: proposes a deploy config from what an app repository holds. Dockerfiles (or a compose file's
 * build sections) become services, the one whose build args take other services' URLs the gateway; each
 * {@code <env>.tfvars} an environment, its {@code *_image} variables mapped to services by image name, its project,
 * region and registry read from its values, {@code <env>.backend.hcl} its state. What it cannot tell is written as a
 * question in a comment, with {@code "?"} as the value where validation must not pass until it is answered.
 */
public final class ConfigProposer {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z][A-Za-z0-9._/-]*|\\.");
    private static final List<String> YAML_WORDS = List.of("true", "false", "yes", "no", "on", "off", "null", "y", "n");
    private static final Pattern CLOUD_RUN_SERVICE = Pattern.compile(
            "resource\\s+\"google_cloud_run_v2_service\"\\s+\"([^\"]+)\"\\s*\\{[^}]*?name\\s*=\\s*\"([^\"]*)\"", Pattern.DOTALL);
    /** A migration map entry as the example writes it: {@code "migrate-main" = { image = var.users_image, timeout = "900s" }}. */
    private static final Pattern JOB_ENTRY = Pattern.compile(
            "\"([a-z][a-z0-9-]*)\"\\s*=\\s*\\{\\s*image\\s*=\\s*var\\.([A-Za-z0-9_]+)(?:\\s*,\\s*timeout\\s*=\\s*\"(\\d+)s\")?");

    private final Workspace workspace;
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

    public ConfigProposer(Workspace workspace) {
        this.workspace = workspace;
    }

    /** A build found in the repository. */
    private record Build(String name, String context, String dockerfile, Map<String, String> args, List<String> watch, DockerfileFacts facts) {}

    /** An environment's var file, what it says, and the files around it. */
    private record EnvFiles(String name, String varFile, Map<String, String> values, String tofuDir, String backend) {}

    /** @param app the app's name as the host suggests it (the repository directory's name) */
    public ConfigProposal propose(String app) {
        RepoSurvey survey = RepoSurvey.of(workspace);
        List<Question> questions = new ArrayList<>();
        List<Build> builds = builds(survey, questions);
        if (builds.isEmpty()) {
            throw DeployException.of("No Dockerfile found in " + workspace.describe(),
                    "init proposes one service per Dockerfile (or per build section of docker-compose.yml) and found none. Run it at"
                            + " the app repository's root, or write mm-deploy.yaml by hand (README.md, \"Config reference\").");
        }
        Build gateway = gateway(builds);
        List<Build> services = builds.stream().filter(b -> b != gateway).toList();
        List<EnvFiles> envs = environments(survey, questions);
        Map<String, String> variables = imageVariables(envs, builds);
        Lines out = new Lines();
        out.comment(0, "mm-deploy config proposed by `mmdeploy init`. Answer each QUESTION (its field holds a ? until then),");
        out.comment(0, "check each CHECK, then run `mmdeploy validate`. Reference: README.md \"Config reference\".");
        out.field(0, "version", "1");
        String appName = app.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^[^a-z]+|-+$", "");
        if (appName.isEmpty()) {
            ask(out, questions, 0, "app", "the app's name (lowercase letters, digits, hyphens)?", true);
            out.field(0, "app", ConfigProposal.UNANSWERED);
        } else {
            out.field(0, "app", appName);
        }
        out.blank();
        out.line(0, "services:");
        for (Build s : services) {
            service(out, questions, s, variables);
        }
        if (gateway != null) {
            out.blank();
            gateway(out, questions, gateway, services, variables, envs);
        }
        migrations(out, questions, builds, variables, envs);
        out.blank();
        environments(out, questions, envs, builds, variables);
        return new ConfigProposal(out.text(), questions);
    }

    // ---- builds ----

    private List<Build> builds(RepoSurvey survey, List<Question> questions) {
        List<Build> out = new ArrayList<>();
        List<String> used = new ArrayList<>();
        for (String compose : survey.composeFiles()) {
            JsonNode services = readYaml(compose).path("services");
            services.properties().forEach(e -> {
                JsonNode build = e.getValue().path("build");
                if (build.isMissingNode()) {
                    return;
                }
                String context = normalize(build.isTextual() ? build.asText() : build.path("context").asText("."));
                String dockerfile = normalize(join(context, build.path("dockerfile").asText("Dockerfile")));
                Map<String, String> args = new LinkedHashMap<>();
                JsonNode declared = build.path("args");
                if (declared.isObject()) {
                    declared.properties().forEach(a -> args.put(a.getKey(), a.getValue().asText()));
                } else if (declared.isArray()) {
                    declared.forEach(a -> {
                        String[] kv = a.asText().split("=", 2);
                        args.put(kv[0], kv.length > 1 ? kv[1] : "");
                    });
                }
                used.add(dockerfile);
                out.add(new Build(name(e.getKey()), context, dockerfile, args, List.of(context), facts(dockerfile)));
            });
        }
        for (String dockerfile : survey.dockerfiles()) {
            if (used.contains(dockerfile)) {
                continue;
            }
            String dir = dockerfile.contains("/") ? dockerfile.substring(0, dockerfile.lastIndexOf('/')) : ".";
            DockerfileFacts facts = facts(dockerfile);
            String context = contextOf(dir, facts);
            List<String> watch = new ArrayList<>(List.of(dir));
            if (!context.equals(dir)) {
                for (String copied : facts.copied()) {
                    String top = copied.contains("/") ? copied.substring(0, copied.indexOf('/')) : copied;
                    if (!copied.startsWith(dir + "/") && !copied.equals(dir) && !watch.contains(top) && !top.contains("*")) {
                        watch.add(top);
                    }
                }
            }
            String name = name(dir.equals(".") ? "app" : dir.substring(dir.lastIndexOf('/') + 1));
            out.add(new Build(name, context, dockerfile, Map.of(), watch, facts));
        }
        return out;
    }

    /** The directory whose paths the Dockerfile's COPY sources name: its own, else the repository root. */
    private String contextOf(String dir, DockerfileFacts facts) {
        if (dir.equals(".") || facts.copied().isEmpty() || facts.copied().stream().allMatch(c -> exists(join(dir, c)))) {
            return dir;
        }
        return facts.copied().stream().allMatch(c -> exists(c)) ? "." : dir;
    }

    /** The build whose args take the most other builds' URLs, if any does. */
    private static Build gateway(List<Build> builds) {
        Build best = null;
        int most = 0;
        for (Build b : builds) {
            int count = urlArgs(b, builds).size();
            if (count > most) {
                best = b;
                most = count;
            }
        }
        return best;
    }

    /** Build arg → service, for args such as {@code AGENT_SERVICE_URL} or {@code AGENT_URL}. */
    private static Map<String, String> urlArgs(Build gateway, List<Build> builds) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String arg : gateway.facts().args()) {
            String key = arg.toLowerCase(Locale.ROOT);
            if (!key.endsWith("_url")) {
                continue;
            }
            String stem = key.substring(0, key.length() - 4).replaceAll("_service$", "").replace('_', '-');
            builds.stream().filter(b -> b != gateway && b.name().equals(stem)).findFirst().ifPresent(b -> out.put(arg, b.name()));
        }
        return out;
    }

    private void service(Lines out, List<Question> questions, Build s, Map<String, String> variables) {
        String at = "services." + s.name();
        out.line(1, "- name: " + scalar(s.name()));
        build(out, 2, s);
        imageFields(out, questions, 2, at, s, variables);
        out.comment(2, "CHECK: health defaults to path /health, 3 attempts 10 s apart.");
    }

    private void gateway(Lines out, List<Question> questions, Build g, List<Build> services, Map<String, String> variables, List<EnvFiles> envs) {
        out.line(0, "gateway:");
        out.field(1, "name", g.name());
        build(out, 1, g);
        out.line(1, "serviceUrlArgs:");
        urlArgs(g, services).forEach((arg, service) -> out.field(2, arg, service));
        imageFields(out, questions, 1, "gateway", g, variables);
        Optional<String> target = tofuTarget(g, variables, envs);
        if (target.isPresent()) {
            out.field(1, "tofuTarget", target.get());
        } else {
            ask(out, questions, 1, "gateway.tofuTarget", "the OpenTofu address of the gateway's Cloud Run service (for its own apply)?", true);
            out.field(1, "tofuTarget", ConfigProposal.UNANSWERED);
        }
        out.comment(1, "CHECK: the gateway's health path (default /health).");
    }

    private static void build(Lines out, int indent, Build b) {
        out.line(indent, "build:");
        out.field(indent + 1, "context", b.context());
        String conventional = b.context().equals(".") ? "Dockerfile" : b.context() + "/Dockerfile";
        if (!b.dockerfile().equals(conventional)) {
            out.field(indent + 1, "dockerfile", b.dockerfile());
        }
        if (!b.args().isEmpty()) {
            out.line(indent + 1, "args:");
            b.args().forEach((k, v) -> out.field(indent + 2, k, v));
        }
        if (!b.watch().equals(List.of(b.context()))) {
            out.list(indent + 1, "watch", b.watch());
        }
    }

    /** image, tfvarsVariable and cloudRunName, from the variable whose image names this build. */
    private static void imageFields(Lines out, List<Question> questions, int indent, String at, Build b, Map<String, String> variables) {
        String variable = variables.get(b.name());
        if (variable == null) {
            ask(out, questions, indent, at + ".tfvarsVariable", "which OpenTofu variable takes this image? No *_image variable in the var"
                    + " files matched " + b.name() + ".", true);
            out.field(indent, "tfvarsVariable", ConfigProposal.UNANSWERED);
            return;
        }
        String image = variables.get(b.name() + "#image");
        if (image != null && !image.equals(b.name())) {
            out.field(indent, "image", image);
        }
        out.field(indent, "tfvarsVariable", variable);
        if (image != null && !image.equals(b.name())) {
            out.comment(indent, "CHECK: the Cloud Run service's name (before the environment's suffix); proposed: the image's name.");
            out.field(indent, "cloudRunName", image);
        }
    }

    // ---- environments ----

    private List<EnvFiles> environments(RepoSurvey survey, List<Question> questions) {
        List<EnvFiles> out = new ArrayList<>();
        for (String file : survey.varFiles()) {
            String base = file.substring(file.lastIndexOf('/') + 1);
            String env = base.substring(0, base.indexOf('.'));
            if (env.equals("terraform") || !env.matches("[a-z][a-z0-9-]{0,29}")) {
                continue;
            }
            Map<String, String> values;
            try {
                values = TfvarsDocument.parse(file, read(file)).strings();
            } catch (DeployException e) {
                questions.add(new Question("environments." + env, file + " could not be read: " + e.diagnostics().get(0).summary(), false));
                continue;
            }
            String tofuDir = survey.tofuDirs().stream().filter(d -> d.equals(".") || file.startsWith(d + "/"))
                    .reduce((a, b) -> b.length() > a.length() ? b : a).orElse(null);
            String backend = survey.backendFiles().stream().filter(f -> f.substring(f.lastIndexOf('/') + 1).startsWith(env + "."))
                    .findFirst().orElse(null);
            out.add(new EnvFiles(env, file, values, tofuDir, backend));
        }
        return out;
    }

    /** Build name → its tfvars variable (and {@code name#image} → its image name), from the envs' image values. */
    private static Map<String, String> imageVariables(List<EnvFiles> envs, List<Build> builds) {
        Map<String, String> out = new LinkedHashMap<>();
        for (EnvFiles env : envs) {
            env.values().forEach((variable, value) -> {
                if (!variable.endsWith("_image")) {
                    return;
                }
                String image = imageName(value);
                String first = variable.split("_")[0];
                String imageFirst = image == null ? "" : image.split("[-_.]")[0];
                for (Build b : builds) {
                    // A one-word build matches by the variable's first word; a hyphenated one (celery-worker) by its whole name.
                    boolean named = b.name().replace('-', '_').equals(first) || variable.startsWith(b.name().replace('-', '_') + "_");
                    if (!out.containsKey(b.name()) && (named || b.name().equals(imageFirst))) {
                        out.put(b.name(), variable);
                        if (image != null) {
                            out.put(b.name() + "#image", image);
                        }
                    }
                }
            });
        }
        return out;
    }

    private void environments(Lines out, List<Question> questions, List<EnvFiles> envs, List<Build> builds, Map<String, String> variables) {
        out.line(0, "environments:");
        if (envs.isEmpty()) {
            ask(out, questions, 1, "environments", "no <env>.tfvars found: name each environment with its project, region, registry"
                    + " and tofu files (README.md, \"Config reference\").", true);
            out.line(1, "staging:");
            out.field(2, "branch", ConfigProposal.UNANSWERED);
            return;
        }
        for (EnvFiles env : envs) {
            String at = "environments." + env.name();
            out.line(1, env.name() + ":");
            ask(out, questions, 2, at + ".branch", "which git branch deploys " + env.name() + "?", true);
            out.field(2, "branch", ConfigProposal.UNANSWERED);
            out.line(2, "project:");
            value(out, questions, 3, at + ".project.id", "id", first(env.values(), "project_id", "project", "gcp_project"),
                    "the GCP project id of " + env.name() + "?");
            value(out, questions, 3, at + ".project.number", "number", first(env.values(), "project_numerical_id", "project_number"),
                    "the GCP project number of " + env.name() + " (digits; Console: project settings)?");
            value(out, questions, 2, at + ".region", "region", first(env.values(), "region", "location"), "the Cloud Run region?");
            value(out, questions, 2, at + ".registry", "registry", registry(env, builds, variables),
                    "the Artifact Registry repository (<location>-docker.pkg.dev/<project>/<repository>)?");
            out.comment(2, "CHECK: the Jenkins credentials of " + env.name() + "'s deployer; remove for Application Default Credentials.");
            out.field(2, "credentialsId", "gcp-" + env.name() + "-deployer");
            out.line(2, "tofu:");
            value(out, questions, 3, at + ".tofu.dir", "dir", env.tofuDir(), "the OpenTofu root module's directory?");
            out.list(3, "varFiles", List.of(env.varFile()));
            if (env.backend() != null) {
                out.field(3, "backendConfig", env.backend());
            } else {
                out.comment(3, "CHECK: no " + env.name() + ".backend.hcl found: the state stays local, and deploys hold no lease.");
            }
            String suffix = env.values().get("service_name_suffix");
            if (suffix != null && !suffix.isEmpty()) {
                out.field(2, "serviceNameSuffix", suffix);
            }
            boolean production = env.name().startsWith("prod");
            out.comment(2, "CHECK: " + (production ? "a person approves each plan here" : "deploys without approval") + ".");
            out.line(2, "approval:");
            out.line(3, "gates: " + (production ? "[services, gateway]" : "[]"));
        }
    }

    /** The registry every image value of the environment points into, when they agree. */
    private static String registry(EnvFiles env, List<Build> builds, Map<String, String> variables) {
        String found = null;
        for (Build b : builds) {
            String value = env.values().get(variables.get(b.name()));
            if (value == null) {
                continue;
            }
            String[] parts = value.split("/");
            Optional<RegistryPath> registry = parts.length >= 4 ? RegistryPath.parse(parts[0] + "/" + parts[1] + "/" + parts[2]) : Optional.empty();
            if (registry.isEmpty() || (found != null && !found.equals(registry.get().toString()))) {
                return null;
            }
            found = registry.get().toString();
        }
        return found;
    }

    // ---- tofu ----

    private Optional<String> tofuTarget(Build gateway, Map<String, String> variables, List<EnvFiles> envs) {
        String image = variables.getOrDefault(gateway.name() + "#image", gateway.name());
        for (String tf : tofuFiles(envs)) {
            Matcher m = CLOUD_RUN_SERVICE.matcher(read(tf));
            while (m.find()) {
                if (m.group(2).startsWith(image) || m.group(2).startsWith(gateway.name()) || m.group(1).equals("gateway")) {
                    return Optional.of("google_cloud_run_v2_service." + m.group(1));
                }
            }
        }
        return Optional.empty();
    }

    /** Migration jobs, from a map of job → image variable in the OpenTofu files; their service is the image's. */
    private void migrations(Lines out, List<Question> questions, List<Build> builds, Map<String, String> variables, List<EnvFiles> envs) {
        List<String[]> jobs = new ArrayList<>();
        for (String tf : tofuFiles(envs)) {
            Matcher m = JOB_ENTRY.matcher(read(tf));
            while (m.find()) {
                String variable = m.group(2);
                builds.stream().filter(b -> variable.equals(variables.get(b.name()))).findFirst()
                        .ifPresent(b -> jobs.add(new String[] {m.group(1), b.name(), m.group(3)}));
            }
        }
        out.blank();
        if (jobs.isEmpty()) {
            questions.add(new Question("migrations", "no migration jobs found; add the Cloud Run Jobs that migrate databases, if any", false));
            out.comment(0, "QUESTION: no migration jobs found. If Cloud Run Jobs migrate databases before traffic moves, list them:");
            out.comment(0, "migrations: [{job: migrate-main, service: users}]");
            return;
        }
        out.line(0, "migrations:");
        for (String[] job : jobs) {
            out.line(1, "- job: " + scalar(job[0]));
            out.comment(2, "CHECK: the database it migrates (default: the job's name).");
            out.field(2, "service", job[1]);
            if (job[2] != null) {
                out.field(2, "timeoutSeconds", job[2]);
            }
        }
        questions.add(new Question("migrations", "check each migration job's database (default: the job's name)", false));
    }

    private List<String> tofuFiles(List<EnvFiles> envs) {
        List<String> out = new ArrayList<>();
        for (String dir : envs.stream().map(EnvFiles::tofuDir).filter(d -> d != null).distinct().toList()) {
            try {
                for (String name : workspace.list(dir).stream().sorted().toList()) {
                    if (name.endsWith(".tf")) {
                        out.add(dir.equals(".") ? name : dir + "/" + name);
                    }
                }
            } catch (IOException e) {
                throw DeployException.of("Cannot list " + dir, String.valueOf(e.getMessage()));
            }
        }
        return out;
    }

    // ---- helpers ----

    private static void value(Lines out, List<Question> questions, int indent, String at, String key, String value, String question) {
        if (value == null || value.isEmpty()) {
            ask(out, questions, indent, at, question, true);
            out.field(indent, key, ConfigProposal.UNANSWERED);
        } else {
            out.field(indent, key, value);
        }
    }

    private static void ask(Lines out, List<Question> questions, int indent, String at, String text, boolean blocking) {
        questions.add(new Question(at, text, blocking));
        out.comment(indent, "QUESTION: " + text);
    }

    private static String first(Map<String, String> values, String... keys) {
        for (String k : keys) {
            if (values.containsKey(k)) {
                return values.get(k);
            }
        }
        return null;
    }

    /** {@code host/project/repo/name:tag} or {@code …@sha256:…} → {@code name}; null when it is no registry path. */
    private static String imageName(String value) {
        String[] parts = value.split("/");
        if (parts.length < 4) {
            return null;
        }
        String name = String.join("/", List.of(parts).subList(3, parts.length));
        return name.replaceAll("@.*$", "").replaceAll(":[^/]*$", "");
    }

    private static String name(String raw) {
        String n = raw.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^[^a-z]+|-+$", "");
        return n.isEmpty() ? "app" : n;
    }

    private static String join(String dir, String path) {
        return dir.equals(".") ? path : dir + "/" + path;
    }

    private static String normalize(String path) {
        String p = path.replaceAll("^\\./", "").replaceAll("/+$", "");
        return p.isEmpty() ? "." : p;
    }

    private DockerfileFacts facts(String dockerfile) {
        return exists(dockerfile) ? DockerfileFacts.parse(read(dockerfile)) : new DockerfileFacts(List.of(), Set.of());
    }

    private JsonNode readYaml(String file) {
        try {
            return yaml.readTree(read(file));
        } catch (JsonProcessingException e) {
            throw DeployException.of("Cannot read " + file, "It is not valid YAML: " + e.getOriginalMessage()
                    + ". Fix it, or move it aside while init runs.");
        }
    }

    private boolean exists(String path) {
        try {
            return workspace.exists(path);
        } catch (IOException e) {
            return false;
        }
    }

    private String read(String file) {
        try {
            return workspace.readText(file).orElseThrow(() -> DeployException.of("Cannot read " + file, file + " disappeared while init ran."));
        } catch (IOException e) {
            throw DeployException.of("Cannot read " + file, String.valueOf(e.getMessage()));
        }
    }

    static String scalar(String value) {
        if (PLAIN.matcher(value).matches() && !YAML_WORDS.contains(value.toLowerCase(Locale.ROOT))) {
            return value;
        }
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** The file's lines, two spaces per level. */
    private static final class Lines {
        private final StringBuilder text = new StringBuilder();

        void line(int indent, String line) {
            text.append("  ".repeat(indent)).append(line).append('\n');
        }

        void field(int indent, String key, String value) {
            line(indent, key + ": " + (key.equals("version") || key.equals("timeoutSeconds") ? value : scalar(value)));
        }

        void list(int indent, String key, List<String> values) {
            line(indent, key + ": [" + String.join(", ", values.stream().map(ConfigProposer::scalar).toList()) + "]");
        }

        void comment(int indent, String comment) {
            line(indent, "# " + comment);
        }

        void blank() {
            text.append('\n');
        }

        String text() {
            return text.toString();
        }
    }
}
