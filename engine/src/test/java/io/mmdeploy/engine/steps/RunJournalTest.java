package io.mmdeploy.engine.steps;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.engine.port.local.LocalWorkspace;
import io.mmdeploy.engine.release.ReleaseRecord;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunJournalTest {
    @TempDir
    Path dir;

    /** Two steps at once in one workspace (Jenkins' parallel branches), each with a journal of its own, one lock. */
    @Test
    void stepsThatShareTheHostsLockLoseNoneOfEachOthersChanges() throws Exception {
        ReentrantLock shared = new ReentrantLock();
        RunJournal images = new RunJournal(new LocalWorkspace(dir), shared);
        RunJournal gateway = new RunJournal(new LocalWorkspace(dir), shared);
        images.begin("staging", "20261202-080000-abc1234", "abc1234", null);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> branches = new ArrayList<>();
        for (RunJournal journal : List.of(images, gateway)) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 100; i++) {
                    journal.update("staging", d -> d.approvals.add(ReleaseRecord.Approval.auto("services", Instant.EPOCH)));
                }
            });
            t.start();
            branches.add(t);
        }
        go.countDown();
        for (Thread t : branches) {
            t.join();
        }

        assertThat(new RunJournal(new LocalWorkspace(dir)).read("staging").approvals()).hasSize(200);
    }
}
