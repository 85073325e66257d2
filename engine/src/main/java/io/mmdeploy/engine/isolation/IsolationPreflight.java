package io.mmdeploy.engine.isolation;

import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.GatewaySpec;
import io.mmdeploy.engine.config.MigrationSpec;
import io.mmdeploy.engine.config.ServiceSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.port.Workspace;
import io.mmdeploy.engine.tofu.tfvars.TfvarsDocument;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rule the seeds repeat above all: staging and production never share a resource. A pure check over
 * the config and the files it names (var files, backend configs); a deploy refuses to start on any
 * violation, before it touches anything.
 */
public final class IsolationPreflight {
    private static final Pattern AUTO_LOADED = Pattern.compile("terraform\\.tfvars(\\.json)?|.*\\.auto\\.tfvars(\\.json)?");

    private final Workspace workspace;
    /**
     * The config and the file texts of this instance's last check that found nothing: a run checks before every phase
     * that changes something, and the same inputs again need no second look (a changed file gets one).
     */
    private DeployConfig passedConfig;
    private Map<String, String> passedTexts;

    public IsolationPreflight(Workspace workspace) {
        this.workspace = workspace;
    }

    /** Refuses, with every violation at once, a config whose environments share a resource: before any mutation. */
    public void require(DeployConfig config) {
        List<IsolationViolation> violations = check(config);
        if (!violations.isEmpty()) {
            throw IsolationViolation.refusal(violations);
        }
    }

    /**
     * @return every violation, empty when the environments are isolated
     * @throws DeployException when a var or backend file cannot be read or parsed
     */
    public List<IsolationViolation> check(DeployConfig config) {
        List<EnvironmentSpec> envs = List.copyOf(config.environments().values());
        Map<String, String> texts = texts(envs);
        synchronized (this) {
            if (config == passedConfig && texts.equals(passedTexts)) {
                return List.of();
            }
        }
        Map<String, EnvFiles> files = new LinkedHashMap<>();
        for (EnvironmentSpec env : envs) {
            files.put(env.name(), EnvFiles.read(texts, env));
        }
        List<IsolationViolation> out = new ArrayList<>();
        for (EnvironmentSpec env : envs) {
            checkOwnProject(config, env, files.get(env.name()), envs, out);
        }
        for (int i = 0; i < envs.size(); i++) {
            for (int j = i + 1; j < envs.size(); j++) {
                checkPair(config, envs.get(i), files.get(envs.get(i).name()), envs.get(j), files.get(envs.get(j).name()), out);
            }
        }
        for (EnvironmentSpec env : envs) {
            checkAutoLoaded(env, envs, out);
        }
        if (out.isEmpty()) {
            synchronized (this) {
                passedConfig = config;
                passedTexts = texts;
            }
        }
        return out;
    }

    /** Every var file and backend config the environments name: path → text. */
    private Map<String, String> texts(List<EnvironmentSpec> envs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (EnvironmentSpec env : envs) {
            List<String> files = new ArrayList<>(env.tofu().varFiles());
            if (env.tofu().backendConfig() != null) {
                files.add(env.tofu().backendConfig());
            }
            for (String file : files) {
                if (!out.containsKey(file)) {
                    try {
                        out.put(file, workspace.readText(file).orElseThrow(() -> DeployException.of("File not found: " + file,
                                "The config names " + file + ", which does not exist.")));
                    } catch (IOException e) {
                        throw DeployException.of("Unreadable file: " + file, String.valueOf(e.getMessage()));
                    }
                }
            }
        }
        return out;
    }

