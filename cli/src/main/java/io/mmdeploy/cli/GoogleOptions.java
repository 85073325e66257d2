package io.mmdeploy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.credentials.CredentialScope;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.ClientSettingsOverrides;
import io.mmdeploy.engine.gcp.CredentialSource;
import io.mmdeploy.engine.gcp.GoogleClients;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --credentials}: the identity the Google-facing subcommands use. */
final class GoogleOptions implements GoogleConnector {
    @Option(names = "--credentials", paramLabel = "KEY_FILE",
            description = "A service-account JSON key of the environment's project (default: Application Default Credentials).")
    Path keyFile;

    @Override
    public GoogleClients connect(EnvironmentSpec environment, Duration longestWait) {
        return new GoogleClients(environment.projectId(), source(environment).credentials(), ClientSettingsOverrides.none(), longestWait);
    }

    /**
     * The key's access token, for the programs a deploy runs (tofu), so that they act as the same identity as the
     * clients; empty with Application Default Credentials, which those programs find by themselves.
     */
    Optional<String> accessToken(EnvironmentSpec environment) {
        if (keyFile == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(source(environment).credentials().refreshAccessToken().getTokenValue());
        } catch (IOException e) {
            throw DeployException.of("Cannot get an access token from the key file " + keyFile,
                    "Google refused the key: " + e.getMessage() + ". Check that the key is valid and its service account enabled.");
        }
    }

    private CredentialSource source(EnvironmentSpec environment) {
        if (keyFile == null) {
            return new CredentialSource.ApplicationDefault();
        }
        String json = read(keyFile);
        checkScope(environment, json);
        return new CredentialSource.JsonKey(json);
    }

    /** A key of another environment's project is refused before any Google call. */
    private void checkScope(EnvironmentSpec environment, String json) {
        JsonNode key;
        try {
            key = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            key = null;
        }
        if (key == null || !key.path("client_email").isTextual()) {
            throw DeployException.of("The key file " + keyFile + " is not a service-account key",
                    "Expected a JSON key with client_email (Console: IAM > Service accounts > Keys > Add key > JSON).");
        }
        CredentialScope.check(environment, keyFile.toString(), key.path("client_email").asText(),
                key.path("project_id").isTextual() ? key.path("project_id").asText() : null);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw DeployException.of("Cannot read the key file " + file, e.getMessage());
        }
    }
}
