package io.mmdeploy.engine.init;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.port.Workspace;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What an app repository holds that a deploy config is made from: Dockerfiles, compose files, OpenTofu directories,
 * var files and backend files. Paths are relative to the repository root, in a stable order.
 */
public record RepoSurvey(List<String> dockerfiles, List<String> composeFiles, List<String> tofuDirs, List<String> varFiles,
        List<String> backendFiles) {
    /** Deep enough for services/<name>/Dockerfile and infra/environments/<env>.tfvars, not for vendored trees. */
    static final int MAX_DEPTH = 6;
    private static final Set<String> SKIPPED = Set.of("node_modules", "target", "build", "dist", "venv", "__pycache__");
    private static final Set<String> COMPOSE = Set.of("docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml");

    public RepoSurvey {
        dockerfiles = List.copyOf(dockerfiles);
        composeFiles = List.copyOf(composeFiles);
        tofuDirs = List.copyOf(tofuDirs);
        varFiles = List.copyOf(varFiles);
        backendFiles = List.copyOf(backendFiles);
    }

    public static RepoSurvey of(Workspace workspace) {
        List<String> docker = new ArrayList<>();
        List<String> compose = new ArrayList<>();
        List<String> tofu = new ArrayList<>();
        List<String> vars = new ArrayList<>();
        List<String> backends = new ArrayList<>();
        try {
            walk(workspace, "", 0, docker, compose, tofu, vars, backends);
        } catch (IOException e) {
            throw DeployException.of("Cannot read the repository " + workspace.describe(), String.valueOf(e.getMessage()));
        }
        return new RepoSurvey(docker, compose, tofu, vars, backends);
    }

    private static void walk(Workspace workspace, String dir, int depth, List<String> docker, List<String> compose, List<String> tofu,
            List<String> vars, List<String> backends) throws IOException {
        List<String> names = new ArrayList<>(workspace.list(dir.isEmpty() ? "." : dir));
        names.sort(null);
        boolean hasTf = false;
        for (String name : names) {
            String path = dir.isEmpty() ? name : dir + "/" + name;
            if (workspace.isDirectory(path)) {
                if (depth < MAX_DEPTH && !name.startsWith(".") && !SKIPPED.contains(name)) {
                    walk(workspace, path, depth + 1, docker, compose, tofu, vars, backends);
                }
            } else if (name.equals("Dockerfile")) {
                docker.add(path);
            } else if (depth == 0 && COMPOSE.contains(name)) {
                compose.add(path);
            } else if (name.endsWith(".tf")) {
                hasTf = true;
            } else if (name.endsWith(".tfvars")) {
                vars.add(path);
            } else if (name.endsWith(".backend.hcl") || name.endsWith(".tfbackend") || name.equals("backend.hcl")) {
                backends.add(path);
            }
        }
        if (hasTf) {
            tofu.add(dir.isEmpty() ? "." : dir);
        }
    }
}
