package io.mmdeploy.engine.port;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * Runs processes for the engine. The CLI implements it with ProcessBuilder, the Jenkins plugin with
 * Launcher on the build's agent.
 */
public interface CommandRunner {

    /**
     * Runs the command to its end.
     *
     * @param onLine called for every line the process prints (stdout and stderr), masked, as it comes
     * @throws IOException when the program cannot be started
     * @throws InterruptedException when the run is aborted; the process is killed first
     */
    CommandResult run(Command command, Consumer<String> onLine) throws IOException, InterruptedException;
}
