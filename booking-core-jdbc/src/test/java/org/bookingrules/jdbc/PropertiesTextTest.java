package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link Codec.PropertiesText} writes, byte for byte, what the stored texts were written as before it:
 * {@link Properties#store} less its date comment, lines sorted, joined by a line feed.
 */
class PropertiesTextTest {

    /** The text as it was written before {@link Codec.PropertiesText}: the reference. */
    private static String viaStore(Map<String, String> entries) {
        Properties p = new Properties();
        entries.forEach(p::setProperty);
        StringWriter out = new StringWriter();
        try {
            p.store(out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString().lines().filter(line -> !line.startsWith("#")).sorted().collect(Collectors.joining("\n"));
    }

    private static String viaText(Map<String, String> entries) {
        Codec.PropertiesText text = new Codec.PropertiesText();
        entries.forEach(text::setProperty);
        return text.text();
    }

    @Test
    void escapesEveryCharacterClassAsStoreDoes() {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("reason", " leading space, inner  spaces, trailing ");
        entries.put("slot.start", "2030-01-07T09:00:00Z");
        entries.put("key with spaces=and:marks#!", "value=with:marks#!\\back\\slash");
        entries.put("controls", "tab\tlf\ncr\rff\fbell\u0007nul\u0000del\u007f");
        entries.put("unicode", "Åsa Núñez – 東京 😀 \u2028");
        entries.put("", "empty key");
        entries.put("emptyValue", "");
        entries.put("late", "false");
        entries.put("lateFee.amount", "12.50");
        assertThat(viaText(entries)).isEqualTo(viaStore(entries));
    }

    @Test
    void noEntriesIsTheEmptyText() {
        assertThat(viaText(Map.of())).isEqualTo(viaStore(Map.of())).isEqualTo("");
    }

    @Test
    void randomTextsMatchStore() {
        Random random = new Random(20_260_105L);
        String alphabet = " \t\n\r\f=:#!\\\"'abcXYZ019.-_/\u0000\u001f\u007f\u0080\u00e9\u20ac\ud83d\ude00";
        for (int run = 0; run < 2_000; run++) {
            Map<String, String> entries = new LinkedHashMap<>();
            int n = random.nextInt(6);
            for (int i = 0; i < n; i++) {
                entries.put(randomText(random, alphabet), randomText(random, alphabet));
            }
            assertThat(viaText(entries)).as("run %d: %s", run, entries).isEqualTo(viaStore(entries));
        }
    }

    @Test
    void theTextReadsBackAsTheEntries() throws IOException {
        Map<String, String> entries = Map.of("reason", " été\n#1: a=b \\ c", "late", "true");
        Properties read = new Properties();
        read.load(new StringReader(viaText(entries)));
        assertThat(read).containsExactlyInAnyOrderEntriesOf(entries);
    }

    @Test
    void refusesANullValueAndAKeySetTwice() {
        Codec.PropertiesText text = new Codec.PropertiesText();
        assertThatThrownBy(() -> text.setProperty("reason", null)).isInstanceOf(NullPointerException.class);
        text.setProperty("late", "true");
        assertThatThrownBy(() -> text.setProperty("late", "false")).isInstanceOf(IllegalStateException.class);
    }

    private static String randomText(Random random, String alphabet) {
        int length = random.nextInt(12);
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
