package io.mmdeploy.engine.images;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.engine.port.Workspace;
import io.mmdeploy.engine.port.local.LocalWorkspace;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildContextArchiveTest {
    @TempDir
    Path context;

    void file(String path, String text) throws IOException {
        Files.createDirectories(context.resolve(path).getParent());
        Files.writeString(context.resolve(path), text);
    }

    List<String> entries(byte[] archive) throws IOException {
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(new ByteArrayInputStream(archive)))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                names.add(e.getName());
            }
        }
        return names;
    }

    byte[] archive(String dockerfile) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new BuildContextArchive().write(new LocalWorkspace(context), "", dockerfile, out);
        return out.toByteArray();
    }

    @Test
    void honoursDockerignoreButAlwaysSendsTheDockerfile() throws IOException {
        file(".dockerignore", "# build junk\nnode_modules\n*.md\n!KEEP.md\n**/__pycache__\nDockerfile\nsecrets/\n");
        file("Dockerfile", "FROM node:20-slim\n");
        file("render-config.js", "x");
        file("README.md", "docs");
        file("KEEP.md", "kept");
        file("node_modules/mesh/index.js", "x");
        file("src/app/__pycache__/main.pyc", "x");
        file("src/app/main.py", "x");
        file("secrets/key.json", "{}");
        file("a/very/" + "long/".repeat(30) + "name.txt", "deep");
        file(".git/HEAD", "ref: refs/heads/main");
        file(".github/workflows/ci.yml", "on: push");

        List<String> names = entries(archive("Dockerfile"));

        assertThat(names).contains(".dockerignore", "Dockerfile", "render-config.js", "KEEP.md", "src/app/main.py", ".github/workflows/ci.yml")
                .doesNotContain(".git/HEAD", "README.md", "node_modules/mesh/index.js", "src/app/__pycache__/main.pyc", "secrets/key.json")
                .anyMatch(n -> n.endsWith("name.txt") && n.length() > 100);
        assertThat(names).isSorted();
    }

    @Test
    void theSameContextGivesTheSameBytes() throws IOException {
        file("Dockerfile", "FROM python:3.12-slim\n");
        file("app/main.py", "print('hi')\n");

        assertThat(archive("Dockerfile")).isEqualTo(archive("Dockerfile"));
    }

    @Test
    void aContextBelowTheWorkspaceKeepsTheExecutableBitAndNeverWalksAnIgnoredTree() throws IOException {
        file("services/meals/Dockerfile", "FROM python:3.12-slim\n");
        file("services/meals/.dockerignore", "node_modules\n");
        file("services/meals/entrypoint.sh", "#!/bin/sh\n");
        context.resolve("services/meals/entrypoint.sh").toFile().setExecutable(true);
        file("services/meals/app/main.py", "x");
        file("services/meals/node_modules/big/index.js", "x");
        file("services/other/ignored.py", "x");
        List<String> listed = new ArrayList<>();
        LocalWorkspace local = new LocalWorkspace(context);
        Workspace recording = (Workspace) java.lang.reflect.Proxy.newProxyInstance(Workspace.class.getClassLoader(),
                new Class<?>[] {Workspace.class}, (proxy, method, args) -> {
                    if (method.getName().equals("list")) {
                        listed.add((String) args[0]);
                    }
                    try {
                        return method.invoke(local, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        BuildContextArchive.Summary summary = new BuildContextArchive().write(recording, "./services/meals", "Dockerfile", out);

        Map<String, Integer> modes = new TreeMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(new ByteArrayInputStream(out.toByteArray())))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                modes.put(e.getName(), e.getMode() & 0777);
            }
        }
        assertThat(modes).containsExactly(Map.entry(".dockerignore", 0644), Map.entry("Dockerfile", 0644),
                Map.entry("app/main.py", 0644), Map.entry("entrypoint.sh", 0755));
        assertThat(summary.files()).isEqualTo(4);
        assertThat(listed).containsExactly("services/meals", "services/meals/app");
    }

    @Test
    void aMissingContextIsNamed() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new BuildContextArchive().write(new LocalWorkspace(context), "nowhere",
                        "Dockerfile", new ByteArrayOutputStream()))
                .isInstanceOf(io.mmdeploy.engine.diagnostics.DeployException.class).hasMessageContaining("Build context not found: nowhere");
    }

    @Test
    void dockerignoreRules() {
        DockerIgnore ignore = DockerIgnore.parse("**/*.log\n/build\ndocs/*.md\n!docs/index.md\n./tmp/\n[Tt]emp?\n");

        assertThat(ignore.excludes("a/b/c.log")).isTrue();
        assertThat(ignore.excludes("c.log")).isTrue();
        assertThat(ignore.excludes("build/out/x")).isTrue();
        assertThat(ignore.excludes("src/build")).isFalse();
        assertThat(ignore.excludes("docs/guide.md")).isTrue();
        assertThat(ignore.excludes("docs/index.md")).isFalse();
        assertThat(ignore.excludes("docs/sub/guide.md")).isFalse();
        assertThat(ignore.excludes("tmp/x")).isTrue();
        assertThat(ignore.excludes("Temp1")).isTrue();
        assertThat(ignore.excludes("temp12")).isFalse();
        assertThat(DockerIgnore.none().excludes("anything")).isFalse();
    }

    @Test
    void aLinkToADirectoryIsNotFollowedSoALoopCannotBloatTheContext() throws IOException {
        file("Dockerfile", "FROM scratch\n");
        file("app/main.py", "print(1)\n");
        Files.createSymbolicLink(context.resolve("app/again"), context.resolve("app"));
        assertThat(entries(archive("Dockerfile"))).containsExactly("Dockerfile", "app/main.py");
    }

    @Test
    void aContextDeeperThanAnyRealOneIsRefusedWithTheReason() throws IOException {
        file("Dockerfile", "FROM scratch\n");
        file("d/".repeat(BuildContextArchive.MAX_DEPTH + 1) + "leaf.txt", "x\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> archive("Dockerfile"))
                .isInstanceOf(io.mmdeploy.engine.diagnostics.DeployException.class)
                .hasMessageContaining("Build context too deep")
                .hasMessageContaining("symbolic link");
    }
}
