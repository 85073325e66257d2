package io.mmdeploy.engine.onboard;

import com.google.devtools.artifactregistry.v1.Repository;
import io.mmdeploy.engine.config.ConfigLoader;
import io.mmdeploy.engine.config.EnvironmentSpec;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.gcp.fake.FakeGoogleCloud;
import io.mmdeploy.engine.port.local.LocalWorkspace;
import io.mmdeploy.engine.testing.ExampleRepo;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** The example's staging environment and a fake Google Cloud, empty or with everything a deploy needs. */
final class OnboardCloud implements AutoCloseable {
    static final String PROJECT = "mindmirror-staging";
    static final String NUMBER = "1234567890";
    static final String OTHER_PROJECT = "mindmirror-69";
    static final String BUCKET = "mindmirror-staging-tfstate";
    static final String REPOSITORY = "projects/mindmirror-staging/locations/us-east4/repositories/mindmirror";

    final ExampleRepo repo;
    final LocalWorkspace workspace;
    final EnvironmentSpec staging;
    final FakeGoogleCloud cloud;

    OnboardCloud(Path dir) throws IOException {
        repo = ExampleRepo.copyInto(dir);
        workspace = new LocalWorkspace(repo.root());
        staging = new ConfigLoader(workspace).load(ExampleRepo.CONFIG).config().environment("staging");
        cloud = FakeGoogleCloud.start();
        // Production's project has a life of its own, which nothing for staging may touch.
        cloud.serviceUsage.enable(OTHER_PROJECT, "run.googleapis.com");
        cloud.artifactRegistry.addRepository(OTHER_PROJECT, "us-east4", "mindmirror", Repository.Format.DOCKER);
        cloud.storage.addBucket("mindmirror-69-tfstate", "3858903851", true);
    }

    /** Everything doctor checks is there and on. */
    OnboardCloud ready() {
        cloud.serviceUsage.enable(PROJECT, RequiredAccess.APIS.stream().map(RequiredAccess.Api::service).toArray(String[]::new));
        cloud.artifactRegistry.addRepository(PROJECT, "us-east4", "mindmirror", Repository.Format.DOCKER);
        cloud.storage.addBucket(BUCKET, NUMBER, true);
        return this;
    }

    GoogleClients clients() {
        return cloud.clients(PROJECT, Duration.ofMinutes(1));
    }

    @Override
    public void close() {
        cloud.close();
    }
}