    private void checkPair(DeployConfig config, EnvironmentSpec a, EnvFiles fa, EnvironmentSpec b, EnvFiles fb, List<IsolationViolation> out) {
        String pair = a.name() + " and " + b.name();
        if (a.projectId().equals(b.projectId())) {
            out.add(new IsolationViolation("shared-project", a.name(), b.name(), a.projectId(),
                    pair + " share the GCP project " + a.projectId(),
                    field(a, "project.id") + " and " + field(b, "project.id") + " are both " + a.projectId()
                            + ". Give each environment its own project (seed 000: staging = mindmirror-staging, production = mindmirror-69).",
                    config.file()));
            sharedRunNames(config, a, b).forEach(name -> out.add(new IsolationViolation("shared-cloud-run-name", a.name(), b.name(), name,
                    pair + " both deploy the Cloud Run resource " + name + " in project " + a.projectId(),
                    "A deploy to one would replace the other's. Set " + field(a, "serviceNameSuffix") + " (e.g. -" + a.name() + ") or give "
                            + a.name() + " its own project.", config.file())));
        }
        // A secret is the resource (project, secret id): the same id in two projects is two secrets.
        String secretA = secretResource(a);
        if (secretA.equals(secretResource(b))) {
            out.add(new IsolationViolation("shared-secret", a.name(), b.name(), a.serviceUrlsSecret(),
                    pair + " share the secret " + a.serviceUrlsSecret() + " in project " + a.projectId(),
                    field(a, "serviceUrlsSecret") + " and " + field(b, "serviceUrlsSecret") + " both name " + secretA
                            + ": one environment's service URLs would overwrite the other's. Give " + a.name()
                            + " its own secret in its own project (e.g. service-urls-" + a.name() + ").", config.file()));
        }
        if (Objects.equals(a.projectNumber(), b.projectNumber()) && !a.projectId().equals(b.projectId())) {
            out.add(new IsolationViolation("shared-project-number", a.name(), b.name(), a.projectNumber(),
                    pair + " have the same project number " + a.projectNumber(),
                    field(a, "project.number") + " and " + field(b, "project.number") + " are both " + a.projectNumber() + ", but project "
                            + a.projectId() + " and " + b.projectId() + " cannot have the same number; one of them is copied from the other. "
                            + "Set each to its own project's number (gcloud projects describe " + a.projectId() + " --format='value(projectNumber)').",
                    config.file()));
        }
        sharedRepositories(a, fa, b, fb, out);
        if (a.credentialsId() != null && a.credentialsId().equals(b.credentialsId())) {
            out.add(new IsolationViolation("shared-credentials", a.name(), b.name(), a.credentialsId(),
                    pair + " use the same Jenkins credentials " + a.credentialsId(),
                    field(a, "credentialsId") + " and " + field(b, "credentialsId") + " are both " + a.credentialsId()
                            + ": one service account would be able to change both environments. Create one credential per environment.",
                    config.file()));
        }
        if (a.branch().equals(b.branch())) {
            out.add(new IsolationViolation("shared-branch", a.name(), b.name(), a.branch(),
                    pair + " deploy from the same branch " + a.branch(),
                    field(a, "branch") + " and " + field(b, "branch") + " are both " + a.branch()
                            + ": a push would deploy to both. Give each environment its own branch (seed 000: staging deploys from staging, production from main).",
                            config.file()));
        }
        // One file however it is spelt: infra/./x.tfvars is infra/x.tfvars.
        for (String file : a.tofu().varFiles()) {
            String same = b.tofu().varFiles().stream().filter(f -> samePath(f, file)).findFirst().orElse(null);
            if (same != null) {
                out.add(new IsolationViolation("shared-var-file", a.name(), b.name(), file,
                        pair + " share the var file " + file,
                        field(a, "tofu.varFiles") + " and " + field(b, "tofu.varFiles") + " both list " + (same.equals(file) ? file : file + " (as " + same + ")")
                                + ": image references written for one would be deployed to the other. Give each environment its own var file.",
                        file));
            }
        }
        Optional<State> stateA = fa.state(a);
        Optional<State> stateB = fb.state(b);
        if (stateA.isPresent() && stateB.isPresent() && stateA.get().resource().equals(stateB.get().resource())) {
            State sa = stateA.get();
            State sb = stateB.get();
            String what = sa.bucket() ? "state bucket " : "state file ";
            // A bucket named after a project (the <project>-tfstate convention) is taken to be that project's.
            EnvironmentSpec moving = sa.bucket() ? mover(a, b, env -> sa.resource().startsWith("gs://" + env.projectId() + "-")) : a;
            out.add(new IsolationViolation("shared-state", a.name(), b.name(), sa.resource(),
                    pair + " share the OpenTofu " + what + sa.resource(),
                    sa.where() + " and " + sb.where() + " put both states in " + sa.resource() + ". "
                            + (sa.bucket()
                                    ? "A separate prefix is not isolation: whoever may write one environment's state may overwrite or delete the other's, "
                                            + "and one mixed-up prefix makes an apply plan to destroy the other's resources. Give " + moving.name()
                                            + " its own bucket in its own project (e.g. " + moving.projectId() + "-tfstate)."
                                    : "An apply for one would plan to destroy the other's resources. Give " + moving.name()
                                            + " its own backend (a gcs bucket in its own project)."),
                    a.tofu().backendConfig() == null ? a.tofu().dir() : a.tofu().backendConfig()));
        }
    }

