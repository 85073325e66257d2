package io.mmdeploy.cli;

/** What the release subcommands share beyond {@link CloudCommand}: a session of the environment's records. */
abstract class ReleaseRecordsCommand extends CloudCommand {
    /** The environment's config, clients and release store; the caller closes it. */
    EnvironmentSession session() {
        return new EnvironmentSession(this);
    }
}
