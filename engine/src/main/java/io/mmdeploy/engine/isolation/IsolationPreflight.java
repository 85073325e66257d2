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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rule the seeds repeat above all: staging and production never share a resource. A pure check over
 * the config and the files it names (var files, backend configs); a deploy refuses to start on any
 * violation, before it touches anything.
 */
public final class IsolationPreflight {
    /** An Artifact Registry image reference: the project is the second path segment. */
    private static final Pattern REGISTRY_IMAGE = Pattern.compile("([a-z0-9-]+)-docker\\.pkg\\.dev/([a-z][a-z0-9-]{4,28}[a-z0-9])/([^\\s\"]+)");
    private static final Pattern AUTO_LOADED = Pattern.compile("terraform\\.tfvars(\\.json)?|.*\\.auto\\.tfvars(\\.json)?");

    private final Workspace workspace;

    public IsolationPreflight(Workspace workspace) {
        this.workspace = workspace;
    }

    /**
     * @return every violation, empty when the environments are isolated
     * @throws DeployException when a var or backend file cannot be read or parsed
     */
    public List<IsolationViolation> check(DeployConfig config) {
        List<EnvironmentSpec> envs = List.copyOf(config.environments().values());
        Map<String, EnvFiles> files = new LinkedHashMap<>();
        for (EnvironmentSpec env : envs) {
            files.put(env.name(), EnvFiles.read(workspace, env));
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
        return out;
    }

    private void checkPair(DeployConfig config, EnvironmentSpec a, EnvFiles fa, EnvironmentSpec b, EnvFiles fb, List<IsolationViolation> out) {
        String pair = a.name() + " and " + b.name();
        if (a.projectId().equals(b.projectId())) {
            out.add(new IsolationViolation("shared-project", a.name(), b.name(), a.projectId(),
                    pair + " share the GCP project " + a.projectId(),
                    "Both environments deploy into project " + a.projectId() + ". Give each environment its own project (seed 000: staging = mindmirror-staging, production = mindmirror-69).",
                    config.file()));
            if (a.serviceUrlsSecret().equals(b.serviceUrlsSecret())) {
                out.add(new IsolationViolation("shared-secret", a.name(), b.name(), a.serviceUrlsSecret(),
                        pair + " share the secret " + a.serviceUrlsSecret() + " in project " + a.projectId(),
                        "One environment's service URLs would overwrite the other's; use service-urls-<env>.", config.file()));
            }
            sharedRunNames(config, a, b).forEach(name -> out.add(new IsolationViolation("shared-cloud-run-name", a.name(), b.name(), name,
                    pair + " both deploy the Cloud Run resource " + name + " in project " + a.projectId(),
                    "A deploy to one would replace the other's. Set serviceNameSuffix (e.g. -staging) on one of them.", config.file())));
        }
        if (Objects.equals(a.projectNumber(), b.projectNumber()) && !a.projectId().equals(b.projectId())) {
            out.add(new IsolationViolation("shared-project-number", a.name(), b.name(), a.projectNumber(),
                    pair + " have the same project number " + a.projectNumber(),
                    "Project " + a.projectId() + " and " + b.projectId() + " cannot have the same number; one of them is copied from the other.", config.file()));
        }
        if (a.registry().toString().equals(b.registry().toString())) {
            out.add(new IsolationViolation("shared-registry", a.name(), b.name(), a.registry().toString(),
                    pair + " share the Artifact Registry repository " + a.registry(),
                    "Images of one environment would be visible to, and tagged over by, the other. Give each its own project's repository.", config.file()));
        }
        if (a.credentialsId() != null && a.credentialsId().equals(b.credentialsId())) {
            out.add(new IsolationViolation("shared-credentials", a.name(), b.name(), a.credentialsId(),
                    pair + " use the same Jenkins credentials " + a.credentialsId(),
                    "One service account would be able to change both environments. Create one credential per environment.", config.file()));
        }
        if (a.branch().equals(b.branch())) {
            out.add(new IsolationViolation("shared-branch", a.name(), b.name(), a.branch(),
                    pair + " deploy from the same branch " + a.branch(),
                    "A push would deploy to both. Seed 000: staging deploys from staging, production from main.", config.file()));
        }
        for (String file : a.tofu().varFiles()) {
            if (b.tofu().varFiles().contains(file)) {
                out.add(new IsolationViolation("shared-var-file", a.name(), b.name(), file,
                        pair + " share the var file " + file,
                        "Image references written for one would be deployed to the other. Give each environment its own var file.", file));
            }
        }
        Optional<String> stateA = fa.stateLocation(a);
        if (stateA.isPresent() && stateA.equals(fb.stateLocation(b))) {
            out.add(new IsolationViolation("shared-state", a.name(), b.name(), stateA.get(),
                    pair + " share the OpenTofu state " + stateA.get(),
                    "An apply for one would plan to destroy the other's resources. Give each its own backend bucket or prefix.",
                    a.tofu().backendConfig() == null ? a.tofu().dir() : a.tofu().backendConfig()));
        }
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
            Matcher m = REGISTRY_IMAGE.matcher(image.value());
            if (m.find() && !m.group(2).equals(env.projectId())) {
                String owner = ownerOf(m.group(2), envs);
                out.add(new IsolationViolation("foreign-image", env.name(), owner, image.value(),
                        env.name() + "'s " + image.name() + " points into " + owner + "'s project " + m.group(2),
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

    /** What an environment's var files and backend config say, read once. */
    record EnvFiles(List<FileValue> values, Map<String, String> backend, String backendFile) {

        static EnvFiles read(Workspace workspace, EnvironmentSpec env) {
            List<FileValue> values = new ArrayList<>();
            for (String file : env.tofu().varFiles()) {
                parse(workspace, file).strings().forEach((k, v) -> values.add(new FileValue(file, k, v)));
            }
            Map<String, String> backend = env.tofu().backendConfig() == null ? Map.of() : parse(workspace, env.tofu().backendConfig()).strings();
            return new EnvFiles(values, backend, env.tofu().backendConfig());
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

        /** Where the state lives: gcs bucket/prefix, a local path, or the tofu dir's default local state. */
        Optional<String> stateLocation(EnvironmentSpec env) {
            if (backend.containsKey("bucket")) {
                return Optional.of("gs://" + backend.get("bucket") + "/" + backend.getOrDefault("prefix", ""));
            }
            if (backend.containsKey("path")) {
                return Optional.of(env.tofu().dir() + "/" + backend.get("path"));
            }
            if (backendFile == null) {
                return Optional.of(env.tofu().dir() + "/terraform.tfstate");
            }
            return Optional.empty();
        }

        private static TfvarsDocument parse(Workspace workspace, String file) {
            try {
                String text = workspace.readText(file).orElseThrow(() -> DeployException.of("File not found: " + file,
                        "The config names " + file + ", which does not exist."));
                return TfvarsDocument.parse(file, text);
            } catch (IOException e) {
                throw DeployException.of("Unreadable file: " + file, String.valueOf(e.getMessage()));
            }
        }
    }
}
