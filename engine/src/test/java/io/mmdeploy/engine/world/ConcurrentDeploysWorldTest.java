package io.mmdeploy.engine.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmdeploy.engine.diagnostics.DeployException;
import io.mmdeploy.engine.flow.Phase;
import io.mmdeploy.engine.steps.DeployRun;
import io.mmdeploy.engine.steps.DeploySteps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two runs of one environment at once, from two terminals or a terminal and a Jenkins build: one runs, nothing interleaves. */
class ConcurrentDeploysWorldTest {
    @TempDir
    Path dir;
    DeployWorld world;

    @BeforeEach
    void start() throws Exception {
        world = DeployWorld.start(dir, "staging");
    }

    @AfterEach
    void stop() {
        world.close();
    }

    @Test
    void aSecondTerminalRunDuringTheFirstFailsNamingTheHolderAndChangesNothing() throws Exception {
        Checkout ana = world.checkout("cli:ana@laptop");
        Checkout bo = world.checkout("cli:bo@desk");
        AtomicReference<Throwable> second = new AtomicReference<>();
        List<Long> buildsAround = new ArrayList<>();
        // Bo starts while Ana's run is between its migrations and its apply.
        ana.deploy("staging", Checkout.noTerminal(), step -> {
            if (!step.isGate() && step.phase() == Phase.SERVICES_APPLY && second.get() == null) {
                buildsAround.add(world.builds());
                long executions = world.migrationExecutions();
                try {
                    bo.deploy("staging");
                    second.set(new AssertionError("the second run went through"));
                } catch (Throwable t) {
                    second.set(t);
                }
                buildsAround.add(world.builds());
                assertThat(world.migrationExecutions()).isEqualTo(executions);
            }
        });

        assertThat(second.get()).isInstanceOf(DeployException.class)
                .hasMessageContaining("staging is being changed by another run: cli:ana@laptop");
        assertThat(buildsAround.get(1)).as("the second run built nothing").isEqualTo(buildsAround.get(0));
        world.assertConverged("staging");
        assertThat(world.records("staging")).filteredOn(r -> r.succeeded()).hasSize(1);
    }

    @Test
    void aTerminalRunWhileAJenkinsBuildHoldsTheLeaseFailsNamingTheBuildOrWaitsForIt() throws Exception {
        Checkout jenkins = world.checkout("jenkins:mindmirror/staging#12");
        DeploySteps build = jenkins.steps();
        build.preflight("staging");
        build.release("staging", "start", null, null, "deploy");
        assertThat(world.leaseOf("staging")).containsEntry("mm-holder", "jenkins:mindmirror/staging#12");

        assertThatThrownBy(() -> world.checkout("cli:ana@laptop").deploy("staging")).isInstanceOf(DeployException.class)
                .hasMessageContaining("jenkins:mindmirror/staging#12");
        assertThat(world.builds()).isZero();

        // Waiting: the build finishes (here: gives up) while the terminal waits, and the terminal's run goes on.
        Checkout waiting = world.checkout("cli:ana@laptop").leaseWait(Duration.ofMinutes(5)).paced();
        DeployRun run = new DeployRun(waiting.steps(), waiting.approvals, Checkout.noTerminal(), world.clock,
                world.log.stage(DeployRun.STAGE), "ana", DeployRun.Progress.NONE);
        Thread finisher = new Thread(() -> {
            try {
                // Once the terminal's run is waiting for the lease (it says so), the build gives up.
                for (int i = 0; i < 1000 && !world.log.text().contains("staging is held by jenkins:mindmirror/staging#12"); i++) {
                    Thread.sleep(10);
                }
                build.release("staging", "finish", "FAILED", "Build images", null);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        finisher.start();
        DeployRun.Result result = run.run("staging", false, Map.of());
        finisher.join();
        assertThat(result.status()).isEqualTo("SUCCEEDED");
        world.assertConverged("staging");
        assertThat(world.log.text()).contains("staging is held by jenkins:mindmirror/staging#12");
    }
}
