package io.mmdeploy.engine.onboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.engine.testing.ExampleRepo;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** docs/onboarding.md lists exactly what {@link RequiredAccess} asks for, with the same roles. */
class RequiredAccessDocTest {
    @Test
    void theDocsTableIsTheList() throws Exception {
        String doc = Files.readString(ExampleRepo.projectFile("docs/onboarding.md"));

        for (RequiredAccess.Api api : RequiredAccess.APIS) {
            assertThat(doc).contains("| `" + api.service() + "` | " + api.usedFor() + " |");
        }
        for (RequiredAccess.Permission p : RequiredAccess.DEPLOYER) {
            assertThat(doc).contains("| `" + p.name() + "` | ").contains("| `" + p.role() + "` | " + p.usedFor() + " |");
            assertThat(doc.lines().filter(l -> l.startsWith("| `" + p.name() + "` |")).findFirst().orElseThrow())
                    .contains(p.role(), p.usedFor());
        }
        for (RequiredAccess.Permission p : RequiredAccess.BOOTSTRAP) {
            assertThat(doc).contains("| `" + p.name() + "` | `" + p.role() + "` | " + p.usedFor() + " |");
        }
        assertThat(doc.lines().filter(l -> l.matches("\\| `[a-z]+\\.[a-zA-Z.]+` \\|.*")))
                .hasSize(RequiredAccess.APIS.size() + RequiredAccess.DEPLOYER.size() + RequiredAccess.BOOTSTRAP.size());
    }
}
