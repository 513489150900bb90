package org.bookingrules.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The internal helpers on every change's path: name-based UUIDs and record null checks")
class NameUuidsAndChecksTest {

    @Test
    @DisplayName("a name-based UUID equals UUID.nameUUIDFromBytes of the name's UTF-8 bytes, for 5,000 names")
    void nameUuidsAreTheJdksOnes() {
        Random random = new Random(20261206L);
        for (int n = 0; n < 5_000; n++) {
            String name = randomName(random);
            assertThat(NameUuids.of(name)).as(name)
                    .isEqualTo(UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(NameUuids.of("clinic\nb-1\n2\nCANCELLED\nCUSTOMER").version()).isEqualTo(3);
    }

    @Test
    @DisplayName("threads computing ids at once each get the JDK's UUID (each thread has its own digest)")
    void nameUuidsAcrossThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                long seed = t;
                results.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    int wrong = 0;
                    for (int n = 0; n < 2_000; n++) {
                        String name = randomName(random);
                        if (!NameUuids.of(name).equals(UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)))) {
                            wrong++;
                        }
                    }
                    return wrong;
                }));
            }
            for (Future<Integer> r : results) {
                assertThat(r.get()).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("a null value is named by its field; a name list that does not match the values is refused")
    void nullChecksNameTheField() {
        Checks.nonNull("a, b, c", 1, "two", 3.0);
        Checks.nonNull("only", "x");
        assertThatThrownBy(() -> Checks.nonNull("first, second, third", 1, null, 3))
                .isInstanceOf(NullPointerException.class).hasMessage("second");
        assertThatThrownBy(() -> Checks.nonNull("first, second, third", 1, 2, null))
                .isInstanceOf(NullPointerException.class).hasMessage("third");
        assertThatThrownBy(() -> Checks.nonNull("first, second", 1, 2, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("2 names for 3 values: first, second");
        assertThatThrownBy(() -> Checks.nonNull("first, second, third", 1, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("3 names for 2 values: first, second, third");
    }

    /** 0 to 40 characters, ASCII mostly, with line breaks, accents and characters outside the BMP. */
    private static String randomName(Random random) {
        StringBuilder b = new StringBuilder();
        int length = random.nextInt(41);
        for (int i = 0; i < length; i++) {
            int pick = random.nextInt(20);
            if (pick == 0) {
                b.append('\n');
            } else if (pick == 1) {
                b.append((char) (0xC0 + random.nextInt(0x40)));
            } else if (pick == 2) {
                b.appendCodePoint(0x1F600 + random.nextInt(0x40));
            } else {
                b.append((char) (0x20 + random.nextInt(0x5F)));
            }
        }
        return b.toString();
    }
}
