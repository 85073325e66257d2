package io.jenkins.plugins.mmdeploy.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmdeploy.engine.port.SecretMask;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSinkTest {

    @Test
    void cutsOutputIntoMaskedLinesAsTheyComplete() {
        SecretMask mask = new SecretMask();
        mask.add("hunter22");
        List<String> lines = new ArrayList<>();
        LineSink sink = new LineSink(mask, lines::add);

        byte[] chunk1 = "password=hun".getBytes(StandardCharsets.UTF_8);
        byte[] chunk2 = "ter22\r\nnext ü line\nlast".getBytes(StandardCharsets.UTF_8);
        sink.write(chunk1, 0, chunk1.length);
        assertThat(lines).isEmpty(); // a secret split across writes is masked once its line is whole
        sink.write(chunk2, 0, chunk2.length);
        assertThat(lines).containsExactly("password=****", "next ü line");
        sink.close();

        assertThat(lines).containsExactly("password=****", "next ü line", "last");
        assertThat(sink.text()).isEqualTo("password=****\nnext ü line\nlast\n").doesNotContain("hunter22");
    }
}
