package io.mmdeploy.engine.migrations;

import com.google.api.gax.longrunning.OperationFuture;
import com.google.api.gax.rpc.ApiException;
import com.google.cloud.run.v2.Condition;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.Execution;
import com.google.cloud.run.v2.ExecutionsClient;
import com.google.cloud.run.v2.Job;
import com.google.cloud.run.v2.JobName;
import com.google.cloud.run.v2.JobsClient;
import com.google.cloud.run.v2.RunJobRequest;
import com.google.cloud.run.v2.TaskTemplate;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.MigrationSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.ApiFailure;
import io.mmdeploy.engine.gcp.Operations;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.run.NamedTask;
import io.mmdeploy.engine.run.ParallelRunner;
import io.mmdeploy.engine.run.TaskOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The engine of mmRunMigrations. For each migration job: point the Cloud Run Job at the new image (by digest), run
 * one execution and wait for it; the jobs of one database in config order, different databases at once. Fails closed: an execution that fails, is cancelled
 * or outlives its timeout stops the deploy, naming the job and the execution.
 */
public final class RunMigrations {
    public static final String STAGE = "run-migrations";
    private static final String RUN_ROLE = "roles/run.developer";

    private final JobsClient jobs;
    private final ExecutionsClient executions;
    private final StageLog log;
    private final Executor threads;

    public RunMigrations(JobsClient jobs, ExecutionsClient executions, StageLog log) {
        this(jobs, executions, log, ParallelRunner.FRESH_THREADS);
    }

    /** @param threads runs the migrations' lanes (a run's threads) */
    public RunMigrations(JobsClient jobs, ExecutionsClient executions, StageLog log, Executor threads) {
        this.jobs = jobs;
        this.executions = executions;
        this.log = log;
        this.threads = threads;
    }

    /**
     * @param images the images of this deploy by service name (each migration runs its service's image)
     * @param onExecution told of every execution as it ends, whatever its result, before a failure is thrown: the run
     *     records it at once, because a migration that failed half-way may have changed the schema
     */
    public List<MigrationResult> run(EnvironmentSpec env, List<MigrationSpec> migrations, Map<String, ImageRef> images,
            Consumer<MigrationResult> onExecution) throws InterruptedException {
        // Every check first: all images known, all jobs readable. Nothing changes until they pass.
        for (MigrationSpec spec : migrations) {
            if (!images.containsKey(spec.service())) {
                throw noImage(env, spec);
            }
        }
        return run(env, migrations, MigrationImages.of(images), onExecution);
    }

    /**
     * As {@link #run(EnvironmentSpec, List, Map, Consumer)}, each migration starting once its own service's image is
     * ready (the jobs are all read first; a migration whose image never comes fails without starting).
     */
    public List<MigrationResult> run(EnvironmentSpec env, List<MigrationSpec> migrations, MigrationImages images,
            Consumer<MigrationResult> onExecution) throws InterruptedException {
        Map<MigrationSpec, Job> found = new LinkedHashMap<>();
        for (MigrationSpec spec : migrations) {
            String name = JobName.of(env.projectId(), env.region(), spec.cloudRunJob(env)).toString();
            try {
                found.put(spec, jobs.getJob(name));
            } catch (ApiException e) {
                throw ApiFailure.of("read the migration job " + spec.cloudRunJob(env), name, RUN_ROLE, e);
            }
        }
        // One database's migrations one after another, in config order; different databases at once.
        Map<String, List<MigrationSpec>> byDatabase = new LinkedHashMap<>();
        for (MigrationSpec spec : found.keySet()) {
            byDatabase.computeIfAbsent(spec.database() == null ? "job:" + spec.job() : spec.database(), d -> new ArrayList<>()).add(spec);
        }
        List<NamedTask<List<MigrationResult>>> lanes = new ArrayList<>();
        byDatabase.forEach((database, specs) -> lanes.add(new NamedTask<>(database, () -> {
            List<MigrationResult> done = new ArrayList<>();
            for (MigrationSpec spec : specs) {
                ImageRef image = images.await(spec.service());
                if (image == null) {
                    throw noImage(env, spec);
                }
                done.add(runOne(env, spec, found.get(spec), image, onExecution));
            }
            return done;
        })));
        Map<String, MigrationResult> byJob = new LinkedHashMap<>();
        TaskOutcome.valuesOrThrow(new ParallelRunner(Math.max(1, lanes.size()), threads).runAll(STAGE, lanes))
                .forEach(lane -> lane.forEach(r -> byJob.put(r.job(), r)));
        List<MigrationResult> results = new ArrayList<>();
        found.keySet().forEach(spec -> results.add(byJob.get(spec.cloudRunJob(env))));
        return results;
    }

    private static DeployException noImage(EnvironmentSpec env, MigrationSpec spec) {
        return DeployException.of("No image for the migration job " + spec.cloudRunJob(env),
                "The job runs the image of service \"" + spec.service() + "\", which this deploy has not built."
                        + " Build the images first (mmBuildImages), or fix migrations[].service in the config.");
    }

