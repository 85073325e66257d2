package io.jenkins.plugins.mmdeploy.host;

import com.google.auth.oauth2.GoogleCredentials;
import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.config.EnvironmentSpec;

/**
 * What every deploy stage gets from a step: the build's ports, the loaded config, the target environment and its
 * Google credentials (already checked to belong to that environment).
 */
public record StageContext(BuildHost host, DeployConfig config, EnvironmentSpec environment, GoogleCredentials credentials) {}
