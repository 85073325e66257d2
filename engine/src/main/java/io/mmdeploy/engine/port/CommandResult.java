package io.mmdeploy.engine.port;

/**
 * What a finished process left behind. Output is kept whole (the caller decides what to show) and is
 * already masked of the command's secrets.
 */
public record CommandResult(int exitCode, String stdout, String stderr) {
    public boolean succeeded() {
        return exitCode == 0;
    }
}
