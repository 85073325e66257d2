package io.jenkins.plugins.mmdeploy.host;

import io.mmdeploy.engine.config.ConfigLoader;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.LoadedConfig;
import io.mmdeploy.engine.port.EventSink;
import io.mmdeploy.engine.port.LogEvent;
import io.mmdeploy.engine.port.Workspace;

/** Loads the app's deploy config from the build's workspace, showing the loader's warnings in the build log. */
public final class DeployConfigs {
    private DeployConfigs() {}

    public static DeployConfig load(Workspace workspace, String file, EventSink events) {
        return loaded(workspace, file, file, events).config();
    }

    /**
     * @param workspace the directory that holds the config file
     * @param fileName the config file's name in it
     * @param display the config file as the Pipeline named it, for messages
     */
    public static LoadedConfig loaded(Workspace workspace, String fileName, String display, EventSink events) {
        LoadedConfig loaded = new ConfigLoader(workspace).load(fileName, display);
        loaded.warnings().forEach(w -> events.emit(new LogEvent(LogEvent.Level.WARN, "config", w.render())));
        return loaded;
    }

    /** The directory part of a workspace-relative config path ("" for the workspace root). */
    /** The {@code config} parameter as given; blank (not given) means {@code mm-deploy.yaml}. */
    public static String parameter(String config) {
        return config == null || config.isBlank() ? DeployConfig.DEFAULT_FILE : config.strip();
    }

    public static String directory(String file) {
        int slash = file.replace('\\', '/').lastIndexOf('/');
        return slash < 0 ? "" : file.substring(0, slash);
    }

    /** The file name part of a workspace-relative config path. */
    public static String fileName(String file) {
        return file.substring(file.replace('\\', '/').lastIndexOf('/') + 1);
    }

    /** A path relative to the config file's directory, as a path relative to the workspace. */
    public static String inWorkspace(String directory, String path) {
        return directory == null || directory.isEmpty() ? path : directory + "/" + path;
    }
}
