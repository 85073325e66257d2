package io.mmdeploy.engine.canary;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.engine.port.local.LocalWorkspace;
import io.mmdeploy.engine.testing.ExampleRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrafficOwnershipTest {
    @TempDir
    Path dir;

    @Test
    void theExampleInfraLeavesEveryServicesTrafficToTheEngineButTheGateways() throws Exception {
        ExampleRepo repo = ExampleRepo.copyInto(dir);

        assertThat(TrafficOwnership.resetters(new LocalWorkspace(repo.root()), "infra", Set.of("google_cloud_run_v2_service.gateway")))
                .isEmpty();
        assertThat(TrafficOwnership.resetters(new LocalWorkspace(repo.root()), "infra", Set.of()))
                .containsExactly("infra/main.tf: google_cloud_run_v2_service.gateway");
    }

    @Test
    void aServiceWhoseLifecycleDoesNotIgnoreTrafficIsNamed() throws Exception {
        Files.createDirectories(dir.resolve("infra"));
        Files.writeString(dir.resolve("infra/run.tf"), """
                resource "google_cloud_run_v2_service" "api" {
                  name = "api"
                  template {
                    containers { image = var.image }
                  }
                  lifecycle {
                    ignore_changes = [template[0].labels]
                  }
                }
                resource "google_cloud_run_v2_service" "web" {
                  lifecycle {
                    prevent_destroy = true
                    ignore_changes  = [client, traffic]
                  }
                }
                """);
        Files.writeString(dir.resolve("infra/notes.txt"), "resource \"google_cloud_run_v2_service\" \"ignored\" {}");

        assertThat(TrafficOwnership.resetters(new LocalWorkspace(dir), "infra", Set.of())).containsExactly("infra/run.tf: google_cloud_run_v2_service.api");
    }
}
