package org.bookingrules.examples.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Strict form and query decoding: malformed means refused whole, never a pair skipped. */
@DisplayName("FormCodec")
class FormCodecTest {

    @ParameterizedTest(name = "\"{0}\" is malformed")
    @ValueSource(strings = {"reason=%E0%A4%A", "reason=%zz", "reason=%", "reason=a%", "reason=%4", "reason=%C3",
        "reason=%E0%A4", "reason=%C0%AF", "reason=%FF", "%zz=x", "=x", "a=1&a=2", "csrf=x&reason=%G1"})
    @DisplayName("A cut-off or non-hex escape, bytes that are not UTF-8, an empty or repeated name: the whole "
            + "text is malformed")
    void malformed(String encoded) {
        assertThat(FormCodec.decode(encoded.getBytes(StandardCharsets.US_ASCII))).isEmpty();
        assertThat(FormCodec.decodeQuery(encoded)).isEmpty();
    }

    @Test
    @DisplayName("Well-formed escapes, plus signs, UTF-8, empty values and empty pairs decode")
    void wellFormed() {
        assertThat(FormCodec.decode("csrf=a-b_c&reason=Fiebre%2C+38%C2%B0C&email=%20x%40y.org&flag&&e="
                .getBytes(StandardCharsets.US_ASCII))).hasValue(Map.of("csrf", "a-b_c", "reason", "Fiebre, 38°C",
                "email", " x@y.org", "flag", "", "e", ""));
        assertThat(FormCodec.decode(new byte[0])).hasValue(Map.of());
        assertThat(FormCodec.decodeQuery(null)).hasValue(Map.of());
        assertThat(FormCodec.decodeQuery("t=%E2%80%AE")).hasValue(Map.of("t", "\u202E"));
    }

    @Test
    @DisplayName("At most 32 fields")
    void boundedFieldCount() {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < FormCodec.MAX_FIELDS; i++) {
            many.append(i == 0 ? "" : "&").append("f").append(i).append("=x");
        }
        assertThat(FormCodec.decodeQuery(many.toString())).isPresent();
        assertThat(FormCodec.decodeQuery(many + "&one=more")).isEmpty();
    }
}
