package io.mmdeploy.engine.steps;

import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.config.PromotionSpec;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.flow.Phase;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.images.ImageBuildRequest;
import io.mmdeploy.engine.images.ImageRef;
import io.mmdeploy.engine.lease.Lease;
import io.mmdeploy.engine.plan.DeployPlan;
import io.mmdeploy.engine.plan.ServicePlan;
import io.mmdeploy.engine.port.StageLog;
import io.mmdeploy.engine.promotion.ImageCopy;
import io.mmdeploy.engine.promotion.OciRegistry;
import io.mmdeploy.engine.release.ReleaseHistory;
import io.mmdeploy.engine.release.ReleaseRecord;
import io.mmdeploy.engine.release.ReleaseRecord.ImageRecord;
import io.mmdeploy.engine.run.NamedTask;
import io.mmdeploy.engine.run.ParallelRunner;
import io.mmdeploy.engine.run.TaskOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * mmPromoteImages: build once, promote by digest. When the source environment (promoteFrom) deployed this commit
 * successfully, and no rollback undid that release, each service's image of that release is copied from the source's
 * registry into this environment's, read with the source's credentials and written with this environment's own, and
 * the digest must stay the same. Otherwise the images are built ({@code requirePromotion: true} refuses instead). The
 * gateway is never promoted: it is built with this environment's service URLs.
 */
final class PromotePhase {
    static final String STAGE = "promote-images";

    private final RunContext run;

    PromotePhase(RunContext run) {
        this.run = run;
    }

    ImagesResult promote(EnvironmentSpec env) throws InterruptedException {
        PromotionSpec promotion = env.promotion();
        if (promotion == null) {
            throw DeployException.of(env.name() + " promotes from no environment",
                    run.config.file() + " sets no environments." + env.name() + ".promoteFrom: its images are built (mmBuildImages).");
        }
        EnvironmentSpec source = run.env(promotion.from());
        DeployPlan plan = run.plan(env);
        RunJournal.Entry entry = run.guard(env, Phase.PROMOTE_IMAGES);
        StageLog log = run.stages.log(STAGE);
        Optional<ReleaseRecord> release;
        String newest;
        try (GoogleClients sourceClients = run.open(source)) {
            ReleaseHistory history = ReleaseHistory.read(run.stages.releases(source, sourceClients).store());
            release = promotable(history, entry.commit());
            newest = history.newest().map(r -> r.id() + " (" + r.outcome().describe() + ")").orElse("none");
        }
        if (release.isEmpty()) {
            String commit = entry.commit() == null ? "this checkout (not in git)" : "commit " + entry.commit();
            if (promotion.required()) {
                DeployException refusal = DeployException.of("Refusing to deploy " + commit + " to " + env.name() + ": " + source.name()
                                + " has no successful deploy of it",
                        env.name() + " takes " + source.name() + "'s tested images (environments." + env.name() + ".requirePromotion: true),"
                                + " so it needs a succeeded " + source.name() + " release of " + commit + " that no rollback undid ("
                                + source.name() + "'s newest release: " + newest + "). Deploy that commit to " + source.name()
                                + " first. Nothing was changed.");
                run.failed(env, Phase.PROMOTE_IMAGES, refusal);
                throw refusal;
            }
            log.info(source.name() + " has no successful deploy of " + commit + ": " + env.name() + " builds its images");
            run.journal.update(env.name(), d -> d.phase(Phase.PROMOTE_IMAGES, RunJournal.SUCCEEDED, entry.commit(), run.now(),
                    "nothing to promote: built instead"));
            return new ImagesResult(List.of());
        }
        ReleaseRecord from = release.get();
        List<NamedTask<ImageRef>> copies = new ArrayList<>();
        Path scratch = scratch();
        OciRegistry reader = run.stages.registry(source);
        OciRegistry writer = run.stages.registry(env);
        for (ServicePlan service : plan.services()) {
            ImageRecord image = from.serving(service.name()).map(ReleaseRecord.ServiceRelease::image).filter(i -> i.digest() != null)
                    .orElseThrow(() -> DeployException.of(source.name() + " release " + from.id() + " names no image digest for " + service.name(),
                            "A promotion copies every service's image by digest; this record has none for it. Build instead (remove"
                                    + " requirePromotion) or deploy the commit to " + source.name() + " again. Nothing was changed."));
            ImageBuildRequest target = ImageBuildRequest.forService(run.config.service(service.name()).orElseThrow(), env,
                    service.buildFingerprint(), service.buildTags());
            List<String> tags = new ArrayList<>(target.tags());
            tags.add(target.fingerprintTag());
            ImageCopy copy = new ImageCopy(reader, writer, scratch, log);
            copies.add(new NamedTask<>(service.name(), () -> {
                ImageCopy.Copied done = copy.copy(path(image.repository()), image.digest(), path(target.repository()), tags);
                log.info(service.name() + ": " + target.repository() + "@" + done.digest() + " promoted from " + source.name() + " release "
                        + from.id() + " (" + done.blobsCopied() + " blob(s) copied, " + done.blobsPresent() + " already there)");
                return new ImageRef(service.name(), target.repository(), target.tags(), done.digest(), false,
                        new ImageRef.PromotedFrom(source.name(), from.id(), image.repository()));
            }));
        }
        List<ImageRef> images;
        try (GoogleClients clients = run.open(env);
                Lease.KeptAlive held = run.keepAlive(run.lease(env, clients, entry))) {
            run.journal.update(env.name(), d -> d.phase(Phase.PROMOTE_IMAGES, RunJournal.RUNNING, entry.commit(), run.now(), null));
            images = TaskOutcome.valuesOrThrow(new ParallelRunner(run.stages.settings().maxParallelBuilds()).runAll(STAGE, copies));
        } catch (RuntimeException e) {
            run.failed(env, Phase.PROMOTE_IMAGES, e);
            throw e;
        } finally {
            delete(scratch);
        }
        run.journal.update(env.name(), d -> {
            d.images(images);
            d.phase(Phase.PROMOTE_IMAGES, RunJournal.SUCCEEDED, entry.commit(), run.now(),
                    images.size() + " promoted from " + source.name() + " release " + from.id());
        });
        return new ImagesResult(images);
    }

    /** The newest succeeded deploy of the commit that no rollback undid. */
    static Optional<ReleaseRecord> promotable(ReleaseHistory history, String commit) {
        if (commit == null) {
            return Optional.empty();
        }
        return history.newestFirst().stream()
                .filter(r -> r.kind() == ReleaseRecord.Kind.DEPLOY && r.succeeded() && r.commit() != null && commit.equals(r.commit().sha()))
                .filter(r -> history.rolledBackBy(r.id()).isEmpty())
                .findFirst();
    }

    /** {@code host/project/repo/image} → {@code project/repo/image}, the distribution API's repository name. */
    private static String path(String repository) {
        return repository.substring(repository.indexOf('/') + 1);
    }

    private static Path scratch() {
        try {
            return Files.createTempDirectory("mm-promote-");
        } catch (IOException e) {
            throw DeployException.of("Cannot create a directory for blobs in transit", String.valueOf(e.getMessage()));
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary directory left behind holds only public image layers
        }
    }
}