    /**
     * Artifact Registry repositories are compared whole: two environments whose images sit under different
     * paths of one repository still share its IAM, cleanup policies and tags.
     */
    private static void sharedRepositories(EnvironmentSpec a, EnvFiles fa, EnvironmentSpec b, EnvFiles fb, List<IsolationViolation> out) {
        Map<ImageRepository, String> usesA = repositoryUses(a, fa);
        Map<ImageRepository, String> usesB = repositoryUses(b, fb);
        usesA.forEach((repo, whereA) -> {
            String whereB = usesB.get(repo);
            if (whereB == null) {
                return;
            }
            EnvironmentSpec moving = mover(a, b, env -> env.projectId().equals(repo.project()));
            String suggestion = repo.repository() == null
                    ? moving.region() + "-docker.pkg.dev/" + moving.projectId() + "/" + moving.registry().repository()
                    : repo.host() + "/" + moving.projectId() + "/" + repo.repository();
            out.add(new IsolationViolation("shared-registry", a.name(), b.name(), repo.toString(),
                    a.name() + " and " + b.name() + " share the Artifact Registry repository " + repo,
                    whereA + " and " + whereB + " are both in " + repo + ". Other image paths inside one repository are still one repository: "
                            + "images of one environment would be visible to, and tagged over by, the other. Give " + moving.name()
                            + " its own repository in its own project (e.g. " + suggestion + ").",
                    a.tofu().imageVarFile()));
        });
    }

    /** Every repository the environment uses, with where the first use is written: its registry, then its var files' images. */
    private static Map<ImageRepository, String> repositoryUses(EnvironmentSpec env, EnvFiles files) {
        Map<ImageRepository, String> uses = new LinkedHashMap<>();
        uses.put(new ImageRepository(env.registry().host(), env.registry().project(), env.registry().repository()), field(env, "registry"));
        for (FileValue v : files.values()) {
            ImageRepository.find(v.value()).ifPresent(repo -> uses.putIfAbsent(repo,
                    field(env, "tofu.varFiles") + " (" + v.file() + ": " + v.name() + " = \"" + v.value() + "\")"));
        }
        return uses;
    }

    /** Which of the two should get its own resource: b when the shared one belongs to a's project, else a. */
    private static EnvironmentSpec mover(EnvironmentSpec a, EnvironmentSpec b, Predicate<EnvironmentSpec> owns) {
        return owns.test(a) && !owns.test(b) ? b : a;
    }

    private static String secretResource(EnvironmentSpec env) {
        return "projects/" + env.projectId() + "/secrets/" + env.serviceUrlsSecret();
    }

    private static String field(EnvironmentSpec env, String path) {
        return "environments." + env.name() + "." + path;
    }

    private static boolean samePath(String x, String y) {
        return Path.of(x).normalize().equals(Path.of(y).normalize());
    }

    private static Set<String> sharedRunNames(DeployConfig config, EnvironmentSpec a, EnvironmentSpec b) {
        Set<String> namesA = runNames(config, a);
        Set<String> shared = new LinkedHashSet<>(runNames(config, b));
        shared.retainAll(namesA);
        return shared;
    }

    private static Set<String> runNames(DeployConfig config, EnvironmentSpec env) {
        Set<String> names = new LinkedHashSet<>();
        for (ServiceSpec s : config.services()) {
            names.add(s.cloudRunService(env));
        }
        config.gatewaySpec().map((GatewaySpec g) -> g.cloudRunService(env)).ifPresent(names::add);
        for (MigrationSpec m : config.migrations()) {
            names.add("job " + m.cloudRunJob(env));
        }
        return names;
    }

