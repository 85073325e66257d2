package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.config.ApprovalPolicy.Gate;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.MigrationSpec;
import io.mmdeploy.engine.flow.Phase;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.lease.Lease;
import io.mmdeploy.engine.migrations.MigrationImages;
import io.mmdeploy.engine.migrations.MigrationResult;
import io.mmdeploy.engine.migrations.RunMigrations;
import io.mmdeploy.engine.release.ReleaseRecord.MigrationRun;
import io.mmdeploy.engine.source.Sha256;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * mmRunMigrations: points each migration job at its service's image of this run and runs it, recording every
 * execution as it ends (a failed one too). In a gated environment only after the services plan was approved, so a
 * rejected gate leaves the schema as it was; in an ungated one beside the services plan, and in a deploy run as soon as
 * the migration's own service's image is ready. Not redone in a rerun when
 * the images are the same.
 */
final class MigrationsPhase {
    private final RunContext run;
    private final TofuPhase tofu;

    MigrationsPhase(RunContext run, TofuPhase tofu) {
        this.run = run;
        this.tofu = tofu;
    }

    MigrationsResult run(EnvironmentSpec env) throws InterruptedException {
        return run(env, null);
    }

    /**
     * @param ready this run's images as its builds make them (a deploy run in this process), or null: then the build
     *     phase must have succeeded. Where the flow lets the migrations start with the builds ({@link
     *     io.mmdeploy.engine.flow.DeployFlow#migratesAsImagesReady}), each migration waits there for its own image.
     */
    MigrationsResult run(EnvironmentSpec env, ReadyImages ready) throws InterruptedException {
        boolean awaiting = ready != null && run.flow(env).migratesAsImagesReady();
        RunJournal.Entry entry = awaiting ? run.guardAwaitingImages(env, Phase.MIGRATIONS) : run.guard(env, Phase.MIGRATIONS);
        MigrationImages images = awaiting ? ready : MigrationImages.of(entry.imageRefs());
        if (entry.succeeded(Phase.MIGRATIONS) && inputs(images).equals(entry.phase(Phase.MIGRATIONS).inputs())) {
            run.stages.log(RunMigrations.STAGE).info("Migrations already ran in this run with these images: not run again");
            return new MigrationsResult(entry.migrations(), true);
        }
        Duration longest = run.longestMigration();
        List<MigrationResult> results;
        try (GoogleClients clients = run.open(env, longest)) {
            if (RunContext.policy(env).gated(Gate.SERVICES)) {
                // Where a person approves the services plan, the migrations go with it: only once that plan is approved.
                tofu.requireOpenApprovedPlan(env, Phase.MIGRATIONS, Phase.SERVICES_PLAN, null, clients);
            }
            Lease lease = run.lease(env, clients, entry);
            // Waiting for the images, the inputs are known only at the end (a failure records none: the rerun migrates).
            String startInputs = awaiting ? null : inputs(images);
            run.journal.update(env.name(), d -> d.phase(Phase.MIGRATIONS, RunJournal.RUNNING, startInputs, run.now(), null));
            try (Lease.KeptAlive held = run.keepAlive(lease)) {
                Consumer<MigrationResult> record = r -> run.journal.update(env.name(), d -> d.migrations.add(MigrationRun.of(r)));
                RunMigrations migrations = run.stages.migrations(clients);
                results = awaiting ? migrations.run(env, run.config.migrations(), images, record)
                        : migrations.run(env, run.config.migrations(), entry.imageRefs(), record);
            } catch (RuntimeException e) {
                run.failed(env, Phase.MIGRATIONS, e);
                throw e;
            }
        }
        String inputs = inputs(images);
        run.journal.update(env.name(), d -> d.phase(Phase.MIGRATIONS, RunJournal.SUCCEEDED, inputs, run.now(), results.size() + " execution(s)"));
        return new MigrationsResult(results.stream().map(MigrationRun::of).toList(), false);
    }

    /** The images the jobs run: a rerun with the same ones does not migrate again. */
    private String inputs(MigrationImages images) throws InterruptedException {
        Map<String, String> used = new TreeMap<>();
        for (MigrationSpec m : run.config.migrations()) {
            ImageRef image = images.await(m.service());
            used.put(m.job(), image == null ? "" : image.ref());
        }
        return Sha256.hex(used.toString());
    }
}
