package io.mmdeploy.engine.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.engine.port.local.LocalWorkspace;
import io.mmdeploy.engine.testing.ExampleRepo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentChoiceTest {
    @TempDir
    Path dir;

    private DeployConfig example() {
        return new ConfigLoader(new LocalWorkspace(ExampleRepo.copyInto(dir).root())).load(ExampleRepo.CONFIG).config();
    }

    @Test
    void theBranchPicksItsEnvironmentAndSaysWhetherItIsGated() {
        DeployConfig config = example();

        EnvironmentChoice main = EnvironmentChoice.of(config, "main");
        assertThat(main.environment()).isEqualTo("production");
        assertThat(main.gated()).isTrue();

        EnvironmentChoice staging = EnvironmentChoice.of(config, " staging ");
        assertThat(staging.environment()).isEqualTo("staging");
        assertThat(staging.gated()).isFalse();
    }

    @Test
    void anUnknownOrMissingBranchChoosesNothingButStillListsWhatIsKnown() {
        DeployConfig config = example();

        for (String branch : new String[] {"feature/x", "", null}) {
            Map<String, Object> map = EnvironmentChoice.of(config, branch).toMap();
            assertThat(map).containsEntry("environment", null).containsEntry("gated", false);
            assertThat(map.get("known")).isEqualTo(Map.of("staging", "staging", "main", "production"));
        }
    }

    @Test
    void theMapHasTheKeysOfTheContractInConfigOrder() {
        Map<String, Object> map = EnvironmentChoice.of(example(), "staging").toMap();

        assertThat(map.keySet()).containsExactly("environment", "gated", "known", "environments", "services", "gateway");
        assertThat(map.get("environments")).isEqualTo(List.of("staging", "production"));
        assertThat(map.get("services")).isEqualTo(List.of("agent", "journal", "habits", "meals", "movements", "practices", "users", "celery-worker"));
        assertThat(map.get("gateway")).isEqualTo("mesh");
        assertThat(List.copyOf(((Map<?, ?>) map.get("known")).keySet())).isEqualTo(List.of("staging", "main"));
    }
}