    /** The environment's registry and tfvars must point into its own project only. */
    private void checkOwnProject(DeployConfig config, EnvironmentSpec env, EnvFiles files, List<EnvironmentSpec> envs, List<IsolationViolation> out) {
        String registryProject = env.registry().project();
        if (!registryProject.equals(env.projectId())) {
            String owner = ownerOf(registryProject, envs);
            out.add(new IsolationViolation("foreign-registry", env.name(), owner, env.registry().toString(),
                    env.name() + " pushes images into " + owner + "'s project " + registryProject,
                    "environments." + env.name() + ".registry is " + env.registry() + ", but " + env.name() + "'s project is " + env.projectId()
                            + ". Use " + env.registry().location() + "-docker.pkg.dev/" + env.projectId() + "/" + env.registry().repository()
                            + " (seed 002 pushed staging images into mindmirror-69, production's project).",
                    config.file()));
        }
        files.projectId().ifPresent(tfvarsProject -> {
            if (!tfvarsProject.value().equals(env.projectId())) {
                String owner = ownerOf(tfvarsProject.value(), envs);
                out.add(new IsolationViolation("foreign-tfvars-project", env.name(), owner, tfvarsProject.value(),
                        env.name() + "'s var file sets project_id to " + owner + "'s project " + tfvarsProject.value(),
                        tfvarsProject.file() + " sets project_id = \"" + tfvarsProject.value() + "\", but " + env.name()
                                + " deploys to " + env.projectId() + ". OpenTofu would apply " + env.name() + "'s plan to " + tfvarsProject.value() + ".",
                        tfvarsProject.file()));
            }
        });
        for (FileValue image : files.values()) {
            Optional<ImageRepository> repo = ImageRepository.find(image.value());
            if (repo.isPresent() && !repo.get().project().equals(env.projectId())) {
                String project = repo.get().project();
                String owner = ownerOf(project, envs);
                out.add(new IsolationViolation("foreign-image", env.name(), owner, image.value(),
                        env.name() + "'s " + image.name() + " points into " + owner + "'s project " + project,
                        image.file() + " sets " + image.name() + " = \"" + image.value() + "\". " + env.name()
                                + " must run images from its own registry " + env.registry() + ".",
                        image.file()));
            }
        }
    }

    /**
     * OpenTofu loads every {@code *.auto.tfvars} and {@code terraform.tfvars} of its working directory by
     * itself: another environment's var file lying there is applied to this one too.
     */
    private void checkAutoLoaded(EnvironmentSpec env, List<EnvironmentSpec> envs, List<IsolationViolation> out) {
        for (EnvironmentSpec other : envs) {
            if (other == env) {
                continue;
            }
            for (String file : other.tofu().varFiles()) {
                String dir = file.contains("/") ? file.substring(0, file.lastIndexOf('/')) : ".";
                String name = file.substring(file.lastIndexOf('/') + 1);
                if (dir.equals(env.tofu().dir()) && AUTO_LOADED.matcher(name).matches() && !env.tofu().varFiles().contains(file)) {
                    out.add(new IsolationViolation("auto-loaded-var-file", env.name(), other.name(), file,
                            other.name() + "'s var file " + file + " is auto-loaded into " + env.name() + "'s runs",
                            "OpenTofu reads every " + name.replaceAll("^.*?(\\.auto\\.tfvars(\\.json)?|\\.tfvars(\\.json)?)$", "*$1")
                                    + " in its working directory " + env.tofu().dir() + ", so " + env.name() + " would get " + other.name()
                                    + "'s values. Move the per-environment var files into a subdirectory (e.g. " + env.tofu().dir()
                                    + "/environments/) or drop \".auto\" from their names.",
                            file));
                }
            }
        }
    }

    private static String ownerOf(String project, List<EnvironmentSpec> envs) {
        return envs.stream().filter(e -> e.projectId().equals(project)).map(EnvironmentSpec::name).findFirst()
                .orElse("another (project " + project + ")");
    }

    record FileValue(String file, String name, String value) {}

