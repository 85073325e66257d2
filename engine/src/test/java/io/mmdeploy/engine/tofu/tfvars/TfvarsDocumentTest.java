package io.mmdeploy.engine.tofu.tfvars;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmdeploy.engine.diagnostics.DeployException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TfvarsDocumentTest {

    @Test
    void readsStringsNumbersBoolsListsAndMapsPastAllThreeCommentStyles() {
        String text = """
                # hash comment with "quotes" and = signs
                project_id = "mindmirror-staging" // trailing
                /* block
                   comment project_id = "x" */
                replicas = 3
                debug    = true
                nothing  = null
                zones    = ["a", "b",]
                labels = {
                  team = "core"
                  "web-ui": "x#y"
                }
                """;
        TfvarsDocument doc = TfvarsDocument.parse("s.tfvars", text);
        assertThat(doc.string("project_id")).contains("mindmirror-staging");
        assertThat(doc.attribute("replicas").orElseThrow().value()).isEqualTo(new BigDecimal("3"));
        assertThat(doc.attribute("debug").orElseThrow().value()).isEqualTo(Boolean.TRUE);
        assertThat(doc.attribute("nothing").orElseThrow().value()).isNull();
        assertThat(doc.attribute("zones").orElseThrow().value()).isEqualTo(List.of("a", "b"));
        assertThat(doc.attribute("labels").orElseThrow().value()).isEqualTo(Map.of("team", "core", "web-ui", "x#y"));
        TfvarsAttribute p = doc.attribute("project_id").orElseThrow();
        assertThat(text.substring(p.valueStart(), p.valueEnd())).isEqualTo("\"mindmirror-staging\"");
        assertThat(p.line()).isEqualTo(2);
    }

    @Test
    void decodesEscapesAndLiteralTemplateIntroducers() {
        TfvarsDocument doc = TfvarsDocument.parse("e.tfvars",
                "a = \"q\\\"b\\\\s\\u00e9 $${lit} %%{x} 100%\"\r\nb = <<-EOT\n    one\n      two $${y}\n    EOT\n");
        assertThat(doc.string("a")).contains("q\"b\\s\u00e9 ${lit} %{x} 100%");
        assertThat(doc.string("b")).contains("one\n  two ${y}\n");
    }

    @Test
    void refusesTemplatesVariablesBlocksAndDuplicatesWithTheLine() {
        assertThatThrownBy(() -> TfvarsDocument.parse("f.tfvars", "a = \"x\"\nb = \"${var.x}\"\n"))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("Variables not allowed")
                .hasMessageContaining("f.tfvars:2:6");
        assertThatThrownBy(() -> TfvarsDocument.parse("f.tfvars", "a = var.x\n"))
                .hasMessageContaining("Variables not allowed");
        assertThatThrownBy(() -> TfvarsDocument.parse("f.tfvars", "variable \"x\" {}\n"))
                .hasMessageContaining("Blocks are not allowed");
        assertThatThrownBy(() -> TfvarsDocument.parse("f.tfvars", "a = 1\na = 2\n"))
                .hasMessageContaining("Attribute redefined")
                .hasMessageContaining("f.tfvars:2:1");
        assertThatThrownBy(() -> TfvarsDocument.parse("f.tfvars", "a = \"open\n"))
                .hasMessageContaining("Unterminated string");
        assertThatThrownBy(() -> TfvarsDocument.parse("f.tfvars", "a = \"\\q\"\n"))
                .hasMessageContaining("Invalid escape sequence");
    }
}