    private MigrationResult runOne(EnvironmentSpec env, MigrationSpec spec, Job job, ImageRef image, Consumer<MigrationResult> onExecution)
            throws InterruptedException {
        String jobId = spec.cloudRunJob(env);
        TaskTemplate task = job.getTemplate().getTemplate();
        // Unset means Cloud Run's default of 3 retries.
        int retries = task.getRetriesCase() == TaskTemplate.RetriesCase.RETRIES_NOT_SET ? 3 : task.getMaxRetries();
        if (retries > 0) {
            log.warn(jobId + " allows " + retries + " retries per task: a migration that fails half-way is run again."
                    + " Set max_retries = 0 on the job unless every migration is idempotent.");
        }
        if (task.getContainersCount() == 0) {
            throw DeployException.of("The migration job " + jobId + " has no container", job.getName());
        }

        // A job already at exactly this digest (an unchanged service, a rerun) is not updated: that would only wait on an operation.
        boolean already = task.getContainers(0).getImage().equals(image.ref());
        if (!already) {
            setImage(jobId, job, task, image, spec);
        }
        log.info(jobId + ": image " + image.ref() + (already ? " (already the job's)" : ""));

        OperationFuture<Execution, Execution> run = jobs.runJobAsync(RunJobRequest.newBuilder().setName(job.getName()).build());
        Execution started = started(jobId, job.getName(), run);
        String executionId = shortName(started.getName());
        log.info(jobId + ": execution " + executionId + " started, waiting up to " + spec.timeout().toMinutes() + " min");

        Execution finished;
        try {
            finished = Operations.await(run, spec.timeout());
        } catch (TimeoutException e) {
            onExecution.accept(new MigrationResult(jobId, executionId, image.ref(), 0, 0, started.getLogUri(), MigrationResult.TIMED_OUT));
            // Not cancelled: stopping a schema migration half-way is its own risk; a person decides.
            throw DeployException.of("Migration " + jobId + " timed out: execution " + executionId,
                    "Execution " + started.getName() + " was still running after " + spec.timeout().toMinutes()
                            + " min, so the deploy stopped before any traffic moved. It may still be running: watch it"
                            + (started.getLogUri().isEmpty() ? "" : " at " + started.getLogUri())
                            + ", cancel it if it hangs, and raise migrations[].timeoutSeconds if it needs longer.");
        } catch (ApiException e) {
            finished = lookUp(started, e);
        }
        MigrationResult result = judge(jobId, finished, image);
        onExecution.accept(result);
        if (!result.succeeded()) {
            throw failure(jobId, finished, result);
        }
        log.info(jobId + ": execution " + result.execution() + " succeeded (" + result.succeededTasks() + " task(s))");
        return result;
    }

    private void setImage(String jobId, Job job, TaskTemplate task, ImageRef image, MigrationSpec spec) throws InterruptedException {
        Job updated = job.toBuilder()
                .setTemplate(job.getTemplate().toBuilder().setTemplate(task.toBuilder()
                        .setContainers(0, Container.newBuilder(task.getContainers(0)).setImage(image.ref()))))
                .build();
        try {
            Operations.await(jobs.updateJobAsync(updated), spec.timeout());
        } catch (ApiException e) {
            throw ApiFailure.of("set the image of the migration job " + jobId, job.getName(), RUN_ROLE, e);
        } catch (TimeoutException e) {
            throw DeployException.of("Updating the migration job " + jobId + " did not finish in " + spec.timeout().toMinutes() + " min",
                    job.getName() + "\nNo execution was started. Check the job in the Cloud Run console and run the step again.");
        }
    }

    private Execution started(String jobId, String jobName, OperationFuture<Execution, Execution> run) throws InterruptedException {
        try {
            return run.getMetadata().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ApiException api) {
                throw ApiFailure.of("start the migration job " + jobId, jobName, RUN_ROLE, api);
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private Execution lookUp(Execution started, ApiException operationError) {
        try {
            return executions.getExecution(started.getName());
        } catch (ApiException e) {
            throw ApiFailure.of("read the migration execution " + shortName(started.getName()), started.getName(), RUN_ROLE,
                    operationError);
        }
    }

    private static MigrationResult judge(String jobId, Execution execution, ImageRef image) {
        boolean cancelled = execution.getCancelledCount() > 0 || execution.getConditionsList().stream()
                .anyMatch(c -> c.getExecutionReason() == Condition.ExecutionReason.CANCELLED
                        || c.getExecutionReason() == Condition.ExecutionReason.CANCELLING);
        boolean complete = execution.getSucceededCount() >= Math.max(1, execution.getTaskCount());
        String result = cancelled ? MigrationResult.CANCELLED
                : execution.getFailedCount() > 0 || !complete ? MigrationResult.FAILED : MigrationResult.SUCCEEDED;
        return new MigrationResult(jobId, shortName(execution.getName()), image.ref(), execution.getSucceededCount(),
                execution.getFailedCount(), execution.getLogUri(), result);
    }

    private static DeployException failure(String jobId, Execution execution, MigrationResult result) {
        String what = MigrationResult.CANCELLED.equals(result.result()) ? "was cancelled" : "failed";
        return DeployException.of("Migration " + jobId + " " + what + ": execution " + result.execution(),
                execution.getName() + "\ntasks: " + execution.getSucceededCount() + " succeeded, "
                        + execution.getFailedCount() + " failed, " + execution.getCancelledCount() + " cancelled"
                        + conditionMessage(execution)
                        + "\nLogs: " + execution.getLogUri()
                        + "\nThe deploy stopped before any traffic moved; the execution is in the release record. Fix the migration and deploy again.");
    }

    private static String conditionMessage(Execution execution) {
        return execution.getConditionsList().stream()
                .filter(c -> c.getState() == Condition.State.CONDITION_FAILED && !c.getMessage().isEmpty())
                .map(c -> "\n" + c.getType() + ": " + c.getMessage())
                .findFirst().orElse("");
    }

    private static String shortName(String name) {
        return name.substring(name.lastIndexOf('/') + 1);
    }
}
