package org.bookingrules.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ReminderState: one reminder per slot (R5)")
class ReminderStateTest {

    private static final Instant DUE = Instant.parse("2026-03-10T04:00:00Z");
    private static final Instant SENT = Instant.parse("2026-03-10T04:00:05Z");

    @Test
    @DisplayName("R5 none is neither armed nor sent")
    void none() {
        assertThat(ReminderState.none().isArmed()).isFalse();
        assertThat(ReminderState.none().isSent()).isFalse();
        assertThat(ReminderState.none()).isEqualTo(new ReminderState(null, null));
    }

    @Test
    @DisplayName("R5 an armed reminder is sent once, keeping when it was due")
    void armedThenSent() {
        ReminderState armed = ReminderState.armedFor(DUE);
        ReminderState sent = armed.sent(SENT);

        assertThat(armed.isArmed()).isTrue();
        assertThat(sent).isEqualTo(new ReminderState(DUE, SENT));
        assertThat(sent.isArmed()).isFalse();
        assertThat(sent.isSent()).isTrue();
        assertThatThrownBy(() -> sent.sent(SENT.plusSeconds(1))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ReminderState.none().sent(SENT)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    @DisplayName("a sent reminder must have been armed")
    void sentNeedsDue() {
        assertThatThrownBy(() -> new ReminderState(null, SENT)).isInstanceOf(NullPointerException.class);
    }
}
