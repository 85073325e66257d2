package io.mmdeploy.cli;

import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.ClientSettingsOverrides;
import io.mmdeploy.engine.gcp.CredentialSource;
import io.mmdeploy.engine.gcp.GoogleClients;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --credentials}: the identity the Google-facing subcommands use. */
final class GoogleOptions implements GoogleConnector {
    @Option(names = "--credentials", paramLabel = "KEY_FILE",
            description = "A service-account JSON key for the environment's project (default: Application Default Credentials).")
    Path keyFile;

    @Override
    public GoogleClients connect(EnvironmentSpec environment, Duration longestWait) {
        CredentialSource source = keyFile == null ? new CredentialSource.ApplicationDefault() : new CredentialSource.ServiceAccountKey(read(keyFile));
        return new GoogleClients(environment.projectId(), source.credentials(), ClientSettingsOverrides.none(), longestWait);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw DeployException.of("Cannot read the key file " + file, e.getMessage());
        }
    }
}
