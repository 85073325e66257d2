package io.mmdeploy.engine.run;

import java.util.concurrent.Callable;

/** One unit of parallel work, named for messages (a service name). */
public record NamedTask<T>(String name, Callable<T> work) {}
