package io.mmdeploy.engine.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.mmdeploy.engine.testing.ExampleRepo;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The JSON Schema shipped for editors (resources/mm-deploy.schema.json) must agree with the loader. */
class ConfigSchemaTest {
    private static JsonSchema schema;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path dir;

    @BeforeAll
    static void loadSchema() throws Exception {
        Path file = ExampleRepo.projectFile("resources/mm-deploy.schema.json");
        try (InputStream in = Files.newInputStream(file)) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
    }

    private Set<ValidationMessage> validate(ExampleRepo repo) throws Exception {
        JsonNode config = YAML.readTree(repo.read(ExampleRepo.CONFIG));
        return schema.validate(config);
    }

    @Test
    void theBundledExampleConformsToTheSchema() throws Exception {
        assertThat(validate(ExampleRepo.copyInto(dir))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "    tfvarsVariable: agent_service_container_image|    tfvarsVarible: agent_service_container_image|tfvarsVarible",
        "timeoutSeconds: 900|timeoutSeconds: ten|timeoutSeconds",
        "id: mindmirror-staging|id: MindMirror_Staging|id",
        "gates: [services, gateway]|gates: [services, gateways]|gates",
        "cloudRunName: agent-service|cloudRunName: Agent_Service|cloudRunName",
        "registry: us-east4-docker.pkg.dev/mindmirror-69/mindmirror|registry: docker.io/mindmirror|registry",
        "app: mindmirror|app: Mind Mirror|app",
    })
    void whatTheLoaderRefusesTheSchemaRefusesToo(String from, String to, String field) throws Exception {
        ExampleRepo repo = ExampleRepo.copyInto(dir).replace(ExampleRepo.CONFIG, from, to);
        Set<ValidationMessage> problems = validate(repo);
        assertThat(problems).isNotEmpty();
        assertThat(problems).anySatisfy(m -> assertThat(m.getInstanceLocation() + " " + m.getMessage()).contains(field));
    }
}
