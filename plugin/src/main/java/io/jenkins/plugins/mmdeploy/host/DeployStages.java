package io.jenkins.plugins.mmdeploy.host;

import hudson.ExtensionPoint;
import java.util.List;
import java.util.Map;

/**
 * The engine entry points of the deploy stages that other engineers are writing now (images, migrations, tofu, URLs,
 * gateway, health, rollback, release). Each takes the stage's context and the step's parameters and returns the step
 * result of docs/STEPS.md as a plain map.
 *
 * <p>NOT WIRED YET: no implementation is registered. When the engine stages land, one {@code @Extension} class
 * implements this by calling them; until then the steps fail with a message saying so (see {@link StageExecution}).
 */
public interface DeployStages extends ExtensionPoint {

    Map<String, Object> buildImages(StageContext stage, List<String> services, String builder) throws Exception;

    Map<String, Object> runMigrations(StageContext stage) throws Exception;

    Map<String, Object> applyTofu(StageContext stage, String target, boolean planOnly, String approvedPlanHash) throws Exception;

    Map<String, Object> serviceUrls(StageContext stage) throws Exception;

    Map<String, Object> deployGateway(StageContext stage, boolean planOnly, String approvedPlanHash) throws Exception;

    Map<String, Object> healthCheck(StageContext stage, List<String> services) throws Exception;

    Map<String, Object> rollback(StageContext stage, String service, String to) throws Exception;

    Map<String, Object> release(StageContext stage, String phase, String result, String failedPhase) throws Exception;
}
