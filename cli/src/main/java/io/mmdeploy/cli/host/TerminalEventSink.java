package io.mmdeploy.cli.host;

import io.mmdeploy.engine.port.EventSink;
import io.mmdeploy.engine.port.LogEvent;
import java.io.PrintWriter;

/** Shows the engine's events on the terminal's error stream, so that stdout stays the command's result. */
public final class TerminalEventSink implements EventSink {
    private final PrintWriter err;
    private final boolean debug;

    public TerminalEventSink(PrintWriter err, boolean debug) {
        this.err = err;
        this.debug = debug;
    }

    @Override
    public synchronized void emit(LogEvent event) {
        if (event.level() == LogEvent.Level.DEBUG && !debug) {
            return;
        }
        err.println(event.render());
        err.flush();
    }
}
