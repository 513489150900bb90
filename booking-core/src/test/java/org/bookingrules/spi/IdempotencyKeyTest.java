package org.bookingrules.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The idempotency key value: its checks, and which stored key a new one replaces. */
@DisplayName("IdempotencyKey: a stored key is replaced only once it has expired")
class IdempotencyKeyTest {

    private static final String FINGERPRINT = "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b";
    private static final Instant NOW = Instant.parse("2026-03-02T09:00:00.123456Z");
    private static final Instant CUT_OFF = NOW.minusSeconds(86_400);

    private static IdempotencyKey stored(Instant createdAt) {
        return new IdempotencyKey("k", FINGERPRINT, "booking-1", createdAt, null);
    }

    private static final IdempotencyKey NEW = new IdempotencyKey("k", FINGERPRINT, "booking-2", NOW, CUT_OFF);

    @Test
    @DisplayName("A stored key created at or before the cut-off is replaced; one created after it is not")
    void replacesUpToTheCutOffInclusive() {
        assertThat(NEW.replaces(stored(CUT_OFF.minusSeconds(1)))).isTrue();
        assertThat(NEW.replaces(stored(CUT_OFF))).isTrue();
        assertThat(NEW.replaces(stored(CUT_OFF.plusNanos(1_000)))).isFalse();
        assertThat(NEW.replaces(stored(NOW))).isFalse();
    }

    @Test
    @DisplayName("A stored key of unknown age is never replaced, and a key without a cut-off replaces nothing")
    void unknownAgeOrNoCutOffReplacesNothing() {
        assertThat(NEW.replaces(new IdempotencyKey("k", FINGERPRINT, "booking-1"))).isFalse();
        assertThat(new IdempotencyKey("k", FINGERPRINT, "booking-2").replaces(stored(Instant.EPOCH))).isFalse();
    }

    @Test
    @DisplayName("asStored keeps the key's creation instant, or takes the given one, and drops the cut-off")
    void asStored() {
        assertThat(NEW.asStored(Instant.EPOCH)).isEqualTo(new IdempotencyKey("k", FINGERPRINT, "booking-2", NOW, null));
        assertThat(new IdempotencyKey("k", FINGERPRINT, "booking-2").asStored(NOW))
                .isEqualTo(new IdempotencyKey("k", FINGERPRINT, "booking-2", NOW, null));
    }

    @Test
    @DisplayName("A cut-off that is not before the creation instant is refused, naming it")
    void cutOffMustBeBeforeCreation() {
        assertThatThrownBy(() -> new IdempotencyKey("k", FINGERPRINT, "b", NOW, NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expiredUpTo");
        assertThatThrownBy(() -> new IdempotencyKey("", FINGERPRINT, "b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key");
    }
}
