package io.jenkins.plugins.mmdeploy.host;

import java.util.List;
import java.util.Map;

/**
 * The engine's deploy steps as the plugin's steps call them: the step's parameters in, the result map of
 * docs/STEPS.md out. {@link EngineStages} is the real one; tests record the calls to check each step's mapping.
 */
public interface DeployStages {

    Map<String, Object> buildImages(String environment, List<String> services, String builder) throws Exception;

    Map<String, Object> runMigrations(String environment) throws Exception;

    Map<String, Object> applyTofu(String environment, String target, boolean planOnly, String approvedPlanHash) throws Exception;

    Map<String, Object> serviceUrls(String environment) throws Exception;

    Map<String, Object> deployGateway(String environment, boolean buildOnly, boolean planOnly, String approvedPlanHash) throws Exception;

    Map<String, Object> healthCheck(String environment, List<String> services) throws Exception;

    /** @param force go back past migrations that are not marked compatibleWithPrevious */
    Map<String, Object> rollback(String environment, String service, String to, boolean force) throws Exception;

    Map<String, Object> release(String environment, String phase, String result, String failedPhase, String kind) throws Exception;

    Map<String, Object> moveAlias(String environment) throws Exception;
}
