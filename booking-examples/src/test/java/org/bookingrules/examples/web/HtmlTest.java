package org.bookingrules.examples.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Escaping, and the bidirectional controls replaced. */
@DisplayName("Html")
class HtmlTest {

    @Test
    @DisplayName("Every bidirectional control is replaced with U+FFFD; markup is escaped; other text is kept")
    void bidiControlsAreReplaced() {
        String controls = "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C";
        for (char c : controls.toCharArray()) {
            assertThat(Html.isBidiControl(c)).as("U+%04X", (int) c).isTrue();
            assertThat(Html.esc("a" + c + "b")).as("U+%04X", (int) c).isEqualTo("a\uFFFDb");
        }
        String rtl = "\u05E9\u05DC\u05D5\u05DD \u0627\u0644\u0633\u0644\u0627\u0645";
        assertThat(Html.esc("Consulta <b>\"Niño\" & 'más'</b> " + rtl))
                .as("right-to-left letters are text, not controls: kept")
                .isEqualTo("Consulta &lt;b&gt;&quot;Niño&quot; &amp; &#39;más&#39;&lt;/b&gt; "
                        + rtl);
        // Neighbours of the ranges, and joiners, are not controls of direction.
        for (char c : "\u2029\u202F\u2065\u206A\u200D\u200C\u061B\u061D\u00A0".toCharArray()) {
            assertThat(Html.isBidiControl(c)).as("U+%04X", (int) c).isFalse();
        }
    }
}
