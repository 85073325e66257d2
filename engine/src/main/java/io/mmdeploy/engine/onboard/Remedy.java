package io.mmdeploy.engine.onboard;

import com.google.api.gax.rpc.ApiException;
import com.google.api.serviceusage.v1.BatchEnableServicesRequest;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.StorageException;
import com.google.devtools.artifactregistry.v1.CreateRepositoryRequest;
import com.google.devtools.artifactregistry.v1.LocationName;
import com.google.devtools.artifactregistry.v1.Repository;
import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.gcp.ApiFailure;
import io.mmdeploy.engine.gcp.GoogleClients;
import io.mmdeploy.engine.gcp.Operations;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;

/**
 * A missing piece that mm-deploy may create itself, in the environment's own project: what doctor reports and bootstrap
 * applies, so that bootstrap creates exactly what doctor found missing.
 */
public sealed interface Remedy {

    /** The project it changes; bootstrap refuses one outside the environment's. */
    String project();

    /** One line for the plan, e.g. {@code enable run.googleapis.com in p}. */
    String describe();

    /** The same change as an administrator would make it by hand. */
    String gcloud();

    /** The project permission the change needs (one of {@link RequiredAccess#BOOTSTRAP}). */
    String permission();

    /** Makes the change, waiting at most {@code wait} for a long-running operation. */
    void make(GoogleClients clients, Duration wait) throws InterruptedException;

    record EnableApis(String project, List<String> services) implements Remedy {
        public EnableApis {
            services = List.copyOf(services);
        }

        @Override
        public String describe() {
            return "enable " + String.join(", ", services) + " in " + project;
        }

        @Override
        public String gcloud() {
            return "gcloud services enable " + String.join(" ", services) + " --project=" + project;
        }

        @Override
        public String permission() {
            return "serviceusage.services.enable";
        }

        @Override
        public void make(GoogleClients clients, Duration wait) throws InterruptedException {
            String parent = "projects/" + project;
            try {
                Operations.await(clients.serviceUsage().batchEnableServicesAsync(BatchEnableServicesRequest.newBuilder()
                        .setParent(parent).addAllServiceIds(services).build()), wait);
            } catch (ApiException e) {
                throw ApiFailure.of("enable " + String.join(", ", services), parent, "roles/serviceusage.serviceUsageAdmin", e);
            } catch (TimeoutException e) {
                throw Remedy.timedOut(this, wait);
            }
        }
    }

    record CreateRepository(String project, String location, String repository, Map<String, String> labels) implements Remedy {
        public CreateRepository {
            labels = Map.copyOf(labels);
        }

        @Override
        public String describe() {
            return "create the Docker repository " + location + "-docker.pkg.dev/" + project + "/" + repository;
        }

        @Override
        public String gcloud() {
            return "gcloud artifacts repositories create " + repository + " --repository-format=docker --location=" + location
                    + " --project=" + project;
        }

        @Override
        public String permission() {
            return "artifactregistry.repositories.create";
        }

        @Override
        public void make(GoogleClients clients, Duration wait) throws InterruptedException {
            String parent = LocationName.of(project, location).toString();
            try {
                Operations.await(clients.artifactRegistry().createRepositoryAsync(CreateRepositoryRequest.newBuilder()
                        .setParent(parent).setRepositoryId(repository)
                        .setRepository(Repository.newBuilder().setFormat(Repository.Format.DOCKER).putAllLabels(labels)
                                .setDescription("mm-deploy images"))
                        .build()), wait);
            } catch (ApiException e) {
                throw ApiFailure.of("create the repository " + repository, parent, "roles/artifactregistry.admin", e);
            } catch (TimeoutException e) {
                throw Remedy.timedOut(this, wait);
            }
        }
    }

    record CreateBucket(String project, String bucket, String location, Map<String, String> labels) implements Remedy {
        public CreateBucket {
            labels = Map.copyOf(labels);
        }

        @Override
        public String describe() {
            return "create the state bucket gs://" + bucket + " in " + project + " (" + location + ", object versioning on, labels "
                    + new TreeMap<>(labels) + ")";
        }

        @Override
        public String gcloud() {
            return "gcloud storage buckets create gs://" + bucket + " --project=" + project + " --location=" + location
                    + " --uniform-bucket-level-access && gcloud storage buckets update gs://" + bucket + " --versioning";
        }

        @Override
        public String permission() {
            return "storage.buckets.create";
        }

        /** The Storage client creates the bucket in the clients' project, which is the environment's. */
        @Override
        public void make(GoogleClients clients, Duration wait) {
            try {
                clients.storage().create(BucketInfo.newBuilder(bucket)
                        .setLocation(location)
                        .setVersioningEnabled(true)
                        .setLabels(labels)
                        .setIamConfiguration(BucketInfo.IamConfiguration.newBuilder().setIsUniformBucketLevelAccessEnabled(true).build())
                        .build());
            } catch (StorageException e) {
                throw DeployException.of("Cannot create the state bucket gs://" + bucket + ": HTTP " + e.getCode(),
                        e.getMessage() + (e.getCode() == 409 ? "\nBucket names are global: another project holds this one."
                                + " Choose another name in the backend config." : "\nGrant roles/storage.admin on " + project + "."));
            }
        }
    }

    private static DeployException timedOut(Remedy r, Duration wait) {
        return DeployException.of("Timed out: " + r.describe(), "Google did not finish within " + wait.toMinutes()
                + " minutes; it may still be running. Run `mmdeploy doctor` to see what exists now, then bootstrap again.");
    }
}