    /**
     * @param resource what is compared: {@code gs://<bucket>} or the state file's path
     * @param bucket whether it is a gcs bucket
     * @param where the config field and file that say so
     */
    record State(String resource, boolean bucket, String where) {}

    /**
     * A Docker repository in Google's registries: Artifact Registry ({@code <location>-docker.pkg.dev/<project>/<repository>})
     * or Container Registry ({@code [region.]gcr.io/<project>}, one repository per project and host).
     *
     * @param repository null for Container Registry
     */
    record ImageRepository(String host, String project, String repository) {
        // Hosts are case-insensitive in image references; project and repository are lowercase by rule.
        private static final Pattern ARTIFACT_REGISTRY = Pattern.compile(
                "(?i:([a-z0-9-]+-docker\\.pkg\\.dev))/([a-z][a-z0-9-]{4,28}[a-z0-9])/([a-z0-9][a-z0-9._-]*)");
        private static final Pattern CONTAINER_REGISTRY = Pattern.compile("(?<![a-zA-Z0-9.-])(?i:((?:[a-z]+\\.)?gcr\\.io))/([a-z][a-z0-9-]{4,28}[a-z0-9])/");

        /** The repository an image reference (or any text holding one) points into. */
        static Optional<ImageRepository> find(String text) {
            Matcher m = ARTIFACT_REGISTRY.matcher(text);
            if (m.find()) {
                return Optional.of(new ImageRepository(m.group(1).toLowerCase(Locale.ROOT), m.group(2), m.group(3)));
            }
            m = CONTAINER_REGISTRY.matcher(text);
            if (m.find()) {
                return Optional.of(new ImageRepository(m.group(1).toLowerCase(Locale.ROOT), m.group(2), null));
            }
            return Optional.empty();
        }

        @Override
        public String toString() {
            return host + "/" + project + (repository == null ? "" : "/" + repository);
        }
    }

    /** What an environment's var files and backend config say, read once. */
    record EnvFiles(List<FileValue> values, Map<String, String> backend, String backendFile) {

        /** @param texts each file's text ({@link #texts}) */
        static EnvFiles read(Map<String, String> texts, EnvironmentSpec env) {
            List<FileValue> values = new ArrayList<>();
            for (String file : env.tofu().varFiles()) {
                TfvarsDocument.parse(file, texts.get(file)).strings().forEach((k, v) -> values.add(new FileValue(file, k, v)));
            }
            String backendFile = env.tofu().backendConfig();
            Map<String, String> backend = backendFile == null ? Map.of() : TfvarsDocument.parse(backendFile, texts.get(backendFile)).strings();
            return new EnvFiles(values, backend, backendFile);
        }

        /** The last var file that sets project_id wins, as with -var-file order. */
        Optional<FileValue> projectId() {
            FileValue last = null;
            for (FileValue v : values) {
                if (v.name().equals("project_id")) {
                    last = v;
                }
            }
            return Optional.ofNullable(last);
        }

        /**
         * Where the state lives, as the resource two environments must not share: the gcs bucket (whatever the
         * prefix), or the local state file.
         */
        Optional<State> state(EnvironmentSpec env) {
            String at = backendFile == null ? null : "environments." + env.name() + ".tofu.backendConfig (" + backendFile + ")";
            if (backend.containsKey("bucket")) {
                String prefix = backend.getOrDefault("prefix", "");
                return Optional.of(new State("gs://" + backend.get("bucket").toLowerCase(Locale.ROOT), true,
                        at + " sets bucket = \"" + backend.get("bucket") + "\"" + (prefix.isEmpty() ? "" : " (prefix \"" + prefix + "\")")));
            }
            if (backend.containsKey("path")) {
                String file = normalized(env.tofu().dir() + "/" + backend.get("path"));
                return Optional.of(new State(file, false, at + " sets path = \"" + backend.get("path") + "\""));
            }
            if (backendFile == null) {
                String file = normalized(env.tofu().dir() + "/terraform.tfstate");
                return Optional.of(new State(file, false, "environments." + env.name() + ".tofu has no backendConfig (local state " + file + ")"));
            }
            return Optional.empty();
        }

        private static String normalized(String path) {
            return Path.of(path).normalize().toString().replace('\\', '/');
        }
    }
}
