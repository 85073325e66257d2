package io.jenkins.plugins.mmdeploy.host;

import io.mmdeploy.engine.config.DeployConfig;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * A step that runs one deploy stage: {@code environment} (required) and {@code config} (optional) as every mm* step
 * takes them, and its own parameters mapped onto one {@link DeployStages} call.
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

    /** The step's parameters, handed to the engine. */
    public abstract Map<String, Object> call(DeployStages stages) throws Exception;

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
