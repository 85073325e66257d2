package io.mmdeploy.engine.config;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.diagnostics.Diagnostic;
import io.mmdeploy.engine.diagnostics.Severity;
import io.mmdeploy.engine.diagnostics.SourcePosition;
import io.mmdeploy.engine.port.Workspace;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and validates {@code mm-deploy.yaml}. The workspace is rooted at the config file's directory (the
 * app repo root); every path in the config is relative to it. All problems are reported at once.
 */
public final class ConfigLoader {
    /** Larger files are refused before parsing: a deploy config is a few kilobytes. */
    public static final int MAX_BYTES = 1 << 20;

    private final Workspace workspace;

    public ConfigLoader(Workspace workspace) {
        this.workspace = workspace;
    }

    /**
     * @param fileName the config file, relative to the workspace root
     * @throws DeployException with every error found
     */
    public LoadedConfig load(String fileName) {
        return load(fileName, fileName);
    }

    /**
     * @param displayName how messages name the file (the path the user typed)
     */
    public LoadedConfig load(String fileName, String displayName) {
        String text = read(fileName, displayName);
        List<Diagnostic> diagnostics = new ArrayList<>();
        YamlNode root = new YamlTree(displayName).parse(text, diagnostics);
        DeployConfig config = new ConfigReader(displayName, diagnostics, this::exists).read(root);
        List<Diagnostic> errors = diagnostics.stream().filter(Diagnostic::isError).toList();
        if (!errors.isEmpty() || config == null) {
            throw new DeployException(errors.isEmpty() ? diagnostics : errors);
        }
        return new LoadedConfig(config, diagnostics);
    }

    private String read(String fileName, String displayName) {
        try {
            long size = workspace.size(fileName);
            if (size < 0) {
                throw fail(displayName, "Config file not found",
                        "There is no " + fileName + " in " + workspace.describe()
                                + ". Create one (see README.md, \"Config reference\") or pass --config / config: with its path.");
            }
            if (size > MAX_BYTES) {
                throw fail(displayName, "Config file too large",
                        displayName + " has " + size + " bytes; a deploy config may have at most " + MAX_BYTES + ".");
            }
            String text = workspace.readText(fileName).orElseThrow();
            if (text.indexOf('\0') >= 0 || text.indexOf('\uFFFD') >= 0) {
                throw fail(displayName, "Config file is not text",
                        displayName + " holds bytes that are not UTF-8 text; expected a YAML file.");
            }
            if (text.isBlank()) {
                throw fail(displayName, "Empty config file",
                        displayName + " is empty; expected a mapping with app, services and environments.");
            }
            return text;
        } catch (IOException e) {
            throw fail(displayName, "Unreadable config file", displayName + ": " + e.getMessage());
        }
    }

    private boolean exists(String path) {
        try {
            return workspace.exists(path);
        } catch (IOException e) {
            return false;
        }
    }

    private static DeployException fail(String file, String summary, String detail) {
        return new DeployException(new Diagnostic(Severity.ERROR, summary, detail, SourcePosition.file(file), ""));
    }
}
