package io.jenkins.plugins.mmdeploy.host;

import io.mmdeploy.engine.config.DeployConfig;
import io.mmdeploy.engine.steps.StepRequest;
import java.util.List;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * A step that runs one deploy stage: {@code environment} (required) and {@code config} (optional) as every mm* step
 * takes them, and its own parameters as one typed {@link StepRequest} to the engine.
 */
public abstract class StageStep extends Step {
    private final String environment;
    private String config = DeployConfig.DEFAULT_FILE;

    protected StageStep(String environment) {
        this.environment = environment;
    }

    public String getEnvironment() {
        return environment;
    }

    public String getConfig() {
        return config;
    }

    @DataBoundSetter
    public void setConfig(String config) {
        this.config = DeployConfigs.parameter(config);
    }

    /** The step's parameters, as the engine takes them. */
    public abstract StepRequest<?> request();

    @Override
    public StepExecution start(StepContext context) {
        return new StageExecution(context, this);
    }

    /** A list parameter as given in the Pipeline; null (not given) stays null, meaning "all". */
    protected static List<String> copyOrNull(List<String> values) {
        return values == null ? null : List.copyOf(values);
    }

    /** A text parameter; blank (not given) becomes null. */
    protected static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
