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
        LoadedConfig loaded = new ConfigLoader(workspace).load(file);
        loaded.warnings().forEach(w -> events.emit(new LogEvent(LogEvent.Level.WARN, "config", w.render())));
        return loaded.config();
    }
}
